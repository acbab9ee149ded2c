import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Frozen means frozen, TRUNCATE included: the row triggers of statements_immutable never see a TRUNCATE, which the
// lines' foreign key used to refuse for statements (migration 2930 replaced it by a check on insert). No role
// empties either table now. And the lines' check looks its tables up in a fixed search_path, not the caller's.

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const table of ["statements", "statement_lines"]) {
    await sql`CREATE TRIGGER ${sql.raw(`${table}_never_truncated`)} BEFORE TRUNCATE ON ${sql.table(table)}
                FOR EACH STATEMENT EXECUTE FUNCTION statements_are_immutable()`.execute(db);
  }
  await sql`ALTER FUNCTION statement_lines_belong() SET search_path = pg_catalog, public`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER FUNCTION statement_lines_belong() RESET search_path`.execute(db);
  for (const table of ["statements", "statement_lines"]) {
    await sql`DROP TRIGGER ${sql.raw(`${table}_never_truncated`)} ON ${sql.table(table)}`.execute(db);
  }
}
