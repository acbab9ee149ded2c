import type { MembershipRole, NotificationDelivery } from "../../db/schema.ts";

/**
 * The kinds of notification a user may tune. Security mail (sign-in links,
 * password resets, invitations) is never among them: it always leaves at once.
 */
export const NOTIFICATION_KINDS = {
  memberships: {
    label: "Personnes de mon organisation",
    description: "Quand une personne que vous avez invitée rejoint le portail.",
    requiredFor: [],
  },
  adhesions: {
    label: "Adhésions",
    description: "Demandes d'adhésion, décisions, changements et résiliations.",
    requiredFor: [],
  },
  catalogue: {
    label: "Catalogue",
    description: "Nouvelles offres et nouvelles versions d'un règlement à accepter.",
    requiredFor: [],
  },
  networks: {
    label: "Réseaux thématiques",
    description: "Sondages de dates, convocations, rappels et messages des réseaux.",
    requiredFor: [],
  },
  statements: {
    label: "Appels de fonds",
    description: "Quand un appel de fonds de votre organisation est émis.",
    // The finance side must hear of it: referents may choose the digest, not silence.
    requiredFor: ["referent"],
  },
} as const satisfies Record<string, { label: string; description: string; requiredFor: MembershipRole[] }>;

export type NotificationKind = keyof typeof NOTIFICATION_KINDS;

export const NOTIFICATION_KIND_CODES = Object.keys(NOTIFICATION_KINDS) as NotificationKind[];

export const DELIVERY_LABELS: Record<NotificationDelivery, string> = {
  immediate: "Immédiatement",
  digest: "Résumé quotidien",
  none: "Jamais",
};

export const DEFAULT_DELIVERY: NotificationDelivery = "immediate";

export function isNotificationKind(value: string): value is NotificationKind {
  return Object.hasOwn(NOTIFICATION_KINDS, value);
}

/** Whether someone holding these roles may turn a kind off entirely. */
export function mayTurnOff(kind: NotificationKind, roles: readonly MembershipRole[]): boolean {
  const required: readonly MembershipRole[] = NOTIFICATION_KINDS[kind].requiredFor;
  return !roles.some((role) => required.includes(role));
}

/**
 * How a notification reaches someone: their choice (immediate when they made
 * none), except that "none" on a kind their role must receive means immediate.
 */
export function effectiveDelivery(
  kind: NotificationKind,
  chosen: NotificationDelivery | undefined,
  roles: readonly MembershipRole[],
): NotificationDelivery {
  const delivery = chosen ?? DEFAULT_DELIVERY;
  return delivery === "none" && !mayTurnOff(kind, roles) ? "immediate" : delivery;
}

/** Digests leave once a day at this hour, Paris time, with what arrived before it. */
export const DIGEST_HOUR_PARIS = 7;

const parisParts = new Intl.DateTimeFormat("en-GB", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  hourCycle: "h23",
});

/** Paris wall-clock time of an instant: how far Paris is ahead of UTC then, in ms. */
function parisOffsetMs(instant: Date): number {
  const parts = Object.fromEntries(parisParts.formatToParts(instant).map((part) => [part.type, part.value]));
  const asUtc = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/**
 * The latest digest time (07:00 in Paris) at or before `now`: a digest sent
 * after it gathers what arrived before it. Daylight saving is Paris's own.
 */
export function lastDigestCutoff(now: Date): Date {
  const offset = parisOffsetMs(now);
  const paris = new Date(now.getTime() + offset);
  let cutoff = Date.UTC(paris.getUTCFullYear(), paris.getUTCMonth(), paris.getUTCDate(), DIGEST_HOUR_PARIS);
  if (cutoff > paris.getTime()) cutoff -= 24 * 60 * 60 * 1000;
  // Back from Paris wall-clock to an instant, with the offset in force at that moment.
  const guess = cutoff - offset;
  return new Date(cutoff - parisOffsetMs(new Date(guess)));
}
