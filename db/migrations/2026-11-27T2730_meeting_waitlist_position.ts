import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// An invitee on a meeting's waiting list sees its place in it: counting who waits before it needs the other
// invitees, which the invitee cannot see (decision 018). Answers a number only, for the caller's own invitation
// (its user in its cooperative, or its RSVP token), like meeting_answer().

const statements = [
  `CREATE FUNCTION meeting_waitlist_position(p_invitee uuid) RETURNS integer
     LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
     DECLARE
       v_invitee meeting_invitees%ROWTYPE;
     BEGIN
       SELECT * INTO v_invitee FROM meeting_invitees WHERE id = p_invitee;
       IF NOT FOUND OR v_invitee.response <> 'waitlisted' OR NOT coalesce(
            (v_invitee.user_id = app_user_id() AND v_invitee.cooperative_id = app_cooperative_id())
            OR v_invitee.rsvp_token_hash = app_token_hash()
            OR (v_invitee.cooperative_id = app_cooperative_id() AND app_manages_meeting(v_invitee.meeting_id)), false) THEN
         RETURN NULL;
       END IF;
       RETURN 1 + (SELECT count(*) FROM meeting_invitees
                    WHERE meeting_id = v_invitee.meeting_id AND response = 'waitlisted'
                      AND (responded_at, id) < (v_invitee.responded_at, v_invitee.id));
     END $$`,
  `REVOKE ALL ON FUNCTION meeting_waitlist_position(uuid) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION meeting_waitlist_position(uuid) TO coop_app`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP FUNCTION meeting_waitlist_position(uuid)").execute(db);
}
