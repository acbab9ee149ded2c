import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parisToday } from "../../app/domain/format.ts";
import type { Database } from "../../db/engine.ts";
import { jsonb } from "../../db/jsonb.ts";
import { createTestDatabase } from "../database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

describe("adhésions over HTTP: a request with its council decision PDF, kept input, download to those entitled", () => {
  let database: Database;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;
  let offerId = "";
  let otherReferentId = "";
  const pdf = new TextEncoder().encode("%PDF-1.7\n% délibération du conseil municipal\n%%EOF\n");

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400", { markPublicNames: false });
    b = await seedTenant(database.owner, "B", "215700", { markPublicNames: false });
    offerId = (
      await database.owner
        .insertInto("offers")
        .values({
          cooperative_id: a.cooperativeId,
          title: "Plateforme e-services",
          kind: "platform",
          status: "published",
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    const commune2 = await database.owner
      .insertInto("organisations")
      .values({
        cooperative_id: a.cooperativeId,
        kind: "commune",
        siren: sirenFrom("21340022"),
        insee_code: "34002",
        name: "Autre commune",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    otherReferentId = (
      await database.owner
        .insertInto("users")
        .values({ email: "referent2@213400.test", display_name: "Référent 2" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
    await database.owner
      .insertInto("memberships")
      .values({
        user_id: otherReferentId,
        organisation_id: commune2.id,
        cooperative_id: a.cooperativeId,
        role: "referent",
      })
      .execute();
    await database.owner.deleteFrom("notification_preferences").execute();
    portal = await servePortal(database);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  function postRequest(
    cookie: string,
    fields: Record<string, string>,
    file?: { bytes: Uint8Array<ArrayBuffer>; type: string },
  ) {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) form.append(name, value);
    if (file) form.append("councilDocument", new Blob([file.bytes], { type: file.type }), "délibération n°45.pdf");
    return fetch(`${portal.url}/adhesions/nouvelle?offre=${offerId}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: portal.url },
      body: form,
    });
  }

  const rowCounts = async () => ({
    subscriptions: (await database.owner.selectFrom("subscriptions").select("id").execute()).length,
    documents: (await database.owner.selectFrom("documents").select("id").execute()).length,
  });

  it("keeps the input on error and asks for the file again, writes nothing; then stores the PDF and serves it to those entitled only", async () => {
    const referent = await sessionCookieFor(database, a.referentUserId);
    const page = await fetch(`${portal.url}/adhesions/nouvelle?offre=${offerId}`, { headers: { Cookie: referent } });
    expect(page.status).toBe(200);
    const html = (await page.text()).replaceAll("<!-- -->", "");
    expect(html).toContain("Demander l&#x27;adhésion à « Plateforme e-services »");
    expect(html).toMatch(/enctype="multipart\/form-data"/i);

    const before = await rowCounts();
    const notPdf = await postRequest(
      referent,
      { councilNumber: "DEL-2026-45", councilDate: "" },
      { bytes: new TextEncoder().encode("<html><script>alert(1)</script>"), type: "text/html" },
    );
    expect(notPdf.status).toBe(400);
    const refused = (await notPdf.text()).replaceAll("<!-- -->", "");
    expect(refused).toContain('value="DEL-2026-45"');
    expect(refused).toContain("Indiquez la date de la délibération du conseil : cette offre l&#x27;exige.");
    expect(refused).toContain("Joignez un fichier PDF (la délibération signée).");
    expect(refused).toContain("Le fichier joint n&#x27;a pas été conservé : choisissez-le à nouveau.");

    const large = new Uint8Array(5 * 1024 * 1024 + 1);
    large.set(pdf);
    const tooLarge = await postRequest(
      referent,
      { councilNumber: "DEL-2026-45", councilDate: "2026-10-12" },
      { bytes: large, type: "application/pdf" },
    );
    expect(tooLarge.status).toBe(400);
    expect(await tooLarge.text()).toContain("Le fichier dépasse 5 Mo");
    expect(await rowCounts()).toEqual(before);

    const accepted = await postRequest(
      referent,
      { councilNumber: "DEL-2026-45", councilDate: "2026-10-12" },
      { bytes: pdf, type: "application/pdf" },
    );
    expect(accepted.status).toBe(302);
    const location = new URL(accepted.headers.get("Location") ?? "", portal.url);
    expect(location.pathname).toMatch(/^\/adhesions\/[0-9a-f-]{36}$/);
    expect(location.searchParams.get("demande")).toBe("1");
    const subscriptionId = location.pathname.split("/").pop() as string;
    const stored = await database.owner
      .selectFrom("subscriptions as s")
      .innerJoin("documents as d", "d.id", "s.council_document_id")
      .select(["s.status", "d.id", "d.filename", "d.size_bytes", "d.uploaded_by"])
      .where("s.id", "=", subscriptionId)
      .executeTakeFirstOrThrow();
    expect(stored).toMatchObject({
      status: "requested",
      filename: "délibération n_45.pdf",
      size_bytes: pdf.length,
      uploaded_by: a.referentUserId,
    });
    expect(await portal.mails()).toContainEqual(
      expect.objectContaining({
        to: "admin-a@213400.test",
        text: expect.stringContaining(`/adhesions/${subscriptionId}`),
      }),
    );

    const detail = await fetch(`${portal.url}/adhesions/${subscriptionId}`, { headers: { Cookie: referent } });
    expect(await detail.text()).toContain(`/documents/${stored.id}`);

    const download = (cookie?: string) =>
      fetch(`${portal.url}/documents/${stored.id}`, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
    for (const cookie of [referent, await sessionCookieFor(database, a.adminUserId)]) {
      const response = await download(cookie);
      expect(response.status).toBe(200);
      expect(response.headers.get("Content-Type")).toBe("application/pdf");
      expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(response.headers.get("Content-Disposition")).toMatch(
        /^attachment; filename="d_lib_ration n_45\.pdf"; filename\*=UTF-8''/,
      );
      expect(new Uint8Array(await response.arrayBuffer())).toEqual(pdf);
    }
    for (const cookie of [
      await sessionCookieFor(database, otherReferentId),
      await sessionCookieFor(database, b.referentUserId),
      await sessionCookieFor(database, b.adminUserId),
    ]) {
      const response = await download(cookie);
      expect(response.status).toBe(404);
      expect(await response.text()).not.toContain("%PDF");
    }
    expect((await download()).status).toBe(302);

    // The operator admin sees the effective date before confirming, approves, and the referent is told.
    const admin = await sessionCookieFor(database, a.adminUserId);
    const confirm = await fetch(`${portal.url}/adhesions/${subscriptionId}?etape=approve`, {
      headers: { Cookie: admin },
    });
    expect((await confirm.text()).replaceAll("<!-- -->", "")).toMatch(
      /L&#x27;adhésion prendra effet le <strong>\d{1,2} \S+ \d{4}<\/strong>/,
    );
    const approved = await fetch(`${portal.url}/adhesions/${subscriptionId}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: admin, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "approve" }).toString(),
    });
    expect(approved.status).toBe(302);
    expect(await portal.mails()).toContainEqual(
      expect.objectContaining({
        to: "referent-a@213400.test",
        subject: "Demande d'adhésion à « Plateforme e-services » acceptée",
        text: expect.stringContaining(`/adhesions/${subscriptionId}`),
      }),
    );
    const again = await fetch(`${portal.url}/adhesions/${subscriptionId}`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: admin, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ intent: "approve" }).toString(),
    });
    expect(again.status).toBe(400);
    expect((await again.text()).replaceAll("<!-- -->", "")).toContain(
      "Cette demande n&#x27;est plus en attente (déjà acceptée)",
    );
  });

  it("exports the operator's filtered table as CSV for French Excel", async () => {
    const admin = await sessionCookieFor(database, a.adminUserId);
    const response = await fetch(`${portal.url}/adhesions/export.csv?statut=active`, { headers: { Cookie: admin } });
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    const text = await response.text();
    // fetch drops the byte order mark when decoding; the lines are CRLF and ";"-separated.
    const lines = text.replace(/^\uFEFF/, "").split("\r\n");
    expect(lines[0]).toBe(
      "Organisation;Offre;Statut;Depuis;Jusqu'au;Options;Quantités déclarées;Demandée le;Préavis donné le",
    );
    const rows = lines.slice(1).filter(Boolean);
    // Two platforms and the fixture's thematic network (test/tenants.ts).
    expect(rows.length).toBe(3);
    expect(rows.every((row) => row.split(";")[2] !== "Demandée")).toBe(true);
    expect(rows.some((row) => row.startsWith("Territoire A commune;Plateforme e-services;"))).toBe(true);
    const none = await fetch(`${portal.url}/adhesions/export.csv?statut=withdrawn`, { headers: { Cookie: admin } });
    expect(
      (await none.text())
        .replace(/^\uFEFF/, "")
        .split("\r\n")
        .filter(Boolean),
    ).toHaveLength(1);
  });

  it("asks, on a change of a subscription not started yet, the units of the pricing of its first year", async () => {
    // The change is checked against the pricing of the year it applies to: the form must ask that pricing's units.
    const year = Number(parisToday(new Date()).slice(0, 4));
    const offer = await database.owner
      .insertInto("offers")
      .values({
        cooperative_id: a.cooperativeId,
        title: "Plateforme SIG",
        kind: "platform",
        status: "published",
        takes_effect: "next_january",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const perUnit = (unit: string, unitLabel: string) => ({
      kind: "shares",
      base: { parts: [{ kind: "perUnitRate", unit, unitLabel, rateMillicents: 10_000_000 }] },
      options: [],
    });
    await database.owner
      .insertInto("pricings")
      .values([
        {
          cooperative_id: a.cooperativeId,
          offer_id: offer.id,
          year_from: year,
          year_to: year,
          definition: jsonb(perUnit("agents", "Agents suivis")),
        },
        {
          cooperative_id: a.cooperativeId,
          offer_id: offer.id,
          year_from: year + 1,
          year_to: year + 1,
          definition: jsonb(perUnit("postes", "Postes équipés")),
        },
      ])
      .execute();
    const subscription = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: a.communeId,
        offer_id: offer.id,
        status: "active",
        starts_on: `${year + 1}-01-01`,
        declared_units: jsonb({ postes: 1200 }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const referent = await sessionCookieFor(database, a.referentUserId);
    const page = await fetch(`${portal.url}/adhesions/${subscription.id}?etape=change`, {
      headers: { Cookie: referent },
    });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Postes équipés");
    expect(html).not.toContain("Agents suivis");
  });

  it("answers 404 to a member asking the request form of an archived or draft offer, as for an unknown one", async () => {
    const hidden = await database.owner
      .insertInto("offers")
      .values([
        { cooperative_id: a.cooperativeId, title: "Ancienne offre", kind: "platform", status: "archived" },
        { cooperative_id: a.cooperativeId, title: "Offre en préparation", kind: "platform", status: "draft" },
      ])
      .returning(["id", "status"])
      .execute();
    const referent = await sessionCookieFor(database, a.referentUserId);
    for (const offer of hidden) {
      const page = await fetch(`${portal.url}/adhesions/nouvelle?offre=${offer.id}`, { headers: { Cookie: referent } });
      expect(page.status, offer.status).toBe(404);
      expect(await page.text(), offer.status).not.toContain("Ancienne offre");
    }
  });
});
