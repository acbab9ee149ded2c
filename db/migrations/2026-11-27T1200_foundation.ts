import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// PGlite runs one statement per query, so every statement is its own string.

const roleAndContext = [
  `DO $$ BEGIN
     IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'coop_app') THEN
       CREATE ROLE coop_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOINHERIT;
     END IF;
   END $$`,
  // The migrating user switches to coop_app for every request transaction.
  `GRANT coop_app TO CURRENT_USER`,
  `GRANT USAGE ON SCHEMA public TO coop_app`,
  // Request context, set per transaction with set_config(..., true).
  // After a transaction, a setting reverts to '' (not NULL): '' means "no context".
  `CREATE FUNCTION app_setting(name text) RETURNS text
     LANGUAGE sql STABLE AS $$ SELECT nullif(current_setting(name, true), '') $$`,
  `CREATE FUNCTION app_user_id() RETURNS uuid
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.user_id')::uuid $$`,
  `CREATE FUNCTION app_cooperative_id() RETURNS uuid
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.cooperative_id')::uuid $$`,
  `CREATE FUNCTION app_organisation_id() RETURNS uuid
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.organisation_id')::uuid $$`,
  `CREATE FUNCTION app_role() RETURNS text
     LANGUAGE sql STABLE AS $$ SELECT app_setting('app.role') $$`,
];

const types = [
  `CREATE TYPE organisation_kind AS ENUM ('commune', 'epci', 'ccas', 'other')`,
  `CREATE TYPE population_basis AS ENUM ('total', 'municipal')`,
  `CREATE TYPE membership_role AS ENUM ('operator_admin', 'referent', 'agent', 'viewer')`,
  // Luhn check digit; La Poste's historical SIREN is the one documented exception.
  `CREATE FUNCTION siren_is_valid(siren text) RETURNS boolean
     LANGUAGE sql IMMUTABLE AS $$
       SELECT CASE WHEN siren IS NULL OR siren !~ '^[0-9]{9}$' THEN false
         WHEN siren = '356000000' THEN true
         ELSE (SELECT sum(CASE WHEN i % 2 = 1
                               THEN (substr(siren, i + 1, 1)::int * 2) / 10 + (substr(siren, i + 1, 1)::int * 2) % 10
                               ELSE substr(siren, i + 1, 1)::int END)
               FROM generate_series(0, 8) AS i) % 10 = 0
       END $$`,
  // Accent-, case- and punctuation-insensitive form of a name, for filtering.
  `CREATE FUNCTION search_key(value text) RETURNS text
     LANGUAGE sql IMMUTABLE AS $$
       SELECT lower(translate(replace(replace(replace(replace(value, 'œ', 'oe'), 'Œ', 'oe'), 'æ', 'ae'), 'Æ', 'ae'),
         'ÀÁÂÃÄÅàáâãäåÇçÈÉÊËèéêëÌÍÎÏìíîïÑñÒÓÔÕÖòóôõöÙÚÛÜùúûüÝŸýÿ''’-',
         'aaaaaaaaaaaacceeeeeeeeiiiiiiiinnoooooooooouuuuuuuuyyyy   '))
     $$`,
];

const tables = [
  `CREATE TABLE cooperatives (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     siren text NOT NULL UNIQUE CHECK (siren_is_valid(siren)),
     epci_name text NOT NULL CHECK (length(trim(epci_name)) > 0),
     display_name text NOT NULL CHECK (length(trim(display_name)) > 0),
     default_population_basis population_basis NOT NULL DEFAULT 'total',
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE TABLE organisations (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
     kind organisation_kind NOT NULL,
     is_operator boolean NOT NULL DEFAULT false,
     siren text NOT NULL CHECK (siren_is_valid(siren)),
     insee_code text CHECK (insee_code ~ '^[0-9][0-9AB][0-9]{3}$'),
     name text NOT NULL CHECK (length(trim(name)) > 0),
     search_name text GENERATED ALWAYS AS (search_key(name)) STORED,
     inactive_since date,
     -- listed as a member of the operator EPCI by the territory reference data at the last import
     territory_member boolean NOT NULL DEFAULT false,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (cooperative_id, siren),
     UNIQUE (id, cooperative_id),
     CHECK (kind <> 'commune' OR insee_code IS NOT NULL),
     CHECK (NOT is_operator OR kind = 'epci')
   )`,
  `CREATE UNIQUE INDEX organisations_one_operator ON organisations (cooperative_id) WHERE is_operator`,
  `CREATE INDEX organisations_cooperative_name ON organisations (cooperative_id, search_name)`,
  `CREATE TABLE population_figures (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     organisation_id uuid NOT NULL,
     cooperative_id uuid NOT NULL,
     year smallint NOT NULL CHECK (year BETWEEN 1800 AND 2200),
     basis population_basis NOT NULL,
     population integer NOT NULL CHECK (population >= 0),
     source text NOT NULL CHECK (length(trim(source)) > 0),
     recorded_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (organisation_id, year, basis),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE FUNCTION population_figures_are_never_overwritten() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'population figures are never overwritten: add a figure for another year instead'
         USING ERRCODE = 'restrict_violation';
     END $$`,
  `CREATE TRIGGER population_figures_immutable BEFORE UPDATE OR DELETE ON population_figures
     FOR EACH ROW EXECUTE FUNCTION population_figures_are_never_overwritten()`,
  `CREATE TABLE users (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     email text NOT NULL CHECK (email = lower(email) AND email ~ '^[^@\\s]+@[^@\\s]+$'),
     display_name text NOT NULL CHECK (length(trim(display_name)) > 0),
     disabled_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now()
   )`,
  `CREATE UNIQUE INDEX users_email ON users (email)`,
  `CREATE TABLE memberships (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     user_id uuid NOT NULL REFERENCES users (id),
     organisation_id uuid NOT NULL,
     cooperative_id uuid NOT NULL,
     role membership_role NOT NULL,
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (user_id, organisation_id),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE INDEX memberships_cooperative ON memberships (cooperative_id)`,
  `CREATE FUNCTION memberships_operator_admin_in_operator() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       IF NEW.role = 'operator_admin' AND NOT EXISTS (
         SELECT 1 FROM organisations WHERE id = NEW.organisation_id AND is_operator
       ) THEN
         RAISE EXCEPTION 'operator_admin is a role of the operator organisation only'
           USING ERRCODE = 'check_violation';
       END IF;
       RETURN NEW;
     END $$`,
  `CREATE TRIGGER memberships_operator_admin BEFORE INSERT OR UPDATE ON memberships
     FOR EACH ROW EXECUTE FUNCTION memberships_operator_admin_in_operator()`,
];

// Row-level security. Reference tables (cooperatives, organisations, population
// figures) are readable by all and written only by the cooperative's operator
// admins; tenant tables are keyed on the request context. The migrating user
// (the owner) keeps a maintenance policy for imports and migrations.
const rowLevelSecurity = [
  ...["cooperatives", "organisations", "population_figures", "users", "memberships"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
  ]),

  `GRANT SELECT, UPDATE ON cooperatives TO coop_app`,
  `CREATE POLICY read_all ON cooperatives FOR SELECT TO coop_app USING (true)`,
  `CREATE POLICY operator_updates ON cooperatives FOR UPDATE TO coop_app
     USING (id = app_cooperative_id() AND app_role() = 'operator_admin')
     WITH CHECK (id = app_cooperative_id() AND app_role() = 'operator_admin')`,

  `GRANT SELECT, INSERT, UPDATE ON organisations TO coop_app`,
  `CREATE POLICY read_all ON organisations FOR SELECT TO coop_app USING (true)`,
  `CREATE POLICY operator_inserts ON organisations FOR INSERT TO coop_app
     WITH CHECK (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')`,
  `CREATE POLICY operator_updates ON organisations FOR UPDATE TO coop_app
     USING (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')
     WITH CHECK (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')`,

  `GRANT SELECT, INSERT ON population_figures TO coop_app`,
  `CREATE POLICY read_all ON population_figures FOR SELECT TO coop_app USING (true)`,
  `CREATE POLICY operator_inserts ON population_figures FOR INSERT TO coop_app
     WITH CHECK (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')`,

  // Memberships: an operator admin manages those of its cooperative; a referent
  // those of agents and viewers of its own organisation. Users see their own.
  `GRANT SELECT, INSERT, UPDATE, DELETE ON memberships TO coop_app`,
  `CREATE FUNCTION app_may_manage_membership(organisation_id uuid, cooperative_id uuid, role membership_role)
     RETURNS boolean LANGUAGE sql STABLE AS $$
       SELECT cooperative_id = app_cooperative_id() AND (
         app_role() = 'operator_admin'
         OR (app_role() = 'referent' AND organisation_id = app_organisation_id() AND role IN ('agent', 'viewer')))
     $$`,
  `CREATE POLICY own_or_cooperative ON memberships FOR SELECT TO coop_app
     USING (cooperative_id = app_cooperative_id() OR user_id = app_user_id())`,
  `CREATE POLICY managers_insert ON memberships FOR INSERT TO coop_app
     WITH CHECK (app_may_manage_membership(organisation_id, cooperative_id, role))`,
  `CREATE POLICY managers_update ON memberships FOR UPDATE TO coop_app
     USING (app_may_manage_membership(organisation_id, cooperative_id, role))
     WITH CHECK (app_may_manage_membership(organisation_id, cooperative_id, role))`,
  `CREATE POLICY managers_delete ON memberships FOR DELETE TO coop_app
     USING (app_may_manage_membership(organisation_id, cooperative_id, role))`,

  // Users: visible to themselves and within the cooperatives they belong to;
  // created by those who manage memberships; each edits only themself.
  `GRANT SELECT, INSERT, UPDATE ON users TO coop_app`,
  `CREATE POLICY self_or_cooperative ON users FOR SELECT TO coop_app
     USING (id = app_user_id() OR EXISTS (
       SELECT 1 FROM memberships m WHERE m.user_id = users.id AND m.cooperative_id = app_cooperative_id()))`,
  `CREATE POLICY managers_insert ON users FOR INSERT TO coop_app
     WITH CHECK (app_cooperative_id() IS NOT NULL AND app_role() IN ('operator_admin', 'referent'))`,
  `CREATE POLICY self_updates ON users FOR UPDATE TO coop_app
     USING (id = app_user_id()) WITH CHECK (id = app_user_id())`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...roleAndContext, ...types, ...tables, ...rowLevelSecurity]) {
    await sql.raw(statement).execute(db);
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["memberships", "users", "population_figures", "organisations", "cooperatives"]) {
    await sql.raw(`DROP TABLE ${table}`).execute(db);
  }
  for (const fn of [
    "app_may_manage_membership(uuid, uuid, membership_role)",
    "memberships_operator_admin_in_operator()",
    "population_figures_are_never_overwritten()",
    "search_key(text)",
    "siren_is_valid(text)",
    "app_role()",
    "app_organisation_id()",
    "app_cooperative_id()",
    "app_user_id()",
    "app_setting(text)",
  ]) {
    await sql.raw(`DROP FUNCTION ${fn}`).execute(db);
  }
  for (const type of ["membership_role", "population_basis", "organisation_kind"]) {
    await sql.raw(`DROP TYPE ${type}`).execute(db);
  }
  await sql.raw("REVOKE USAGE ON SCHEMA public FROM coop_app").execute(db);
}
