import type { Transaction } from "kysely";
import type { RequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";
import { type AuditEvent, recordEvent } from "./audit.server.ts";
import { formatUnits } from "./domain/allocation/format-fr.ts";
import type { Pricing } from "./domain/allocation/pricing-schema.ts";
import { formatCalendarDate, parisToday } from "./domain/format.ts";
import {
  changePricingYear,
  describeOptions,
  effectiveDate,
  type FieldErrors,
  type NoticePlan,
  pdfRefusal,
  planChange,
  planNotice,
  type RequestDraft,
  requestRefusal,
  safePdfName,
  validateChange,
  validateRequest,
} from "./domain/subscription-rules.ts";
import { notify } from "./notifications/notify.server.tsx";
import {
  acceptRulebook,
  approveSubscription,
  cancelScheduledChange,
  changeSubscriptionInPlace,
  createSubscription,
  findOfferForSubscription,
  findOrganisationKind,
  findPricingInYear,
  findSubscription,
  giveNotice,
  listOrganisationOfferSubscriptions,
  lockSubscription,
  operatorAdminIds,
  referentIds,
  rejectSubscription,
  type SubscriptionDetail,
  scheduleSubscriptionChange,
  storeDocument,
  withdrawSubscription,
} from "./queries/subscriptions.server.ts";

// The adhésion workflow: each step validates, writes the subscription and its history line, records the audit event
// where the operator's decisions are concerned, and notifies the right people, all in the caller's one transaction
// (decision 014). Routes call these; so do the database tests.

type Trx = Transaction<DB>;

/** Who acts (a signed-in membership) and where links in mail point. */
export interface Actor {
  context: RequestContext & { userId: string; cooperativeId: string; organisationId: string };
  publicUrl: string;
  ipAddress?: string | null;
  now?: Date;
}

export type StepOutcome<T = { id: string }> = ({ ok: true } & T) | StepFailure;

export type StepFailure = { ok: false; status: 400 | 404; message?: string; errors?: FieldErrors };

const NOT_FOUND = { ok: false as const, status: 404 as const, message: "Adhésion introuvable." };
const refused = (message: string) => ({ ok: false as const, status: 400 as const, message });

/**
 * A step that lost a race the database settled, as the French refusal its page shows; null for any other error (the
 * caller rethrows it). Two joins at once to an offer without approval: the second meets the overlap trigger (23P01);
 * two requests at once: the one-open-request index (23505); a step on a subscription moved meanwhile into another's
 * dates: the overlap trigger.
 */
export function raceRefusal(error: unknown, step: "request" | "step"): StepFailure | null {
  const code = (error as { code?: unknown } | null)?.code;
  if (step === "request" && code === "23505") {
    return refused("Votre organisation a déjà une demande en cours pour cette offre.");
  }
  if (step === "request" && code === "23P01") {
    return refused(
      "Votre organisation est déjà adhérente à cette offre : modifiez son adhésion plutôt que d'en demander une autre.",
    );
  }
  if (step === "step" && code === "23P01") {
    return refused(
      "Cette adhésion vient d'être modifiée : rechargez la page pour voir où elle en est, puis recommencez.",
    );
  }
  return null;
}
const pathOf = (id: string) => `/adhesions/${id}`;
const yearOf = (iso: string) => Number(iso.slice(0, 4));

export interface UploadedFile {
  name: string;
  type: string;
  bytes: Uint8Array;
}

/** A referent's request for its organisation (active at once when the offer needs no approval). */
export async function requestAdhesion(
  trx: Trx,
  actor: Actor,
  input: { offerId: string; draft: RequestDraft; document: UploadedFile | null },
): Promise<StepOutcome<{ id: string; active: boolean }>> {
  const { context } = actor;
  const today = parisToday(actor.now ?? new Date());
  const offer = await findOfferForSubscription(trx, input.offerId, context.cooperativeId);
  if (!offer) return { ok: false, status: 404, message: "Offre introuvable." };
  const kind = await findOrganisationKind(trx, context.organisationId);
  if (!kind) return { ok: false, status: 404, message: "Organisation introuvable." };
  const existing = await listOrganisationOfferSubscriptions(trx, context.organisationId, offer.id);
  const refusal = requestRefusal(offer, kind, existing, today);
  if (refusal) return refused(refusal);

  const startYear = offer.takesEffect === "next_january" ? yearOf(today) + 1 : yearOf(today);
  const pricing =
    (await findPricingInYear(trx, offer.id, startYear)) ?? (await findPricingInYear(trx, offer.id, yearOf(today)));
  const validation = validateRequest(offer, input.draft, pricing, today);
  const errors: FieldErrors = validation.ok ? {} : { ...validation.errors };
  const documentRefusal = input.document ? pdfRefusal(input.document) : null;
  if (documentRefusal) errors.councilDocument = documentRefusal;
  if (!validation.ok || documentRefusal) return { ok: false, status: 400, errors };

  const documentId = input.document
    ? await storeDocument(trx, {
        cooperativeId: context.cooperativeId,
        organisationId: context.organisationId,
        filename: safePdfName(input.document.name),
        content: input.document.bytes,
        uploadedBy: context.userId,
      })
    : null;
  const activeFrom = offer.requiresApproval ? null : effectiveDate(offer.takesEffect, today);
  const id = await createSubscription(trx, {
    cooperativeId: context.cooperativeId,
    organisationId: context.organisationId,
    offerId: offer.id,
    userId: context.userId,
    ...validation.value,
    councilDocumentId: documentId,
    activeFrom,
  });
  const organisation = await organisationName(trx, context.organisationId);
  await notify(trx, actor.publicUrl, {
    cooperativeId: context.cooperativeId,
    kind: "adhesions",
    recipients: await operatorAdminIds(trx, context.cooperativeId),
    title: activeFrom
      ? `Nouvelle adhésion de ${organisation} à « ${offer.title} »`
      : `Demande d'adhésion de ${organisation} à « ${offer.title} »`,
    body: activeFrom
      ? `L'offre ne demande pas d'accord : l'adhésion est active depuis le ${formatCalendarDate(activeFrom)}.`
      : "La demande attend votre décision.",
    path: pathOf(id),
  });
  return { ok: true, id, active: activeFrom !== null };
}

async function organisationName(trx: Trx, organisationId: string): Promise<string> {
  const row = await trx.selectFrom("organisations").select("name").where("id", "=", organisationId).executeTakeFirst();
  return row?.name ?? "une organisation";
}

const ref = (subscription: SubscriptionDetail) => ({
  id: subscription.id,
  cooperativeId: subscription.cooperativeId,
  organisationId: subscription.organisationId,
});

const NOT_PENDING = (subscription: SubscriptionDetail) =>
  refused(
    `Cette demande n'est plus en attente (${
      {
        requested: "en attente",
        active: "déjà acceptée",
        rejected: "déjà refusée",
        withdrawn: "retirée par l'organisation",
      }[subscription.status]
    }) : rien n'a été fait.`,
  );

/** The effective date an approval today would give (shown before confirming). */
export function approvalDate(subscription: SubscriptionDetail, now: Date): string {
  return effectiveDate(subscription.offer.takesEffect, parisToday(now));
}

/** The operator admin's decision on a pending request. */
export async function decideAdhesion(
  trx: Trx,
  actor: Actor,
  input: { id: string; decision: "approve" | "reject"; reason?: string },
): Promise<StepOutcome<{ id: string; startsOn: string | null }>> {
  const { context } = actor;
  const subscription = await lockedSubscription(trx, actor, input.id);
  if (!subscription) return NOT_FOUND;
  if (subscription.status !== "requested") return NOT_PENDING(subscription);
  const recipients = await referentIds(trx, subscription.organisationId);
  if (input.decision === "reject") {
    const reason = (input.reason ?? "").trim();
    if (reason === "") {
      return {
        ok: false,
        status: 400,
        errors: { reason: "Indiquez le motif du refus : il sera communiqué à l'organisation." },
      };
    }
    if (reason.length > 1000)
      return { ok: false, status: 400, errors: { reason: "Le motif compte au plus 1 000 caractères." } };
    if (!(await rejectSubscription(trx, ref(subscription), { userId: context.userId, reason }))) {
      return NOT_PENDING(subscription);
    }
    await announceDecision(trx, actor, subscription, recipients, {
      action: "subscription.rejected",
      details: { reason },
      title: `Demande d'adhésion à « ${subscription.offer.title} » refusée`,
      body: `Motif : ${reason}`,
    });
    return { ok: true, id: subscription.id, startsOn: null };
  }
  const startsOn = approvalDate(subscription, actor.now ?? new Date());
  if (!(await approveSubscription(trx, ref(subscription), { userId: context.userId, startsOn }))) {
    return NOT_PENDING(subscription);
  }
  await announceDecision(trx, actor, subscription, recipients, {
    action: "subscription.approved",
    details: { startsOn },
    title: `Demande d'adhésion à « ${subscription.offer.title} » acceptée`,
    body: `L'adhésion de ${subscription.organisationName} prend effet le ${formatCalendarDate(startsOn)}.`,
  });
  return { ok: true, id: subscription.id, startsOn };
}

/** The audit event of a step on a subscription, its subject "organisation — offer". */
async function audit(
  trx: Trx,
  actor: Actor,
  subscription: SubscriptionDetail,
  action: AuditEvent["action"],
  details: AuditEvent["details"],
) {
  await recordEvent(trx, {
    action,
    cooperativeId: actor.context.cooperativeId,
    actorUserId: actor.context.userId,
    subject: `${subscription.organisationName} — ${subscription.offer.title}`,
    details,
    ipAddress: actor.ipAddress ?? null,
  });
}

/** An operator's decision: its audit event, then the organisation's referents told. */
async function announceDecision(
  trx: Trx,
  actor: Actor,
  subscription: SubscriptionDetail,
  recipients: string[],
  decision: { action: AuditEvent["action"]; details: AuditEvent["details"]; title: string; body: string },
) {
  await audit(trx, actor, subscription, decision.action, decision.details);
  await notify(trx, actor.publicUrl, {
    cooperativeId: actor.context.cooperativeId,
    kind: "adhesions",
    recipients,
    title: decision.title,
    body: decision.body,
    path: pathOf(subscription.id),
  });
}

/**
 * A subscription a step is about to move, locked first (with the row it replaces) for the rest of the transaction,
 * then read: of two steps at once, the second waits and reads what the first wrote. Null when not found or not
 * writable by the actor.
 */
async function lockedSubscription(trx: Trx, actor: Actor, id: string): Promise<SubscriptionDetail | null> {
  if (!(await lockSubscription(trx, id, actor.context.cooperativeId))) return null;
  return findSubscription(trx, id, actor.context.cooperativeId);
}

/** A subscription of the actor's own organisation, locked, for the referent's steps. */
async function ownSubscription(trx: Trx, actor: Actor, id: string): Promise<SubscriptionDetail | null> {
  const subscription = await lockedSubscription(trx, actor, id);
  return subscription && subscription.organisationId === actor.context.organisationId ? subscription : null;
}

async function tellOperator(trx: Trx, actor: Actor, subscription: SubscriptionDetail, title: string, body: string) {
  await notify(trx, actor.publicUrl, {
    cooperativeId: actor.context.cooperativeId,
    kind: "adhesions",
    recipients: await operatorAdminIds(trx, actor.context.cooperativeId),
    title,
    body,
    path: pathOf(subscription.id),
  });
}

export async function withdrawAdhesion(trx: Trx, actor: Actor, input: { id: string }): Promise<StepOutcome> {
  const subscription = await ownSubscription(trx, actor, input.id);
  if (!subscription) return NOT_FOUND;
  if (subscription.status !== "requested") return NOT_PENDING(subscription);
  if (!(await withdrawSubscription(trx, ref(subscription), actor.context.userId))) return NOT_PENDING(subscription);
  await tellOperator(
    trx,
    actor,
    subscription,
    `Demande d'adhésion à « ${subscription.offer.title} » retirée par ${subscription.organisationName}`,
    "L'organisation a retiré sa demande : elle n'attend plus de décision.",
  );
  return { ok: true, id: subscription.id };
}

/** Whether a running subscription can still be changed or given notice, or why not. */
function runningRefusal(subscription: SubscriptionDetail, today: string): string | null {
  if (subscription.status !== "active") return "Seule une adhésion active peut être modifiée ou résiliée.";
  if (subscription.endsOn !== null && subscription.endsOn < today) return "Cette adhésion est terminée.";
  if (subscription.successor) {
    return `Une modification prend effet le ${formatCalendarDate(subscription.successor.startsOn ?? today)} : faites vos démarches sur l'adhésion qui la porte.`;
  }
  return null;
}

function describeChoices(
  subscription: SubscriptionDetail,
  optionKeys: string[],
  units: Record<string, number>,
): string {
  const unitText = Object.entries(units).map(([key, value]) => `${key} : ${formatUnits(value)}`);
  return [`options : ${describeOptions(optionKeys, subscription.offer.options)}`, ...unitText].join(" ; ");
}

/** How a change would apply today (shown before confirming). */
export function changePlanFor(subscription: SubscriptionDetail, now: Date) {
  return planChange(subscription.offer.takesEffect, subscription.startsOn ?? parisToday(now), parisToday(now));
}

/**
 * The pricing a change is checked against, and whose units its form asks: that of the year the change applies to
 * (`changePricingYear`), or this year's when that year has none yet.
 */
export async function changePricing(trx: Trx, subscription: SubscriptionDetail, now: Date): Promise<Pricing | null> {
  const today = parisToday(now);
  const year = changePricingYear(changePlanFor(subscription, now), subscription.startsOn, today);
  return (
    (await findPricingInYear(trx, subscription.offer.id, year)) ??
    (await findPricingInYear(trx, subscription.offer.id, yearOf(today)))
  );
}

export async function changeAdhesion(
  trx: Trx,
  actor: Actor,
  input: { id: string; draft: Pick<RequestDraft, "optionKeys" | "units"> },
): Promise<StepOutcome<{ id: string; successorId: string | null }>> {
  const today = parisToday(actor.now ?? new Date());
  const subscription = await ownSubscription(trx, actor, input.id);
  if (!subscription) return NOT_FOUND;
  const refusal = runningRefusal(subscription, today);
  if (refusal) return refused(refusal);
  const plan = changePlanFor(subscription, actor.now ?? new Date());
  const pricing = await changePricing(trx, subscription, actor.now ?? new Date());
  const validation = validateChange(subscription.offer, input.draft, pricing);
  if (!validation.ok) return { ok: false, status: 400, errors: validation.errors };
  const { optionKeys, declaredUnits } = validation.value;
  const sameOptions = [...optionKeys].sort().join() === [...subscription.optionKeys].sort().join();
  const sameUnits =
    JSON.stringify(Object.entries(declaredUnits).sort()) ===
    JSON.stringify(Object.entries(subscription.declaredUnits).sort());
  if (sameOptions && sameUnits) return refused("Rien n'a changé : l'adhésion reste telle quelle.");
  const summary = describeChoices(subscription, optionKeys, declaredUnits);
  const changeInput = { userId: actor.context.userId, optionKeys, declaredUnits, summary };
  if (plan.kind === "in_place") {
    if (!(await changeSubscriptionInPlace(trx, ref(subscription), changeInput))) return NOT_FOUND;
    await tellOperator(
      trx,
      actor,
      subscription,
      `Adhésion de ${subscription.organisationName} à « ${subscription.offer.title} » modifiée`,
      `Nouvelles valeurs, effectives sur l'adhésion en cours : ${summary}.`,
    );
    return { ok: true, id: subscription.id, successorId: null };
  }
  if (subscription.endsOn !== null && subscription.endsOn < plan.startsOn) {
    return refused(
      `L'adhésion se termine le ${formatCalendarDate(subscription.endsOn)} : une modification au ${formatCalendarDate(plan.startsOn)} ne s'appliquerait jamais.`,
    );
  }
  // Notice given: the subscription runs out its notice as it is (a change would move its end, which only the
  // operator may do).
  if (subscription.endsOn !== null) {
    return refused(
      `Un préavis a été donné : l'adhésion se termine le ${formatCalendarDate(subscription.endsOn)} telle quelle. Pour la modifier d'ici là, adressez-vous à la coopérative.`,
    );
  }
  const successorId = await scheduleSubscriptionChange(
    trx,
    { ...ref(subscription), endsOn: subscription.endsOn, noticeGivenAt: subscription.noticeGivenAt },
    { ...changeInput, startsOn: plan.startsOn, currentEndsOn: plan.currentEndsOn },
  );
  if (!successorId) return NOT_FOUND;
  await tellOperator(
    trx,
    actor,
    subscription,
    `Adhésion de ${subscription.organisationName} à « ${subscription.offer.title} » modifiée au ${formatCalendarDate(plan.startsOn)}`,
    `Nouvelles valeurs à compter du ${formatCalendarDate(plan.startsOn)} : ${summary}.`,
  );
  return { ok: true, id: subscription.id, successorId };
}

/**
 * What notice given today would do (shown before confirming): the end date, and whether it cancels a change scheduled
 * after it (decision 014).
 */
export function noticePlanFor(subscription: SubscriptionDetail, now: Date): NoticePlan {
  return planNotice(subscription.offer.takesEffect, subscription.offer.noticeMonths, parisToday(now), subscription);
}

export async function giveAdhesionNotice(
  trx: Trx,
  actor: Actor,
  input: { id: string },
): Promise<StepOutcome<{ id: string; endsOn: string }>> {
  const now = actor.now ?? new Date();
  const today = parisToday(now);
  const subscription = await ownSubscription(trx, actor, input.id);
  if (!subscription) return NOT_FOUND;
  const refusal = runningRefusal(subscription, today);
  if (refusal) return refused(refusal);
  const alreadyGiven = refused("Le préavis a déjà été donné pour cette adhésion.");
  if (subscription.noticeGivenAt) return alreadyGiven;
  const plan = noticePlanFor(subscription, now);
  const { endsOn } = plan;
  const userId = actor.context.userId;
  if (plan.kind === "cancel_change") {
    // Notice before a scheduled change starts: the change never applies, the row it replaces ends the subscription.
    const replaced = subscription.replacesId ? await ownSubscription(trx, actor, subscription.replacesId) : null;
    if (!replaced) return NOT_FOUND;
    if (
      !(await cancelScheduledChange(trx, { successor: ref(subscription), replaced: ref(replaced) }, { userId, endsOn }))
    ) {
      return alreadyGiven;
    }
    await audit(trx, actor, replaced, "subscription.notice_given", { endsOn });
    await tellOperator(
      trx,
      actor,
      replaced,
      `Préavis de ${replaced.organisationName} pour « ${replaced.offer.title} »`,
      `L'adhésion se terminera le ${formatCalendarDate(endsOn)} ; la modification prévue au ${formatCalendarDate(subscription.startsOn ?? endsOn)} est annulée.`,
    );
    return { ok: true, id: replaced.id, endsOn };
  }
  if (!(await giveNotice(trx, ref(subscription), { userId, endsOn }))) return alreadyGiven;
  await audit(trx, actor, subscription, "subscription.notice_given", { endsOn });
  await tellOperator(
    trx,
    actor,
    subscription,
    `Préavis de ${subscription.organisationName} pour « ${subscription.offer.title} »`,
    `L'adhésion se terminera le ${formatCalendarDate(endsOn)}.`,
  );
  return { ok: true, id: subscription.id, endsOn };
}

export async function acceptAdhesionRulebook(
  trx: Trx,
  actor: Actor,
  input: { id: string; rulebookVersionId: string },
): Promise<StepOutcome> {
  const subscription = await ownSubscription(trx, actor, input.id);
  if (!subscription) return NOT_FOUND;
  const current = subscription.offer.currentRulebook;
  if (subscription.status !== "active" || !current) return refused("Aucun règlement à accepter pour cette adhésion.");
  if (input.rulebookVersionId !== current.id) {
    return {
      ok: false,
      status: 400,
      errors: { rulebook: `Cochez la case pour accepter la version ${current.version} du règlement.` },
    };
  }
  if ((subscription.rulebookVersion ?? 0) >= current.version) {
    return refused(`La version ${current.version} du règlement est déjà acceptée.`);
  }
  if (
    !(await acceptRulebook(trx, ref(subscription), {
      userId: actor.context.userId,
      rulebookVersionId: current.id,
      version: current.version,
    }))
  ) {
    return NOT_FOUND;
  }
  return { ok: true, id: subscription.id };
}
