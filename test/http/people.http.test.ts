import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

describe("people of the cooperative", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    await seedTenant(database.owner, "B", "215700");
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  it("lists them for the operator admin, who disables an account after confirming: its sessions end", async () => {
    const admin = await sessionCookieFor(database, a.adminUserId);
    const referentSession = await sessionCookieFor(database, a.referentUserId);
    const list = await (await fetch(`${portal.url}/personnes`, { headers: { Cookie: admin } })).text();
    expect(list).toContain(`${a.marker} referent`);
    expect(list).not.toContain("MARKER-B");

    const confirm = await (
      await fetch(`${portal.url}/personnes?desactiver=${a.referentUserId}`, { headers: { Cookie: admin } })
    ).text();
    expect(confirm).toContain("Confirmer la désactivation");

    const disabled = await fetch(`${portal.url}/personnes`, {
      method: "POST",
      headers: { Cookie: admin, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ userId: a.referentUserId }).toString(),
    });
    expect(disabled.status).toBe(200);
    expect(await disabled.text()).toContain("Compte désactivé");
    const after = await fetch(`${portal.url}/accueil`, { redirect: "manual", headers: { Cookie: referentSession } });
    expect(after.status).toBe(302);
    const audit = await database.owner
      .selectFrom("audit_events")
      .select("action")
      .where("action", "=", "user.disabled")
      .execute();
    expect(audit).toHaveLength(1);
  });
});
