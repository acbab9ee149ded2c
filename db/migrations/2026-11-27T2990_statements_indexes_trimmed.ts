import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Two of the statements' five indexes served no query the portal makes often, and each statement paid for them (the
// statements benchmark, decision 019):
// - unique (cooperative_id, number): a number is written from the year and the sequence
//   (statements_number_follows_sequence, one number for one pair and back), so unique (cooperative_id, year,
//   sequence) already says it;
// - statements_run (run_id, payer_siren): only a rectification looks a run's statements up, under its cooperative's
//   policy, which the (cooperative_id, year, sequence) index serves.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements DROP CONSTRAINT statements_cooperative_id_number_key`.execute(db);
  await sql`DROP INDEX statements_run`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE INDEX statements_run ON statements (run_id, payer_siren)`.execute(db);
  await sql`ALTER TABLE statements ADD CONSTRAINT statements_cooperative_id_number_key UNIQUE (cooperative_id, number)`.execute(
    db,
  );
}
