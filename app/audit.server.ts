import type { Transaction } from "kysely";
import { jsonb } from "../db/jsonb.ts";
import type { DB } from "../db/schema.ts";

/** What the audit log records (DOMAIN: security events and changes of people and organisations). */
export type AuditAction =
  | "sign_in.succeeded"
  | "sign_in.failed"
  | "sign_in.throttled"
  | "session.signed_out"
  | "session.revoked"
  | "session.revoked_others"
  | "password.changed"
  | "second_factor.enrolled"
  | "second_factor.removed"
  | "second_factor.verified"
  | "second_factor.failed"
  | "second_factor.recovery_code_used"
  | "membership.switched"
  | "membership.role_changed"
  | "membership.removed"
  | "organisation.added"
  | "organisation.updated"
  | "user.disabled"
  | "offer.created"
  | "offer.updated"
  | "offer.published"
  | "offer.archived"
  | "offer.rulebook_published"
  | "offer.categories_changed"
  | "offer.pricing_saved"
  | "invitation.sent"
  | "invitation.revoked"
  | "invitation.accepted"
  | "subscription.approved"
  | "subscription.rejected"
  | "subscription.notice_given"
  | "statements.issued"
  | "statements.rectified"
  | "cost_key.actual_cost_saved"
  | "network.created"
  | "network.lead_granted"
  | "network.lead_removed"
  | "meeting.attendance_recorded"
  | "meeting.minutes_published"
  | "meeting.document_added";

export interface AuditEvent {
  action: AuditAction;
  /** The cooperative whose operator admins may read it; none for events outside any (a failed sign-in). */
  cooperativeId?: string | null;
  actorUserId?: string | null;
  subject?: string | null;
  details?: Record<string, string | number | boolean | null>;
  ipAddress?: string | null;
}

/** Appends an event, in the transaction of what it records. The log is never edited. */
export async function recordEvent(trx: Transaction<DB>, event: AuditEvent): Promise<void> {
  await trx
    .insertInto("audit_events")
    .values({
      cooperative_id: event.cooperativeId ?? null,
      actor_user_id: event.actorUserId ?? null,
      action: event.action,
      subject: event.subject ?? null,
      details: jsonb(event.details ?? {}),
      ip_address: event.ipAddress ?? null,
    })
    .execute();
}
