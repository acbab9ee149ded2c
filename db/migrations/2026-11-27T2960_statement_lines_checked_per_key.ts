import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The lines' check (migration 2930) looked up a statement and an offer for every new line: a year's ten lines per
// payer looked up the same statement ten times, the same twenty offers for every payer (1.6 s of the server's time
// for the statements benchmark's year, decision 019). Each distinct statement and offer the new lines name is now
// looked up once; the rule and the error (foreign_key_violation, constraint statement_lines_belong) are the same.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION statement_lines_belong() RETURNS trigger
              LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
              DECLARE
                stray uuid;
              BEGIN
                SELECT l.statement_id INTO stray
                  FROM (SELECT DISTINCT statement_id, cooperative_id, organisation_id FROM inserted_lines) l
                 WHERE NOT EXISTS (SELECT FROM statements s
                                    WHERE s.id = l.statement_id AND s.cooperative_id = l.cooperative_id
                                      AND s.organisation_id = l.organisation_id)
                 LIMIT 1;
                IF FOUND THEN
                  RAISE EXCEPTION 'lines of statement % name no statement of their cooperative and payer', stray
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statement_lines_belong';
                END IF;
                SELECT l.offer_id INTO stray
                  FROM (SELECT DISTINCT offer_id, cooperative_id FROM inserted_lines) l
                 WHERE NOT EXISTS (SELECT FROM offers o WHERE o.id = l.offer_id AND o.cooperative_id = l.cooperative_id)
                 LIMIT 1;
                IF FOUND THEN
                  RAISE EXCEPTION 'statement lines name offer %, which is not one of their cooperative', stray
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statement_lines_belong';
                END IF;
                RETURN NULL;
              END $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION statement_lines_belong() RETURNS trigger
              LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
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
}
