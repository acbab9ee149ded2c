import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { createTestDatabase } from "../database.ts";
import { reviewedFingerprint, seedStatementsYear } from "../statements.ts";
import { seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

describe("appels de fonds over HTTP: the admin reviews and issues the year, the referent reads and downloads", () => {
  let database: Database;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let admin = "";
  let referent = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400", { markPublicNames: false });
    await seedStatementsYear(database.owner, a, "213400");
    portal = await servePortal(database);
    admin = await sessionCookieFor(database, a.adminUserId);
    referent = await sessionCookieFor(database, a.referentUserId);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  const post = (form: Record<string, string>) =>
    fetch(`${portal.url}/appels-de-fonds`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: admin, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });

  it("shows why a half-year cannot be issued yet, refuses it with the same words and writes nothing", async () => {
    const page = await (
      await fetch(`${portal.url}/appels-de-fonds?annee=2026&semestre=2`, { headers: { Cookie: admin } })
    ).text();
    expect(page).toContain("Émission impossible pour l&#x27;instant");
    expect(page).toContain("le coût réel du 2d semestre 2026 n&#x27;est pas saisi");
    const refused = await post({ intent: "issue", annee: "2026", semestre: "2" });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("Saisissez-le avant d&#x27;émettre.");
    expect(await database.owner.selectFrom("statements").select("id").where("year", "=", 2026).execute()).toEqual([]);
  });

  it("previews per member and offer with explanations, confirms, issues; the referent reads its statement and its PDF", async () => {
    const preview = await (
      await fetch(`${portal.url}/appels-de-fonds?annee=2026&confirmer=emettre`, { headers: { Cookie: admin } })
    ).text();
    expect(preview).toContain("Plateforme e-services — Offre de base");
    expect(preview).toContain("Au prorata de la population totale 2026");
    expect(preview).toContain("Confirmer l&#x27;émission");
    // Only what was reviewed is issued: without the confirmation's fingerprint, nothing.
    const unreviewed = await post({ intent: "issue", annee: "2026", semestre: "" });
    expect(unreviewed.status).toBe(400);
    expect(await unreviewed.text()).toContain("Relisez les montants avant d&#x27;émettre");
    const empreinte = await reviewedFingerprint(portal.url, admin);
    const issued = await post({ intent: "issue", annee: "2026", semestre: "", empreinte });
    expect(issued.status).toBe(200);
    // The year leaves the cost keys to their half-years: the e-services' three subscribers, the commune first.
    expect(await issued.text()).toContain("3 appel(s) de fonds émis (n° 2026-0001 à 2026-0003).");

    const list = await (await fetch(`${portal.url}/appels-de-fonds`, { headers: { Cookie: referent } })).text();
    expect(list).toContain("2026-0001");
    expect(list).not.toContain("2026-0002");
    const statement = await database.owner
      .selectFrom("statements")
      .select("id")
      .where("number", "=", "2026-0001")
      .where("cooperative_id", "=", a.cooperativeId)
      .executeTakeFirstOrThrow();
    const page = await (
      await fetch(`${portal.url}/appels-de-fonds/${statement.id}`, { headers: { Cookie: referent } })
    ).text();
    expect(page).toContain("Appel de fonds n° 2026-0001");
    expect(page).toContain("Délibération n° DCM-2025-042 du 15 octobre 2025 (Plateforme e-services)");
    expect(page).toContain("Au prorata de la population totale 2026");
    const pdf = await fetch(`${portal.url}/appels-de-fonds/${statement.id}/pdf`, { headers: { Cookie: referent } });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get("Content-Type")).toBe("application/pdf");
    expect(new TextDecoder().decode((await pdf.arrayBuffer()).slice(0, 5))).toBe("%PDF-");

    const again = await post({ intent: "issue", annee: "2026", semestre: "", empreinte });
    expect(again.status).toBe(400);
    expect(await again.text()).toContain("ont déjà été émis");
  });
});
