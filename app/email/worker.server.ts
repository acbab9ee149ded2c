import { type Kysely, sql, type Transaction } from "kysely";
import { jsonb } from "../../db/jsonb.ts";
import type { DB } from "../../db/schema.ts";
import { sendDueReminders } from "../meetings/reminders.server.ts";
import { sendDueDigests } from "../notifications/digest.server.tsx";
import type { SendOutcome, Transport } from "./transports.server.ts";

/** Resend forgets idempotency keys after 24 hours: never retry past this, from the row's creation. */
export const GIVE_UP_AFTER_MS = 23 * 60 * 60 * 1000;
/** At most 2 requests per second (Resend's default limit), across every worker. */
export const MIN_SEND_INTERVAL_MS = 500;

export function backoffMs(attempts: number): number {
  return Math.min(60 * 60 * 1000, 30_000 * 2 ** Math.max(0, attempts - 1));
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until 500 ms after the last send by any worker, then records this one (under the pace row's lock). */
async function keepPace(trx: Transaction<DB>): Promise<void> {
  // The database's clock, the same for every worker.
  const { wait_ms } = await sql<{ wait_ms: number }>`
    SELECT greatest(0, extract(epoch FROM last_send_at + ${`${MIN_SEND_INTERVAL_MS} milliseconds`}::interval
                                      - clock_timestamp()) * 1000)::float8 AS wait_ms
    FROM outbox_pace FOR UPDATE`
    .execute(trx)
    .then((result) => result.rows[0] ?? { wait_ms: 0 });
  if (wait_ms > 0) await sleep(wait_ms);
  await trx.updateTable("outbox_pace").set({ last_send_at: sql`clock_timestamp()` }).execute();
}

export type DeliveryResult = "sent" | "retry" | "dead" | "idle";

/**
 * Sends one due row, holding its lock (FOR UPDATE SKIP LOCKED) until its new
 * state is committed: if the process dies mid-way the row stays pending, and
 * the next attempt reuses the same idempotency key, so the provider sends one
 * mail. The pace row, locked in the same transaction, spaces sends out across
 * workers. Runs as the owner.
 */
export async function deliverOne(
  owner: Kysely<DB>,
  transport: Transport,
  { now = () => new Date(), paced = true }: { now?: () => Date; paced?: boolean } = {},
): Promise<DeliveryResult> {
  return owner.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom("outbox_emails")
      .selectAll()
      .where("status", "=", "pending")
      .where("next_attempt_at", "<=", now())
      .orderBy("next_attempt_at")
      .limit(1)
      .forUpdate()
      .skipLocked()
      .executeTakeFirst();
    if (!row) return "idle";

    const giveUp = async (reason: string) => {
      await trx
        .updateTable("outbox_emails")
        .set({ status: "dead", last_error: reason })
        .where("id", "=", row.id)
        .execute();
      console.error(`Outbox: mail ${row.id} (${row.kind}) not sent: ${reason}`);
      return "dead" as const;
    };
    // Checked before sending: a backlog or a stopped worker must not send a stale link, nor
    // resend after Resend has forgotten the idempotency key.
    if (row.expires_at && row.expires_at.getTime() <= now().getTime()) {
      return giveUp("expired before it could be sent (its link is no longer valid)");
    }
    if (row.attempts > 0 && now().getTime() - row.created_at.getTime() > GIVE_UP_AFTER_MS) {
      return giveUp(`${row.last_error ?? "not delivered"} (gave up: 24 h passed)`);
    }

    if (paced) await keepPace(trx);
    let outcome: SendOutcome;
    try {
      outcome = await transport.send(
        {
          id: row.id,
          to: row.to_address,
          subject: row.subject,
          text: row.text_body,
          html: row.html_body,
          replyTo: row.reply_to,
          attachments: row.attachments,
        },
        row.id,
      );
    } catch (error) {
      // A transport that throws (a full disk, an unexpected answer) is a failure like any other:
      // counted and retried later, so that the mail behind it still leaves.
      outcome = { ok: false, retryable: true, error: `transport: ${error instanceof Error ? error.message : error}` };
    }
    const attempts = row.attempts + 1;
    if (outcome.ok) {
      await trx
        .updateTable("outbox_emails")
        // Sent: the bodies (which may hold links) are no longer kept.
        .set({
          status: "sent",
          sent_at: now(),
          provider_id: outcome.providerId,
          attempts,
          last_error: null,
          text_body: "",
          html_body: null,
          attachments: jsonb([]),
        })
        .where("id", "=", row.id)
        .execute();
      return "sent";
    }
    const nextAttempt = new Date(now().getTime() + Math.max(outcome.retryAfterMs ?? 0, backoffMs(attempts)));
    const tooLate = nextAttempt.getTime() - row.created_at.getTime() > GIVE_UP_AFTER_MS;
    const dead = !outcome.retryable || tooLate;
    await trx
      .updateTable("outbox_emails")
      .set({
        status: dead ? "dead" : "pending",
        attempts,
        next_attempt_at: nextAttempt,
        last_error: dead && outcome.retryable ? `${outcome.error} (gave up: 24 h passed)` : outcome.error,
      })
      .where("id", "=", row.id)
      .execute();
    if (dead) console.error(`Outbox: mail ${row.id} (${row.kind}) not sent: ${outcome.error}`);
    return dead ? "dead" : "retry";
  });
}

/**
 * Delivers due mail until stopped; checks again every `idleMs` when there is
 * none. With `scheduledMail`, also writes the mail that falls due with time
 * (checked every `scheduledEveryMs`): the daily digests and the meetings'
 * reminders.
 */
export function startOutboxWorker(
  owner: Kysely<DB>,
  transport: Transport,
  {
    idleMs = 1000,
    paced = true,
    scheduledMail,
    scheduledEveryMs = 60_000,
  }: { idleMs?: number; paced?: boolean; scheduledMail?: { publicUrl: string }; scheduledEveryMs?: number } = {},
) {
  let running = true;
  let wake: (() => void) | undefined;
  let scheduledCheckedAt = 0;
  const loop = (async () => {
    while (running) {
      if (scheduledMail && Date.now() - scheduledCheckedAt >= scheduledEveryMs) {
        scheduledCheckedAt = Date.now();
        await sendDueDigests(owner, scheduledMail.publicUrl, new Date()).catch((error: unknown) => {
          console.error("Digests:", error instanceof Error ? error.message : error);
        });
        await sendDueReminders(owner, scheduledMail.publicUrl, new Date()).catch((error: unknown) => {
          console.error("Meeting reminders:", error instanceof Error ? error.message : error);
        });
      }
      const result = await deliverOne(owner, transport, { paced }).catch((error: unknown) => {
        console.error("Outbox worker:", error instanceof Error ? error.message : error);
        return "idle" as const;
      });
      if (result === "idle" || result === "retry") {
        await new Promise<void>((resolve) => {
          wake = resolve;
          setTimeout(resolve, idleMs);
        });
      }
    }
  })();
  return {
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
  };
}
