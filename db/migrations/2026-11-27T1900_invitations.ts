import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Invitations: people join through a single-use link (7 days) sent by those
// who manage the memberships of an organisation.

const statements = [
  `CREATE TABLE invitations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     organisation_id uuid NOT NULL,
     email text NOT NULL CHECK (email = lower(email) AND email ~ '^[^@\\s]+@[^@\\s]+$'),
     display_name text NOT NULL CHECK (length(trim(display_name)) > 0),
     role membership_role NOT NULL,
     token_hash text NOT NULL UNIQUE CHECK (token_hash ~ '^[0-9a-f]{64}$'),
     invited_by uuid REFERENCES users (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     accepted_at timestamptz,
     revoked_at timestamptz,
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE INDEX invitations_cooperative ON invitations (cooperative_id, created_at DESC)`,
  `ALTER TABLE invitations ENABLE ROW LEVEL SECURITY`,
  `ALTER TABLE invitations FORCE ROW LEVEL SECURITY`,
  `CREATE POLICY maintenance ON invitations TO CURRENT_USER USING (true) WITH CHECK (true)`,
  `GRANT SELECT, INSERT ON invitations TO coop_app`,
  `GRANT UPDATE (token_hash, expires_at, accepted_at, revoked_at) ON invitations TO coop_app`,
  // Those who manage an organisation's memberships invite into it (the same rule).
  `CREATE POLICY managers ON invitations FOR ALL TO coop_app
     USING (app_may_manage_membership(organisation_id, cooperative_id, role))
     WITH CHECK (app_may_manage_membership(organisation_id, cooperative_id, role))`,
  // The invited person presents the link's token.
  `CREATE POLICY presented ON invitations FOR SELECT TO coop_app USING (token_hash = app_token_hash())`,
  `CREATE POLICY presented_accepts ON invitations FOR UPDATE TO coop_app
     USING (token_hash = app_token_hash()) WITH CHECK (token_hash = app_token_hash())`,
  `CREATE FUNCTION app_open_invitation_for(p_email text, p_organisation uuid, p_role membership_role) RETURNS boolean
     LANGUAGE sql STABLE AS $$
       SELECT EXISTS (SELECT 1 FROM invitations i
                      WHERE i.token_hash = app_token_hash() AND i.accepted_at IS NULL AND i.revoked_at IS NULL
                        AND i.expires_at > now()
                        AND (p_email IS NULL OR i.email = p_email)
                        AND (p_organisation IS NULL OR (i.organisation_id = p_organisation AND i.role = p_role)))
     $$`,
  // Accepting creates the account (if new) and the membership the invitation names, nothing else.
  `CREATE POLICY invited_signs_up ON users FOR INSERT TO coop_app
     WITH CHECK (app_open_invitation_for(email, NULL, NULL))`,
  `CREATE POLICY invited_joins ON memberships FOR INSERT TO coop_app
     WITH CHECK (user_id = app_user_id() AND app_open_invitation_for(NULL, organisation_id, role))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP POLICY invited_joins ON memberships").execute(db);
  await sql.raw("DROP POLICY invited_signs_up ON users").execute(db);
  await sql.raw("DROP TABLE invitations").execute(db);
  await sql.raw("DROP FUNCTION app_open_invitation_for(text, uuid, membership_role)").execute(db);
}
