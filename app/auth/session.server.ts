import type { Transaction } from "kysely";
import { ANONYMOUS, applyRequestContext, type RequestContext } from "../../db/request-context.ts";
import type { DB } from "../../db/schema.ts";
import { absoluteExpiry, judgeSession, needsTouch } from "../domain/session-policy.ts";
import {
  deleteSession,
  findPresentedSession,
  insertSession,
  listMembershipsOfUser,
  type MembershipOfUser,
  touchSession,
} from "../queries/sessions.server.ts";
import { generateToken, hashToken } from "./tokens.server.ts";

export interface SignedInUser {
  id: string;
  email: string;
  displayName: string;
}

/** Who a request is: the user, their memberships, and the one they act in. */
export interface Authentication {
  sessionId: string;
  user: SignedInUser;
  memberships: MembershipOfUser[];
  active: MembershipOfUser | null;
  context: RequestContext;
}

export function contextFor(userId: string, membership: MembershipOfUser | null): RequestContext {
  return membership
    ? {
        userId,
        cooperativeId: membership.cooperativeId,
        organisationId: membership.organisationId,
        role: membership.role,
      }
    : { ...ANONYMOUS, userId };
}

/**
 * Starts a session for a user whose identity was just proven: a new random
 * token every time (never reused across sign-ins); only its hash is stored.
 * The transaction must run in the user's context.
 */
export async function startSession(
  trx: Transaction<DB>,
  userId: string,
  meta: { userAgent: string | null; ipAddress: string | null },
  now: Date,
): Promise<{ token: string; expiresAt: Date }> {
  const token = generateToken();
  const expiresAt = absoluteExpiry(now);
  await insertSession(trx, { id: hashToken(token), userId, createdAt: now, expiresAt, ...meta });
  return { token, expiresAt };
}

/**
 * Resolves a presented session token. An expired, idle or disabled user's
 * session is deleted and yields null. The transaction must present the
 * session id (lookup) in an anonymous context.
 */
export async function resolveSession(
  trx: Transaction<DB>,
  sessionId: string,
  now: Date,
): Promise<Authentication | null> {
  const session = await findPresentedSession(trx, sessionId);
  if (!session) return null;
  if (session.disabledAt !== null || judgeSession(session, now) !== "valid") {
    await deleteSession(trx, sessionId);
    return null;
  }
  if (needsTouch(session, now)) await touchSession(trx, sessionId, now);

  await applyRequestContext(trx, { ...ANONYMOUS, userId: session.userId }, { sessionId });
  const memberships = await listMembershipsOfUser(trx, session.userId);
  const active =
    memberships.find((membership) => membership.id === session.activeMembershipId) ?? memberships[0] ?? null;
  return {
    sessionId,
    user: { id: session.userId, email: session.email, displayName: session.displayName },
    memberships,
    active,
    context: contextFor(session.userId, active),
  };
}
