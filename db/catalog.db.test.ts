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

  it("would catch a table without RLS, a view without security_invoker, a SECURITY DEFINER function, a privileged app role", async () => {
    let problems: string[] = [];
    let superuserProblems: string[] = [];
    await database.owner
      .transaction()
      .execute(async (trx) => {
        await sql`CREATE TABLE rogue (id int)`.execute(trx);
        await sql.raw(`GRANT SELECT ON rogue TO ${APP_ROLE}`).execute(trx);
        await sql`CREATE TABLE half_done (id int)`.execute(trx);
        await sql`ALTER TABLE half_done ENABLE ROW LEVEL SECURITY`.execute(trx);
        await sql`CREATE VIEW leaky AS SELECT * FROM users`.execute(trx);
        await sql.raw(`GRANT CREATE ON SCHEMA public TO ${APP_ROLE}`).execute(trx);
        await sql.raw(`ALTER TABLE rogue OWNER TO ${APP_ROLE}`).execute(trx);
        await sql`CREATE FUNCTION escalate() RETURNS int LANGUAGE sql SECURITY DEFINER AS 'SELECT 1'`.execute(trx);
        problems = await findIsolationProblems(trx, tenantTables);
        // Only a superuser may grant BYPASSRLS: check the check against one.
        const { rows } = await sql<{ rolname: string }>`
          SELECT rolname FROM pg_roles WHERE rolsuper AND rolbypassrls ORDER BY rolname LIMIT 1`.execute(trx);
        const superuser = rows[0]?.rolname ?? "";
        superuserProblems = (await findIsolationProblems(trx, tenantTables, superuser)).filter((problem) =>
          problem.startsWith(superuser),
        );
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
        "coop_app owns 1 relation(s)",
        "coop_app may create objects in schema public",
        "function escalate is SECURITY DEFINER",
      ]),
    );
    expect(superuserProblems).toEqual(
      expect.arrayContaining([expect.stringMatching(/is a superuser$/), expect.stringMatching(/has BYPASSRLS$/)]),
    );
  });
});
