import type { Transaction } from "kysely";
import type { DB, MembershipRole } from "../../db/schema.ts";

type Trx = Transaction<DB>;

export const INVITATION_LIFETIME_MS = 7 * 24 * 60 * 60 * 1000;

export interface NewInvitation {
  cooperativeId: string;
  organisationId: string;
  email: string;
  displayName: string;
  role: MembershipRole;
  tokenHash: string;
  invitedBy: string;
  now: Date;
}

export async function insertInvitation(trx: Trx, invitation: NewInvitation): Promise<string> {
  const row = await trx
    .insertInto("invitations")
    .values({
      cooperative_id: invitation.cooperativeId,
      organisation_id: invitation.organisationId,
      email: invitation.email,
      display_name: invitation.displayName,
      role: invitation.role,
      token_hash: invitation.tokenHash,
      invited_by: invitation.invitedBy,
      created_at: invitation.now,
      expires_at: new Date(invitation.now.getTime() + INVITATION_LIFETIME_MS),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** The invitations the context may manage (RLS), still open, newest first. */
export function listPendingInvitations(trx: Trx, cooperativeId: string, now: Date) {
  return trx
    .selectFrom("invitations as i")
    .innerJoin("organisations as o", "o.id", "i.organisation_id")
    .select([
      "i.id",
      "i.email",
      "i.display_name as displayName",
      "i.role",
      "i.expires_at as expiresAt",
      "o.name as organisationName",
    ])
    .where("i.cooperative_id", "=", cooperativeId)
    .where("i.accepted_at", "is", null)
    .where("i.revoked_at", "is", null)
    .where("i.expires_at", ">", now)
    .orderBy("i.created_at", "desc")
    .execute();
}

export async function revokeInvitation(trx: Trx, id: string, now: Date): Promise<boolean> {
  const result = await trx
    .updateTable("invitations")
    .set({ revoked_at: now })
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** A new link for an open invitation (the old one stops working), valid 7 days from now. */
export async function renewInvitation(trx: Trx, id: string, tokenHash: string, now: Date) {
  return trx
    .updateTable("invitations")
    .set({ token_hash: tokenHash, expires_at: new Date(now.getTime() + INVITATION_LIFETIME_MS) })
    .where("id", "=", id)
    .where("accepted_at", "is", null)
    .where("revoked_at", "is", null)
    .returning(["id", "email", "display_name as displayName", "role", "organisation_id as organisationId"])
    .executeTakeFirst();
}

/** The invitation a link points to, if it can still be accepted (the transaction presents its token). */
export function findOpenInvitation(trx: Trx, tokenHash: string, now: Date) {
  return trx
    .selectFrom("invitations as i")
    .innerJoin("organisations as o", "o.id", "i.organisation_id")
    .innerJoin("cooperatives as c", "c.id", "i.cooperative_id")
    .select([
      "i.id",
      "i.email",
      "i.display_name as displayName",
      "i.role",
      "i.organisation_id as organisationId",
      "i.cooperative_id as cooperativeId",
      "i.invited_by as invitedBy",
      "o.name as organisationName",
      "c.display_name as cooperativeName",
    ])
    .where("i.token_hash", "=", tokenHash)
    .where("i.accepted_at", "is", null)
    .where("i.revoked_at", "is", null)
    .where("i.expires_at", ">", now)
    .executeTakeFirst();
}
