import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Second factor: a TOTP secret per user (RFC 6238), single-use recovery codes
// (only their hash), and on each session the moment its second factor was proven.

const statements = [
  `CREATE TABLE totp_credentials (
     user_id uuid PRIMARY KEY REFERENCES users (id),
     secret text NOT NULL CHECK (secret ~ '^[A-Z2-7]{32}$'),
     last_used_step bigint NOT NULL DEFAULT 0,
     enrolled_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE recovery_codes (
     user_id uuid NOT NULL REFERENCES users (id),
     code_hash text NOT NULL CHECK (code_hash ~ '^[0-9a-f]{64}$'),
     created_at timestamptz NOT NULL DEFAULT now(),
     used_at timestamptz,
     PRIMARY KEY (user_id, code_hash)
   )`,
  `ALTER TABLE sessions ADD COLUMN second_factor_verified_at timestamptz`,
  `GRANT UPDATE (second_factor_verified_at) ON sessions TO coop_app`,

  ...["totp_credentials", "recovery_codes"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
  ]),
  // Only the user themself, once their password or link has been accepted, sees or changes their second factor.
  `GRANT SELECT, INSERT, DELETE ON totp_credentials TO coop_app`,
  `GRANT UPDATE (secret, last_used_step, enrolled_at) ON totp_credentials TO coop_app`,
  `CREATE POLICY own ON totp_credentials FOR ALL TO coop_app
     USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id())`,
  `GRANT SELECT, INSERT, DELETE ON recovery_codes TO coop_app`,
  `GRANT UPDATE (used_at) ON recovery_codes TO coop_app`,
  `CREATE POLICY own ON recovery_codes FOR ALL TO coop_app
     USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id())`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP TABLE recovery_codes").execute(db);
  await sql.raw("DROP TABLE totp_credentials").execute(db);
  await sql.raw("REVOKE UPDATE (second_factor_verified_at) ON sessions FROM coop_app").execute(db);
  await sql.raw("ALTER TABLE sessions DROP COLUMN second_factor_verified_at").execute(db);
}
