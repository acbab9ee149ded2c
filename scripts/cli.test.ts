import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/engine.ts";
import { jsonb } from "../db/jsonb.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedTenant, sirenFrom, type Tenant } from "../test/tenants.ts";

// `npm run cli -- shares` end to end: a PGlite data directory prepared here, the command spawned on it.

const tsx = path.resolve("node_modules/.bin/tsx");
const root = mkdtempSync(path.join(tmpdir(), "portal-shares-"));
const dataDir = path.join(root, "pglite");

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir };
  delete env.DATABASE_URL;
  const result = spawnSync(tsx, ["scripts/cli.ts", ...args], { env, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const quoted = sirenFrom("21340022");

describe("npm run cli -- shares", { timeout: 60_000 }, () => {
  let tenant: Tenant;
  let offerId: string;
  let joiningId: string;

  beforeAll(async () => {
    const database = await openDatabase({ engine: "pglite", dataDir });
    try {
      await migrateToLatest(database.owner);
      tenant = await seedTenant(database.owner, "A", "213400");
      const joining = await database.owner
        .insertInto("organisations")
        .values({
          cooperative_id: tenant.cooperativeId,
          kind: "commune",
          siren: quoted,
          insee_code: "34002",
          name: 'Commune "B" ; test',
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      joiningId = joining.id;
      await database.owner
        .insertInto("population_figures")
        .values({
          organisation_id: joining.id,
          cooperative_id: tenant.cooperativeId,
          year: 2026,
          basis: "total",
          population: 3_000,
          source: "test",
        })
        .execute();
      const offer = await database.owner
        .insertInto("offers")
        .values({ cooperative_id: tenant.cooperativeId, title: "Plateforme e-services", kind: "platform" })
        .returning("id")
        .executeTakeFirstOrThrow();
      offerId = offer.id;
      await database.owner
        .insertInto("pricings")
        .values(
          [2026, 2027].map((year) => ({
            cooperative_id: tenant.cooperativeId,
            offer_id: offer.id,
            year_from: year,
            year_to: year,
            // 2027 refers to populations of 2027, which nobody has.
            definition: jsonb({
              kind: "shares",
              population: { basis: "total", year },
              proration: "day",
              base: {
                parts: [{ kind: "split", totalCents: 100_000, weight: { kind: "population" } }],
                subsidyBasisPoints: 5_000,
              },
            }),
          })),
        )
        .execute();
      await database.owner
        .insertInto("subscriptions")
        .values(
          [
            { organisation_id: tenant.communeId, starts_on: "2025-01-01" },
            { organisation_id: joining.id, starts_on: "2026-07-01" },
          ].map((row) => ({ ...row, cooperative_id: tenant.cooperativeId, offer_id: offer.id })),
        )
        .execute();
    } finally {
      await database.close();
    }
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const epci = () => sirenFrom("21340000");

  it("prints every member's computed share as JSON, amounts in cents", () => {
    const result = cli(["shares", "--epci", epci(), "--year", "2026", "--format", "json"]);
    expect(result.status).toBe(0);
    // What cannot be computed yet is said on stderr, and kept in the JSON.
    expect(result.stderr).toBe(
      "Remarque : « MARKER-A-213400 offre » : coût réel du 2d semestre 2026 non saisi, rien à répartir pour ce semestre.\n",
    );
    const output = JSON.parse(result.stdout);
    expect(output).toMatchObject({ year: 2026, issued: false, cooperative: { siren: epci() } });
    const lines = output.lines.map((line: Record<string, unknown>) => [
      line.offerId,
      line.organisationId,
      line.grossCents,
      line.subsidyCents,
      line.netCents,
      line.invoiced,
    ]);
    expect(lines).toEqual([
      // The fixture's cost key: 100 % of an actual cost of 1,00 € for the first half of 2026.
      [tenant.offerId, tenant.operatorId, 100, 0, 100, true],
      // 1 000,00 € by population 1 000 / 3 000, half subsidised; the commune joining on 1 July pays 184/365.
      [offerId, tenant.communeId, 25_000, 12_500, 12_500, true],
      [offerId, joiningId, 37_808, 18_904, 18_904, true],
    ]);
    expect(output.totals).toEqual({ grossCents: 62_908, subsidyCents: 31_404, netCents: 31_504 });
    expect(output.lines[2].explanation).toContain("présent 184 jours sur 365");
    expect(output.notes).toEqual([expect.stringContaining("coût réel du 2d semestre 2026 non saisi")]);
  });

  it("writes CSV for French Excel, and one offer alone with --offer", () => {
    const result = cli(["shares", "--epci", epci(), "--year", "2026", "--format", "csv", "--offer", offerId]);
    expect(result.status).toBe(0);
    expect(
      result.stdout.startsWith(
        "\uFEFFOffre;Élément;SIREN;Membre;Brut (€);Subvention (€);Net (€);Facturé;Explication\r\n",
      ),
    ).toBe(true);
    const rows = result.stdout.slice(1).split("\r\n");
    expect(rows).toHaveLength(4);
    expect(rows[3]).toBe("");
    expect(rows[2]).toMatch(
      new RegExp(
        `^Plateforme e-services;Offre de base;${quoted};"Commune ""B"" ; test";378,08;189,04;189,04;oui;"Au prorata`,
      ),
    );
  });

  it("prints a readable listing by default", () => {
    const result = cli(["shares", "--epci", epci(), "--year", "2026"]);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain("quotes-parts calculées pour 2026, non émises");
    expect(result.stdout).toContain("Plateforme e-services");
    expect(result.stdout).toContain(
      "Total : brut 629,08\u00a0€, subventions 314,04\u00a0€, net facturé 315,04\u00a0€ (3 lignes).",
    );
  });

  it("refuses, naming what is missing: unknown cooperative, year without pricing, missing population, unknown offer", () => {
    const unknown = cli(["shares", "--epci", "200039865", "--year", "2026"]);
    expect([unknown.status, unknown.stdout]).toEqual([1, ""]);
    expect(unknown.stderr).toContain("Aucune coopérative de SIREN 200039865 dans la base");

    const noPricing = cli(["shares", "--epci", epci(), "--year", "2031"]);
    expect([noPricing.status, noPricing.stdout]).toEqual([1, ""]);
    expect(noPricing.stderr).toContain("Aucune tarification en 2031 pour MARKER-A-213400 coopérative");

    const missing = cli(["shares", "--epci", epci(), "--year", "2027", "--format", "csv"]);
    expect([missing.status, missing.stdout]).toEqual([1, ""]);
    expect(missing.stderr).toContain(
      `« Plateforme e-services » : Population totale 2027 inconnue pour MARKER-A-213400 commune (SIREN ${sirenFrom("21340011")}).`,
    );

    const offer = cli([
      "shares",
      "--epci",
      epci(),
      "--year",
      "2026",
      "--offer",
      "00000000-0000-4000-8000-000000000000",
    ]);
    expect(offer.status).toBe(1);
    expect(offer.stderr).toContain("Aucune offre d'identifiant 00000000-0000-4000-8000-000000000000");
  }, 60_000);

  it("explains its usage on bad arguments (exit 2)", () => {
    for (const args of [
      [],
      ["shares", "--year", "2026"],
      ["shares", "--epci", "123456789", "--year", "2026"],
      ["shares", "--epci", epci(), "--year", "26"],
      ["shares", "--epci", epci(), "--year", "2026", "--format", "xlsx"],
    ]) {
      const result = cli(args);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr, args.join(" ")).toContain("Usage : npm run cli -- shares");
    }
  }, 60_000);

  it("says so when a running portal holds the embedded database", () => {
    // This test process is alive: its PID in the lock file is a running owner.
    writeFileSync(`${dataDir}.lock`, String(process.pid));
    try {
      const result = cli(["shares", "--epci", epci(), "--year", "2026"]);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe("");
      expect(result.stderr).toContain(
        `est ouverte par le processus ${process.pid}, sans doute le portail lancé par npm start`,
      );
    } finally {
      rmSync(`${dataDir}.lock`, { force: true });
    }
  });
});
