import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Sign-in: sessions (hashed tokens), passwords, emailed single-use links,
// throttling. Before a request knows who asks, it may present a key
// (a session id, an email, a token hash, a throttle key) that makes the
// matching rows, and only those, visible.

const statements = [
  `CREATE FUNCTION app_session_id() RETURNS text
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.session_id') $$`,
  `CREATE FUNCTION app_lookup_email() RETURNS text
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.lookup_email') $$`,
  `CREATE FUNCTION app_token_hash() RETURNS text
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.token_hash') $$`,
  `CREATE FUNCTION app_throttle_key() RETURNS text
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.throttle_key') $$`,

  // Whether all of a user's memberships are in one cooperative: only then may
  // that cooperative's operator admins disable the (global) account. It must see
  // memberships of every cooperative, hence SECURITY DEFINER (listed in
  // db/rls-exceptions.ts), with a fixed search_path.
  `CREATE FUNCTION user_belongs_only_to(p_user uuid, p_cooperative uuid) RETURNS boolean
     LANGUAGE sql STABLE SECURITY DEFINER SET search_path = pg_catalog, public AS $$
       SELECT EXISTS (SELECT 1 FROM public.memberships WHERE user_id = p_user AND cooperative_id = p_cooperative)
          AND NOT EXISTS (SELECT 1 FROM public.memberships WHERE user_id = p_user AND cooperative_id <> p_cooperative)
     $$`,
  `REVOKE ALL ON FUNCTION user_belongs_only_to(uuid, uuid) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION user_belongs_only_to(uuid, uuid) TO coop_app`,
  `CREATE FUNCTION app_manages_user(p_user uuid) RETURNS boolean
     LANGUAGE sql STABLE AS $$
       SELECT app_role() = 'operator_admin' AND p_user <> app_user_id()
          AND user_belongs_only_to(p_user, app_cooperative_id())
     $$`,

  // Users: found by email while signing in; disabled only by an operator admin
  // of the one cooperative they belong to, never by themselves.
  `CREATE POLICY sign_in_lookup ON users FOR SELECT TO coop_app USING (email = app_lookup_email())`,
  `REVOKE UPDATE ON users FROM coop_app`,
  `GRANT UPDATE (display_name, disabled_at) ON users TO coop_app`,
  `CREATE POLICY operator_disables ON users FOR UPDATE TO coop_app
     USING (app_manages_user(id)) WITH CHECK (app_manages_user(id))`,
  `CREATE FUNCTION users_disabled_by_operator_only() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       IF current_user = 'coop_app' AND NEW.disabled_at IS DISTINCT FROM OLD.disabled_at
          AND NOT app_manages_user(OLD.id) THEN
         RAISE EXCEPTION 'only an operator admin of the user''s cooperative disables an account'
           USING ERRCODE = 'insufficient_privilege';
       END IF;
       RETURN NEW;
     END $$`,
  `CREATE TRIGGER users_disabled_by_operator_only BEFORE UPDATE ON users
     FOR EACH ROW EXECUTE FUNCTION users_disabled_by_operator_only()`,

  `CREATE TABLE password_credentials (
     user_id uuid PRIMARY KEY REFERENCES users (id),
     hash text NOT NULL CHECK (hash LIKE '$argon2id$%'),
     updated_at timestamptz NOT NULL DEFAULT now()
   )`,

  `CREATE TABLE sessions (
     id text PRIMARY KEY CHECK (id ~ '^[0-9a-f]{64}$'),
     user_id uuid NOT NULL REFERENCES users (id),
     active_membership_id uuid REFERENCES memberships (id) ON DELETE SET NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     last_used_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     user_agent text,
     ip_address text
   )`,
  `CREATE INDEX sessions_user ON sessions (user_id)`,

  `CREATE TABLE login_tokens (
     token_hash text PRIMARY KEY CHECK (token_hash ~ '^[0-9a-f]{64}$'),
     user_id uuid NOT NULL REFERENCES users (id),
     purpose text NOT NULL CHECK (purpose IN ('sign_in', 'password_reset')),
     created_at timestamptz NOT NULL DEFAULT now(),
     expires_at timestamptz NOT NULL,
     used_at timestamptz
   )`,
  `CREATE INDEX login_tokens_user ON login_tokens (user_id)`,

  `CREATE TABLE throttle_hits (
     key_hash text NOT NULL CHECK (key_hash ~ '^[0-9a-f]{64}$'),
     window_start timestamptz NOT NULL,
     hits integer NOT NULL CHECK (hits > 0),
     PRIMARY KEY (key_hash, window_start)
   )`,

  ...["password_credentials", "sessions", "login_tokens", "throttle_hits"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
  ]),

  `GRANT SELECT, INSERT, UPDATE ON password_credentials TO coop_app`,
  `CREATE POLICY own ON password_credentials FOR ALL TO coop_app
     USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id())`,

  // Sessions: seen through their key or by their user; an operator admin who may
  // disable a user sees and ends that user's sessions. Only the last use and the
  // active membership ever change.
  `GRANT SELECT, INSERT, DELETE ON sessions TO coop_app`,
  `GRANT UPDATE (last_used_at, active_membership_id) ON sessions TO coop_app`,
  `CREATE POLICY presented_own_or_managed ON sessions FOR SELECT TO coop_app
     USING (id = app_session_id() OR user_id = app_user_id() OR app_manages_user(user_id))`,
  `CREATE POLICY own_inserts ON sessions FOR INSERT TO coop_app WITH CHECK (user_id = app_user_id())`,
  `CREATE POLICY presented_or_own_updates ON sessions FOR UPDATE TO coop_app
     USING (id = app_session_id() OR user_id = app_user_id())
     WITH CHECK (id = app_session_id() OR user_id = app_user_id())`,
  `CREATE POLICY presented_own_or_managed_deletes ON sessions FOR DELETE TO coop_app
     USING (id = app_session_id() OR user_id = app_user_id() OR app_manages_user(user_id))`,

  `GRANT SELECT, INSERT ON login_tokens TO coop_app`,
  `GRANT UPDATE (used_at) ON login_tokens TO coop_app`,
  `CREATE POLICY presented ON login_tokens FOR SELECT TO coop_app USING (token_hash = app_token_hash())`,
  `CREATE POLICY presented_updates ON login_tokens FOR UPDATE TO coop_app
     USING (token_hash = app_token_hash()) WITH CHECK (token_hash = app_token_hash())`,
  `CREATE POLICY for_the_user_found ON login_tokens FOR INSERT TO coop_app
     WITH CHECK (token_hash = app_token_hash() AND user_id = app_user_id())`,

  `GRANT SELECT, INSERT, UPDATE, DELETE ON throttle_hits TO coop_app`,
  `CREATE POLICY presented ON throttle_hits FOR ALL TO coop_app
     USING (key_hash = app_throttle_key()) WITH CHECK (key_hash = app_throttle_key())`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["throttle_hits", "login_tokens", "sessions", "password_credentials"]) {
    await sql.raw(`DROP TABLE ${table}`).execute(db);
  }
  await sql.raw("DROP TRIGGER users_disabled_by_operator_only ON users").execute(db);
  await sql.raw("DROP FUNCTION users_disabled_by_operator_only()").execute(db);
  await sql.raw("DROP POLICY operator_disables ON users").execute(db);
  await sql.raw("DROP POLICY sign_in_lookup ON users").execute(db);
  await sql.raw("REVOKE UPDATE (display_name, disabled_at) ON users FROM coop_app").execute(db);
  await sql.raw("GRANT UPDATE ON users TO coop_app").execute(db);
  for (const fn of [
    "app_manages_user(uuid)",
    "user_belongs_only_to(uuid, uuid)",
    "app_throttle_key()",
    "app_token_hash()",
    "app_lookup_email()",
    "app_session_id()",
  ]) {
    await sql.raw(`DROP FUNCTION ${fn}`).execute(db);
  }
}
