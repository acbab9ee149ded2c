import type { Transaction } from "kysely";
import type { DB, MembershipRole } from "../../db/schema.ts";

type Trx = Transaction<DB>;

export interface SessionRow {
  id: string;
  userId: string;
  activeMembershipId: string | null;
  createdAt: Date;
  lastUsedAt: Date;
  expiresAt: Date;
  userAgent: string | null;
  ipAddress: string | null;
  secondFactorVerifiedAt: Date | null;
}

const sessionColumns = [
  "s.id",
  "s.user_id as userId",
  "s.active_membership_id as activeMembershipId",
  "s.created_at as createdAt",
  "s.last_used_at as lastUsedAt",
  "s.expires_at as expiresAt",
  "s.user_agent as userAgent",
  "s.ip_address as ipAddress",
  "s.second_factor_verified_at as secondFactorVerifiedAt",
] as const;

export async function insertSession(
  trx: Trx,
  session: {
    id: string;
    userId: string;
    createdAt: Date;
    expiresAt: Date;
    userAgent: string | null;
    ipAddress: string | null;
  },
): Promise<void> {
  await trx
    .insertInto("sessions")
    .values({
      id: session.id,
      user_id: session.userId,
      created_at: session.createdAt,
      last_used_at: session.createdAt,
      expires_at: session.expiresAt,
      user_agent: session.userAgent,
      ip_address: session.ipAddress,
    })
    .execute();
}

/** The session presented by the request (lookup sessionId). */
export function findPresentedSession(trx: Trx, id: string): Promise<SessionRow | undefined> {
  return trx.selectFrom("sessions as s").select(sessionColumns).where("s.id", "=", id).executeTakeFirst();
}

/** A user as they see themself (the context must carry the user). */
export function findUser(trx: Trx, id: string) {
  return trx
    .selectFrom("users")
    .select(["id", "email", "display_name as displayName", "disabled_at as disabledAt"])
    .where("id", "=", id)
    .executeTakeFirst();
}

export async function hasTotp(trx: Trx, userId: string): Promise<boolean> {
  const row = await trx
    .selectFrom("totp_credentials")
    .select("user_id")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  return row !== undefined;
}

export async function touchSession(trx: Trx, id: string, now: Date): Promise<void> {
  await trx.updateTable("sessions").set({ last_used_at: now }).where("id", "=", id).execute();
}

export async function deleteSession(trx: Trx, id: string): Promise<void> {
  await trx.deleteFrom("sessions").where("id", "=", id).execute();
}

export function listSessionsOfUser(trx: Trx, userId: string): Promise<SessionRow[]> {
  return trx
    .selectFrom("sessions as s")
    .select(sessionColumns)
    .where("s.user_id", "=", userId)
    .orderBy("s.last_used_at", "desc")
    .execute();
}

/** Ends every session of a user (sign-out everywhere, password change, disabling), but `keep`. */
export async function deleteSessionsOfUser(trx: Trx, userId: string, keep?: string): Promise<number> {
  const result = await trx
    .deleteFrom("sessions")
    .where("user_id", "=", userId)
    .$if(keep !== undefined, (qb) => qb.where("id", "<>", keep as string))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export async function setActiveMembership(trx: Trx, sessionId: string, membershipId: string): Promise<void> {
  await trx.updateTable("sessions").set({ active_membership_id: membershipId }).where("id", "=", sessionId).execute();
}

export interface MembershipOfUser {
  id: string;
  role: MembershipRole;
  organisationId: string;
  organisationName: string;
  isOperator: boolean;
  cooperativeId: string;
  cooperativeSiren: string;
  cooperativeName: string;
}

/** Every membership of the user, in every cooperative (the context must carry the user). */
export function listMembershipsOfUser(trx: Trx, userId: string): Promise<MembershipOfUser[]> {
  return trx
    .selectFrom("memberships as m")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .innerJoin("cooperatives as c", "c.id", "m.cooperative_id")
    .select([
      "m.id",
      "m.role",
      "o.id as organisationId",
      "o.name as organisationName",
      "o.is_operator as isOperator",
      "c.id as cooperativeId",
      "c.siren as cooperativeSiren",
      "c.display_name as cooperativeName",
    ])
    .where("m.user_id", "=", userId)
    .where("o.inactive_since", "is", null)
    .orderBy("c.display_name")
    .orderBy("o.is_operator", "desc")
    .orderBy("o.name")
    .execute();
}
