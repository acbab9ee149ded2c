import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

/**
 * Forgets what has no use any more: ended sessions, links used or expired a
 * day ago, attempt counts of past windows, mail sent or given up 30 days ago,
 * and the IP addresses of audit events older than their retention. Runs as the owner (the server does
 * it hourly); returns how many rows of each went.
 */
export async function purgeExpired(
  owner: Kysely<DB>,
  now: Date,
  { auditIpRetentionDays = 365 }: { auditIpRetentionDays?: number } = {},
): Promise<Record<string, number>> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  return owner.transaction().execute(async (trx) => {
    const sessions = await trx.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
    const tokens = await trx.deleteFrom("login_tokens").where("expires_at", "<=", dayAgo).executeTakeFirst();
    const throttles = await trx.deleteFrom("throttle_hits").where("window_start", "<=", dayAgo).executeTakeFirst();
    // Sent or given-up mail holds addresses: kept 30 days for the dead-letter page and questions, then gone.
    const mails = await trx
      .deleteFrom("outbox_emails")
      .where("status", "in", ["sent", "dead"])
      .where("created_at", "<=", new Date(now.getTime() - 30 * 24 * 60 * 60 * 1000))
      .executeTakeFirst();
    // The audit log keeps its events, not the IP addresses past their retention.
    const ips = await trx
      .updateTable("audit_events")
      .set({ ip_address: null })
      .where("ip_address", "is not", null)
      .where("created_at", "<=", new Date(now.getTime() - auditIpRetentionDays * 24 * 60 * 60 * 1000))
      .executeTakeFirst();
    return {
      sessions: Number(sessions.numDeletedRows),
      auditIpsErased: Number(ips.numUpdatedRows),
      loginTokens: Number(tokens.numDeletedRows),
      throttleHits: Number(throttles.numDeletedRows),
      outboxEmails: Number(mails.numDeletedRows),
    };
  });
}
