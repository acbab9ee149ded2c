import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// A statement names its run, its payer (both of its cooperative) and the user who issued it. Three foreign keys said
// so, each checked by a query per statement that also locked the row it found (every payer's organisation row, once
// a year): 46 % of a statement's insert in the statements benchmark (decision 019). As for the lines (migrations
// 2930, 2960), one check per INSERT statement now looks up each distinct run, payer and issuer the new statements
// name, and refuses the insert if one is missing (foreign_key_violation, constraint statements_belong). Run as the
// inserting role, it sees what that role's policies show: a run or payer of another cooperative is not found.
//
// The keys' other half, refusing to delete or re-key what a statement names, is kept by row triggers on the three
// tables (statements_keep_their_parties, same error), after the row is written as a foreign key is checked (a
// policy refusing the change speaks first). They run as the caller too: only the owner deletes
// organisations, users or runs (coop_app has no DELETE on them) and sees every statement; an operator admin may
// update its cooperative's organisations and sees its cooperative's statements, which are all those naming them.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`ALTER TABLE statements
              DROP CONSTRAINT statements_run_id_cooperative_id_fkey,
              DROP CONSTRAINT statements_organisation_id_cooperative_id_fkey,
              DROP CONSTRAINT statements_issued_by_fkey`.execute(db);

  await sql`CREATE FUNCTION statements_belong() RETURNS trigger
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
  await sql`CREATE TRIGGER statements_belong AFTER INSERT ON statements
              REFERENCING NEW TABLE AS inserted_statements
              FOR EACH STATEMENT EXECUTE FUNCTION statements_belong()`.execute(db);

  await sql`CREATE FUNCTION statements_keep_their_parties() RETURNS trigger
              LANGUAGE plpgsql SET search_path = pg_catalog, public AS $$
              DECLARE
                named boolean;
              BEGIN
                -- Nested: a users row has no cooperative_id, and NEW is null on DELETE.
                IF TG_OP = 'UPDATE' THEN
                  IF NEW.id = OLD.id THEN
                    IF TG_TABLE_NAME = 'users' THEN
                      RETURN NULL;
                    END IF;
                    IF NEW.cooperative_id = OLD.cooperative_id THEN
                      RETURN NULL;
                    END IF;
                  END IF;
                END IF;
                named := CASE TG_TABLE_NAME
                  WHEN 'statement_runs' THEN EXISTS (SELECT FROM statements s WHERE s.run_id = OLD.id)
                  WHEN 'organisations' THEN EXISTS (SELECT FROM statements s WHERE s.organisation_id = OLD.id)
                  ELSE EXISTS (SELECT FROM statements s WHERE s.issued_by = OLD.id)
                END;
                IF named THEN
                  RAISE EXCEPTION 'the % row % is named by issued statements: it is neither deleted nor re-keyed',
                      TG_TABLE_NAME, OLD.id
                    USING ERRCODE = 'foreign_key_violation', CONSTRAINT = 'statements_belong';
                END IF;
                RETURN NULL;
              END $$`.execute(db);
  await sql`CREATE TRIGGER statement_runs_keep_statements AFTER DELETE OR UPDATE OF id, cooperative_id
              ON statement_runs FOR EACH ROW EXECUTE FUNCTION statements_keep_their_parties()`.execute(db);
  await sql`CREATE TRIGGER organisations_keep_statements AFTER DELETE OR UPDATE OF id, cooperative_id
              ON organisations FOR EACH ROW EXECUTE FUNCTION statements_keep_their_parties()`.execute(db);
  await sql`CREATE TRIGGER users_keep_statements AFTER DELETE OR UPDATE OF id
              ON users FOR EACH ROW EXECUTE FUNCTION statements_keep_their_parties()`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`DROP TRIGGER users_keep_statements ON users`.execute(db);
  await sql`DROP TRIGGER organisations_keep_statements ON organisations`.execute(db);
  await sql`DROP TRIGGER statement_runs_keep_statements ON statement_runs`.execute(db);
  await sql`DROP FUNCTION statements_keep_their_parties()`.execute(db);
  await sql`DROP TRIGGER statements_belong ON statements`.execute(db);
  await sql`DROP FUNCTION statements_belong()`.execute(db);
  await sql`ALTER TABLE statements
              ADD CONSTRAINT statements_run_id_cooperative_id_fkey
                FOREIGN KEY (run_id, cooperative_id) REFERENCES statement_runs (id, cooperative_id),
              ADD CONSTRAINT statements_organisation_id_cooperative_id_fkey
                FOREIGN KEY (organisation_id, cooperative_id) REFERENCES organisations (id, cooperative_id),
              ADD CONSTRAINT statements_issued_by_fkey FOREIGN KEY (issued_by) REFERENCES users (id)`.execute(db);
}
