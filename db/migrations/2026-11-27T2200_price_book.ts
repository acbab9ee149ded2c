import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The price book (issue 5): minimal offers, their pricings per range of years,
// subscriptions (adhésions) and the actual costs of cost-key pricings per
// half-year. The catalogue issue extends offers and subscriptions; the
// statements issue sets pricings.frozen_at. See docs/decisions/011-price-book.md.

const tables = [
  // Minimal on purpose: the catalogue issue adds descriptions, audiences,
  // conditions... Kinds and statuses are text with a CHECK (not enums), so a
  // later migration widens them by replacing the constraint.
  `CREATE TABLE offers (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
     title text NOT NULL CHECK (length(trim(title)) > 0),
     kind text NOT NULL CONSTRAINT offers_kind_check CHECK (kind IN
       ('platform', 'purchasing_group', 'gis', 'training', 'thematic_network', 'shared_service', 'expertise', 'other')),
     status text NOT NULL DEFAULT 'draft' CONSTRAINT offers_status_check CHECK (status IN ('draft', 'published', 'archived')),
     created_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (id, cooperative_id)
   )`,
  `CREATE INDEX offers_cooperative ON offers (cooperative_id, title)`,

  // A pricing applies from year_from to year_to, both inclusive and both
  // required: an open-ended pricing, once frozen by a statement, could never
  // be closed to make room for new prices. The definition is the allocation
  // core's pricing document, validated by the app (pricingSchema).
  `CREATE TABLE pricings (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     offer_id uuid NOT NULL,
     year_from smallint NOT NULL CHECK (year_from BETWEEN 2000 AND 2100),
     year_to smallint NOT NULL CHECK (year_to BETWEEN 2000 AND 2100),
     definition jsonb NOT NULL CHECK (jsonb_typeof(definition) = 'object' AND definition ? 'kind'),
     frozen_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK (year_from <= year_to),
     UNIQUE (id, cooperative_id),
     FOREIGN KEY (offer_id, cooperative_id) REFERENCES offers (id, cooperative_id)
   )`,
  `CREATE INDEX pricings_offer ON pricings (offer_id, year_from)`,
  `CREATE INDEX pricings_cooperative_years ON pricings (cooperative_id, year_from, year_to)`,
  // No two pricings of an offer cover the same year. An exclusion constraint
  // would need btree_gist (uuid equality in a GiST index), which PGlite does
  // not load by default: a trigger, serialised per offer by a transaction-scoped
  // advisory lock so that two concurrent inserts cannot both pass the check.
  // It runs as the caller: under RLS it sees the pricings of the caller's
  // cooperative, which are all the offer's (composite foreign key).
  `CREATE FUNCTION pricings_do_not_overlap() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_advisory_xact_lock(hashtextextended('pricings:' || NEW.offer_id::text, 0));
       IF EXISTS (SELECT 1 FROM pricings p
                  WHERE p.offer_id = NEW.offer_id AND p.id <> NEW.id
                    AND p.year_from <= NEW.year_to AND NEW.year_from <= p.year_to) THEN
         RAISE EXCEPTION 'pricings of offer % overlap on years % to %', NEW.offer_id, NEW.year_from, NEW.year_to
           USING ERRCODE = 'exclusion_violation';
       END IF;
       RETURN NEW;
     END $$`,
  `CREATE TRIGGER pricings_no_overlap BEFORE INSERT OR UPDATE OF offer_id, year_from, year_to ON pricings
     FOR EACH ROW EXECUTE FUNCTION pricings_do_not_overlap()`,
  // Once a statement of a covered year is issued (frozen_at set), a pricing never changes again.
  `CREATE FUNCTION pricings_frozen_are_immutable() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       IF OLD.frozen_at IS NOT NULL THEN
         RAISE EXCEPTION 'pricing % is frozen since %: it never changes', OLD.id, OLD.frozen_at
           USING ERRCODE = 'restrict_violation';
       END IF;
       RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
     END $$`,
  `CREATE TRIGGER pricings_frozen BEFORE UPDATE OR DELETE ON pricings
     FOR EACH ROW EXECUTE FUNCTION pricings_frozen_are_immutable()`,

  // Adhésions, minimal: the catalogue issue adds the request / approval
  // workflow by widening the status constraint (requested, refused,
  // cancelled...) and adding its columns. Only 'active' subscriptions count in
  // computations. Dates are inclusive; ends_on NULL: until further notice.
  // Option keys: a JSON array of the pricing's option keys; declared units: a
  // JSON object, unit key -> hundredths (1 439,5 m² = 143950).
  `CREATE TABLE subscriptions (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     organisation_id uuid NOT NULL,
     offer_id uuid NOT NULL,
     status text NOT NULL DEFAULT 'active' CONSTRAINT subscriptions_status_check CHECK (status IN ('active')),
     starts_on date NOT NULL,
     ends_on date,
     option_keys jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(option_keys) = 'array'),
     declared_units jsonb NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(declared_units) = 'object'),
     created_at timestamptz NOT NULL DEFAULT now(),
     updated_at timestamptz NOT NULL DEFAULT now(),
     CHECK (ends_on IS NULL OR ends_on >= starts_on),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id),
     FOREIGN KEY (offer_id, cooperative_id) REFERENCES offers (id, cooperative_id)
   )`,
  `CREATE INDEX subscriptions_offer ON subscriptions (offer_id, starts_on)`,
  `CREATE INDEX subscriptions_organisation ON subscriptions (organisation_id)`,
  // An organisation subscribes to an offer at most once at a time: two active
  // subscriptions over the same days would count the member twice.
  `CREATE FUNCTION subscriptions_do_not_overlap() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       PERFORM pg_advisory_xact_lock(hashtextextended('subscriptions:' || NEW.offer_id::text, 0));
       IF NEW.status = 'active' AND EXISTS (
            SELECT 1 FROM subscriptions s
            WHERE s.offer_id = NEW.offer_id AND s.organisation_id = NEW.organisation_id AND s.id <> NEW.id
              AND s.status = 'active'
              AND daterange(s.starts_on, s.ends_on, '[]') && daterange(NEW.starts_on, NEW.ends_on, '[]')) THEN
         RAISE EXCEPTION 'organisation % already subscribes to offer % over these dates', NEW.organisation_id, NEW.offer_id
           USING ERRCODE = 'exclusion_violation';
       END IF;
       RETURN NEW;
     END $$`,
  `CREATE TRIGGER subscriptions_no_overlap BEFORE INSERT OR UPDATE ON subscriptions
     FOR EACH ROW EXECUTE FUNCTION subscriptions_do_not_overlap()`,

  // The actual cost of a half-year for a cost-key pricing, direct and indirect charges apart.
  `CREATE TABLE cost_key_periods (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     pricing_id uuid NOT NULL,
     year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
     half smallint NOT NULL CHECK (half IN (1, 2)),
     direct_cents bigint NOT NULL CHECK (direct_cents >= 0),
     indirect_cents bigint NOT NULL CHECK (indirect_cents >= 0),
     entered_at timestamptz NOT NULL DEFAULT now(),
     UNIQUE (pricing_id, year, half),
     -- A pricing that may still be deleted (not frozen) takes its actual costs with it.
     FOREIGN KEY (pricing_id, cooperative_id) REFERENCES pricings (id, cooperative_id) ON DELETE CASCADE
   )`,
];

// Row-level security. Offers, pricings and actual costs are the cooperative's
// common knowledge (what each service costs, and how it is shared): every
// member of the cooperative reads them, its operator admins write them.
// Subscriptions say what one commune takes and declares (agents followed,
// options): its own people and the operator's admins read them, not the other
// communes (a commune's figures are its business and the operator's). Only the
// operator's admins write them for now; the catalogue issue adds the referent's
// request.
const rowLevelSecurity = [
  ...["offers", "pricings", "subscriptions", "cost_key_periods"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
    // Offers are archived, never deleted (pricings and subscriptions refer to them).
    `GRANT SELECT, INSERT, UPDATE${table === "offers" ? "" : ", DELETE"} ON ${table} TO coop_app`,
    `CREATE POLICY operator_admins_write ON ${table} FOR ALL TO coop_app
       USING (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')
       WITH CHECK (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')`,
  ]),
  ...["offers", "pricings", "cost_key_periods"].map(
    (table) => `CREATE POLICY members_read ON ${table} FOR SELECT TO coop_app
       USING (cooperative_id = app_cooperative_id())`,
  ),
  `CREATE POLICY own_organisation_reads ON subscriptions FOR SELECT TO coop_app
     USING (cooperative_id = app_cooperative_id() AND organisation_id = app_organisation_id())`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [...tables, ...rowLevelSecurity]) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["cost_key_periods", "subscriptions", "pricings", "offers"]) {
    await sql.raw(`DROP TABLE ${table}`).execute(db);
  }
  for (const fn of ["subscriptions_do_not_overlap()", "pricings_frozen_are_immutable()", "pricings_do_not_overlap()"]) {
    await sql.raw(`DROP FUNCTION ${fn}`).execute(db);
  }
}
