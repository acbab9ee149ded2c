import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonb } from "../../db/jsonb.ts";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

describe("the catalogue over HTTP: an operator admin's offer from draft to archive, and the CSV export", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;
  let admin = "";
  let referent = "";
  let offerId = "";
  /** A second commune of A, with its own referent, subscribing to the new offer; a third that does not. */
  let secondReferentEmail = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    admin = await sessionCookieFor(database, a.adminUserId);
    referent = await sessionCookieFor(database, a.referentUserId);
    const second = await database.owner
      .insertInto("organisations")
      .values({
        cooperative_id: a.cooperativeId,
        kind: "commune",
        siren: sirenFrom("21340022"),
        insee_code: "34002",
        name: "Deuxième commune",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const user = await database.owner
      .insertInto("users")
      .values({ email: "referent2@213400.test", display_name: "Référente deux" })
      .returning(["id", "email"])
      .executeTakeFirstOrThrow();
    secondReferentEmail = user.email;
    await database.owner
      .insertInto("memberships")
      .values({ user_id: user.id, organisation_id: second.id, cooperative_id: a.cooperativeId, role: "referent" })
      .execute();
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const get = (path: string, cookie: string) =>
    fetch(`${portal.url}${path}`, { redirect: "manual", headers: { Cookie: cookie } });
  const post = (path: string, form: Record<string, string | string[]>, cookie = admin) => {
    const body = new URLSearchParams();
    for (const [key, value] of Object.entries(form)) {
      for (const item of Array.isArray(value) ? value : [value]) body.append(key, item);
    }
    return fetch(`${portal.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  };
  const offer = () =>
    database.owner.selectFrom("offers").selectAll().where("id", "=", offerId).executeTakeFirstOrThrow();
  const auditActions = async () =>
    (
      await database.owner
        .selectFrom("audit_events")
        .select("action")
        .where("cooperative_id", "=", a.cooperativeId)
        .where("action", "like", "offer.%")
        .orderBy("created_at")
        .execute()
    ).map((row) => row.action);

  const form = {
    title: "Plateforme e-administration",
    summary: "Parapheur électronique et télétransmission des actes",
    description: "Un parapheur partagé.\n\nAvec la télétransmission au contrôle de légalité.",
    categoryId: "",
    kind: "platform",
    contactName: "Mission mutualisation",
    contactEmail: "mutualisation@metropole.test",
    eligibleKinds: ["commune", "ccas"],
    requiresCouncilDecision: "on",
    requiresApproval: "on",
    takesEffect: "next_january",
    noticeMonths: "6",
    optionKey: ["", ""],
    optionLabel: ["Module RH (paie)", ""],
    optionDescription: ["Bulletins de paie dématérialisés", ""],
  };

  it("refuses an invalid offer with French messages beside the fields, the input kept, nothing written", async () => {
    const before = await database.owner.selectFrom("offers").select("id").execute();
    const response = await post("/catalogue/nouvelle", {
      ...form,
      title: " ",
      eligibleKinds: [],
      noticeMonths: "-1",
      contactEmail: "pas-une-adresse",
    });
    expect(response.status).toBe(400);
    const html = await response.text();
    expect(html).toContain("Indiquez le titre de l&#x27;offre.");
    expect(html).toContain("Cochez au moins un type d&#x27;organisation qui peut adhérer.");
    expect(html).toContain("Le préavis ne peut pas être négatif.");
    expect(html).toContain("Saisissez une adresse électronique valide.");
    expect(html).toContain('value="pas-une-adresse"');
    expect(html).toContain("Module RH (paie)");
    expect(await database.owner.selectFrom("offers").select("id").execute()).toHaveLength(before.length);
  });

  it("creates the offer as a draft, with an option keyed from its label; members do not see it", async () => {
    const response = await post("/catalogue/nouvelle", form);
    expect(response.status).toBe(302);
    const location = response.headers.get("Location") ?? "";
    offerId = /\/catalogue\/([0-9a-f-]{36})\/modifier/.exec(location)?.[1] ?? "";
    expect(offerId).not.toBe("");
    expect(await offer()).toMatchObject({
      status: "draft",
      title: "Plateforme e-administration",
      eligible_kinds: ["commune", "ccas"],
      takes_effect: "next_january",
      notice_months: 6,
      requires_council_decision: true,
      options: [{ key: "module-rh-paie", label: "Module RH (paie)", description: "Bulletins de paie dématérialisés" }],
    });
    expect((await get(`/catalogue/${offerId}`, referent)).status).toBe(404);
    expect(await (await get("/catalogue", referent)).text()).not.toContain("Plateforme e-administration");
    expect(await (await get("/catalogue?statut=draft", admin)).text()).toContain("Plateforme e-administration");
  });

  it("keeps a saved option's key: dropping it is refused", async () => {
    const response = await post(`/catalogue/${offerId}/modifier`, {
      ...form,
      intent: "save",
      optionKey: [""],
      optionLabel: [""],
      optionDescription: [""],
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain("Une option enregistrée ne se supprime pas");
    expect((await offer()).options).toHaveLength(1);
  });

  it("publishes it: members read its terms in plain French and may ask to join", async () => {
    const published = await post(`/catalogue/${offerId}/modifier`, { intent: "publish" });
    expect(published.status).toBe(200);
    expect((await offer()).status).toBe("published");
    const page = await get(`/catalogue/${offerId}`, referent);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Les communes et les CCAS.");
    expect(html).toContain("L&#x27;adhésion prend effet au 1er janvier de l&#x27;année suivante.");
    expect(html).toContain("6 mois de préavis pour résilier.");
    expect(html).toContain(`/adhesions/nouvelle?offre=${offerId}`);
    expect(html).toContain(`/catalogue/${offerId}/simulateur`);
    // The other cooperative's admin: not found.
    expect((await get(`/catalogue/${offerId}`, await sessionCookieFor(database, b.adminUserId))).status).toBe(404);
  });

  it("publishes rulebook versions 1 then 2, each notifying the referents of today's subscribers only", async () => {
    const second = await database.owner
      .selectFrom("organisations")
      .select("id")
      .where("siren", "=", sirenFrom("21340022"))
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("subscriptions")
      .values([
        { cooperative_id: a.cooperativeId, organisation_id: second.id, offer_id: offerId, starts_on: "2026-01-01" },
        // Ended last year: its referent is not asked.
        {
          cooperative_id: a.cooperativeId,
          organisation_id: a.communeId,
          offer_id: offerId,
          starts_on: "2024-01-01",
          ends_on: "2025-12-31",
          option_keys: jsonb(["module-rh-paie"]),
        },
      ])
      .execute();
    const before = (await portal.mails()).length;
    const empty = await post(`/catalogue/${offerId}/modifier`, { intent: "rulebook", body: "   " });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Saisissez le texte du règlement.");

    for (const version of [1, 2]) {
      const response = await post(`/catalogue/${offerId}/modifier`, {
        intent: "rulebook",
        body: `Article 1. V${version}`,
      });
      expect(response.status).toBe(200);
      expect(await response.text()).toContain(`Version ${version} du règlement publiée ; 1 référent est prévenu.`);
    }
    const versions = await database.owner
      .selectFrom("rulebook_versions")
      .select(["version", "body"])
      .where("offer_id", "=", offerId)
      .orderBy("version")
      .execute();
    expect(versions).toEqual([
      { version: 1, body: "Article 1. V1" },
      { version: 2, body: "Article 1. V2" },
    ]);
    const mails = (await portal.mails()).slice(before);
    expect(mails.map((mail) => [mail.to, mail.subject])).toEqual([
      [secondReferentEmail, "Nouveau règlement de « Plateforme e-administration » (version 1) à accepter"],
      [secondReferentEmail, "Nouveau règlement de « Plateforme e-administration » (version 2) à accepter"],
    ]);
    expect(mails[0]?.text).toContain(`/catalogue/${offerId}`);
  });

  it("lists the offer's subscribers with their dates and options, and exports them", async () => {
    const html = await (await get(`/catalogue/${offerId}/adherents`, admin)).text();
    expect(html).toContain("Deuxième commune");
    expect(html).toContain("Module RH (paie)");
    const csv = await (await get(`/catalogue/${offerId}/adherents.csv`, admin)).text();
    const lines = csv.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe("Organisation;SIREN;Statut;Depuis;Jusqu'au;Options;Unités déclarées");
    expect(lines).toContain(`Deuxième commune;${sirenFrom("21340022")};Active;01/01/2026;;;`);
    expect(lines).toContain(
      `${a.marker} commune;${sirenFrom("21340011")};Active;01/01/2024;31/12/2025;Module RH (paie);`,
    );
    expect((await get(`/catalogue/${offerId}/adherents`, referent)).status).toBe(403);
  });

  it("exports the filtered catalogue as CSV for French Excel: BOM, ';', CRLF, only the rows filtered", async () => {
    const response = await get("/catalogue/export.csv?q=E%20ADMINISTRATION", referent);
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(
      /^attachment; filename="catalogue-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const withBom = new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes);
    expect(withBom.startsWith("\uFEFF")).toBe(true);
    const text = withBom.slice(1);
    expect(text.endsWith("\r\n")).toBe(true);
    const lines = text.split("\r\n").filter(Boolean);
    // Members: no status column. This year the second commune; last year the fixture commune.
    expect(lines).toEqual([
      "Offre;Catégorie;Type;Qui peut adhérer;Membres adhérents 2026;Membres adhérents 2025",
      "Plateforme e-administration;;Plateforme mutualisée;Commune, CCAS;1;1",
    ]);
    const everything = await (await get("/catalogue/export.csv", admin)).text();
    expect(everything.split("\r\n")[0]).toContain(";Statut;");
    expect(everything).toContain(`${a.marker} offre`);
    expect(everything).not.toContain(b.marker);
  });

  it("archives only after confirmation; an archived offer is gone for members and no longer requestable", async () => {
    const confirm = await (await get(`/catalogue/${offerId}/modifier?archiver=1`, admin)).text();
    expect(confirm).toContain("Confirmer l&#x27;archivage");
    expect((await offer()).status).toBe("published");
    const archived = await post(`/catalogue/${offerId}/modifier`, { intent: "archive" });
    expect(archived.status).toBe(200);
    expect((await offer()).status).toBe("archived");
    expect((await get(`/catalogue/${offerId}`, referent)).status).toBe(404);
    const adminView = await (await get(`/catalogue/${offerId}`, admin)).text();
    expect(adminView).toContain("Archivée");
    // Archiving twice is not a move the lifecycle allows.
    expect((await post(`/catalogue/${offerId}/modifier`, { intent: "archive" })).status).toBe(400);
    expect(await auditActions()).toEqual([
      "offer.created",
      "offer.published",
      "offer.rulebook_published",
      "offer.rulebook_published",
      "offer.archived",
    ]);
  });
});
