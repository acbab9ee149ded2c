import type { Kysely } from "kysely";
import type { DB } from "./schema.ts";

/**
 * Forgets what has no use any more: ended sessions, links used or expired a
 * day ago, attempt counts of past windows. Runs as the owner (the server does
 * it hourly); returns how many rows of each went.
 */
export async function purgeExpired(owner: Kysely<DB>, now: Date): Promise<Record<string, number>> {
  const dayAgo = new Date(now.getTime() - 24 * 60 * 60 * 1000);
  return owner.transaction().execute(async (trx) => {
    const sessions = await trx.deleteFrom("sessions").where("expires_at", "<=", now).executeTakeFirst();
    const tokens = await trx.deleteFrom("login_tokens").where("expires_at", "<=", dayAgo).executeTakeFirst();
    const throttles = await trx.deleteFrom("throttle_hits").where("window_start", "<=", dayAgo).executeTakeFirst();
    return {
      sessions: Number(sessions.numDeletedRows),
      loginTokens: Number(tokens.numDeletedRows),
      throttleHits: Number(throttles.numDeletedRows),
    };
  });
}
