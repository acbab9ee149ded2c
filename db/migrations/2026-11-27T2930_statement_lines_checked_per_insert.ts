import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// A statement line belongs to its statement's cooperative and payer, and names an offer of that cooperative. Two
// foreign keys said so, each checked by a query per line (two thirds of a million lookups, each locking the row it
// found, for a year's statements of every EPCI: the statements benchmark, decision 019). Their other half refused
// deleting what a line refers to: statements are never deleted or changed (statements_immutable; TRUNCATE too since
// migration 2940), coop_app may not delete offers, and an offer with issued lines keeps a frozen pricing, which
// keeps it. One check per INSERT statement says the same: its new lines joined to
// statements and offers, every line must find both. Run as the inserting role, it sees what that role's policies
// show; a line naming a statement or an offer of another cooperative finds nothing and is refused.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statement_lines
              DROP CONSTRAINT statement_lines_statement_fkey,
              DROP CONSTRAINT statement_lines_offer_id_cooperative_id_fkey`.execute(db);
  await sql`CREATE FUNCTION statement_lines_belong() RETURNS trigger
              LANGUAGE plpgsql AS $$
              DECLARE
                stray record;
              BEGIN
                SELECT l.statement_id, l.position, s.id IS NULL AS no_statement INTO stray
                  FROM inserted_lines l
                  LEFT JOIN statements s
                    ON s.id = l.statement_id AND s.cooperative_id = l.cooperative_id
                   AND s.organisation_id = l.organisation_id
                  LEFT JOIN offers o ON o.id = l.offer_id AND o.cooperative_id = l.cooperative_id
                 WHERE s.id IS NULL OR o.id IS NULL
                 LIMIT 1;
                IF FOUND THEN
                  RAISE EXCEPTION 'statement line % of statement % names %', stray.position, stray.statement_id,
                      CASE WHEN stray.no_statement THEN 'no statement of its cooperative and payer'
                           ELSE 'no offer of its cooperative' END
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statement_lines_belong';
                END IF;
                RETURN NULL;
              END $$`.execute(db);
  await sql`CREATE TRIGGER statement_lines_belong AFTER INSERT ON statement_lines
              REFERENCING NEW TABLE AS inserted_lines
              FOR EACH STATEMENT EXECUTE FUNCTION statement_lines_belong()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER statement_lines_belong ON statement_lines`.execute(db);
  await sql`DROP FUNCTION statement_lines_belong()`.execute(db);
  await sql`ALTER TABLE statement_lines
              ADD CONSTRAINT statement_lines_statement_fkey FOREIGN KEY (statement_id, cooperative_id, organisation_id)
                REFERENCES statements (id, cooperative_id, organisation_id),
              ADD CONSTRAINT statement_lines_offer_id_cooperative_id_fkey FOREIGN KEY (offer_id, cooperative_id)
                REFERENCES offers (id, cooperative_id)`.execute(db);
}
