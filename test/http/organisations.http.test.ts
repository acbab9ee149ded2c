import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

describe("an operator admin manages the cooperative's organisations", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let tenant: Tenant;
  let cookie = "";
  const ccasSiren = sirenFrom("26340001");

  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
    cookie = await sessionCookieFor(database, tenant.adminUserId);
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const post = (path: string, form: Record<string, string>) =>
    fetch(`${portal.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  const organisation = (siren: string) =>
    database.owner.selectFrom("organisations").selectAll().where("siren", "=", siren).executeTakeFirst();

  it("adds a CCAS with its contact; a second one with the same SIREN is refused, the input kept", async () => {
    const form = {
      name: "CCAS de la commune A",
      kind: "ccas",
      siren: `${ccasSiren.slice(0, 3)} ${ccasSiren.slice(3, 6)} ${ccasSiren.slice(6)}`,
      contactEmail: "ccas@commune-a.test",
      contactPhone: "04 67 00 00 00",
    };
    const added = await post("/organisations/nouvelle", form);
    expect(added.status).toBe(302);
    expect(added.headers.get("Location")).toContain(`q=${ccasSiren}`);
    expect(await organisation(ccasSiren)).toMatchObject({
      name: "CCAS de la commune A",
      kind: "ccas",
      contact_email: "ccas@commune-a.test",
      territory_member: false,
      inactive_since: null,
    });

    const again = await post("/organisations/nouvelle", { ...form, name: "Doublon" });
    expect(again.status).toBe(400);
    const html = await again.text();
    expect(html).toContain("Une organisation de la coopérative a déjà ce SIREN.");
    expect(html).toContain('value="Doublon"');
  });

  it("refuses a bad SIREN with a French message beside the field", async () => {
    const response = await post("/organisations/nouvelle", { name: "Partenaire", kind: "other", siren: "123456789" });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste.");
    expect(html).toMatch(/id="siren"[^>]*aria-invalid="true"/);
  });

  it("marks an organisation inactive from a date, never deleting it", async () => {
    const { id } = (await organisation(ccasSiren)) ?? { id: "" };
    const edited = await post(`/organisations/${id}/modifier`, {
      name: "CCAS de la commune A",
      kind: "ccas",
      siren: ccasSiren,
      inactiveSince: "2026-12-31",
    });
    expect(edited.status).toBe(302);
    expect(await organisation(ccasSiren)).toMatchObject({ inactive_since: "2026-12-31", contact_email: null });
  });

  it("keeps the identity of a commune of the EPCI, which the territory import maintains", async () => {
    await database.owner
      .updateTable("organisations")
      .set({ territory_member: true })
      .where("id", "=", tenant.communeId)
      .execute();
    const before = await database.owner
      .selectFrom("organisations")
      .selectAll()
      .where("id", "=", tenant.communeId)
      .executeTakeFirstOrThrow();
    const edited = await post(`/organisations/${tenant.communeId}/modifier`, {
      name: "Autre nom",
      kind: "other",
      siren: ccasSiren,
      contactEmail: "mairie@commune-a.test",
    });
    expect(edited.status).toBe(302);
    const after = await database.owner
      .selectFrom("organisations")
      .selectAll()
      .where("id", "=", tenant.communeId)
      .executeTakeFirstOrThrow();
    expect(after).toMatchObject({
      name: before.name,
      kind: "commune",
      siren: before.siren,
      contact_email: "mairie@commune-a.test",
    });
  });
});
