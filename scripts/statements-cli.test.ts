import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db/engine.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { completeFixtureCostKey, seedStatementsYear } from "../test/statements.ts";
import { seedTenant, sirenFrom, type Tenant } from "../test/tenants.ts";

// `npm run cli -- statements` end to end: a PGlite data directory prepared here, the command spawned on it.

const tsx = path.resolve("node_modules/.bin/tsx");
const root = mkdtempSync(path.join(tmpdir(), "portal-statements-"));
const dataDir = path.join(root, "pglite");
const epci = sirenFrom("21340000");

function cli(args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, PUBLIC_URL: "https://portail.example" };
  delete env.DATABASE_URL;
  const result = spawnSync(tsx, ["scripts/cli.ts", "statements", ...args], { env, timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString("utf8") };
}

async function withDatabase<T>(work: (database: Awaited<ReturnType<typeof openDatabase>>) => Promise<T>) {
  const database = await openDatabase({ engine: "pglite", dataDir });
  try {
    return await work(database);
  } finally {
    await database.close();
  }
}

const countStatements = (tenant: Tenant) =>
  withDatabase(
    async (database) =>
      (
        await database.owner
          .selectFrom("statements")
          .select("number")
          .where("cooperative_id", "=", tenant.cooperativeId)
          .where("year", "=", 2026)
          .execute()
      ).length,
  );

describe("npm run cli -- statements", () => {
  let tenant: Tenant;

  beforeAll(async () => {
    await withDatabase(async (database) => {
      await migrateToLatest(database.owner);
      tenant = await seedTenant(database.owner, "A", "213400");
      await seedStatementsYear(database.owner, tenant, "213400");
    });
  }, 60_000);
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("refuses bad arguments with exit code 2 and the usage", () => {
    for (const args of [["emettre"], ["issue", "--epci", "123456789", "--year", "2026"], ["issue", "--epci", epci]]) {
      const result = cli(args);
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain("Usage : npm run cli -- statements issue|list|export");
    }
    expect(cli(["export", "--epci", epci, "--year", "2026", "--format", "pdf"]).stderr).toMatch(/^--format : « pdf »/);
  }, 60_000);

  it("refuses to issue a cost-key half-year lacking its actual cost: exit 1, nothing written", async () => {
    const result = cli(["issue", "--epci", epci, "--year", "2026", "--half", "2"]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("le coût réel du 2d semestre 2026 n'est pas saisi");
    expect(await countStatements(tenant)).toBe(0);
  }, 60_000);

  it("issues the year and a cost-key half-year, lists them, refuses a second issue, exports it in CSV and XLSX", async () => {
    await withDatabase((database) => completeFixtureCostKey(database.owner, tenant, 250));
    const issued = cli(["issue", "--epci", epci, "--year", "2026"]);
    expect(issued.stderr).toBe("");
    expect(issued.status).toBe(0);
    expect(issued.stdout.toString("utf8")).toBe(
      `${tenant.marker} coopérative : 3 appel(s) de fonds émis (n° 2026-0001 à 2026-0003), 1 tarification(s) figée(s).\n`,
    );
    expect(await countStatements(tenant)).toBe(3);
    const half = cli(["issue", "--epci", epci, "--year", "2026", "--half", "1"]);
    expect(half.status).toBe(0);
    expect(half.stdout.toString("utf8")).toBe(
      `${tenant.marker} coopérative : 2 appel(s) de fonds émis (n° 2026-0004 à 2026-0005), 2 tarification(s) figée(s).\n`,
    );

    const list = cli(["list", "--epci", epci, "--year", "2026"]);
    expect(list.status).toBe(0);
    expect(
      list.stdout
        .toString("utf8")
        .trim()
        .split("\n")
        .map((line) => line.slice(0, 9)),
    ).toEqual(["2026-0001", "2026-0002", "2026-0003", "2026-0004", "2026-0005"]);

    const again = cli(["issue", "--epci", epci, "--year", "2026"]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/^Les appels de fonds de la période « Année 2026 » ont déjà été émis/);
    expect(await countStatements(tenant)).toBe(5);

    const csv = cli(["export", "--epci", epci, "--year", "2026", "--format", "csv"]);
    expect(csv.status).toBe(0);
    const text = csv.stdout.toString("utf8");
    expect(text.startsWith("\ufeff")).toBe(true);
    for (const number of ["2026-0001", "2026-0002", "2026-0003", "2026-0004", "2026-0005"]) {
      expect(text).toContain(number);
    }

    const xlsx = cli(["export", "--epci", epci, "--year", "2026", "--format", "xlsx"]);
    expect(xlsx.status).toBe(0);
    // A ZIP archive (Office Open XML).
    expect(xlsx.stdout.subarray(0, 2).toString("latin1")).toBe("PK");

    const empty = cli(["export", "--epci", epci, "--year", "2031"]);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toBe("Aucun appel de fonds émis en 2031 : rien à exporter.\n");
  }, 120_000);
});
