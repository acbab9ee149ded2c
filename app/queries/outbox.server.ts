import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";

type Trx = Transaction<DB>;

/** The cooperative's mail the worker gave up on (row-level security shows them to its operator admins only). */
export function listDeadLetters(trx: Trx, cooperativeId: string) {
  return trx
    .selectFrom("outbox_emails")
    .select([
      "id",
      "kind",
      "to_address as to",
      "subject",
      "attempts",
      "last_error as lastError",
      "created_at as createdAt",
    ])
    .where("cooperative_id", "=", cooperativeId)
    .where("status", "=", "dead")
    .orderBy("created_at", "desc")
    .limit(200)
    .execute();
}

/** Puts a dead letter back in the queue, due now; false when there is no such dead letter here. */
export async function resendDeadLetter(trx: Trx, cooperativeId: string, id: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable("outbox_emails")
    // A fresh start: attempts and the 23-hour window count again from now.
    .set({ status: "pending", next_attempt_at: now, created_at: now, attempts: 0, last_error: null })
    .where("id", "=", id)
    .where("cooperative_id", "=", cooperativeId)
    .where("status", "=", "dead")
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}
