import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// statement_lines_statement repeated the unique index on (statement_id, position): every line paid for two
// identical indexes when a run is issued (the statements benchmark, issue 7). The unique one serves both.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP INDEX statement_lines_statement`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX statement_lines_statement ON statement_lines (statement_id, position)`.execute(db);
}
