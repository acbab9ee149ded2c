import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setPassword } from "../../app/auth/sign-in.server.tsx";
import { requestScopeFactory } from "../../app/context.server.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { ADMIN_TOTP_SECRET, seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, signInOverHttp } from "./server.ts";

const PASSWORD = "une phrase de passe solide";

describe("the audit log", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    const scope = requestScopeFactory(database.app)(ANONYMOUS);
    for (const userId of [a.adminUserId, a.referentUserId, b.referentUserId])
      await setPassword(scope, userId, PASSWORD);
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const signIn = (email: string, password = PASSWORD) =>
    signInOverHttp(portal.url, {
      email,
      password,
      totpSecret: email.startsWith("admin-") ? ADMIN_TOTP_SECRET : undefined,
    });

  it("records sign-ins, failures and sign-outs, and shows the cooperative's to its operator admins only", async () => {
    await signIn("referent-a@213400.test", "pas le bon mot de passe");
    const referent = await signIn("referent-a@213400.test");
    await fetch(`${portal.url}/deconnexion`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: referent, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: "",
    });
    await signIn("referent-b@215700.test");
    await signIn("personne@inconnue.test", "peu importe");

    const events = await database.owner
      .selectFrom("audit_events")
      .select(["action", "cooperative_id", "subject", "ip_address"])
      .where("action", "like", "s%")
      .orderBy("created_at")
      .execute();
    expect(events.map((event) => event.action)).toEqual([
      "sign_in.failed",
      "sign_in.succeeded",
      "session.signed_out",
      "sign_in.succeeded",
      "sign_in.failed",
    ]);
    // A refused sign-in on an account goes to its cooperative's log; on an unknown address, to none.
    expect(events[0]).toMatchObject({ cooperative_id: a.cooperativeId, subject: "referent-a@213400.test" });
    expect(events[4]).toMatchObject({ cooperative_id: null, subject: "personne@inconnue.test" });
    expect(events[1]).toMatchObject({ cooperative_id: a.cooperativeId, ip_address: "127.0.0.1" });

    const admin = await signIn("admin-a@213400.test");
    const journal = await fetch(`${portal.url}/journal?action=sign_in.succeeded`, { headers: { Cookie: admin } });
    expect(journal.status).toBe(200);
    const html = await journal.text();
    expect(html).toContain(`${a.marker} referent`);
    expect(html).not.toContain(b.marker);
    const failures = await (
      await fetch(`${portal.url}/journal?action=sign_in.failed`, { headers: { Cookie: admin } })
    ).text();
    expect(failures).toContain("referent-a@213400.test");
    expect(failures).not.toContain("personne@inconnue.test");

    const asReferent = await fetch(`${portal.url}/journal`, {
      headers: { Cookie: await signIn("referent-a@213400.test") },
    });
    expect(asReferent.status).toBe(403);
  });
});
