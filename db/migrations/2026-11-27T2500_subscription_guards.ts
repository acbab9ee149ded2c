import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// What a referent may write on its organisation's subscriptions, column by
// column (a review found the earlier trigger let it change any column of its
// own row, e.g. the offer or the start, and rejoin through a successor of an
// ended subscription). Only an operator admin decides; a referent:
// - requests (no start, no decision, no notice), or joins at once an offer that
//   needs no approval;
// - inserts the one successor of its own running subscription, starting the day
//   after it ends, carrying the same decision and council references;
// - withdraws a request, or cancels a change scheduled for a date not reached;
// - changes options, units and the accepted rulebook version; gives notice once
//   (notice_given_at and ends_on set from nothing); ends a row the day before
//   its successor starts.
// History rows must belong to the subscription's own organisation.

const GUARDED = `CREATE OR REPLACE FUNCTION subscriptions_transitions() RETURNS trigger
     LANGUAGE plpgsql AS $$
     DECLARE
       needs_approval boolean;
     BEGIN
       IF current_user <> 'coop_app' OR app_role() = 'operator_admin' THEN
         RETURN NEW;
       END IF;
       SELECT requires_approval INTO needs_approval FROM offers WHERE id = NEW.offer_id;
       IF TG_OP = 'INSERT' THEN
         IF NEW.decided_at IS NULL AND NEW.decided_by IS NULL AND NEW.rejection_reason IS NULL
            AND NEW.notice_given_at IS NULL AND NEW.ends_on IS NULL AND NEW.replaces_id IS NULL
            AND ((NEW.status = 'requested' AND NEW.starts_on IS NULL)
                 OR (NEW.status = 'active' AND needs_approval IS FALSE)) THEN
           RETURN NEW;
         END IF;
         IF NEW.status = 'active' AND NEW.replaces_id IS NOT NULL AND EXISTS (
              SELECT 1 FROM subscriptions s
              WHERE s.id = NEW.replaces_id AND s.status = 'active'
                AND s.organisation_id = NEW.organisation_id AND s.offer_id = NEW.offer_id
                AND s.ends_on IS NOT NULL AND s.ends_on >= current_date AND NEW.starts_on = s.ends_on + 1
                AND NEW.decided_at IS NOT DISTINCT FROM s.decided_at
                AND NEW.decided_by IS NOT DISTINCT FROM s.decided_by
                AND NEW.council_document_id IS NOT DISTINCT FROM s.council_document_id
                AND NEW.council_decision_number IS NOT DISTINCT FROM s.council_decision_number
                AND NEW.council_decision_date IS NOT DISTINCT FROM s.council_decision_date)
            AND NOT EXISTS (
              SELECT 1 FROM subscriptions other
              WHERE other.replaces_id = NEW.replaces_id AND other.status = 'active') THEN
           RETURN NEW;
         END IF;
       ELSIF NEW.id = OLD.id AND NEW.cooperative_id = OLD.cooperative_id
             AND NEW.organisation_id = OLD.organisation_id AND NEW.offer_id = OLD.offer_id
             AND NEW.starts_on IS NOT DISTINCT FROM OLD.starts_on
             AND NEW.requested_at IS NOT DISTINCT FROM OLD.requested_at
             AND NEW.requested_by IS NOT DISTINCT FROM OLD.requested_by
             AND NEW.decided_at IS NOT DISTINCT FROM OLD.decided_at
             AND NEW.decided_by IS NOT DISTINCT FROM OLD.decided_by
             AND NEW.rejection_reason IS NOT DISTINCT FROM OLD.rejection_reason
             AND NEW.council_decision_number IS NOT DISTINCT FROM OLD.council_decision_number
             AND NEW.council_decision_date IS NOT DISTINCT FROM OLD.council_decision_date
             AND NEW.council_document_id IS NOT DISTINCT FROM OLD.council_document_id
             AND NEW.replaces_id IS NOT DISTINCT FROM OLD.replaces_id
             AND NEW.created_at = OLD.created_at
             AND (NEW.notice_given_at IS NOT DISTINCT FROM OLD.notice_given_at OR OLD.notice_given_at IS NULL)
             AND (NEW.ends_on IS NOT DISTINCT FROM OLD.ends_on
                  OR OLD.ends_on IS NULL
                  OR EXISTS (SELECT 1 FROM subscriptions successor
                             WHERE successor.replaces_id = OLD.id AND successor.status = 'active'
                               AND successor.starts_on = NEW.ends_on + 1)) THEN
         IF OLD.status = NEW.status AND NEW.status IN ('requested', 'active') THEN
           RETURN NEW;
         ELSIF OLD.status = 'requested' AND NEW.status = 'withdrawn' THEN
           RETURN NEW;
         ELSIF OLD.status = 'active' AND NEW.status = 'withdrawn' AND OLD.replaces_id IS NOT NULL
               AND OLD.starts_on > current_date THEN
           RETURN NEW;
         END IF;
       END IF;
       RAISE EXCEPTION 'a % may not make this change to a subscription (% to %)', app_role(),
         CASE WHEN TG_OP = 'INSERT' THEN 'nothing' ELSE OLD.status END, NEW.status
         USING ERRCODE = 'insufficient_privilege';
     END $$`;

const statements = [
  GUARDED,
  `DROP POLICY referent_or_operator_adds ON subscription_events`,
  `CREATE POLICY referent_or_operator_adds ON subscription_events FOR INSERT TO coop_app
     WITH CHECK (cooperative_id = app_cooperative_id()
                 AND ((organisation_id = app_organisation_id() AND app_role() = 'referent')
                      OR app_role() = 'operator_admin')
                 AND EXISTS (SELECT 1 FROM subscriptions s
                             WHERE s.id = subscription_events.subscription_id
                               AND s.organisation_id = subscription_events.organisation_id
                               AND s.cooperative_id = subscription_events.cooperative_id))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP POLICY referent_or_operator_adds ON subscription_events").execute(db);
  await sql
    .raw(`CREATE POLICY referent_or_operator_adds ON subscription_events FOR INSERT TO coop_app
       WITH CHECK (cooperative_id = app_cooperative_id()
                   AND ((organisation_id = app_organisation_id() AND app_role() = 'referent')
                        OR app_role() = 'operator_admin'))`)
    .execute(db);
}
