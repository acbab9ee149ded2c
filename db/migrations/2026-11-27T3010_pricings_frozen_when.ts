import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The trigger refusing to change a frozen pricing called its function for every pricing updated, frozen or not:
// issuing a year freezes every pricing of the year, 25,000 calls for the statements benchmark's year (decision 019).
// Its condition now says when it fires (the pricing was frozen before the change): the same refusals, and no call
// for the others.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER pricings_frozen ON pricings`.execute(db);
  await sql`CREATE TRIGGER pricings_frozen BEFORE UPDATE OR DELETE ON pricings
              FOR EACH ROW WHEN (OLD.frozen_at IS NOT NULL) EXECUTE FUNCTION pricings_frozen_are_immutable()`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER pricings_frozen ON pricings`.execute(db);
  await sql`CREATE TRIGGER pricings_frozen BEFORE UPDATE OR DELETE ON pricings
              FOR EACH ROW EXECUTE FUNCTION pricings_frozen_are_immutable()`.execute(db);
}
