import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { deleteSessionsOfUser } from "./sessions.server.ts";

type Trx = Transaction<DB>;

/**
 * Disables a user (an operator admin of a cooperative they belong to): their
 * sessions end at once and they can no longer sign in. Never deleted.
 */
export async function disableUser(trx: Trx, userId: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable("users")
    .set({ disabled_at: now })
    .where("id", "=", userId)
    .where("disabled_at", "is", null)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) return false;
  await deleteSessionsOfUser(trx, userId);
  return true;
}
