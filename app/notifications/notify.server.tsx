import type { Transaction } from "kysely";
import type { DB, MembershipRole, NotificationDelivery } from "../../db/schema.ts";
import { NotificationEmail } from "../../emails/notification.tsx";
import { renderEmail } from "../../emails/render.tsx";
import { effectiveDelivery, type NotificationKind } from "../domain/notifications.ts";
import { enqueueEmail } from "../email/outbox.server.ts";

export const PREFERENCES_PATH = "/compte/notifications";

export interface Notification {
  cooperativeId: string;
  kind: NotificationKind;
  recipients: string[];
  /** One sentence: the subject of an immediate mail, a line of the digest. */
  title: string;
  body?: string;
  /** A path of the portal (made absolute with the public URL). */
  path?: string;
}

/** The cooperative a mail speaks for: its name, and its operator's contact address to reply to. */
export async function brandOf(trx: Transaction<DB>, cooperativeId: string) {
  const row = await trx
    .selectFrom("cooperatives as c")
    .leftJoin("organisations as o", (join) =>
      join.onRef("o.cooperative_id", "=", "c.id").on("o.is_operator", "=", true),
    )
    .select(["c.display_name as name", "o.contact_email as replyTo"])
    .where("c.id", "=", cooperativeId)
    .executeTakeFirstOrThrow();
  return { brand: { name: row.name }, replyTo: row.replyTo };
}

/**
 * Notifies people of a cooperative, in the caller's transaction (nothing leaves
 * if the change rolls back): at once through the outbox, into tomorrow's digest,
 * or not at all, as each recipient chose for this kind. Disabled accounts and
 * people outside the cooperative are skipped. Returns how each was reached.
 */
export async function notify(
  trx: Transaction<DB>,
  publicUrl: string,
  notification: Notification,
): Promise<Record<string, NotificationDelivery>> {
  const recipients = [...new Set(notification.recipients)];
  if (recipients.length === 0) return {};
  const people = await trx
    .selectFrom("users as u")
    .innerJoin("memberships as m", "m.user_id", "u.id")
    .leftJoin("notification_preferences as p", (join) =>
      join.onRef("p.user_id", "=", "u.id").on("p.kind", "=", notification.kind),
    )
    .select(["u.id", "u.email", "m.role", "p.delivery"])
    .where("u.id", "in", recipients)
    .where("u.disabled_at", "is", null)
    .where("m.cooperative_id", "=", notification.cooperativeId)
    .execute();
  const byUser = new Map<string, { email: string; roles: MembershipRole[]; chosen?: NotificationDelivery }>();
  for (const person of people) {
    const entry = byUser.get(person.id) ?? { email: person.email, roles: [], chosen: person.delivery ?? undefined };
    entry.roles.push(person.role);
    byUser.set(person.id, entry);
  }

  const link = notification.path ? new URL(notification.path, publicUrl).toString() : null;
  const outcome: Record<string, NotificationDelivery> = {};
  let mail: Awaited<ReturnType<typeof renderEmail>> | undefined;
  let branding: Awaited<ReturnType<typeof brandOf>> | undefined;
  for (const [userId, person] of byUser) {
    const delivery = effectiveDelivery(notification.kind, person.chosen, person.roles);
    outcome[userId] = delivery;
    if (delivery === "digest") {
      await trx
        .insertInto("notification_digest_items")
        .values({
          cooperative_id: notification.cooperativeId,
          user_id: userId,
          kind: notification.kind,
          title: notification.title,
          body: notification.body ?? "",
          link,
        })
        .execute();
    } else if (delivery === "immediate") {
      branding ??= await brandOf(trx, notification.cooperativeId);
      mail ??= await renderEmail(
        notification.title,
        <NotificationEmail
          title={notification.title}
          body={notification.body ?? ""}
          link={link}
          preferencesLink={new URL(PREFERENCES_PATH, publicUrl).toString()}
          brand={branding.brand}
        />,
      );
      await enqueueEmail(trx, {
        kind: `notification_${notification.kind}`,
        to: person.email,
        cooperativeId: notification.cooperativeId,
        replyTo: branding.replyTo,
        ...mail,
      });
    }
  }
  return outcome;
}
