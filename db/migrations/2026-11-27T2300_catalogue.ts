import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The catalogue and the adhésions (issue 6): categories per cooperative, the
// offer's terms (who may join, council decision, approval, when it takes
// effect, notice), options à la carte, versioned rulebooks; subscriptions gain
// their workflow (requested -> active | rejected | withdrawn; notice through
// ends_on), council decisions with an optional PDF, and a history of every step.

const statements = [
  `CREATE TABLE offer_categories (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
     name text NOT NULL CHECK (length(trim(name)) > 0),
     position smallint NOT NULL DEFAULT 0,
     UNIQUE (cooperative_id, name),
     UNIQUE (id, cooperative_id)
   )`,

  `ALTER TABLE offers
     ADD COLUMN category_id uuid,
     ADD COLUMN summary text NOT NULL DEFAULT '',
     ADD COLUMN description text NOT NULL DEFAULT '',
     ADD COLUMN contact_name text,
     ADD COLUMN contact_email text CHECK (contact_email ~ '^[^@\\s]+@[^@\\s]+$'),
     ADD COLUMN eligible_kinds jsonb NOT NULL DEFAULT '["commune", "epci", "ccas", "other"]'
       CHECK (jsonb_typeof(eligible_kinds) = 'array' AND jsonb_array_length(eligible_kinds) > 0
              AND eligible_kinds <@ '["commune", "epci", "ccas", "other"]'),
     ADD COLUMN requires_council_decision boolean NOT NULL DEFAULT true,
     ADD COLUMN requires_approval boolean NOT NULL DEFAULT true,
     ADD COLUMN takes_effect text NOT NULL DEFAULT 'on_approval' CHECK (takes_effect IN ('on_approval', 'next_january')),
     ADD COLUMN notice_months smallint NOT NULL DEFAULT 3 CHECK (notice_months BETWEEN 0 AND 24),
     ADD COLUMN options jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(options) = 'array'),
     ADD COLUMN search_text text GENERATED ALWAYS AS (search_key(title || ' ' || summary)) STORED,
     ADD COLUMN updated_at timestamptz NOT NULL DEFAULT now(),
     ADD FOREIGN KEY (category_id, cooperative_id) REFERENCES offer_categories (id, cooperative_id)
       ON DELETE SET NULL (category_id)`,

  // A rulebook (règlement) is versioned: a subscriber accepts one version; publishing
  // a new one asks current subscribers to accept it.
  `CREATE TABLE rulebook_versions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     offer_id uuid NOT NULL,
     version smallint NOT NULL CHECK (version > 0),
     body text NOT NULL CHECK (length(trim(body)) > 0),
     published_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (offer_id, version),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (offer_id, cooperative_id) REFERENCES offers (id, cooperative_id)
   )`,

  // Council decisions' PDFs, kept in the database: transactional with the
  // request, and under the same row-level security as the subscription.
  `CREATE TABLE documents (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     organisation_id uuid NOT NULL,
     filename text NOT NULL CHECK (length(filename) BETWEEN 1 AND 200),
     content_type text NOT NULL CHECK (content_type = 'application/pdf'),
     size_bytes integer NOT NULL CHECK (size_bytes BETWEEN 1 AND 5242880),
     content bytea NOT NULL CHECK (length(content) = size_bytes),
     uploaded_by uuid REFERENCES users (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,

  // The workflow. A request has no dates yet; approval sets starts_on by the
  // offer's rule. Notice sets ends_on. At most one open request per
  // organisation and offer.
  `ALTER TABLE subscriptions DROP CONSTRAINT subscriptions_status_check`,
  `ALTER TABLE subscriptions ADD CONSTRAINT subscriptions_status_check
     CHECK (status IN ('requested', 'active', 'rejected', 'withdrawn'))`,
  `ALTER TABLE subscriptions ALTER COLUMN starts_on DROP NOT NULL`,
  `ALTER TABLE subscriptions
     ADD COLUMN requested_at timestamptz,
     ADD COLUMN requested_by uuid REFERENCES users (id),
     ADD COLUMN decided_at timestamptz,
     ADD COLUMN decided_by uuid REFERENCES users (id),
     ADD COLUMN rejection_reason text,
     ADD COLUMN council_decision_number text CHECK (length(council_decision_number) <= 60),
     ADD COLUMN council_decision_date date,
     ADD COLUMN council_document_id uuid,
     ADD COLUMN rulebook_version_id uuid,
     ADD COLUMN notice_given_at timestamptz,
     ADD COLUMN replaces_id uuid REFERENCES subscriptions (id),
     ADD CONSTRAINT subscriptions_active_have_a_start CHECK (status <> 'active' OR starts_on IS NOT NULL),
     ADD CONSTRAINT subscriptions_rejection_has_reason CHECK (status <> 'rejected' OR length(trim(rejection_reason)) > 0),
     ADD FOREIGN KEY (council_document_id, cooperative_id) REFERENCES documents (id, cooperative_id),
     ADD FOREIGN KEY (rulebook_version_id, cooperative_id) REFERENCES rulebook_versions (id, cooperative_id)`,
  `CREATE UNIQUE INDEX subscriptions_one_open_request ON subscriptions (organisation_id, offer_id)
     WHERE status = 'requested'`,

  // Who may move a subscription where: only an operator admin approves or
  // rejects; a referent requests (straight to active when the offer needs no
  // approval), withdraws its request, changes or gives notice on an active one.
  `CREATE FUNCTION subscriptions_transitions() RETURNS trigger
     LANGUAGE plpgsql AS $$
     DECLARE
       needs_approval boolean;
     BEGIN
       IF current_user <> 'coop_app' OR app_role() = 'operator_admin' THEN
         RETURN NEW;
       END IF;
       SELECT requires_approval INTO needs_approval FROM offers WHERE id = NEW.offer_id;
       IF TG_OP = 'INSERT' THEN
         IF NEW.status = 'requested' OR (NEW.status = 'active' AND needs_approval IS FALSE) THEN
           RETURN NEW;
         END IF;
       ELSIF OLD.status = NEW.status AND NEW.status IN ('requested', 'active') THEN
         RETURN NEW;
       ELSIF OLD.status = 'requested' AND NEW.status = 'withdrawn' THEN
         RETURN NEW;
       END IF;
       RAISE EXCEPTION 'a % may not move a subscription from % to %', app_role(),
         CASE WHEN TG_OP = 'INSERT' THEN 'nothing' ELSE OLD.status END, NEW.status
         USING ERRCODE = 'insufficient_privilege';
     END $$`,
  `CREATE TRIGGER subscriptions_transitions BEFORE INSERT OR UPDATE ON subscriptions
     FOR EACH ROW EXECUTE FUNCTION subscriptions_transitions()`,

  // Every step, kept: who, when, what changed. Never edited.
  `CREATE TABLE subscription_events (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     organisation_id uuid NOT NULL,
     subscription_id uuid NOT NULL REFERENCES subscriptions (id),
     actor_user_id uuid REFERENCES users (id),
     action text NOT NULL CHECK (action ~ '^[a-z_]+$'),
     details jsonb NOT NULL DEFAULT '{}',
     created_at timestamptz NOT NULL DEFAULT now(),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE INDEX subscription_events_subscription ON subscription_events (subscription_id, created_at)`,

  ...["offer_categories", "rulebook_versions", "documents", "subscription_events"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
  ]),
  // Categories and rulebooks: the cooperative's common knowledge, written by its operator admins.
  // A published rulebook version is never deleted (subscribers accepted it).
  ...["offer_categories", "rulebook_versions"].flatMap((table) => [
    `GRANT SELECT, INSERT, UPDATE${table === "offer_categories" ? ", DELETE" : ""} ON ${table} TO coop_app`,
    `CREATE POLICY members_read ON ${table} FOR SELECT TO coop_app USING (cooperative_id = app_cooperative_id())`,
    `CREATE POLICY operator_admins_write ON ${table} FOR ALL TO coop_app
       USING (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')
       WITH CHECK (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')`,
  ]),
  // Documents and history: the organisation's people and the operator's admins read them;
  // the organisation's referent and the operator's admins add to them; nobody edits them.
  ...["documents", "subscription_events"].flatMap((table) => [
    `GRANT SELECT, INSERT ON ${table} TO coop_app`,
    `CREATE POLICY organisation_or_operator_reads ON ${table} FOR SELECT TO coop_app
       USING (cooperative_id = app_cooperative_id()
              AND (organisation_id = app_organisation_id() OR app_role() = 'operator_admin'))`,
    `CREATE POLICY referent_or_operator_adds ON ${table} FOR INSERT TO coop_app
       WITH CHECK (cooperative_id = app_cooperative_id()
                   AND ((organisation_id = app_organisation_id() AND app_role() = 'referent')
                        OR app_role() = 'operator_admin'))`,
  ]),
  // A subscription is never deleted: its history refers to it (a request is withdrawn or rejected instead).
  `REVOKE DELETE ON subscriptions FROM coop_app`,
  // A referent requests and follows its own organisation's subscriptions (the trigger above says which moves).
  `CREATE POLICY referent_requests ON subscriptions FOR INSERT TO coop_app
     WITH CHECK (cooperative_id = app_cooperative_id() AND organisation_id = app_organisation_id()
                 AND app_role() = 'referent')`,
  `CREATE POLICY referent_follows ON subscriptions FOR UPDATE TO coop_app
     USING (cooperative_id = app_cooperative_id() AND organisation_id = app_organisation_id() AND app_role() = 'referent')
     WITH CHECK (cooperative_id = app_cooperative_id() AND organisation_id = app_organisation_id()
                 AND app_role() = 'referent')`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP TABLE subscription_events").execute(db);
  await sql.raw("DROP TRIGGER subscriptions_transitions ON subscriptions").execute(db);
  await sql.raw("DROP FUNCTION subscriptions_transitions()").execute(db);
  await sql.raw("DROP POLICY referent_requests ON subscriptions").execute(db);
  await sql.raw("DROP POLICY referent_follows ON subscriptions").execute(db);
  await sql.raw("DROP INDEX subscriptions_one_open_request").execute(db);
  await sql
    .raw(`ALTER TABLE subscriptions
      DROP COLUMN requested_at, DROP COLUMN requested_by, DROP COLUMN decided_at, DROP COLUMN decided_by,
      DROP COLUMN rejection_reason, DROP COLUMN council_decision_number, DROP COLUMN council_decision_date,
      DROP COLUMN council_document_id, DROP COLUMN rulebook_version_id, DROP COLUMN notice_given_at,
      DROP COLUMN replaces_id`)
    .execute(db);
  await sql.raw("DROP TABLE documents").execute(db);
  await sql.raw("DROP TABLE rulebook_versions").execute(db);
  await sql
    .raw(`ALTER TABLE offers
      DROP COLUMN category_id, DROP COLUMN summary, DROP COLUMN description, DROP COLUMN contact_name,
      DROP COLUMN contact_email, DROP COLUMN eligible_kinds, DROP COLUMN requires_council_decision,
      DROP COLUMN requires_approval, DROP COLUMN takes_effect, DROP COLUMN notice_months, DROP COLUMN options,
      DROP COLUMN search_text, DROP COLUMN updated_at`)
    .execute(db);
  await sql.raw("DROP TABLE offer_categories").execute(db);
}
