import type { Transaction } from "kysely";
import { anyOf } from "../../db/any.ts";
import { type InsertRow, insertRows } from "../../db/insert-rows.ts";
import type { DB, MembershipRole, NotificationDelivery } from "../../db/schema.ts";
import type { Brand } from "../../emails/layout.tsx";
import {
  type AssembledMail,
  notificationAssembly,
  renderNotificationMailInFull,
} from "../../emails/notification-mail.tsx";
import type { RenderedEmail } from "../../emails/render.tsx";
import { effectiveDelivery, type NotificationKind } from "../domain/notifications.ts";
import {
  type AssembledEmail,
  enqueueAssembledEmails,
  enqueueEmails,
  type OutgoingEmail,
} from "../email/outbox.server.ts";

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

/**
 * The cooperative a mail speaks for: its name, and its operator's contact address to reply to; and the operator's
 * own name (what a computation calls the operator), read with them.
 */
export async function brandOf(trx: Transaction<DB>, cooperativeId: string): Promise<Branding> {
  const row = await trx
    .selectFrom("cooperatives as c")
    .leftJoin("organisations as o", (join) =>
      join.onRef("o.cooperative_id", "=", "c.id").on("o.is_operator", "=", true),
    )
    .select(["c.display_name as name", "o.contact_email as replyTo", "o.name as operatorName"])
    .where("c.id", "=", cooperativeId)
    .executeTakeFirstOrThrow();
  return { brand: { name: row.name }, replyTo: row.replyTo, operatorName: row.operatorName ?? undefined };
}

export interface Branding {
  brand: Brand;
  replyTo: string | null;
  operatorName: string | undefined;
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
  const [outcome] = await notifyMany(trx, publicUrl, [notification]);
  return outcome ?? {};
}

/**
 * Sends many notifications as `notify` sends each (same people, same choices, same mails and digest items), with
 * one query of the recipients per cooperative and kind and a few multi-row inserts: issuing a year's statements
 * notifies every payer at once. Returns how each recipient of each notification was reached, in order.
 */
export async function notifyMany(
  trx: Transaction<DB>,
  publicUrl: string,
  notifications: readonly Notification[],
  /** What the caller has already read: brandings (brandOf) by cooperative, audiences (audienceOf). */
  known: { brandings?: ReadonlyMap<string, Branding>; audiences?: readonly Audience[] } = {},
): Promise<Record<string, NotificationDelivery>[]> {
  const outcomes: Record<string, NotificationDelivery>[] = [];
  const digestItems: InsertRow<"notification_digest_items">[] = [];
  const emails: OutgoingEmail[] = [];
  const assembledEmails: AssembledEmail[] = [];
  const peopleOf = new Map(
    (known.audiences ?? []).map((audience) => [`${audience.cooperativeId}|${audience.kind}`, audience.people]),
  );
  const brands = new Map(known.brandings);
  const preferencesLink = new URL(PREFERENCES_PATH, publicUrl).toString();
  for (const notification of notifications) {
    const outcome: Record<string, NotificationDelivery> = {};
    outcomes.push(outcome);
    const recipients = [...new Set(notification.recipients)];
    if (recipients.length === 0) continue;
    // Everyone the notifications of this cooperative and kind reach, at the first of them.
    const audience = `${notification.cooperativeId}|${notification.kind}`;
    let byUser = peopleOf.get(audience);
    if (!byUser) {
      const everyone = notifications
        .filter((other) => other.cooperativeId === notification.cooperativeId && other.kind === notification.kind)
        .flatMap((other) => other.recipients);
      byUser = await peopleReached(trx, notification.cooperativeId, notification.kind, everyone);
      peopleOf.set(audience, byUser);
    }

    const link = notification.path ? new URL(notification.path, publicUrl).toString() : null;
    // The template's parts and this notification's pieces, the database putting the mail together; or, when the
    // values do not fit the template, the mail rendered in full.
    let mail: { assembled: AssembledMail } | { rendered: RenderedEmail } | undefined;
    for (const userId of recipients) {
      const person = byUser.get(userId);
      if (!person) continue;
      const delivery = effectiveDelivery(notification.kind, person.chosen, person.roles);
      outcome[userId] = delivery;
      if (delivery === "digest") {
        digestItems.push({
          cooperative_id: notification.cooperativeId,
          user_id: userId,
          kind: notification.kind,
          title: notification.title,
          body: notification.body ?? "",
          link,
        });
      } else if (delivery === "immediate") {
        let branding = brands.get(notification.cooperativeId);
        if (!branding) {
          branding = await brandOf(trx, notification.cooperativeId);
          brands.set(notification.cooperativeId, branding);
        }
        const { brand, replyTo } = branding;
        if (!mail) {
          const content = { title: notification.title, body: notification.body ?? "", link, preferencesLink, brand };
          const assembled = await notificationAssembly(content);
          mail = assembled ? { assembled } : { rendered: await renderNotificationMailInFull(content) };
        }
        const envelope = {
          kind: `notification_${notification.kind}`,
          to: person.email,
          cooperativeId: notification.cooperativeId,
          replyTo,
        };
        if ("assembled" in mail) assembledEmails.push({ ...envelope, ...mail.assembled });
        else emails.push({ ...envelope, ...mail.rendered });
      }
    }
  }
  await insertRows(trx, "notification_digest_items", digestItems);
  await enqueueEmails(trx, emails);
  await enqueueAssembledEmails(trx, assembledEmails);
  return outcomes;
}

export interface Person {
  email: string;
  roles: MembershipRole[];
  chosen?: NotificationDelivery;
}

/** Who of these users a notification of the cooperative reaches (enabled, a member), their roles and choice. */
async function peopleReached(
  trx: Transaction<DB>,
  cooperativeId: string,
  kind: NotificationKind,
  userIds: readonly string[],
): Promise<Map<string, Person>> {
  return (await reached(trx, cooperativeId, kind, { userIds })).people;
}

/**
 * The people notifications of a kind would reach among the members holding a role in some organisations of a
 * cooperative: who they are per organisation, and the audience to hand notifyMany (which then reads no one again).
 * Issuing a year's statements notifies each payer's referents so, in one query.
 */
export async function audienceOf(
  trx: Transaction<DB>,
  cooperativeId: string,
  kind: NotificationKind,
  members: { organisationIds: readonly string[]; role: MembershipRole },
): Promise<Audience & { recipientsOf(organisationId: string): string[] }> {
  const { people, holders } = await reached(trx, cooperativeId, kind, members);
  return { cooperativeId, kind, people, recipientsOf: (organisationId) => holders.get(organisationId) ?? [] };
}

export interface Audience {
  cooperativeId: string;
  kind: NotificationKind;
  people: Map<string, Person>;
}

/** The people reached (enabled, members of the cooperative: all their roles there, their choice), by id; and the
 * holders of the role asked for, by organisation. */
async function reached(
  trx: Transaction<DB>,
  cooperativeId: string,
  kind: NotificationKind,
  who: { userIds: readonly string[] } | { organisationIds: readonly string[]; role: MembershipRole },
): Promise<{ people: Map<string, Person>; holders: Map<string, string[]> }> {
  let query = trx
    .selectFrom("users as u")
    .innerJoin("memberships as m", "m.user_id", "u.id")
    .leftJoin("notification_preferences as p", (join) => join.onRef("p.user_id", "=", "u.id").on("p.kind", "=", kind))
    .select(["u.id", "u.email", "m.role", "m.organisation_id", "p.delivery"])
    .where("u.disabled_at", "is", null)
    .where("m.cooperative_id", "=", cooperativeId);
  query =
    "userIds" in who
      ? query.where("u.id", "=", anyOf([...new Set(who.userIds)], "uuid"))
      : query.where("u.id", "in", (eb) =>
          eb
            .selectFrom("memberships as held")
            .select("held.user_id")
            .where("held.cooperative_id", "=", cooperativeId)
            .where("held.organisation_id", "=", anyOf([...new Set(who.organisationIds)], "uuid"))
            .where("held.role", "=", who.role),
        );
  const people = new Map<string, Person>();
  const holders = new Map<string, string[]>();
  const organisations = new Set("organisationIds" in who ? who.organisationIds : []);
  for (const row of await query.execute()) {
    const entry = people.get(row.id) ?? { email: row.email, roles: [], chosen: row.delivery ?? undefined };
    entry.roles.push(row.role);
    people.set(row.id, entry);
    if ("role" in who && row.role === who.role && organisations.has(row.organisation_id)) {
      const list = holders.get(row.organisation_id) ?? [];
      list.push(row.id);
      holders.set(row.organisation_id, list);
    }
  }
  return { people, holders };
}
