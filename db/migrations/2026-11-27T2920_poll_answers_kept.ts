import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Once a poll is closed its answers are the record of how the date was chosen: the policies already refused
// changing them (own_answers' WITH CHECK wants the poll open) but let each invitee delete its own. A restrictive
// policy keeps them: deleting an answer needs its poll open, like changing it.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE POLICY kept_once_closed ON date_poll_answers AS RESTRICTIVE FOR DELETE TO coop_app
              USING (EXISTS (SELECT 1 FROM date_poll_slots s JOIN date_polls p ON p.id = s.poll_id
                              WHERE s.id = slot_id AND p.status = 'open'))`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP POLICY kept_once_closed ON date_poll_answers`.execute(db);
}
