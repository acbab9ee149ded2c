import type { Transaction } from "kysely";
import { ANONYMOUS, applyRequestContext, type RequestContext } from "../../db/request-context.ts";
import type { DB, MembershipRole } from "../../db/schema.ts";
import { absoluteExpiry, judgeSession, needsTouch } from "../domain/session-policy.ts";
import {
  deleteSession,
  findPresentedSession,
  findUser,
  hasTotp,
  insertSession,
  listMembershipsOfUser,
  type MembershipOfUser,
  touchSession,
} from "../queries/sessions.server.ts";
import type { AdminSecondFactorPolicy } from "./second-factor.server.ts";
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
  secondFactor: { enrolled: boolean; required: boolean };
}

/**
 * A presented session: signed in, or still owing its second factor (a code to
 * type, or an authenticator to enrol first when the user must have one). A
 * session owing its second factor acts as nobody.
 */
export type SessionState =
  | { status: "signed_in"; authentication: Authentication }
  | { status: "second_factor"; need: "verify" | "enrol"; authentication: Authentication };

const ROLE_RANK: Record<MembershipRole, number> = { operator_admin: 0, referent: 1, agent: 2, viewer: 3 };

/** The membership a user acts in until they pick one (the context must carry the user). */
export async function firstMembershipOf(trx: Transaction<DB>, userId: string): Promise<MembershipOfUser | null> {
  return defaultMembership(await listMembershipsOfUser(trx, userId));
}

/** Until the user picks one, they act in the membership with the most rights. */
function defaultMembership(memberships: MembershipOfUser[]): MembershipOfUser | null {
  return [...memberships].sort((a, b) => ROLE_RANK[a.role] - ROLE_RANK[b.role])[0] ?? null;
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
  adminSecondFactor: AdminSecondFactorPolicy,
): Promise<SessionState | null> {
  const session = await findPresentedSession(trx, sessionId);
  if (!session) return null;
  await applyRequestContext(trx, { ...ANONYMOUS, userId: session.userId }, { sessionId });
  const user = await findUser(trx, session.userId);
  if (!user || user.disabledAt !== null || judgeSession(session, now) !== "valid") {
    await deleteSession(trx, sessionId);
    return null;
  }
  if (needsTouch(session, now)) await touchSession(trx, sessionId, now);

  const memberships = await listMembershipsOfUser(trx, session.userId);
  const active =
    memberships.find((membership) => membership.id === session.activeMembershipId) ?? defaultMembership(memberships);
  const enrolled = await hasTotp(trx, session.userId);
  const required =
    adminSecondFactor === "required" && memberships.some((membership) => membership.role === "operator_admin");
  const authentication: Authentication = {
    sessionId,
    user: { id: user.id, email: user.email, displayName: user.displayName },
    memberships,
    active,
    context: contextFor(session.userId, active),
    secondFactor: { enrolled, required },
  };
  if (enrolled && session.secondFactorVerifiedAt === null) {
    return { status: "second_factor", need: "verify", authentication };
  }
  if (required && !enrolled) return { status: "second_factor", need: "enrol", authentication };
  return { status: "signed_in", authentication };
}
