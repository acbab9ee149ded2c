import type { Transaction } from "kysely";
import { insertRows } from "../../db/insert-rows.ts";
import type { DB, OutboxAttachment } from "../../db/schema.ts";

export interface OutgoingEmail {
  /** What the mail is about, for the audit and dead-letter pages (e.g. "sign_in_link"). */
  kind: string;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** The cooperative it speaks for (its name and reply-to), or none for platform mail. */
  cooperativeId?: string | null;
  replyTo?: string | null;
  /** When the mail is no use any more (a link that expires): dropped unsent past it. */
  expiresAt?: Date | null;
  /** Files sent with it (an invitation's .ics). */
  attachments?: OutboxAttachment[];
}

/**
 * Writes an email into the outbox, in the caller's transaction: if the change
 * that causes it rolls back, no mail leaves. The worker sends it.
 */
export async function enqueueEmail(trx: Transaction<DB>, email: OutgoingEmail): Promise<void> {
  await enqueueEmails(trx, [email]);
}

/** Writes emails into the outbox as enqueueEmail does, a few multi-row inserts for many. */
export async function enqueueEmails(trx: Transaction<DB>, emails: readonly OutgoingEmail[]): Promise<void> {
  await insertRows(
    trx,
    "outbox_emails",
    emails.map((email) => ({
      cooperative_id: email.cooperativeId ?? null,
      kind: email.kind,
      to_address: email.to,
      reply_to: email.replyTo ?? null,
      subject: email.subject,
      text_body: email.text,
      html_body: email.html ?? null,
      expires_at: email.expiresAt ?? null,
      attachments: email.attachments ?? [],
    })),
  );
}
