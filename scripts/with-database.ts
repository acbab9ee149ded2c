import path from "node:path";
import type { Env } from "../app/env.server.ts";
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { type Database, openDatabase } from "../db/engine.ts";

/**
 * Opens the configured database for a command, runs `work`, closes it.
 * Any failure prints one clear line and exits non-zero.
 */
export async function withDatabase(env: Env, work: (database: Database) => Promise<void>): Promise<void> {
  let database: Database | undefined;
  let failed = false;
  try {
    database = await openDatabase(
      env.DATABASE_URL
        ? { engine: "postgres", url: env.DATABASE_URL, poolSize: 2 }
        : { engine: "pglite", dataDir: path.resolve(env.DATA_DIR) },
    );
    await work(database);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    if (!(error instanceof DataDirLockedError) && process.env.DEBUG) console.error(error);
    failed = true;
  } finally {
    await database?.close();
  }
  // Set after closing: PGlite's shutdown resets process.exitCode.
  if (failed) process.exitCode = 1;
}
