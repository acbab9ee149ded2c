import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// A referent's change to an active subscription of an offer that takes effect on
// 1 January is a successor row (replaces_id) starting the day after the current
// one ends (decision 014). The transitions trigger let a referent insert an
// active row only for offers without approval: it now also lets it insert the
// successor of its own active subscription, starting right after it ends.

const transitions = (withSuccessor: boolean) => `CREATE OR REPLACE FUNCTION subscriptions_transitions() RETURNS trigger
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
         END IF;${
           withSuccessor
             ? `
         IF NEW.status = 'active' AND NEW.replaces_id IS NOT NULL AND EXISTS (
              SELECT 1 FROM subscriptions s
              WHERE s.id = NEW.replaces_id AND s.status = 'active'
                AND s.organisation_id = NEW.organisation_id AND s.offer_id = NEW.offer_id
                AND s.ends_on IS NOT NULL AND NEW.starts_on = s.ends_on + 1) THEN
           RETURN NEW;
         END IF;`
             : ""
         }
       ELSIF OLD.status = NEW.status AND NEW.status IN ('requested', 'active') THEN
         RETURN NEW;
       ELSIF OLD.status = 'requested' AND NEW.status = 'withdrawn' THEN
         RETURN NEW;
       END IF;
       RAISE EXCEPTION 'a % may not move a subscription from % to %', app_role(),
         CASE WHEN TG_OP = 'INSERT' THEN 'nothing' ELSE OLD.status END, NEW.status
         USING ERRCODE = 'insufficient_privilege';
     END $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(transitions(true)).execute(db);
  await sql.raw("CREATE INDEX subscriptions_replaces ON subscriptions (replaces_id)").execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP INDEX subscriptions_replaces").execute(db);
  await sql.raw(transitions(false)).execute(db);
}
