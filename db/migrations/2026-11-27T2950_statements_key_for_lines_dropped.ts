import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The statements' unique (id, cooperative_id, organisation_id) was there for the lines' foreign key only; the lines
// are checked per insert since migration 2930, and the id alone is the key. One index less for every statement.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements DROP CONSTRAINT statements_id_cooperative_organisation_key`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements ADD CONSTRAINT statements_id_cooperative_organisation_key
              UNIQUE (id, cooperative_id, organisation_id)`.execute(db);
}
