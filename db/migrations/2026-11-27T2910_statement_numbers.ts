import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// A statement's number was checked as year-lpad(sequence, 4), and lpad cuts a longer text: the 10,000th statement
// of a year ("2026-10000", as the application writes it) was refused, and "2026-1000" expected. Four digits at
// least, all of them past 9,999.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements DROP CONSTRAINT statements_check,
              ADD CONSTRAINT statements_number_follows_sequence
                CHECK (number = year::text || '-' || lpad(sequence::text, greatest(4, length(sequence::text)), '0'))`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements DROP CONSTRAINT statements_number_follows_sequence,
              ADD CONSTRAINT statements_check CHECK (number = year::text || '-' || lpad(sequence::text, 4, '0'))`.execute(
    db,
  );
}
