import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS, applyRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { requestScopeFactory } from "../context.server.ts";
import { enrolTotp, removeTotp, secondFactorStatus, verifySecondFactor } from "./second-factor.server.ts";
import { resolveSession, startSession } from "./session.server.ts";
import { THROTTLES } from "./throttle.server.ts";
import { hashToken } from "./tokens.server.ts";
import { generateTotpSecret, totpCodeAt, totpStepAt } from "./totp.server.ts";

const T0 = new Date("2026-11-27T08:00:10Z");
const seconds = (count: number) => new Date(T0.getTime() + count * 1000);
const STEP0 = totpStepAt(T0);

describe(`second factor (${testEngine})`, () => {
  let database: Database;
  let tenant: Tenant;
  let clientNumber = 0;
  const client = () => ({ ipAddress: `198.51.100.${++clientNumber}`, userAgent: "Vitest" });
  const scope = () => requestScopeFactory(database.app)(ANONYMOUS);

  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    testStartedAt = new Date();
    await database.owner.deleteFrom("throttle_hits").execute();
    await database.owner.deleteFrom("recovery_codes").execute();
    await database.owner.deleteFrom("totp_credentials").execute();
  });

  /** A session as the password step leaves it: the user is known, the second factor not yet proven. */
  const newSession = (userId: string, now = T0) =>
    scope().withLookup({}, async (trx) => {
      await applyRequestContext(trx, { ...ANONYMOUS, userId });
      const { token } = await startSession(trx, userId, { userAgent: null, ipAddress: null }, now);
      return hashToken(token);
    });
  const state = (sessionId: string, policy: "required" | "optional" = "required") =>
    scope().withLookup({ sessionId }, (trx) => resolveSession(trx, sessionId, T0, policy));
  const status = (userId: string) =>
    scope().withLookup({}, async (trx) => {
      await applyRequestContext(trx, { ...ANONYMOUS, userId });
      return secondFactorStatus(trx, userId);
    });
  /** The log is append-only: read the events of this test only. */
  let testStartedAt = new Date();
  const auditActions = async (userId: string) =>
    (
      await database.owner
        .selectFrom("audit_events")
        .select("action")
        .where("actor_user_id", "=", userId)
        .where("action", "like", "second_factor.%")
        .where("created_at", ">=", testStartedAt)
        .orderBy("created_at")
        .execute()
    ).map((row) => row.action);
  const enrol = async (userId: string, sessionId: string, secret = generateTotpSecret(), now = T0) => {
    const result = await enrolTotp(
      scope(),
      { userId, sessionId, secret, code: totpCodeAt(secret, totpStepAt(now)) },
      client(),
      now,
    );
    if (!result.ok) throw new Error("enrolment refused");
    return { secret, recoveryCodes: result.recoveryCodes };
  };
  const verify = (userId: string, sessionId: string, code: string, now = T0, kind: "totp" | "recovery" = "totp") =>
    verifySecondFactor(scope(), { userId, sessionId, code, kind }, client(), now);

  it("an operator admin without an authenticator must enrol first, unless the demo relaxes it; a referent need not", async () => {
    const adminSession = await newSession(tenant.adminUserId);
    expect(await state(adminSession)).toMatchObject({ status: "second_factor", need: "enrol" });
    expect(await state(adminSession, "optional")).toMatchObject({ status: "signed_in" });
    expect(await state(await newSession(tenant.referentUserId))).toMatchObject({
      status: "signed_in",
      authentication: { secondFactor: { enrolled: false, required: false } },
    });
  });

  it("enrolment: a wrong code stores nothing; the right one stores the key, ten recovery codes, and verifies the session", async () => {
    const sessionId = await newSession(tenant.adminUserId);
    const secret = generateTotpSecret();
    const wrongCode = String((Number(totpCodeAt(secret, STEP0)) + 1) % 1_000_000).padStart(6, "0");
    expect(
      await enrolTotp(scope(), { userId: tenant.adminUserId, sessionId, secret, code: wrongCode }, client(), T0),
    ).toEqual({ ok: false });
    expect(await status(tenant.adminUserId)).toMatchObject({ enrolled: false, recoveryCodesLeft: 0 });

    const { recoveryCodes } = await enrol(tenant.adminUserId, sessionId, secret);
    expect(recoveryCodes).toHaveLength(10);
    expect(await status(tenant.adminUserId)).toMatchObject({ enrolled: true, recoveryCodesLeft: 10 });
    expect(await state(sessionId)).toMatchObject({ status: "signed_in" });
    // The phone's code that enrolled cannot sign in again.
    expect(await verify(tenant.adminUserId, await newSession(tenant.adminUserId), totpCodeAt(secret, STEP0))).toEqual({
      ok: false,
      reason: "invalid",
    });
    const stored = await database.owner.selectFrom("recovery_codes").select("code_hash").execute();
    expect(JSON.stringify(stored)).not.toContain(recoveryCodes[0]);
  });

  it("each new session owes a code: accepted once, the neighbouring step too, never one from a minute ago", async () => {
    const { secret } = await enrol(tenant.adminUserId, await newSession(tenant.adminUserId));
    const later = seconds(120);
    const step = totpStepAt(later);
    const sessionId = await newSession(tenant.adminUserId, later);
    expect(await state(sessionId)).toMatchObject({ status: "second_factor", need: "verify" });

    expect(await verify(tenant.adminUserId, sessionId, totpCodeAt(secret, step - 2), later)).toMatchObject({
      ok: false,
    });
    expect(await verify(tenant.adminUserId, sessionId, totpCodeAt(secret, step - 1), later)).toEqual({ ok: true });
    expect(await state(sessionId)).toMatchObject({ status: "signed_in" });

    const other = await newSession(tenant.adminUserId, later);
    expect(await verify(tenant.adminUserId, other, totpCodeAt(secret, step - 1), later)).toMatchObject({ ok: false });
    expect(await verify(tenant.adminUserId, other, totpCodeAt(secret, step), later)).toEqual({ ok: true });
    expect(await verify(tenant.adminUserId, other, totpCodeAt(secret, step), later)).toMatchObject({ ok: false });
    expect(await auditActions(tenant.adminUserId)).toEqual([
      "second_factor.enrolled",
      "second_factor.failed",
      "second_factor.verified",
      "second_factor.failed",
      "second_factor.verified",
      "second_factor.failed",
    ]);
  });

  it("a recovery code signs in once; re-enrolling replaces the key and every recovery code", async () => {
    const { recoveryCodes } = await enrol(tenant.adminUserId, await newSession(tenant.adminUserId));
    const [first = "", second = ""] = recoveryCodes;
    const sessionId = await newSession(tenant.adminUserId);
    expect(
      await verify(tenant.adminUserId, sessionId, first.toLowerCase().replaceAll("-", " "), T0, "recovery"),
    ).toEqual({ ok: true });
    expect(await state(sessionId)).toMatchObject({ status: "signed_in" });
    expect(await verify(tenant.adminUserId, await newSession(tenant.adminUserId), first, T0, "recovery")).toMatchObject(
      { ok: false, reason: "invalid" },
    );
    expect(await status(tenant.adminUserId)).toMatchObject({ recoveryCodesLeft: 9 });

    const { secret: newSecret } = await enrol(tenant.adminUserId, sessionId, generateTotpSecret(), seconds(60));
    expect(
      await verify(tenant.adminUserId, await newSession(tenant.adminUserId), second, T0, "recovery"),
    ).toMatchObject({ ok: false });
    expect(await status(tenant.adminUserId)).toMatchObject({ enrolled: true, recoveryCodesLeft: 10 });
    const stored = await database.owner.selectFrom("totp_credentials").select("secret").execute();
    expect(stored).toEqual([{ secret: newSecret }]);
  });

  it("stops after five wrong codes on an account, even with the right one", async () => {
    const { secret } = await enrol(tenant.adminUserId, await newSession(tenant.adminUserId));
    const sessionId = await newSession(tenant.adminUserId);
    for (let attempt = 0; attempt < THROTTLES.account.limit; attempt++) {
      expect(await verify(tenant.adminUserId, sessionId, "000000", seconds(60))).toMatchObject({ reason: "invalid" });
    }
    const result = await verify(
      tenant.adminUserId,
      sessionId,
      totpCodeAt(secret, totpStepAt(seconds(60))),
      seconds(60),
    );
    expect(result).toMatchObject({ ok: false, reason: "throttled" });
    expect(await state(sessionId)).toMatchObject({ status: "second_factor", need: "verify" });
  });

  it("someone not required to may turn it off: key and recovery codes go, the event is logged", async () => {
    await enrol(tenant.referentUserId, await newSession(tenant.referentUserId));
    await removeTotp(scope(), tenant.referentUserId, client());
    expect(await status(tenant.referentUserId)).toEqual({ enrolled: false, enrolledAt: null, recoveryCodesLeft: 0 });
    expect(await auditActions(tenant.referentUserId)).toEqual(["second_factor.enrolled", "second_factor.removed"]);
  });
});
