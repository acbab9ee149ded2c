import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// A statement line was checked against three foreign keys where one says it all: its statement (by cooperative,
// then by payer) and its payer organisation (implied: the statement's own key checks that its payer belongs to its
// cooperative). One key on (statement_id, cooperative_id, organisation_id) keeps both rules — a line belongs to its
// statement's cooperative and payer — for one lookup per line instead of three (the statements benchmark, issue 7).
// Nor did a line need an id of its own: it is the line at `position` of its statement, and nothing refers to it.
// (statement_id, position) becomes its primary key, the random uuid and its index go. The statements' unique
// (id, cooperative_id) and (id, organisation_id) served only the lines' old keys: they go too.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements ADD CONSTRAINT statements_id_cooperative_organisation_key
              UNIQUE (id, cooperative_id, organisation_id)`.execute(db);
  await sql`ALTER TABLE statement_lines
              DROP CONSTRAINT statement_lines_statement_id_cooperative_id_fkey,
              DROP CONSTRAINT statement_lines_statement_id_organisation_id_fkey,
              DROP CONSTRAINT statement_lines_organisation_id_cooperative_id_fkey,
              ADD CONSTRAINT statement_lines_statement_fkey FOREIGN KEY (statement_id, cooperative_id, organisation_id)
                REFERENCES statements (id, cooperative_id, organisation_id)`.execute(db);
  await sql`ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_pkey`.execute(db);
  await sql`ALTER TABLE statement_lines DROP COLUMN id`.execute(db);
  await sql`ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_statement_id_position_key,
              ADD CONSTRAINT statement_lines_pkey PRIMARY KEY (statement_id, position)`.execute(db);
  await sql`ALTER TABLE statements DROP CONSTRAINT statements_id_cooperative_id_key,
              DROP CONSTRAINT statements_id_organisation_id_key`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements ADD CONSTRAINT statements_id_cooperative_id_key UNIQUE (id, cooperative_id),
              ADD CONSTRAINT statements_id_organisation_id_key UNIQUE (id, organisation_id)`.execute(db);
  await sql`ALTER TABLE statement_lines DROP CONSTRAINT statement_lines_pkey`.execute(db);
  await sql`ALTER TABLE statement_lines ADD CONSTRAINT statement_lines_statement_id_position_key
              UNIQUE (statement_id, position)`.execute(db);
  await sql`ALTER TABLE statement_lines ADD COLUMN id uuid PRIMARY KEY DEFAULT gen_random_uuid()`.execute(db);
  await sql`ALTER TABLE statement_lines
              DROP CONSTRAINT statement_lines_statement_fkey,
              ADD FOREIGN KEY (statement_id, cooperative_id) REFERENCES statements (id, cooperative_id),
              ADD FOREIGN KEY (statement_id, organisation_id) REFERENCES statements (id, organisation_id),
              ADD FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)`.execute(
    db,
  );
  await sql`ALTER TABLE statements DROP CONSTRAINT statements_id_cooperative_organisation_key`.execute(db);
}
