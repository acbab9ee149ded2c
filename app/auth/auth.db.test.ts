import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import { outboxMails, type QueuedMail } from "../../test/outbox.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { type RequestScope, requestScopeFactory } from "../context.server.ts";
import { SESSION_ABSOLUTE_LIFETIME_MS, SESSION_IDLE_TIMEOUT_MS } from "../domain/session-policy.ts";
import { disableUser } from "../queries/users.server.ts";
import { type Authentication, resolveSession } from "./session.server.ts";
import {
  consumeLink,
  requestEmailLink,
  resetPassword,
  setPassword,
  signInWithLink,
  signInWithPassword,
} from "./sign-in.server.tsx";
import { THROTTLES } from "./throttle.server.ts";
import { generateToken, hashToken } from "./tokens.server.ts";

const PASSWORD = "une phrase de passe solide";
const T0 = new Date("2026-11-27T08:00:00Z");
const minutes = (count: number) => count * 60_000;
const at = (ms: number) => new Date(T0.getTime() + ms);

describe(`sign-in and sessions (${testEngine})`, () => {
  let database: Database;
  let tenant: Tenant;
  let scope: (context?: typeof ANONYMOUS) => RequestScope;
  let clientNumber = 0;
  const services = () => ({ publicUrl: "https://portail.test" });
  // A fresh address per test, so that throttling counts stay per test.
  const client = () => ({ ipAddress: `192.0.2.${++clientNumber}`, userAgent: "Vitest" });

  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
    const scopes = requestScopeFactory(database.app);
    scope = (context = ANONYMOUS) => scopes(context);
    await setPassword(scope(), tenant.referentUserId, PASSWORD);
  });
  afterAll(() => database.close());
  // Each test starts with no attempt counted (sign-ins and link requests all count).
  beforeEach(async () => {
    await database.owner.deleteFrom("throttle_hits").execute();
    await database.owner.deleteFrom("outbox_emails").execute();
  });
  const mails = () => outboxMails(database.owner);

  const email = "referent-a@213400.test";
  /** The referent has no second factor: a valid session is signed in straight away. */
  const resolve = async (token: string, now: Date): Promise<Authentication | null> => {
    const sessionId = hashToken(token);
    const state = await scope().withLookup({ sessionId }, (trx) => resolveSession(trx, sessionId, now, "required"));
    if (state && state.status !== "signed_in") throw new Error(`unexpected second factor step: ${state.status}`);
    return state?.authentication ?? null;
  };
  const signIn = async (now = T0) => {
    const result = await signInWithPassword(scope(), { email, password: PASSWORD }, client(), now);
    if (!result.ok) throw new Error(`sign-in failed: ${result.reason}`);
    return result;
  };
  const requested = async (...args: Parameters<typeof requestEmailLink>) => {
    const result = await requestEmailLink(...args);
    await result.delivery;
    return result;
  };
  const linkFromMail = (mail: QueuedMail | undefined) => {
    const match = mail?.text.match(/jeton=([A-Za-z0-9_-]+)/);
    if (!match?.[1]) throw new Error("no link in the mail");
    return match[1];
  };

  describe("tokens", () => {
    it("carry 256 random bits, and only their SHA-256 reaches the database", async () => {
      const token = generateToken();
      expect(Buffer.from(token, "base64url")).toHaveLength(32);
      expect(new Set(Array.from({ length: 100 }, generateToken)).size).toBe(100);

      const { token: sessionToken } = await signIn();
      const stored = await database.owner.selectFrom("sessions").selectAll().execute();
      const text = JSON.stringify(stored);
      expect(text).not.toContain(sessionToken);
      expect(stored.map((session) => session.id)).toContain(hashToken(sessionToken));
    });

    it("are new at every sign-in", async () => {
      const first = await signIn();
      const second = await signIn();
      expect(second.token).not.toBe(first.token);
      expect(await resolve(second.token, T0)).not.toBeNull();
    });
  });

  describe("a session", () => {
    it("identifies the user and their active membership", async () => {
      const { token } = await signIn();
      const authentication = await resolve(token, at(minutes(1)));
      expect(authentication?.user.email).toBe(email);
      expect(authentication?.context).toEqual(tenant.referentContext);
    });

    it("slides with use, ends after the idle timeout", async () => {
      const { token } = await signIn();
      expect(await resolve(token, at(SESSION_IDLE_TIMEOUT_MS - minutes(1)))).not.toBeNull();
      // Used just before: idle counts from that use.
      expect(await resolve(token, at(2 * SESSION_IDLE_TIMEOUT_MS - minutes(2)))).not.toBeNull();
      expect(await resolve(token, at(3 * SESSION_IDLE_TIMEOUT_MS))).toBeNull();
      // Gone for good, even at a time it would have been valid.
      expect(await resolve(token, at(2 * SESSION_IDLE_TIMEOUT_MS - minutes(1)))).toBeNull();
    });

    it("ends at its absolute lifetime however often it is used", async () => {
      const { token } = await signIn();
      for (let used = minutes(60); used < SESSION_ABSOLUTE_LIFETIME_MS; used += minutes(60)) {
        expect(await resolve(token, at(used))).not.toBeNull();
      }
      expect(await resolve(token, at(SESSION_ABSOLUTE_LIFETIME_MS))).toBeNull();
    });

    it("is worth nothing after sign-out", async () => {
      const { token } = await signIn();
      const authentication = await resolve(token, T0);
      if (!authentication) throw new Error("not signed in");
      await scope(authentication.context).transaction((trx) =>
        trx.deleteFrom("sessions").where("id", "=", authentication.sessionId).execute(),
      );
      expect(await resolve(token, T0)).toBeNull();
    });

    it("and every other one of the user end when an operator admin disables them", async () => {
      const first = await signIn();
      const second = await signIn();
      const disabled = await scope(tenant.context).transaction((trx) => disableUser(trx, tenant.referentUserId, T0));
      expect(disabled).toBe(true);
      const left = await database.owner
        .selectFrom("sessions")
        .select("id")
        .where("user_id", "=", tenant.referentUserId)
        .execute();
      expect(left).toEqual([]);
      expect(await resolve(first.token, T0)).toBeNull();
      expect(await resolve(second.token, T0)).toBeNull();
      const again = await signInWithPassword(scope(), { email, password: PASSWORD }, client(), T0);
      expect(again).toEqual({ ok: false, reason: "invalid" });
      await database.owner
        .updateTable("users")
        .set({ disabled_at: null })
        .where("id", "=", tenant.referentUserId)
        .execute();
    });
  });

  it("cannot be disabled by the user themself, nor by a referent", async () => {
    for (const context of [tenant.referentContext, { ...tenant.referentContext, role: "operator_admin" as const }]) {
      const attempt = scope(context).transaction((trx) => disableUser(trx, tenant.referentUserId, T0));
      await expect(attempt).rejects.toMatchObject({ code: "42501" });
    }
    const direct = scope(tenant.referentContext).transaction((trx) =>
      trx.updateTable("users").set({ disabled_at: T0 }).where("id", "=", tenant.referentUserId).execute(),
    );
    await expect(direct).rejects.toMatchObject({ code: "42501" });
  });

  it("of a member of two cooperatives cannot be disabled by one cooperative's admin", async () => {
    const other = await seedTenant(database.owner, "B", "215700");
    await database.owner
      .insertInto("memberships")
      .values({
        user_id: tenant.referentUserId,
        organisation_id: other.communeId,
        cooperative_id: other.cooperativeId,
        role: "viewer",
      })
      .execute();
    const attempt = await scope(tenant.context).transaction((trx) => disableUser(trx, tenant.referentUserId, T0));
    expect(attempt).toBe(false);
    await database.owner
      .deleteFrom("memberships")
      .where("cooperative_id", "=", other.cooperativeId)
      .where("user_id", "=", tenant.referentUserId)
      .execute();
  });

  describe("password sign-in", () => {
    it("answers the same for a wrong password and an unknown address", async () => {
      const wrong = await signInWithPassword(scope(), { email, password: "pas le bon mot de passe" }, client(), T0);
      const unknown = await signInWithPassword(
        scope(),
        { email: "personne@nulle-part.test", password: PASSWORD },
        client(),
        T0,
      );
      expect(wrong).toEqual({ ok: false, reason: "invalid" });
      expect(unknown).toEqual(wrong);
    });

    it("is throttled per account: a sixth try within the window fails even with the right password", async () => {
      const target = "admin-a@213400.test";
      await setPassword(scope(), tenant.adminUserId, PASSWORD);
      for (let attempt = 0; attempt < THROTTLES.account.limit; attempt++) {
        const result = await signInWithPassword(scope(), { email: target, password: "mauvais essai" }, client(), T0);
        expect(result).toEqual({ ok: false, reason: "invalid" });
      }
      const blocked = await signInWithPassword(scope(), { email: target, password: PASSWORD }, client(), T0);
      expect(blocked).toMatchObject({ ok: false, reason: "throttled" });
      // The next window lets the right password in.
      const later = at(THROTTLES.account.windowMs);
      expect(await signInWithPassword(scope(), { email: target, password: PASSWORD }, client(), later)).toMatchObject({
        ok: true,
      });
    });

    it("is throttled generously per IP address: a town hall's many accounts share one", async () => {
      const townHall = { ipAddress: "198.51.100.7", userAgent: "Vitest" };
      for (let attempt = 0; attempt < THROTTLES.ip.limit; attempt++) {
        const result = await signInWithPassword(
          scope(),
          { email: `agent${attempt}@mairie.test`, password: "mauvais essai" },
          townHall,
          T0,
        );
        expect(result.ok === false && result.reason).toBe("invalid");
      }
      expect(await signInWithPassword(scope(), { email, password: PASSWORD }, townHall, T0)).toMatchObject({
        ok: false,
        reason: "throttled",
      });
    }, 60_000);
  });

  describe("emailed links", () => {
    it("sign in once: of two concurrent confirmations exactly one succeeds", async () => {
      await requested(scope(), services(), { email, purpose: "sign_in" }, client(), T0);
      const [mail, ...others] = await mails();
      expect(others).toEqual([]);
      expect(mail).toMatchObject({ to: email, subject: "Votre lien de connexion" });
      const token = linkFromMail(mail);
      expect(mail?.text).toContain(`https://portail.test/connexion/lien?jeton=${token}`);

      const results = await Promise.all([
        signInWithLink(scope(), token, client(), at(minutes(1))),
        signInWithLink(scope(), token, client(), at(minutes(1))),
      ]);
      expect(results.filter((result) => result.ok)).toHaveLength(1);
      expect(await signInWithLink(scope(), token, client(), at(minutes(2)))).toEqual({ ok: false, reason: "invalid" });
    });

    it("expire after 10 minutes", async () => {
      await requested(scope(), services(), { email, purpose: "sign_in" }, client(), T0);
      const token = linkFromMail((await mails())[0]);
      expect(await consumeLink(scope(), token, "sign_in", at(minutes(10)))).toBeNull();
    });

    it("are sent only to existing accounts, and only serve their purpose", async () => {
      await requested(scope(), services(), { email: "inconnu@nulle-part.test", purpose: "sign_in" }, client(), T0);
      expect(await mails()).toEqual([]);
      await requested(scope(), services(), { email, purpose: "password_reset" }, client(), T0);
      const token = linkFromMail((await mails())[0]);
      expect(await consumeLink(scope(), token, "sign_in", T0)).toBeNull();
    });

    it("reset the password and end the other sessions", async () => {
      const before = await signIn();
      await requested(scope(), services(), { email, purpose: "password_reset" }, client(), T0);
      const token = linkFromMail((await mails())[0]);
      const reset = await resetPassword(scope(), token, "un tout nouveau mot de passe", client(), at(minutes(1)));
      expect(reset.ok).toBe(true);
      expect(await resolve(before.token, at(minutes(2)))).toBeNull();
      const old = await signInWithPassword(scope(), { email, password: PASSWORD }, client(), at(minutes(2)));
      expect(old).toEqual({ ok: false, reason: "invalid" });
      await setPassword(scope(), tenant.referentUserId, PASSWORD);
    });
  });
});
