import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// The outbox: every email is a row written in the transaction of the change
// that causes it; a worker (as the owner) delivers rows one at a time.

const statements = [
  `CREATE TABLE outbox_emails (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid REFERENCES cooperatives (id),
     kind text NOT NULL CHECK (kind ~ '^[a-z_]+$'),
     to_address text NOT NULL CHECK (to_address ~ '^[^@\\s]+@[^@\\s]+$'),
     reply_to text,
     subject text NOT NULL CHECK (length(subject) BETWEEN 1 AND 300),
     text_body text NOT NULL,
     html_body text,
     status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'dead')),
     attempts integer NOT NULL DEFAULT 0,
     next_attempt_at timestamptz NOT NULL DEFAULT now(),
     -- mail useless after this (a 10-minute link): dropped unsent
     expires_at timestamptz,
     created_at timestamptz NOT NULL DEFAULT now(),
     sent_at timestamptz,
     provider_id text,
     last_error text
   )`,
  `CREATE INDEX outbox_emails_due ON outbox_emails (next_attempt_at) WHERE status = 'pending'`,
  `CREATE INDEX outbox_emails_cooperative ON outbox_emails (cooperative_id, status)`,
  // One row that every worker locks to space sends out (Resend's 2 requests per second).
  `CREATE TABLE outbox_pace (
     id boolean PRIMARY KEY DEFAULT true CHECK (id),
     last_send_at timestamptz NOT NULL DEFAULT '-infinity'
   )`,
  `INSERT INTO outbox_pace DEFAULT VALUES`,

  ...["outbox_emails", "outbox_pace"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
  ]),

  // Requests write mail for their cooperative (or platform mail: sign-in links);
  // operator admins see their cooperative's mail and send dead letters again.
  // Requests never read bodies back (they may carry links).
  `GRANT INSERT ON outbox_emails TO coop_app`,
  `GRANT SELECT (id, cooperative_id, kind, to_address, subject, status, attempts, next_attempt_at, expires_at,
                 created_at, sent_at, last_error) ON outbox_emails TO coop_app`,
  `GRANT UPDATE (status, attempts, next_attempt_at, created_at, last_error) ON outbox_emails TO coop_app`,
  `CREATE POLICY written_by_requests ON outbox_emails FOR INSERT TO coop_app
     WITH CHECK (cooperative_id IS NULL OR cooperative_id = app_cooperative_id())`,
  `CREATE POLICY operator_reads ON outbox_emails FOR SELECT TO coop_app
     USING (app_role() = 'operator_admin' AND cooperative_id = app_cooperative_id())`,
  `CREATE POLICY operator_resends ON outbox_emails FOR UPDATE TO coop_app
     USING (app_role() = 'operator_admin' AND cooperative_id = app_cooperative_id() AND status = 'dead')
     WITH CHECK (app_role() = 'operator_admin' AND cooperative_id = app_cooperative_id() AND status = 'pending')`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP TABLE outbox_pace").execute(db);
  await sql.raw("DROP TABLE outbox_emails").execute(db);
}
