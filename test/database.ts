import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { type Database, type Engine, openDatabase } from "../db/engine.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { databaseUrl, TEST_APP, TEST_OWNER } from "./setup/postgres-server.ts";

/** The engine this database suite runs on: its project sets it (db:pglite, db:postgres). */
export const testEngine = process.env.TEST_DB_ENGINE as Engine;
if (testEngine !== "pglite" && testEngine !== "postgres") {
  throw new Error("Database suites (*.db.test.ts) run through the db:pglite and db:postgres projects (npm test).");
}

/**
 * A fresh database of this suite's engine: an in-memory PGlite (its user a
 * superuser, requests switching to coop_app), or a new database on the test
 * server cloned from the migrated template (or empty), owned by a
 * non-superuser, with requests logging in as coop_app: production's setup.
 */
export interface TestDatabase extends Database {
  /** On the server: how to connect again (another process, another pool), as the owner and as coop_app. */
  urls?: { owner: string; app: string };
}

export async function createTestDatabase({ migrated = true, poolSize = 5 } = {}): Promise<TestDatabase> {
  if (testEngine === "pglite") {
    const database = await openDatabase({ engine: "pglite", memory: true });
    if (migrated) await migrateToLatest(database.owner);
    return database;
  }
  const adminUrl = inject("postgresAdminUrl");
  const name = `portal_test_${randomUUID().replaceAll("-", "")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const template = migrated ? inject("postgresTemplate") : "template0";
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${template} OWNER ${TEST_OWNER.user}`);
  const urls = { owner: databaseUrl(adminUrl, name, TEST_OWNER), app: databaseUrl(adminUrl, name, TEST_APP) };
  const database = await openDatabase({ engine: "postgres", url: urls.owner, appUrl: urls.app, poolSize });
  return {
    ...database,
    urls,
    async close() {
      try {
        await database.close();
      } finally {
        await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await admin.end();
      }
    },
  };
}

/** A second, independent connection pool to the same server database (a second worker, a second process). */
export function openAgain(database: TestDatabase): Promise<Database> {
  if (!database.urls) throw new Error("Only a server database can be opened twice.");
  return openDatabase({ engine: "postgres", url: database.urls.owner, appUrl: database.urls.app, poolSize: 2 });
}
