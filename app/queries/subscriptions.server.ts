import { sql, type Transaction, type UpdateObject } from "kysely";
import { jsonb } from "../../db/jsonb.ts";
import type {
  DB,
  OfferOption,
  OfferStatus,
  OfferTakesEffect,
  OrganisationKind,
  SubscriptionStatus,
} from "../../db/schema.ts";
import { type Pricing, pricingSchema } from "../domain/allocation/pricing-schema.ts";

// Adhésions: requests, decisions, changes, notice and their history. Every function runs in the caller's request
// transaction, under its row-level security (a referent sees and writes only its organisation's rows), and scopes
// its WHERE to the cooperative too. Each write that moves a subscription guards on the status it expects, so that
// a stale page (approving a withdrawn request) changes nothing.

type Trx = Transaction<DB>;

export interface OfferForSubscription {
  id: string;
  title: string;
  status: OfferStatus;
  eligibleKinds: OrganisationKind[];
  options: OfferOption[];
  requiresCouncilDecision: boolean;
  requiresApproval: boolean;
  takesEffect: OfferTakesEffect;
  noticeMonths: number;
  currentRulebook: { id: string; version: number } | null;
}

/** An offer of the cooperative with its terms and its latest rulebook version; null when unknown here. */
export async function findOfferForSubscription(
  trx: Trx,
  offerId: string,
  cooperativeId: string,
): Promise<OfferForSubscription | null> {
  const row = await trx
    .selectFrom("offers as o")
    .select([
      "o.id",
      "o.title",
      "o.status",
      "o.eligible_kinds",
      "o.options",
      "o.requires_council_decision",
      "o.requires_approval",
      "o.takes_effect",
      "o.notice_months",
    ])
    .select((eb) => [
      eb
        .selectFrom("rulebook_versions as r")
        .select("r.id")
        .whereRef("r.offer_id", "=", "o.id")
        .orderBy("r.version", "desc")
        .limit(1)
        .as("rulebook_id"),
      eb
        .selectFrom("rulebook_versions as r")
        .select("r.version")
        .whereRef("r.offer_id", "=", "o.id")
        .orderBy("r.version", "desc")
        .limit(1)
        .as("rulebook_version"),
    ])
    .where("o.id", "=", offerId)
    .where("o.cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    title: row.title,
    status: row.status,
    eligibleKinds: row.eligible_kinds,
    options: row.options,
    requiresCouncilDecision: row.requires_council_decision,
    requiresApproval: row.requires_approval,
    takesEffect: row.takes_effect,
    noticeMonths: row.notice_months,
    currentRulebook:
      row.rulebook_id && row.rulebook_version !== null ? { id: row.rulebook_id, version: row.rulebook_version } : null,
  };
}

/** The offer's pricing in force in a year, validated; null when it has none that year. */
export async function findPricingInYear(trx: Trx, offerId: string, year: number): Promise<Pricing | null> {
  const row = await trx
    .selectFrom("pricings")
    .select("definition")
    .where("offer_id", "=", offerId)
    .where("year_from", "<=", year)
    .where("year_to", ">=", year)
    .executeTakeFirst();
  if (!row) return null;
  const parsed = pricingSchema.safeParse(row.definition);
  return parsed.success ? parsed.data : null;
}

export async function findOrganisationKind(trx: Trx, organisationId: string): Promise<OrganisationKind | null> {
  const row = await trx.selectFrom("organisations").select("kind").where("id", "=", organisationId).executeTakeFirst();
  return row?.kind ?? null;
}

/** The organisation's subscriptions to an offer (to refuse a second request). */
export async function listOrganisationOfferSubscriptions(trx: Trx, organisationId: string, offerId: string) {
  const rows = await trx
    .selectFrom("subscriptions")
    .select(["id", "status", "ends_on"])
    .where("organisation_id", "=", organisationId)
    .where("offer_id", "=", offerId)
    .execute();
  return rows.map((row) => ({ id: row.id, status: row.status, endsOn: row.ends_on }));
}

export async function storeDocument(
  trx: Trx,
  input: { cooperativeId: string; organisationId: string; filename: string; content: Uint8Array; uploadedBy: string },
): Promise<string> {
  const row = await trx
    .insertInto("documents")
    .values({
      cooperative_id: input.cooperativeId,
      organisation_id: input.organisationId,
      filename: input.filename,
      content_type: "application/pdf",
      size_bytes: input.content.length,
      content: input.content,
      uploaded_by: input.uploadedBy,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A council decision PDF the caller may read (row-level security decides), or null. */
export async function findDocument(trx: Trx, documentId: string, cooperativeId: string) {
  return (
    (await trx
      .selectFrom("documents")
      .select(["id", "filename", "content", "size_bytes"])
      .where("id", "=", documentId)
      .where("cooperative_id", "=", cooperativeId)
      .executeTakeFirst()) ?? null
  );
}

async function addEvent(
  trx: Trx,
  subscription: { id: string; cooperativeId: string; organisationId: string },
  actorUserId: string,
  action: string,
  details: Record<string, unknown> = {},
) {
  await trx
    .insertInto("subscription_events")
    .values({
      cooperative_id: subscription.cooperativeId,
      organisation_id: subscription.organisationId,
      subscription_id: subscription.id,
      actor_user_id: actorUserId,
      action,
      details: jsonb(details),
    })
    .execute();
}

export interface NewRequest {
  cooperativeId: string;
  organisationId: string;
  offerId: string;
  userId: string;
  optionKeys: string[];
  declaredUnits: Record<string, number>;
  councilDecisionNumber: string | null;
  councilDecisionDate: string | null;
  councilDocumentId: string | null;
  rulebookVersionId: string | null;
  /** Set when the offer needs no approval: the subscription is active from this date. */
  activeFrom: string | null;
}

/** Records a request (or, for an offer without approval, the active subscription) and its first history line. */
export async function createSubscription(trx: Trx, input: NewRequest): Promise<string> {
  const row = await trx
    .insertInto("subscriptions")
    .values({
      cooperative_id: input.cooperativeId,
      organisation_id: input.organisationId,
      offer_id: input.offerId,
      status: input.activeFrom ? "active" : "requested",
      starts_on: input.activeFrom,
      option_keys: jsonb(input.optionKeys),
      declared_units: jsonb(input.declaredUnits),
      requested_at: new Date(),
      requested_by: input.userId,
      council_decision_number: input.councilDecisionNumber,
      council_decision_date: input.councilDecisionDate,
      council_document_id: input.councilDocumentId,
      rulebook_version_id: input.rulebookVersionId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const subscription = { id: row.id, cooperativeId: input.cooperativeId, organisationId: input.organisationId };
  await addEvent(
    trx,
    subscription,
    input.userId,
    input.activeFrom ? "activated" : "requested",
    input.activeFrom
      ? { startsOn: input.activeFrom, optionKeys: input.optionKeys, units: input.declaredUnits }
      : { optionKeys: input.optionKeys, units: input.declaredUnits },
  );
  return row.id;
}

export interface SubscriptionDetail {
  id: string;
  cooperativeId: string;
  organisationId: string;
  organisationName: string;
  status: SubscriptionStatus;
  startsOn: string | null;
  endsOn: string | null;
  optionKeys: string[];
  declaredUnits: Record<string, number>;
  requestedAt: Date | null;
  decidedAt: Date | null;
  rejectionReason: string | null;
  councilDecisionNumber: string | null;
  councilDecisionDate: string | null;
  councilDocument: { id: string; filename: string } | null;
  rulebookVersion: number | null;
  noticeGivenAt: Date | null;
  replacesId: string | null;
  successor: { id: string; startsOn: string | null } | null;
  offer: OfferForSubscription;
}

/** A subscription the caller may see (its organisation's, or any of the cooperative for an operator admin). */
export async function findSubscription(
  trx: Trx,
  id: string,
  cooperativeId: string,
): Promise<SubscriptionDetail | null> {
  const row = await trx
    .selectFrom("subscriptions as s")
    .innerJoin("organisations as org", "org.id", "s.organisation_id")
    .leftJoin("documents as d", "d.id", "s.council_document_id")
    .leftJoin("rulebook_versions as r", "r.id", "s.rulebook_version_id")
    .select([
      "s.id",
      "s.cooperative_id",
      "s.organisation_id",
      "org.name as organisation_name",
      "s.offer_id",
      "s.status",
      "s.starts_on",
      "s.ends_on",
      "s.option_keys",
      "s.declared_units",
      "s.requested_at",
      "s.decided_at",
      "s.rejection_reason",
      "s.council_decision_number",
      "s.council_decision_date",
      "d.id as document_id",
      "d.filename as document_filename",
      "r.version as rulebook_version",
      "s.notice_given_at",
      "s.replaces_id",
    ])
    .select((eb) =>
      eb
        .selectFrom("subscriptions as next")
        .select(sql<string>`json_build_object('id', next.id, 'startsOn', next.starts_on)::text`.as("successor"))
        .whereRef("next.replaces_id", "=", "s.id")
        .where("next.status", "=", "active")
        .limit(1)
        .as("successor"),
    )
    .where("s.id", "=", id)
    .where("s.cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  if (!row) return null;
  const offer = await findOfferForSubscription(trx, row.offer_id, cooperativeId);
  if (!offer) return null;
  return {
    id: row.id,
    cooperativeId: row.cooperative_id,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
    status: row.status,
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    optionKeys: row.option_keys,
    declaredUnits: row.declared_units,
    requestedAt: row.requested_at,
    decidedAt: row.decided_at,
    rejectionReason: row.rejection_reason,
    councilDecisionNumber: row.council_decision_number,
    councilDecisionDate: row.council_decision_date,
    councilDocument:
      row.document_id && row.document_filename ? { id: row.document_id, filename: row.document_filename } : null,
    rulebookVersion: row.rulebook_version,
    noticeGivenAt: row.notice_given_at,
    replacesId: row.replaces_id,
    successor: row.successor ? (JSON.parse(row.successor) as { id: string; startsOn: string | null }) : null,
    offer,
  };
}

/**
 * Locks a subscription, and the row it replaces first, until the transaction ends (SELECT … FOR UPDATE): the first
 * read of every workflow step, so that a step running at the same moment waits, then reads what this one wrote
 * (a notice committed meanwhile is seen, not overwritten by stale values). Rows are locked oldest first, the same
 * order for every step. False when the row does not exist here or the caller may not write it (row-level security:
 * another organisation's, a viewer).
 */
export async function lockSubscription(trx: Trx, id: string, cooperativeId: string): Promise<boolean> {
  const rows = await trx
    .selectFrom("subscriptions")
    .select("id")
    .where("cooperative_id", "=", cooperativeId)
    .where((eb) =>
      eb.or([
        eb("id", "=", id),
        eb("id", "=", eb.selectFrom("subscriptions as row").select("row.replaces_id").where("row.id", "=", id)),
      ]),
    )
    .orderBy("starts_on", sql`asc nulls last`)
    .orderBy("created_at")
    .forUpdate()
    .execute();
  return rows.some((row) => row.id === id);
}

/** The history of a subscription, oldest first, with who acted. */
export async function listSubscriptionEvents(trx: Trx, subscriptionId: string) {
  const rows = await trx
    .selectFrom("subscription_events as e")
    .leftJoin("users as u", "u.id", "e.actor_user_id")
    .select(["e.id", "e.action", "e.details", "e.created_at", "u.display_name"])
    .where("e.subscription_id", "=", subscriptionId)
    .orderBy("e.created_at")
    .orderBy("e.id")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    action: row.action,
    details: row.details,
    createdAt: row.created_at,
    actorName: row.display_name,
  }));
}

type Ref = { id: string; cooperativeId: string; organisationId: string };

/**
 * Updates a subscription that still has the status it is expected to have (and, with `noticeNotGiven`, no notice
 * yet; with `endsOn`, that last day), then adds its history line; false when the guard matched nothing (a stale page).
 */
async function updateGuarded(
  trx: Trx,
  subscription: Ref,
  guard: { status: SubscriptionStatus; noticeNotGiven?: boolean; endsOn?: string },
  set: UpdateObject<DB, "subscriptions">,
  event: { userId: string; action: string; details?: Record<string, unknown> },
): Promise<boolean> {
  let update = trx
    .updateTable("subscriptions")
    .set(set)
    .where("id", "=", subscription.id)
    .where("cooperative_id", "=", subscription.cooperativeId)
    .where("status", "=", guard.status);
  if (guard.noticeNotGiven) update = update.where("notice_given_at", "is", null);
  if (guard.endsOn !== undefined) update = update.where("ends_on", "=", guard.endsOn);
  const done = await update.returning("id").executeTakeFirst();
  if (!done) return false;
  await addEvent(trx, subscription, event.userId, event.action, event.details);
  return true;
}

/** What a decision on a request records besides its outcome: when and by whom. */
const decidedBy = (userId: string) => ({ decided_at: new Date(), decided_by: userId, updated_at: new Date() });

/** Approves a pending request; false when it is no longer pending (withdrawn, decided meanwhile). */
export async function approveSubscription(
  trx: Trx,
  subscription: Ref,
  input: { userId: string; startsOn: string },
): Promise<boolean> {
  return updateGuarded(
    trx,
    subscription,
    { status: "requested" },
    { status: "active", starts_on: input.startsOn, ...decidedBy(input.userId) },
    { userId: input.userId, action: "approved", details: { startsOn: input.startsOn } },
  );
}

export async function rejectSubscription(
  trx: Trx,
  subscription: Ref,
  input: { userId: string; reason: string },
): Promise<boolean> {
  return updateGuarded(
    trx,
    subscription,
    { status: "requested" },
    { status: "rejected", rejection_reason: input.reason, ...decidedBy(input.userId) },
    { userId: input.userId, action: "rejected", details: { reason: input.reason } },
  );
}

export async function withdrawSubscription(trx: Trx, subscription: Ref, userId: string): Promise<boolean> {
  return updateGuarded(
    trx,
    subscription,
    { status: "requested" },
    { status: "withdrawn", updated_at: new Date() },
    { userId, action: "withdrawn" },
  );
}

/** Changes options and units of the row itself (an "on_approval" offer, or not started yet). */
export async function changeSubscriptionInPlace(
  trx: Trx,
  subscription: Ref,
  input: { userId: string; optionKeys: string[]; declaredUnits: Record<string, number>; summary: string },
): Promise<boolean> {
  return updateGuarded(
    trx,
    subscription,
    { status: "active" },
    { option_keys: jsonb(input.optionKeys), declared_units: jsonb(input.declaredUnits), updated_at: new Date() },
    {
      userId: input.userId,
      action: "changed",
      details: { summary: input.summary, optionKeys: input.optionKeys, units: input.declaredUnits },
    },
  );
}

/**
 * A change from 1 January: the current row ends on 31 December, a successor (replaces_id) starts on 1 January with
 * the new options and units, and the same terms (council decision, rulebook, a notice already given).
 */
export async function scheduleSubscriptionChange(
  trx: Trx,
  subscription: Ref & { endsOn: string | null; noticeGivenAt: Date | null },
  input: {
    userId: string;
    optionKeys: string[];
    declaredUnits: Record<string, number>;
    startsOn: string;
    currentEndsOn: string;
    summary: string;
  },
): Promise<string | null> {
  const current = await trx
    .updateTable("subscriptions")
    .set({ ends_on: input.currentEndsOn, updated_at: new Date() })
    .where("id", "=", subscription.id)
    .where("cooperative_id", "=", subscription.cooperativeId)
    .where("status", "=", "active")
    // The end and the notice the successor copies must still be the ones read (the step locked the row first).
    .where(sql<boolean>`ends_on IS NOT DISTINCT FROM ${subscription.endsOn}::date`)
    .where("notice_given_at", subscription.noticeGivenAt === null ? "is" : "is not", null)
    .returning([
      "offer_id",
      "council_decision_number",
      "council_decision_date",
      "council_document_id",
      "rulebook_version_id",
      "requested_at",
      "requested_by",
      "decided_at",
      "decided_by",
    ])
    .executeTakeFirst();
  if (!current) return null;
  const successor = await trx
    .insertInto("subscriptions")
    .values({
      cooperative_id: subscription.cooperativeId,
      organisation_id: subscription.organisationId,
      offer_id: current.offer_id,
      status: "active",
      starts_on: input.startsOn,
      ends_on: subscription.endsOn,
      notice_given_at: subscription.noticeGivenAt,
      option_keys: jsonb(input.optionKeys),
      declared_units: jsonb(input.declaredUnits),
      council_decision_number: current.council_decision_number,
      council_decision_date: current.council_decision_date,
      council_document_id: current.council_document_id,
      rulebook_version_id: current.rulebook_version_id,
      requested_at: current.requested_at,
      requested_by: current.requested_by,
      decided_at: current.decided_at,
      decided_by: current.decided_by,
      replaces_id: subscription.id,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await addEvent(trx, subscription, input.userId, "change_scheduled", {
    summary: input.summary,
    startsOn: input.startsOn,
    endsOn: input.currentEndsOn,
    successorId: successor.id,
  });
  await addEvent(trx, { ...subscription, id: successor.id }, input.userId, "replaced", {
    startsOn: input.startsOn,
    replacesId: subscription.id,
    optionKeys: input.optionKeys,
    units: input.declaredUnits,
  });
  return successor.id;
}

export async function giveNotice(
  trx: Trx,
  subscription: Ref,
  input: { userId: string; endsOn: string },
): Promise<boolean> {
  return updateGuarded(
    trx,
    subscription,
    { status: "active", noticeNotGiven: true },
    { ends_on: input.endsOn, notice_given_at: new Date(), updated_at: new Date() },
    { userId: input.userId, action: "notice_given", details: { endsOn: input.endsOn } },
  );
}

/**
 * Notice given before a scheduled change takes effect, ending the subscription before it: the row the change replaces,
 * already ending the day before, records the notice, and the successor is cancelled ('withdrawn', its history says
 * why). False when nothing was written (notice already given, or the row no longer ends on that date).
 */
export async function cancelScheduledChange(
  trx: Trx,
  rows: { successor: Ref; replaced: Ref },
  input: { userId: string; endsOn: string },
): Promise<boolean> {
  const noticed = await updateGuarded(
    trx,
    rows.replaced,
    { status: "active", noticeNotGiven: true, endsOn: input.endsOn },
    { notice_given_at: new Date(), updated_at: new Date() },
    { userId: input.userId, action: "notice_given", details: { endsOn: input.endsOn } },
  );
  if (!noticed) return false;
  const cancelled = await trx
    .updateTable("subscriptions")
    .set({ status: "withdrawn", updated_at: new Date() })
    .where("id", "=", rows.successor.id)
    .where("cooperative_id", "=", rows.successor.cooperativeId)
    .where("status", "=", "active")
    .where("replaces_id", "=", rows.replaced.id)
    .where("starts_on", ">", input.endsOn)
    .returning("id")
    .executeTakeFirst();
  // The step locked both rows first: a successor gone meanwhile is a bug, and the notice must not stay half-written.
  if (!cancelled) throw new Error(`scheduled change ${rows.successor.id} could not be cancelled`);
  await addEvent(trx, rows.successor, input.userId, "change_cancelled", { endsOn: input.endsOn });
  return true;
}

export async function acceptRulebook(
  trx: Trx,
  subscription: Ref,
  input: { userId: string; rulebookVersionId: string; version: number },
): Promise<boolean> {
  return updateGuarded(
    trx,
    subscription,
    { status: "active" },
    { rulebook_version_id: input.rulebookVersionId, updated_at: new Date() },
    { userId: input.userId, action: "rulebook_accepted", details: { version: input.version } },
  );
}

/** The operator admins of a cooperative (those who decide on requests). */
export async function operatorAdminIds(trx: Trx, cooperativeId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("memberships")
    .select("user_id")
    .where("cooperative_id", "=", cooperativeId)
    .where("role", "=", "operator_admin")
    .execute();
  return rows.map((row) => row.user_id);
}

/** The referents of an organisation. */
export async function referentIds(trx: Trx, organisationId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("memberships")
    .select("user_id")
    .where("organisation_id", "=", organisationId)
    .where("role", "=", "referent")
    .execute();
  return rows.map((row) => row.user_id);
}

export interface SubscriptionRow {
  id: string;
  organisationId: string;
  organisationName: string;
  offerId: string;
  offerTitle: string;
  offerOptions: OfferOption[];
  status: SubscriptionStatus;
  startsOn: string | null;
  endsOn: string | null;
  optionKeys: string[];
  declaredUnits: Record<string, number>;
  requestedAt: Date | null;
  noticeGivenAt: Date | null;
  rulebookVersion: number | null;
  currentRulebookVersion: number | null;
  successorStartsOn: string | null;
}

function subscriptionRows(trx: Trx, cooperativeId: string) {
  return trx
    .selectFrom("subscriptions as s")
    .innerJoin("organisations as org", "org.id", "s.organisation_id")
    .innerJoin("offers as o", "o.id", "s.offer_id")
    .leftJoin("rulebook_versions as r", "r.id", "s.rulebook_version_id")
    .select([
      "s.id",
      "s.organisation_id",
      "org.name as organisation_name",
      "s.offer_id",
      "o.title as offer_title",
      "o.options as offer_options",
      "s.status",
      "s.starts_on",
      "s.ends_on",
      "s.option_keys",
      "s.declared_units",
      "s.requested_at",
      "s.notice_given_at",
      "r.version as rulebook_version",
    ])
    .select((eb) => [
      eb
        .selectFrom("rulebook_versions as latest")
        .select((inner) => inner.fn.max("latest.version").as("v"))
        .whereRef("latest.offer_id", "=", "s.offer_id")
        .as("current_rulebook_version"),
      eb
        .selectFrom("subscriptions as next")
        .select("next.starts_on")
        .whereRef("next.replaces_id", "=", "s.id")
        .where("next.status", "=", "active")
        .limit(1)
        .as("successor_starts_on"),
    ])
    .where("s.cooperative_id", "=", cooperativeId);
}

type RawRow = Awaited<ReturnType<ReturnType<typeof subscriptionRows>["execute"]>>[number];

const toRow = (row: RawRow): SubscriptionRow => ({
  id: row.id,
  organisationId: row.organisation_id,
  organisationName: row.organisation_name,
  offerId: row.offer_id,
  offerTitle: row.offer_title,
  offerOptions: row.offer_options,
  status: row.status,
  startsOn: row.starts_on,
  endsOn: row.ends_on,
  optionKeys: row.option_keys,
  declaredUnits: row.declared_units,
  requestedAt: row.requested_at,
  noticeGivenAt: row.notice_given_at,
  rulebookVersion: row.rulebook_version,
  currentRulebookVersion: row.current_rulebook_version === null ? null : Number(row.current_rulebook_version),
  successorStartsOn: row.successor_starts_on,
});

/** An organisation's subscriptions: open requests and active ones first, then by offer. */
export async function listOrganisationSubscriptions(
  trx: Trx,
  cooperativeId: string,
  organisationId: string,
): Promise<SubscriptionRow[]> {
  const rows = await subscriptionRows(trx, cooperativeId)
    .where("s.organisation_id", "=", organisationId)
    .orderBy(sql`CASE s.status WHEN 'requested' THEN 0 WHEN 'active' THEN 1 ELSE 2 END`)
    .orderBy("o.title")
    .orderBy("s.starts_on")
    .execute();
  return rows.map(toRow);
}

/** Pending requests of the cooperative, oldest first. */
export async function listPendingRequests(trx: Trx, cooperativeId: string): Promise<SubscriptionRow[]> {
  const rows = await subscriptionRows(trx, cooperativeId)
    .where("s.status", "=", "requested")
    .orderBy("s.requested_at")
    .orderBy("s.id")
    .execute();
  return rows.map(toRow);
}

export const SUBSCRIPTION_SORTS = ["organisation", "offer", "status", "starts"] as const;
export type SubscriptionSort = (typeof SUBSCRIPTION_SORTS)[number];

export interface SubscriptionFilter {
  cooperativeId: string;
  status: SubscriptionStatus | null;
  offerId: string | null;
  search: string;
  sort: SubscriptionSort;
  descending: boolean;
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (character) => `\\${character}`);
}

function filtered(trx: Trx, filter: SubscriptionFilter) {
  const search = filter.search.trim();
  const direction = filter.descending ? "desc" : "asc";
  const orderColumn = {
    organisation: sql`org.search_name COLLATE "C"`,
    offer: sql`o.search_text COLLATE "C"`,
    status: sql`s.status`,
    starts: sql`s.starts_on`,
  }[filter.sort];
  return subscriptionRows(trx, filter.cooperativeId)
    .$if(filter.status !== null, (qb) => qb.where("s.status", "=", filter.status as SubscriptionStatus))
    .$if(filter.offerId !== null, (qb) => qb.where("s.offer_id", "=", filter.offerId as string))
    .$if(search.length > 0, (qb) =>
      qb.where("org.search_name", "like", sql<string>`'%' || search_key(${escapeLike(search)}) || '%'`),
    )
    .orderBy(sql`${orderColumn} ${sql.raw(direction)} NULLS LAST`)
    .orderBy("org.search_name")
    .orderBy("s.id");
}

/** One page of the cooperative's subscriptions, filtered and sorted (operator admins). */
export async function listSubscriptions(
  trx: Trx,
  filter: SubscriptionFilter & { page: number; pageSize: number },
): Promise<{ rows: SubscriptionRow[]; total: number; page: number; pageCount: number }> {
  const countQuery = filtered(trx, filter)
    .clearSelect()
    .clearOrderBy()
    .select((eb) => eb.fn.countAll<string>().as("n"));
  const total = Number((await countQuery.executeTakeFirst())?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / filter.pageSize));
  const page = Math.min(filter.page, pageCount);
  const rows = await filtered(trx, filter)
    .limit(filter.pageSize)
    .offset((page - 1) * filter.pageSize)
    .execute();
  return { rows: rows.map(toRow), total, page, pageCount };
}

/** Every subscription matching the filter (the CSV export). */
export async function listAllSubscriptions(trx: Trx, filter: SubscriptionFilter): Promise<SubscriptionRow[]> {
  return (await filtered(trx, filter).execute()).map(toRow);
}

/** The cooperative's offers that have subscriptions, for the filter's list. */
export async function listSubscribedOffers(trx: Trx, cooperativeId: string) {
  return trx
    .selectFrom("offers as o")
    .select(["o.id", "o.title"])
    .where("o.cooperative_id", "=", cooperativeId)
    .where((eb) => eb.exists(eb.selectFrom("subscriptions as s").select("s.id").whereRef("s.offer_id", "=", "o.id")))
    .orderBy("o.title")
    .execute();
}
