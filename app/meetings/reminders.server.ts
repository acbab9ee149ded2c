import { type Kysely, sql } from "kysely";
import type { DB } from "../../db/schema.ts";
import { enqueueEmail } from "../email/outbox.server.ts";
import { mailContext, meetingRow, recipients } from "../queries/meetings.server.ts";

const DAY_MS = 24 * 60 * 60 * 1000;
/** Reminders are at most this many days before a meeting (the form's limit). */
const LONGEST_REMINDER_DAYS = 60;

/** The reminder days of a meeting that have come by `now` (the meeting not started): the closest first. */
export function dueReminderDays(reminderDays: number[], startsAt: Date, now: Date): number[] {
  if (startsAt.getTime() <= now.getTime()) return [];
  return [...new Set(reminderDays)]
    .filter((days) => now.getTime() >= startsAt.getTime() - days * DAY_MS)
    .sort((left, right) => left - right);
}

/**
 * Mails the reminders that are due (issue 8): for each scheduled meeting not started yet and each of its reminder
 * days that has come, every invitee who received the invitation and has not declined or cancelled is reminded once,
 * with the date, time, place and link. Each invitee is claimed by an UPDATE that appends the day to its
 * reminded_days only where it is missing, in the transaction that writes the mail: of two workers, the second waits
 * for the first's row locks, then finds the day there and skips the row, so no one is reminded twice.
 *
 * When several days have come at once (a worker stopped for a while, a meeting scheduled late), one reminder goes,
 * for the closest day, and the others are marked as sent; nor does anyone invited after a reminder's moment get
 * that one (their invitation was recent enough). Runs as the owner (the worker). Returns the mails written.
 */
export async function sendDueReminders(owner: Kysely<DB>, publicUrl: string, now: Date): Promise<number> {
  const meetings = await owner
    .selectFrom("meetings")
    .select(["id", "starts_at", "reminder_days"])
    .where("status", "=", "scheduled")
    .where("starts_at", ">", now)
    .where("starts_at", "<=", new Date(now.getTime() + (LONGEST_REMINDER_DAYS + 1) * DAY_MS))
    .where(sql<boolean>`cardinality(reminder_days) > 0`)
    .orderBy("starts_at")
    .execute();
  let written = 0;
  for (const candidate of meetings) {
    const due = dueReminderDays(candidate.reminder_days, candidate.starts_at, now);
    const [closest] = due;
    if (closest === undefined) continue;
    written += await owner
      .transaction()
      .execute(async (trx) => {
        const claimed = await sql<{ id: string; invited_at: Date }>`
        UPDATE meeting_invitees
           SET reminded_days = ARRAY(SELECT DISTINCT day FROM unnest(reminded_days || ARRAY[${sql.join(due)}]::smallint[]) AS day
                                     ORDER BY day DESC)
         WHERE meeting_id = ${candidate.id}
           AND response NOT IN ('declined', 'cancelled')
           AND sent_sequence IS NOT NULL
           AND NOT (${closest}::smallint = ANY (reminded_days))
        RETURNING id, invited_at`.execute(trx);
        const moment = candidate.starts_at.getTime() - closest * DAY_MS;
        const remind = new Set(
          claimed.rows.filter((row) => new Date(row.invited_at).getTime() <= moment).map((row) => row.id),
        );
        if (remind.size === 0) return 0;
        const meeting = await meetingRow(trx, candidate.id);
        // Re-read under the claim: a meeting cancelled or moved meanwhile sends nothing.
        if (meeting.status !== "scheduled" || meeting.starts_at.getTime() !== candidate.starts_at.getTime()) {
          throw new StaleMeeting();
        }
        const context = await mailContext(trx, meeting, publicUrl);
        const mail = await context.render("reminder", null);
        let count = 0;
        for (const person of await recipients(trx, meeting.id)) {
          if (!remind.has(person.id)) continue;
          await enqueueEmail(trx, {
            kind: "meeting_reminder",
            to: person.email,
            cooperativeId: meeting.cooperative_id,
            replyTo: context.replyTo,
            ...mail,
          });
          count++;
        }
        return count;
      })
      .catch((error: unknown) => {
        if (error instanceof StaleMeeting) return 0;
        throw error;
      });
  }
  return written;
}

class StaleMeeting extends Error {}
