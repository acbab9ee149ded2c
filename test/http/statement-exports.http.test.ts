import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requestScopeFactory } from "../../app/context.server.ts";
import { statementsCsv } from "../../app/domain/statement-exports/csv.ts";
import { STATEMENTS_SHEET_NAME } from "../../app/domain/statement-exports/xlsx.ts";
import { statementDocumentsOfYear } from "../../app/queries/statements.server.ts";
import type { Database } from "../../db/engine.ts";
import { createTestDatabase } from "../database.ts";
import { completeFixtureCostKey, reviewedFingerprint, seedStatementsYear } from "../statements.ts";
import { addOperatorAdmin, seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";
import { startStatementsExport, waitForStatementsExport } from "./statement-exports.ts";

describe("the statements' whole-year export over HTTP: started, built in the background, followed, downloaded", () => {
  let database: Database;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;
  let admin = "";
  let secondAdmin = "";
  let referent = "";
  let adminOfB = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400", { markPublicNames: false });
    b = await seedTenant(database.owner, "B", "215700", { markPublicNames: false });
    await seedStatementsYear(database.owner, a, "213400");
    await completeFixtureCostKey(database.owner, a, 250);
    // Another operator admin of A: the same cooperative, not the same person.
    const secondAdminId = await addOperatorAdmin(database.owner, a, "admin2@213400.test");
    portal = await servePortal(database);
    admin = await sessionCookieFor(database, a.adminUserId);
    secondAdmin = await sessionCookieFor(database, secondAdminId);
    referent = await sessionCookieFor(database, a.referentUserId);
    adminOfB = await sessionCookieFor(database, b.adminUserId);
    const empreinte = await reviewedFingerprint(portal.url, admin);
    const issued = await post(admin, { intent: "issue", annee: "2026", semestre: "", empreinte });
    expect(issued.status).toBe(200);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  function post(cookie: string, form: Record<string, string>) {
    return fetch(`${portal.url}/appels-de-fonds`, {
      method: "POST",
      redirect: "manual",
      headers: { Cookie: cookie, Origin: portal.url, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
    });
  }
  const get = (cookie: string, path: string) =>
    fetch(`${portal.url}${path}`, { redirect: "manual", headers: { Cookie: cookie } });

  async function expectedDocuments(year: number) {
    return requestScopeFactory(database.app)(a.context).transaction((trx) =>
      statementDocumentsOfYear(trx, a.cooperativeId, year),
    );
  }

  it("offers the export beside the year's statements", async () => {
    const page = await (await get(admin, "/appels-de-fonds?annee=2026")).text();
    expect(page).toContain("Exporter en CSV");
    expect(page).toContain("Exporter en XLSX (Excel)");
  });

  it("shows the progress, then a link to the CSV file, exactly the command line's file", async () => {
    const path = await startStatementsExport(portal.url, admin, 2026, "csv");
    const first = await (await get(admin, path)).text();
    expect(first).toContain("Export des appels de fonds 2026 en CSV");
    expect(first).toMatch(/<progress id="avancement" max="3" value="[0-3]"/);
    expect(first).toMatch(/role="status">[^<]*[0-3] \/ 3 appels de fonds/);

    const done = await waitForStatementsExport(portal.url, admin, path);
    expect(done).toContain("Export terminé : 3 / 3 appels de fonds.");
    expect(done).toContain('<progress id="avancement" max="3" value="3"');
    expect(done).toContain(`href="${path}/fichier"`);
    const file = await get(admin, `${path}/fichier`);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(file.headers.get("Content-Disposition")).toBe('attachment; filename="appels-de-fonds-2026.csv"');
    expect(file.headers.get("Cache-Control")).toBe("private, no-store");
    const documents = await expectedDocuments(2026);
    expect(documents).toHaveLength(3);
    expect(new Uint8Array(await file.arrayBuffer())).toEqual(new TextEncoder().encode(statementsCsv(documents)));

    // The statements page lists the admin's exports of the year.
    const statements = await (await get(admin, "/appels-de-fonds?annee=2026")).text();
    expect(statements).toContain(`href="${path}"`);
    expect(statements).toContain("CSV — prêt");
  });

  it("writes the XLSX workbook, one row per statement line", async () => {
    const path = await startStatementsExport(portal.url, admin, 2026, "xlsx");
    await waitForStatementsExport(portal.url, admin, path);
    const file = await get(admin, `${path}/fichier`);
    expect(file.status).toBe(200);
    expect(file.headers.get("Content-Type")).toBe("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await file.arrayBuffer()) as never);
    const sheet = workbook.getWorksheet(STATEMENTS_SHEET_NAME);
    const documents = await expectedDocuments(2026);
    const lines = documents.reduce((count, document) => count + document.lines.length, 0);
    expect(sheet?.actualRowCount).toBe(lines + 1);
  });

  it("gives the running export back when it is started twice", async () => {
    const first = await startStatementsExport(portal.url, admin, 2024, "xlsx");
    const again = await startStatementsExport(portal.url, admin, 2024, "xlsx");
    const done = await waitForStatementsExport(portal.url, admin, first);
    expect(done).toContain("Export terminé : 1 / 1 appel de fonds.");
    // Either the same job (still running at the second click) or a new one for the finished one: both are done.
    await waitForStatementsExport(portal.url, admin, again);
  });

  it("refuses, in French, a year without statements and an unknown format", async () => {
    const empty = await post(admin, { intent: "export", annee: "2030", format: "csv" });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain("Aucun appel de fonds émis en 2030 : rien à exporter.");
    const format = await post(admin, { intent: "export", annee: "2026", format: "pdf" });
    expect(format.status).toBe(400);
    expect(await format.text()).toContain("Choisissez le format CSV ou XLSX.");
  });

  it("shows the export and its file to the admin who started it only", async () => {
    const path = await startStatementsExport(portal.url, admin, 2026, "csv");
    await waitForStatementsExport(portal.url, admin, path);
    for (const someoneElse of [secondAdmin, adminOfB]) {
      expect((await get(someoneElse, path)).status).toBe(404);
      const file = await get(someoneElse, `${path}/fichier`);
      expect(file.status).toBe(404);
      expect(await file.text()).not.toContain("Commune 22");
    }
    expect((await get(referent, path)).status).toBe(403);
    expect((await get(referent, `${path}/fichier`)).status).toBe(403);
    expect((await post(referent, { intent: "export", annee: "2026", format: "csv" })).status).toBe(403);
    const anonymous = await fetch(`${portal.url}${path}/fichier`, { redirect: "manual" });
    expect(anonymous.status).toBe(302);
    expect(anonymous.headers.get("Location")).toMatch(/^\/connexion/);
    // B's admin exports B's statements, and finds only its own.
    const ofB = await startStatementsExport(portal.url, adminOfB, 2024, "csv");
    await waitForStatementsExport(portal.url, adminOfB, ofB);
    const csv = await (await get(adminOfB, `${ofB}/fichier`)).text();
    expect(csv).toContain(b.marker);
    expect(csv).not.toContain(a.marker);
    expect((await get(admin, ofB)).status).toBe(404);
  });
});
