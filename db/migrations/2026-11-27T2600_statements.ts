import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Statements (appels de fonds, issue 7): a run is a cooperative's year (or one
// half-year of its cost keys); issuing it writes one statement per payer with
// its lines, numbered without gaps per cooperative and year from a counter row
// locked FOR UPDATE (a rolled-back issue rolls its numbers back). Issued
// statements and their lines never change: coop_app is granted no UPDATE or
// DELETE on them, and a trigger refuses both to everyone. A correction is a new,
// rectifying statement. See docs/decisions/015-statements.md.

const statements = [
  `CREATE TABLE statement_runs (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
     year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
     -- NULL: the whole year (every pricing); 1 or 2: that half-year of the cost keys only.
     half smallint CHECK (half IN (1, 2)),
     status text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'issued')),
     issued_at timestamptz,
     issued_by uuid REFERENCES users (id),
     -- What the issued run shared out, as computed when issued (NULL while a draft).
     amount_to_share_cents bigint,
     gross_cents bigint,
     subsidy_cents bigint,
     net_cents bigint,
     operator_cost_key_cents bigint,
     proration_gap_cents bigint,
     created_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((status = 'issued') = (issued_at IS NOT NULL)),
     CHECK (status = 'draft' OR (amount_to_share_cents IS NOT NULL AND gross_cents IS NOT NULL
            AND subsidy_cents IS NOT NULL AND net_cents IS NOT NULL
            AND operator_cost_key_cents IS NOT NULL AND proration_gap_cents IS NOT NULL)),
     UNIQUE (id, cooperative_id)
   )`,
  `CREATE UNIQUE INDEX statement_runs_one_per_period ON statement_runs (cooperative_id, year, coalesce(half, 0))`,

  // One counter per cooperative and numbering year: the issuing transaction locks it, so numbers have no gaps.
  `CREATE TABLE statement_counters (
     cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
     year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
     last_sequence integer NOT NULL DEFAULT 0 CHECK (last_sequence >= 0),
     PRIMARY KEY (cooperative_id, year)
   )`,

  `CREATE TABLE statements (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     run_id uuid NOT NULL,
     organisation_id uuid NOT NULL,
     year smallint NOT NULL CHECK (year BETWEEN 2000 AND 2100),
     sequence integer NOT NULL CHECK (sequence > 0),
     number text NOT NULL CHECK (number = year::text || '-' || lpad(sequence::text, 4, '0')),
     kind text NOT NULL CHECK (kind IN ('statement', 'rectifying')),
     corrects_id uuid REFERENCES statements (id),
     issued_on date NOT NULL,
     due_on date NOT NULL,
     budget_year smallint NOT NULL CHECK (budget_year BETWEEN 2000 AND 2100),
     period text NOT NULL,
     payer_name text NOT NULL,
     payer_siren text NOT NULL CHECK (payer_siren ~ '^[0-9]{9}$'),
     council_decisions jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(council_decisions) = 'array'),
     gross_cents bigint NOT NULL,
     subsidy_cents bigint NOT NULL,
     net_cents bigint NOT NULL,
     issued_by uuid REFERENCES users (id),
     created_at timestamptz NOT NULL DEFAULT now(),
     CHECK ((kind = 'rectifying') = (corrects_id IS NOT NULL)),
     CHECK (due_on >= issued_on),
     CHECK (gross_cents = net_cents + subsidy_cents),
     UNIQUE (cooperative_id, number),
     UNIQUE (cooperative_id, year, sequence),
     UNIQUE (id, cooperative_id),
     UNIQUE (id, organisation_id),
     FOREIGN KEY (run_id, cooperative_id) REFERENCES statement_runs (id, cooperative_id),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id)
   )`,
  `CREATE INDEX statements_organisation ON statements (organisation_id, year)`,
  `CREATE INDEX statements_run ON statements (run_id, payer_siren)`,

  // The lines a statement invoices (the operator's own cost-key part is never invoiced: it is on the run).
  // organisation_id repeats the statement's, for the policies.
  `CREATE TABLE statement_lines (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL,
     statement_id uuid NOT NULL,
     organisation_id uuid NOT NULL,
     position smallint NOT NULL CHECK (position > 0),
     offer_id uuid NOT NULL,
     pricing_id uuid NOT NULL,
     -- Identifies the priced item across a correction: 'base', 'option:<key>', 'costKey:<year>:<half>'.
     item_key text NOT NULL,
     offer_title text NOT NULL,
     item_label text NOT NULL,
     model text NOT NULL,
     gross_cents bigint NOT NULL,
     subsidy_cents bigint NOT NULL,
     net_cents bigint NOT NULL,
     -- The part of the full-year amount borne by the operator because the member was present part of the year.
     proration_gap_cents bigint NOT NULL DEFAULT 0,
     explanation text NOT NULL,
     CHECK (gross_cents = net_cents + subsidy_cents),
     UNIQUE (statement_id, position),
     FOREIGN KEY (statement_id, cooperative_id) REFERENCES statements (id, cooperative_id),
     -- A line belongs to its statement's payer.
     FOREIGN KEY (statement_id, organisation_id) REFERENCES statements (id, organisation_id),
     FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id),
     -- No foreign key to pricings: a line is a self-contained document; the pricing it came from is frozen
     -- when issued, so it is never deleted anyway (pricings_frozen).
     FOREIGN KEY (offer_id, cooperative_id) REFERENCES offers (id, cooperative_id)
   )`,
  `CREATE INDEX statement_lines_statement ON statement_lines (statement_id, position)`,
  // Frozen means frozen: no role edits or deletes an issued statement or line (corrections are new statements).
  `CREATE FUNCTION statements_are_immutable() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       RAISE EXCEPTION 'issued statements and their lines never change (% on %): issue a rectifying statement', TG_OP, TG_TABLE_NAME
         USING ERRCODE = 'restrict_violation';
     END $$`,
  `CREATE TRIGGER statements_immutable BEFORE UPDATE OR DELETE ON statements
     FOR EACH ROW EXECUTE FUNCTION statements_are_immutable()`,
  `CREATE TRIGGER statement_lines_immutable BEFORE UPDATE OR DELETE ON statement_lines
     FOR EACH ROW EXECUTE FUNCTION statements_are_immutable()`,
  // A run moves once, from draft to issued, and then never changes; it is never deleted once issued.
  `CREATE FUNCTION statement_runs_issued_are_immutable() RETURNS trigger
     LANGUAGE plpgsql AS $$
     BEGIN
       IF OLD.status = 'issued' THEN
         RAISE EXCEPTION 'statement run % is issued: it never changes', OLD.id
           USING ERRCODE = 'insufficient_privilege';
       END IF;
       IF TG_OP = 'UPDATE' AND (NEW.cooperative_id <> OLD.cooperative_id OR NEW.year <> OLD.year
                                OR NEW.half IS DISTINCT FROM OLD.half) THEN
         RAISE EXCEPTION 'a statement run keeps its cooperative and period' USING ERRCODE = 'insufficient_privilege';
       END IF;
       RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
     END $$`,
  `CREATE TRIGGER statement_runs_immutable BEFORE UPDATE OR DELETE ON statement_runs
     FOR EACH ROW EXECUTE FUNCTION statement_runs_issued_are_immutable()`,

  // Row-level security. Runs and counters: the operator's admins. Statements and lines: the operator's admins
  // write and read them; the payer organisation's referents and viewers read their own (as statements.read says).
  ...["statement_runs", "statement_counters", "statements", "statement_lines"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
    `CREATE POLICY operator_admins_write ON ${table} FOR ALL TO coop_app
       USING (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')
       WITH CHECK (cooperative_id = app_cooperative_id() AND app_role() = 'operator_admin')`,
  ]),
  `GRANT SELECT, INSERT, UPDATE ON statement_runs TO coop_app`,
  `GRANT SELECT, INSERT, UPDATE ON statement_counters TO coop_app`,
  `GRANT SELECT, INSERT ON statements TO coop_app`,
  `GRANT SELECT, INSERT ON statement_lines TO coop_app`,
  ...["statements", "statement_lines"].map(
    (table) => `CREATE POLICY payer_reads ON ${table} FOR SELECT TO coop_app
       USING (cooperative_id = app_cooperative_id() AND organisation_id = app_organisation_id()
              AND app_role() IN ('referent', 'viewer'))`,
  ),
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ["statement_lines", "statements", "statement_counters", "statement_runs"]) {
    await sql.raw(`DROP TABLE ${table}`).execute(db);
  }
  for (const fn of ["statement_runs_issued_are_immutable()", "statements_are_immutable()"]) {
    await sql.raw(`DROP FUNCTION ${fn}`).execute(db);
  }
}
