import { ANONYMOUS, type Scoped } from "../../db/request-context.ts";
import { hashToken } from "../auth/tokens.server.ts";
import type { Services } from "../context.server.ts";
import { feedCalendar, locateFeedToken } from "../queries/calendar-feeds.server.ts";
import { locateRsvpToken } from "../queries/meetings.server.ts";

// The two secrets that open meetings without signing in (decision 018): a personal RSVP link and a calendar feed.
// A token is first looked up alone (its hash in the lookup: the row it opens and nothing else); the work then runs
// in the context it belongs to (the invitation's cooperative, with the token still presented; the feed's owner).

/** Tokens are 32 random bytes, base64url: anything else is not worth a query. */
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

export interface RsvpScope {
  meetingId: string;
  tokenHash: string;
  /** Runs in the invitation's cooperative, presenting the token (what meeting_answer and the outbox need). */
  run<T>(work: Scoped<T>): Promise<T>;
}

/** The scope an RSVP token opens, or null for a malformed or unknown token. */
export async function rsvpScope(services: Services, token: string): Promise<RsvpScope | null> {
  if (!TOKEN.test(token)) return null;
  const tokenHash = hashToken(token);
  const located = await services.scopes(ANONYMOUS).withLookup({ tokenHash }, (trx) => locateRsvpToken(trx, tokenHash));
  if (!located) return null;
  const scope = services.scopes({ ...ANONYMOUS, cooperativeId: located.cooperativeId });
  return {
    meetingId: located.meetingId,
    tokenHash,
    run: <T>(work: Scoped<T>) => scope.withLookup({ tokenHash }, work),
  };
}

/** The calendar a feed token opens (its owner's meetings in its cooperative), or null when forged or revoked. */
export async function feedByToken(services: Services, token: string, now = new Date()): Promise<string | null> {
  if (!TOKEN.test(token)) return null;
  const tokenHash = hashToken(token);
  const feed = await services.scopes(ANONYMOUS).withLookup({ tokenHash }, (trx) => locateFeedToken(trx, tokenHash));
  if (!feed) return null;
  return services
    .scopes({ ...ANONYMOUS, userId: feed.userId, cooperativeId: feed.cooperativeId })
    .transaction((trx) => feedCalendar(trx, { ...feed, publicUrl: services.publicUrl, now }));
}
