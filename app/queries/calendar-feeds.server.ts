import type { Transaction } from "kysely";
import type { DB } from "../../db/schema.ts";
import { generateToken, hashToken } from "../auth/tokens.server.ts";
import { feedIcs, type IcsEvent } from "../domain/ics.ts";
import { mailContext, meetingRow } from "./meetings.server.ts";

type Trx = Transaction<DB>;

/** How far back the feed keeps past meetings. */
const FEED_HISTORY_MS = 365 * 24 * 60 * 60 * 1000;

/** When the user's active feed in the cooperative was made (its token is never kept), or null. */
export async function activeFeed(
  trx: Trx,
  { userId, cooperativeId }: { userId: string; cooperativeId: string },
): Promise<{ createdAt: Date } | null> {
  const row = await trx
    .selectFrom("calendar_feeds")
    .select("created_at")
    .where("user_id", "=", userId)
    .where("cooperative_id", "=", cooperativeId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row ? { createdAt: row.created_at } : null;
}

/** Ends the user's active feed in the cooperative (its address stops working). Whether there was one. */
export async function revokeFeed(
  trx: Trx,
  { userId, cooperativeId, now = new Date() }: { userId: string; cooperativeId: string; now?: Date },
): Promise<boolean> {
  const result = await trx
    .updateTable("calendar_feeds")
    .set({ revoked_at: now })
    .where("user_id", "=", userId)
    .where("cooperative_id", "=", cooperativeId)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** A new secret feed address for the user in the cooperative (the previous one revoked); only its hash is kept. */
export async function createFeed(
  trx: Trx,
  { userId, cooperativeId, now = new Date() }: { userId: string; cooperativeId: string; now?: Date },
): Promise<{ token: string }> {
  await revokeFeed(trx, { userId, cooperativeId, now });
  const token = generateToken();
  await trx
    .insertInto("calendar_feeds")
    .values({ user_id: userId, cooperative_id: cooperativeId, token_hash: hashToken(token) })
    .execute();
  return { token };
}

/** Whose feed a token opens (in a transaction presenting its hash): null when forged or revoked. */
export async function locateFeedToken(
  trx: Trx,
  tokenHash: string,
): Promise<{ userId: string; cooperativeId: string } | null> {
  const row = await trx
    .selectFrom("calendar_feeds")
    .select(["user_id", "cooperative_id"])
    .where("token_hash", "=", tokenHash)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row ? { userId: row.user_id, cooperativeId: row.cooperative_id } : null;
}

/**
 * The feed of a user's meetings in a cooperative (in that user's context): those they are invited to and have not
 * declined nor cancelled, out of draft, from a year back; a cancelled meeting stays, marked cancelled. Null when
 * the user no longer belongs to the cooperative.
 */
export async function feedCalendar(
  trx: Trx,
  {
    userId,
    cooperativeId,
    publicUrl,
    now = new Date(),
  }: { userId: string; cooperativeId: string; publicUrl: string; now?: Date },
): Promise<string | null> {
  const member = await trx
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .innerJoin("cooperatives as c", "c.id", "m.cooperative_id")
    .select(["u.email", "u.display_name", "c.display_name as cooperative_name"])
    .where("m.user_id", "=", userId)
    .where("m.cooperative_id", "=", cooperativeId)
    .where("u.disabled_at", "is", null)
    .executeTakeFirst();
  if (!member) return null;
  const meetings = await trx
    .selectFrom("meeting_invitees as i")
    .innerJoin("meetings as m", "m.id", "i.meeting_id")
    .select("m.id")
    .where("i.user_id", "=", userId)
    .where("i.cooperative_id", "=", cooperativeId)
    .where("i.response", "not in", ["declined", "cancelled"])
    .where("m.status", "!=", "draft")
    .where("m.ends_at", ">", new Date(now.getTime() - FEED_HISTORY_MS))
    .orderBy("m.starts_at")
    .execute();
  const events: IcsEvent[] = [];
  for (const { id } of meetings) {
    const context = await mailContext(trx, await meetingRow(trx, id), publicUrl);
    events.push(context.ics({ name: member.display_name, email: member.email }));
  }
  return feedIcs(`Réunions — ${member.cooperative_name}`, events, now);
}
