import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const tsx = path.resolve("node_modules/.bin/tsx");

function run(script: string, args: string[], env: Record<string, string> = {}) {
  const dataDir = env.DATA_DIR ?? path.join(mkdtempSync(path.join(tmpdir(), "portal-cli-")), "pglite");
  const baseEnv: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, ...env };
  delete baseEnv.DATABASE_URL;
  const result = spawnSync(tsx, [script, ...args], { env: baseEnv, encoding: "utf8", timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, dataDir };
}

describe("command line", () => {
  it("territory:import refuses an unknown EPCI, then imports one and reports no change the second time", () => {
    const unknown = run("scripts/territory-import.ts", ["--epci", "999999999"]);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("Unknown EPCI SIREN 999999999");

    const first = run("scripts/territory-import.ts", ["--epci", "247200132"], { DATA_DIR: unknown.dataDir });
    expect(first.status).toBe(0);
    expect(first.stdout).toContain("CU Le Mans Métropole (247200132): cooperative created");
    expect(first.stdout).toContain("+ 20 member organisation(s) added");

    const again = run("scripts/territory-import.ts", ["--epci", "247200132"], { DATA_DIR: unknown.dataDir });
    expect(again.status).toBe(0);
    expect(again.stdout).toContain("CU Le Mans Métropole (247200132): no change");
  }, 60_000);

  it("admin:create makes an operator admin and prints a one-time sign-in link", () => {
    const imported = run("scripts/territory-import.ts", ["--epci", "247200132"]);
    expect(imported.status).toBe(0);
    const created = run(
      "scripts/create-admin.ts",
      ["--epci", "247200132", "--email", "Premiere.Admin@Le-Mans.test", "--name", "Première Admin"],
      { DATA_DIR: imported.dataDir, PUBLIC_URL: "https://portail.example" },
    );
    expect(created.status).toBe(0);
    expect(created.stdout).toContain(
      "Première Admin <premiere.admin@le-mans.test> is an operator admin of cooperative 247200132.",
    );
    expect(created.stdout).toMatch(/https:\/\/portail\.example\/connexion\/lien\?jeton=[A-Za-z0-9_-]{43}/);

    const unknown = run("scripts/create-admin.ts", ["--epci", "200039865", "--email", "a@b.test", "--name", "X"], {
      DATA_DIR: imported.dataDir,
    });
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain("No cooperative with SIREN 200039865");
    const bad = run("scripts/create-admin.ts", ["--epci", "247200132", "--email", "pas-une-adresse", "--name", "X"]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("--email");
  }, 60_000);

  it("territory:import explains its usage when given neither --epci nor --all", () => {
    const result = run("scripts/territory-import.ts", []);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Usage: npm run territory:import");
  });

  it("a bad environment value stops a command with the variable's name", () => {
    const result = run("scripts/migrate.ts", [], { DATABASE_POOL_SIZE: "many" });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("DATABASE_POOL_SIZE");
    expect(result.stderr).toContain('"many"');
  });
});
