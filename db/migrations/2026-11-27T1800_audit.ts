import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The audit log: who did what, when, from which IP. Rows are never edited
// nor deleted; only the IP address is erased after its retention period.

const statements = [
  `CREATE TABLE audit_events (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid REFERENCES cooperatives (id),
     actor_user_id uuid REFERENCES users (id),
     action text NOT NULL CHECK (action ~ '^[a-z_]+\\.[a-z_]+$'),
     subject text,
     details jsonb NOT NULL DEFAULT '{}',
     ip_address text,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE INDEX audit_events_cooperative ON audit_events (cooperative_id, created_at DESC)`,
  `CREATE FUNCTION audit_events_are_append_only() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       IF TG_OP = 'UPDATE' AND current_user <> 'coop_app' AND NEW.ip_address IS NULL
          AND (to_jsonb(NEW) - 'ip_address') = (to_jsonb(OLD) - 'ip_address') THEN
         RETURN NEW; -- the retention purge erases an IP address, nothing else
       END IF;
       RAISE EXCEPTION 'the audit log cannot be edited' USING ERRCODE = 'insufficient_privilege';
     END $$`,
  `CREATE TRIGGER audit_events_append_only BEFORE UPDATE OR DELETE ON audit_events
     FOR EACH ROW EXECUTE FUNCTION audit_events_are_append_only()`,
  `ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE audit_events FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY maintenance ON audit_events TO CURRENT_USER USING (true) WITH CHECK (true)`,
  `GRANT SELECT, INSERT ON audit_events TO coop_app`,
  // Written by any request (a failed sign-in has no cooperative); read by the cooperative's operator admins.
  `CREATE POLICY written_by_requests ON audit_events FOR INSERT TO coop_app
     WITH CHECK (cooperative_id IS NULL OR cooperative_id = app_cooperative_id())`,
  `CREATE POLICY operator_reads ON audit_events FOR SELECT TO coop_app
     USING (app_role() = 'operator_admin' AND cooperative_id = app_cooperative_id())`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP TABLE audit_events").execute(db);
  await sql.raw("DROP FUNCTION audit_events_are_append_only()").execute(db);
}
