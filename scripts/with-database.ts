import path from "node:path";
import type { Env } from "../app/env.server.ts";
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { type Database, type DatabaseLocation, openDatabase } from "../db/engine.ts";

/** Where the configured database is: DATABASE_URL's server, or PGlite in DATA_DIR. */
export function databaseLocation(env: Env, root = process.cwd()): DatabaseLocation {
  return env.DATABASE_URL
    ? { engine: "postgres", url: env.DATABASE_URL, appUrl: env.APP_DATABASE_URL, poolSize: env.DATABASE_POOL_SIZE }
    : { engine: "pglite", dataDir: path.resolve(root, env.DATA_DIR) };
}

/**
 * Opens the configured database for a command, runs `work`, closes it.
 * Any failure prints one clear line and exits non-zero.
 */
export async function withDatabase(env: Env, work: (database: Database) => Promise<void>): Promise<void> {
  let database: Database | undefined;
  let failed = false;
  try {
    database = await openDatabase(databaseLocation(env));
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
