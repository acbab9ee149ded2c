import { randomUUID } from "node:crypto";
import postgres from "postgres";
import { inject } from "vitest";
import { type Database, type Engine, openDatabase } from "../db/engine.ts";
import { migrateToLatest } from "../db/migrate.ts";

/** The engine this database suite runs on: its project sets it (db:pglite, db:postgres). */
export const testEngine = process.env.TEST_DB_ENGINE as Engine;
if (testEngine !== "pglite" && testEngine !== "postgres") {
  throw new Error("Database suites (*.db.test.ts) run through the db:pglite and db:postgres projects (npm test).");
}

/**
 * A fresh database of this suite's engine: an in-memory PGlite, or a new
 * database on the test server cloned from the migrated template (or empty).
 */
export async function createTestDatabase({ migrated = true, poolSize = 5 } = {}): Promise<Database> {
  if (testEngine === "pglite") {
    const database = await openDatabase({ engine: "pglite", memory: true });
    if (migrated) await migrateToLatest(database.owner);
    return database;
  }
  const adminUrl = inject("postgresAdminUrl");
  const name = `portal_test_${randomUUID().replaceAll("-", "")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`CREATE DATABASE ${name} TEMPLATE ${migrated ? inject("postgresTemplate") : "template0"}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const database = await openDatabase({ engine: "postgres", url: url.toString(), poolSize });
  return {
    ...database,
    async close() {
      await database.close();
      await admin.unsafe(`DROP DATABASE ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
