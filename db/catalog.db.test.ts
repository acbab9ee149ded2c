import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { findIsolationProblems } from "../test/rls-catalog.ts";
import { TENANT_TABLE_SPECS } from "../test/tenants.ts";
import type { Database } from "./engine.ts";
import { APP_ROLE } from "./request-context.ts";
import { PUBLIC_REFERENCE_TABLES } from "./rls-exceptions.ts";

class Rollback extends Error {}

describe(`the catalog enforces isolation (${testEngine})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(() => database.close());

  const tenantTables = Object.keys(TENANT_TABLE_SPECS);

  it("finds no table without forced RLS and policies, no unsafe view, and a safe app role", async () => {
    expect(await findIsolationProblems(database.owner, tenantTables)).toEqual([]);
  });

  it("names every public reference table in the isolation suite too", () => {
    for (const table of Object.keys(PUBLIC_REFERENCE_TABLES)) expect(tenantTables).toContain(table);
  });

  it("would catch a new table without RLS, a view without security_invoker and a privileged app role", async () => {
    let problems: string[] = [];
    await database.owner
      .transaction()
      .execute(async (trx) => {
        await sql`CREATE TABLE rogue (id int)`.execute(trx);
        await sql.raw(`GRANT SELECT ON rogue TO ${APP_ROLE}`).execute(trx);
        await sql`CREATE TABLE half_done (id int)`.execute(trx);
        await sql`ALTER TABLE half_done ENABLE ROW LEVEL SECURITY`.execute(trx);
        await sql`CREATE VIEW leaky AS SELECT * FROM users`.execute(trx);
        await sql.raw(`ALTER ROLE ${APP_ROLE} BYPASSRLS`).execute(trx);
        await sql.raw(`ALTER TABLE rogue OWNER TO ${APP_ROLE}`).execute(trx);
        problems = await findIsolationProblems(trx, tenantTables);
        throw new Rollback();
      })
      .catch((error) => {
        if (!(error instanceof Rollback)) throw error;
      });
    expect(problems).toEqual(
      expect.arrayContaining([
        "table rogue lacks row-level security",
        "table rogue does not force row-level security",
        "table rogue has no policy for coop_app",
        "table rogue is not covered by the isolation suite (test/tenants.ts)",
        "table half_done does not force row-level security",
        "table half_done has no policy for coop_app",
        "view leaky lacks security_invoker",
        "coop_app has BYPASSRLS",
        "coop_app owns 1 relation(s)",
      ]),
    );
  });
});
