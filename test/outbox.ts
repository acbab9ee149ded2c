import type { Kysely } from "kysely";
import type { DB } from "../db/schema.ts";

export interface QueuedMail {
  to: string;
  subject: string;
  text: string;
}

/** What the portal wrote into the outbox, oldest first (read as the owner). */
export async function outboxMails(owner: Kysely<DB>): Promise<QueuedMail[]> {
  const rows = await owner
    .selectFrom("outbox_emails")
    .select(["to_address", "subject", "text_body"])
    .orderBy("created_at")
    .orderBy("id")
    .execute();
  return rows.map((row) => ({ to: row.to_address, subject: row.subject, text: row.text_body }));
}
