import { type Kysely, sql } from "kysely";

// Frozen in time: this file never imports application code.
// Notifications that are not about security: each user chooses, per kind,
// immediate mail, a daily digest, or none. Digest items wait here until the
// worker gathers them into one mail a day.

const statements = [
  `CREATE TYPE notification_delivery AS ENUM ('immediate', 'digest', 'none')`,
  `CREATE TABLE notification_preferences (
     user_id uuid NOT NULL REFERENCES users (id),
     kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
     delivery notification_delivery NOT NULL,
     updated_at timestamptz NOT NULL DEFAULT now(),
     PRIMARY KEY (user_id, kind)
   )`,
  `CREATE TABLE notification_digest_items (
     id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
     cooperative_id uuid NOT NULL REFERENCES cooperatives (id),
     user_id uuid NOT NULL REFERENCES users (id),
     kind text NOT NULL CHECK (kind ~ '^[a-z_]{1,40}$'),
     title text NOT NULL CHECK (length(trim(title)) > 0),
     body text NOT NULL DEFAULT '',
     link text,
     created_at timestamptz NOT NULL DEFAULT now(),
     digested_at timestamptz
   )`,
  `CREATE INDEX notification_digest_items_pending ON notification_digest_items (user_id, cooperative_id)
     WHERE digested_at IS NULL`,

  ...["notification_preferences", "notification_digest_items"].flatMap((table) => [
    `ALTER TABLE ${table} ENABLE ROW LEVEL SECURITY`,
    `ALTER TABLE ${table} FORCE ROW LEVEL SECURITY`,
    `CREATE POLICY maintenance ON ${table} TO CURRENT_USER USING (true) WITH CHECK (true)`,
  ]),
  // A user sets their own; whoever notifies them in a cooperative they share reads how they want it.
  `GRANT SELECT, INSERT, UPDATE ON notification_preferences TO coop_app`,
  `CREATE POLICY own_or_cooperative ON notification_preferences FOR SELECT TO coop_app
     USING (user_id = app_user_id() OR EXISTS (
       SELECT 1 FROM memberships m
       WHERE m.user_id = notification_preferences.user_id AND m.cooperative_id = app_cooperative_id()))`,
  `CREATE POLICY own_inserts ON notification_preferences FOR INSERT TO coop_app WITH CHECK (user_id = app_user_id())`,
  `CREATE POLICY own_updates ON notification_preferences FOR UPDATE TO coop_app
     USING (user_id = app_user_id()) WITH CHECK (user_id = app_user_id())`,
  // Digest items: written in the cooperative acting, for one of its members; read by their recipient.
  `GRANT SELECT, INSERT ON notification_digest_items TO coop_app`,
  `CREATE POLICY recipient_reads ON notification_digest_items FOR SELECT TO coop_app USING (user_id = app_user_id())`,
  `CREATE POLICY for_a_member ON notification_digest_items FOR INSERT TO coop_app
     WITH CHECK (cooperative_id = app_cooperative_id() AND EXISTS (
       SELECT 1 FROM memberships m
       WHERE m.user_id = notification_digest_items.user_id AND m.cooperative_id = app_cooperative_id()))`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw("DROP TABLE notification_digest_items").execute(db);
  await sql.raw("DROP TABLE notification_preferences").execute(db);
  await sql.raw("DROP TYPE notification_delivery").execute(db);
}
