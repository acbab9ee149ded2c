import type { Transaction } from "kysely";
import { ANONYMOUS, applyRequestContext } from "../../db/request-context.ts";
import type { DB, MembershipRole } from "../../db/schema.ts";
import { InvitationEmail, invitationSubject } from "../../emails/invitation.tsx";
import { renderEmail } from "../../emails/render.tsx";
import { recordEvent } from "../audit.server.ts";
import type { RequestScope, Services } from "../context.server.ts";
import { ROLE_LABELS } from "../domain/labels.ts";
import { enqueueEmail } from "../email/outbox.server.ts";
import { notify } from "../notifications/notify.server.tsx";
import { findOpenInvitation, insertInvitation, renewInvitation } from "../queries/invitations.server.ts";
import { hashPassword } from "./password.server.ts";
import type { Authentication } from "./session.server.ts";
import { startSession } from "./session.server.ts";
import type { ClientMeta } from "./sign-in.server.tsx";
import { generateToken, hashToken } from "./tokens.server.ts";

export interface InvitationInput {
  email: string;
  displayName: string;
  organisationId: string;
  role: MembershipRole;
}

async function invitationMail(
  services: Pick<Services, "publicUrl">,
  token: string,
  inviter: Authentication,
  organisationName: string,
  role: MembershipRole,
) {
  const link = new URL(`/invitation?jeton=${encodeURIComponent(token)}`, services.publicUrl).toString();
  const brand = { name: inviter.active?.cooperativeName ?? "Coopérative de services" };
  return renderEmail(
    invitationSubject(brand),
    <InvitationEmail
      link={link}
      inviterName={inviter.user.displayName}
      organisationName={organisationName}
      roleLabel={ROLE_LABELS[role].toLowerCase()}
      brand={brand}
    />,
  );
}

/** Renders the invitation mail and writes it to the outbox, in the caller's transaction; returns the organisation's name. */
async function mailInvitation(
  trx: Transaction<DB>,
  services: Pick<Services, "publicUrl">,
  inviter: Authentication,
  token: string,
  invitation: { organisationId: string; email: string; role: MembershipRole },
): Promise<string> {
  const organisation = await trx
    .selectFrom("organisations")
    .select("name")
    .where("id", "=", invitation.organisationId)
    .where("cooperative_id", "=", inviter.context.cooperativeId as string)
    .executeTakeFirstOrThrow();
  const mail = await invitationMail(services, token, inviter, organisation.name, invitation.role);
  await enqueueEmail(trx, {
    kind: "invitation",
    to: invitation.email,
    cooperativeId: inviter.context.cooperativeId,
    ...mail,
  });
  return organisation.name;
}

/**
 * Invites a person into an organisation of the inviter's cooperative: the
 * invitation, its mail and its audit event in one transaction. Row-level
 * security refuses what the inviter's role may not do (42501).
 */
export async function invite(
  scope: RequestScope,
  services: Pick<Services, "publicUrl">,
  inviter: Authentication,
  input: InvitationInput,
  client: ClientMeta,
  now: Date,
): Promise<void> {
  const token = generateToken();
  await scope.transaction(async (trx) => {
    await insertInvitation(trx, {
      cooperativeId: inviter.context.cooperativeId as string,
      organisationId: input.organisationId,
      email: input.email,
      displayName: input.displayName,
      role: input.role,
      tokenHash: hashToken(token),
      invitedBy: inviter.user.id,
      now,
    });
    const organisationName = await mailInvitation(trx, services, inviter, token, input);
    await recordEvent(trx, {
      action: "invitation.sent",
      cooperativeId: inviter.context.cooperativeId,
      actorUserId: inviter.user.id,
      subject: `${input.email} (${ROLE_LABELS[input.role]}, ${organisationName})`,
      ipAddress: client.ipAddress,
    });
  });
}

/** A new link for a pending invitation, mailed again; false when it is no longer pending here. */
export async function resendInvitation(
  scope: RequestScope,
  services: Pick<Services, "publicUrl">,
  inviter: Authentication,
  id: string,
  now: Date,
): Promise<boolean> {
  const token = generateToken();
  return scope.transaction(async (trx) => {
    const renewed = await renewInvitation(trx, id, hashToken(token), now);
    if (!renewed) return false;
    await mailInvitation(trx, services, inviter, token, renewed);
    return true;
  });
}

export type AcceptResult = { ok: true; token: string; expiresAt: Date } | { ok: false };

/**
 * Accepts an invitation: the account (created unless the address has one),
 * its password if chosen, the membership, the invitation used up, a session;
 * all or nothing. Of two concurrent acceptances, one wins.
 */
export async function acceptInvitation(
  scope: RequestScope,
  services: Pick<Services, "publicUrl">,
  token: string,
  input: { displayName: string; password: string | null },
  client: ClientMeta,
  now: Date,
): Promise<AcceptResult> {
  const tokenHash = hashToken(token);
  const passwordHash = input.password ? await hashPassword(input.password) : null;
  try {
    return await scope.withLookup({ tokenHash }, async (trx) => {
      const invitation = await findOpenInvitation(trx, tokenHash, now);
      if (!invitation) return { ok: false } as const;

      // The address is presented too: ON CONFLICT needs the row visible, and we read it back next.
      await applyRequestContext(trx, ANONYMOUS, { tokenHash, email: invitation.email });
      await trx
        .insertInto("users")
        .values({ id: crypto.randomUUID(), email: invitation.email, display_name: input.displayName })
        .onConflict((conflict) => conflict.column("email").doNothing())
        .execute();
      const user = await trx
        .selectFrom("users")
        .select(["id", "disabled_at"])
        .where("email", "=", invitation.email)
        .executeTakeFirstOrThrow();
      if (user.disabled_at !== null) return { ok: false } as const;

      await applyRequestContext(trx, { ...ANONYMOUS, userId: user.id }, { tokenHash });
      await trx
        .insertInto("memberships")
        .values({
          user_id: user.id,
          organisation_id: invitation.organisationId,
          cooperative_id: invitation.cooperativeId,
          role: invitation.role,
        })
        .onConflict((conflict) => conflict.columns(["user_id", "organisation_id"]).doNothing())
        .execute();
      const used = await trx
        .updateTable("invitations")
        .set({ accepted_at: now })
        .where("token_hash", "=", tokenHash)
        .where("accepted_at", "is", null)
        .executeTakeFirst();
      if (Number(used.numUpdatedRows) !== 1) throw new Error("invitation already used");
      if (passwordHash) {
        await trx
          .insertInto("password_credentials")
          .values({ user_id: user.id, hash: passwordHash })
          .onConflict((conflict) => conflict.column("user_id").doUpdateSet({ hash: passwordHash, updated_at: now }))
          .execute();
      }
      const session = await startSession(
        trx,
        user.id,
        { userAgent: client.userAgent, ipAddress: client.ipAddress },
        now,
      );
      await applyRequestContext(trx, {
        userId: user.id,
        cooperativeId: invitation.cooperativeId,
        organisationId: invitation.organisationId,
        role: invitation.role,
      });
      await recordEvent(trx, {
        action: "invitation.accepted",
        cooperativeId: invitation.cooperativeId,
        actorUserId: user.id,
        subject: `${invitation.email} (${invitation.organisationName})`,
        ipAddress: client.ipAddress,
      });
      if (invitation.invitedBy) {
        await notify(trx, services.publicUrl, {
          cooperativeId: invitation.cooperativeId,
          kind: "memberships",
          recipients: [invitation.invitedBy],
          title: `${input.displayName} a rejoint le portail pour ${invitation.organisationName}.`,
          body: `Cette personne a accepté votre invitation en tant que ${ROLE_LABELS[invitation.role].toLowerCase()}.`,
          path: "/personnes",
        });
      }
      return { ok: true, ...session } as const;
    });
  } catch (error) {
    // A concurrent acceptance won: a unique email or membership, the invitation already used, or the
    // policies refusing a row once the invitation is no longer open (42501).
    const code = (error as { code?: string }).code;
    if (
      code === "23505" ||
      code === "42501" ||
      (error instanceof Error && error.message === "invitation already used")
    ) {
      return { ok: false };
    }
    throw error;
  }
}
