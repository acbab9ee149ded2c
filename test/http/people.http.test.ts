import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

describe("people of the cooperative", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const post = (cookie: string, form: Record<string, string>) =>
    fetch(`${portal.url}/personnes`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  const membershipOf = (userId: string) =>
    database.owner.selectFrom("memberships").select(["id", "role"]).where("user_id", "=", userId).executeTakeFirst();

  it("lets the operator admin change a referent's role and remove an agent, after confirming; audited", async () => {
    const admin = await sessionCookieFor(database, a.adminUserId);
    const referent = await membershipOf(a.referentUserId);
    const page = await (
      await fetch(`${portal.url}/personnes?membre=${referent?.id}`, { headers: { Cookie: admin } })
    ).text();
    expect(page).toContain("Enregistrer le rôle");
    // Only roles of a member organisation are offered (not operator admin).
    expect(page).not.toContain('value="operator_admin"');

    const refused = await post(admin, { intent: "role", membershipId: referent?.id ?? "", role: "operator_admin" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("ne permet pas d'attribuer ce rôle");
    expect((await membershipOf(a.referentUserId))?.role).toBe("referent");

    const changed = await post(admin, { intent: "role", membershipId: referent?.id ?? "", role: "agent" });
    expect(changed.status).toBe(200);
    expect(await changed.text()).toContain("Rôle modifié");
    expect((await membershipOf(a.referentUserId))?.role).toBe("agent");

    const confirm = await (
      await fetch(`${portal.url}/personnes?membre=${referent?.id}&retirer=1`, { headers: { Cookie: admin } })
    ).text();
    expect(confirm).toContain("Confirmer le retrait");
    const removed = await post(admin, { intent: "remove", membershipId: referent?.id ?? "" });
    expect(await removed.text()).toContain("retirée de l'organisation");
    expect(await membershipOf(a.referentUserId)).toBeUndefined();

    const events = await database.owner
      .selectFrom("audit_events")
      .select(["action", "details", "subject"])
      .where("action", "like", "membership.%")
      .orderBy("created_at")
      .execute();
    expect(events.map((event) => [event.action, event.details])).toEqual([
      ["membership.role_changed", { from: "referent", to: "agent" }],
      ["membership.removed", { role: "agent" }],
    ]);
    // Put the referent back for the next test.
    await database.owner
      .insertInto("memberships")
      .values({
        user_id: a.referentUserId,
        organisation_id: a.communeId,
        cooperative_id: a.cooperativeId,
        role: "referent",
      })
      .execute();
  });

  it("never lets someone change their own membership, a referent an admin's, nor anyone the other cooperative's", async () => {
    const admin = await sessionCookieFor(database, a.adminUserId);
    const referent = await sessionCookieFor(database, a.referentUserId);
    const own = await membershipOf(a.adminUserId);
    const bReferent = await membershipOf(b.referentUserId);
    expect((await post(admin, { intent: "remove", membershipId: own?.id ?? "" })).status).toBe(404);
    expect((await post(referent, { intent: "remove", membershipId: own?.id ?? "" })).status).toBe(404);
    expect((await post(admin, { intent: "role", membershipId: bReferent?.id ?? "", role: "agent" })).status).toBe(404);
    expect((await membershipOf(a.adminUserId))?.role).toBe("operator_admin");
    expect((await membershipOf(b.referentUserId))?.role).toBe("referent");
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
