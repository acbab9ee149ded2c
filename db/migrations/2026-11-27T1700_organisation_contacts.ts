import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The public contact of a member body (a CCAS's switchboard, a partner's
// generic address): public reference data like the rest of the organisation.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE organisations
    ADD COLUMN contact_email text CHECK (contact_email ~ '^[^@\\s]+@[^@\\s]+$'),
    ADD COLUMN contact_phone text CHECK (contact_phone ~ '^[0-9+ .()-]{6,25}$')`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE organisations DROP COLUMN contact_phone, DROP COLUMN contact_email`.execute(db);
}
