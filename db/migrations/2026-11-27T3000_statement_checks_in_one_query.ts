import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The checks that stand for the statements' and the lines' foreign keys (migrations 2960, 2980) ran a query per
// key: five queries for every run issued, each with its own start-up inside the trigger (a quarter of a
// millisecond per statement insert in the statements benchmark, decision 019). Each check is now one query over
// the new rows, every key looked up as before; the errors are the same.

const statementsBelong = sql`
  CREATE OR REPLACE FUNCTION statements_belong() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
    DECLARE
      stray record;
    BEGIN
      SELECT * INTO stray FROM (
        SELECT 'run' AS what, s.run_id AS id
          FROM (SELECT DISTINCT run_id, cooperative_id FROM inserted_statements) s
         WHERE NOT EXISTS (SELECT FROM statement_runs r WHERE r.id = s.run_id AND r.cooperative_id = s.cooperative_id)
        UNION ALL
        SELECT 'payer', s.organisation_id
          FROM (SELECT DISTINCT organisation_id, cooperative_id FROM inserted_statements) s
         WHERE NOT EXISTS (SELECT FROM organisations o
                            WHERE o.id = s.organisation_id AND o.cooperative_id = s.cooperative_id)
        UNION ALL
        SELECT 'issuer', s.issued_by
          FROM (SELECT DISTINCT issued_by FROM inserted_statements WHERE issued_by IS NOT NULL) s
         WHERE NOT EXISTS (SELECT FROM users u WHERE u.id = s.issued_by)
      ) strays
      LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'statements name % %, which is not %', stray.what, stray.id,
            CASE stray.what WHEN 'issuer' THEN 'a user' ELSE 'of their cooperative' END
          USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statements_belong';
      END IF;
      RETURN NULL;
    END $$`;

const linesBelong = sql`
  CREATE OR REPLACE FUNCTION statement_lines_belong() RETURNS trigger
    LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
    DECLARE
      stray record;
    BEGIN
      SELECT * INTO stray FROM (
        SELECT 'statement' AS what, l.statement_id AS id
          FROM (SELECT DISTINCT statement_id, cooperative_id, organisation_id FROM inserted_lines) l
         WHERE NOT EXISTS (SELECT FROM statements s
                            WHERE s.id = l.statement_id AND s.cooperative_id = l.cooperative_id
                              AND s.organisation_id = l.organisation_id)
        UNION ALL
        SELECT 'offer', l.offer_id
          FROM (SELECT DISTINCT offer_id, cooperative_id FROM inserted_lines) l
         WHERE NOT EXISTS (SELECT FROM offers o WHERE o.id = l.offer_id AND o.cooperative_id = l.cooperative_id)
      ) strays
      LIMIT 1;
      IF FOUND THEN
        RAISE EXCEPTION 'statement lines name % %, which is not one of their cooperative%', stray.what, stray.id,
            CASE stray.what WHEN 'statement' THEN ' and payer' ELSE '' END
          USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statement_lines_belong';
      END IF;
      RETURN NULL;
    END $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await statementsBelong.execute(db);
  await linesBelong.execute(db);
}

// The functions as migrations 2960 and 2980 wrote them.
export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE OR REPLACE FUNCTION statements_belong() RETURNS trigger
              LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
              DECLARE
                stray uuid;
              BEGIN
                SELECT s.run_id INTO stray
                  FROM (SELECT DISTINCT run_id, cooperative_id FROM inserted_statements) s
                 WHERE NOT EXISTS (SELECT FROM statement_runs r
                                    WHERE r.id = s.run_id AND r.cooperative_id = s.cooperative_id)
                 LIMIT 1;
                IF FOUND THEN
                  RAISE EXCEPTION 'statements name run %, which is not one of their cooperative', stray
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statements_belong';
                END IF;
                SELECT s.organisation_id INTO stray
                  FROM (SELECT DISTINCT organisation_id, cooperative_id FROM inserted_statements) s
                 WHERE NOT EXISTS (SELECT FROM organisations o
                                    WHERE o.id = s.organisation_id AND o.cooperative_id = s.cooperative_id)
                 LIMIT 1;
                IF FOUND THEN
                  RAISE EXCEPTION 'statements name payer %, which is not an organisation of their cooperative', stray
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statements_belong';
                END IF;
                SELECT s.issued_by INTO stray
                  FROM (SELECT DISTINCT issued_by FROM inserted_statements WHERE issued_by IS NOT NULL) s
                 WHERE NOT EXISTS (SELECT FROM users u WHERE u.id = s.issued_by)
                 LIMIT 1;
                IF FOUND THEN
                  RAISE EXCEPTION 'statements name issuer %, who is not a user', stray
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statements_belong';
                END IF;
                RETURN NULL;
              END $$`.execute(db);
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
