import { sql, type Transaction } from "kysely";
import { jsonb } from "../../db/jsonb.ts";
import type {
  DB,
  OfferKind,
  OfferOption,
  OfferStatus,
  OfferTakesEffect,
  OrganisationKind,
  SubscriptionStatus,
} from "../../db/schema.ts";
import { type CatalogueQuery, DEFAULT_CATEGORIES, type OfferFormData, type OfferSort } from "../domain/catalogue.ts";

type Trx = Transaction<DB>;

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (match) => `\\${match}`);
}

// ---------------------------------------------------------------------------------------------
// Categories

export interface Category {
  id: string;
  name: string;
  position: number;
}

export function listCategories(trx: Trx, cooperativeId: string): Promise<Category[]> {
  return trx
    .selectFrom("offer_categories")
    .select(["id", "name", "position"])
    .where("cooperative_id", "=", cooperativeId)
    .orderBy("position")
    .orderBy("name")
    .execute();
}

/** Gives a cooperative without any category the four of the issue; true when it added them. */
export async function ensureDefaultCategories(trx: Trx, cooperativeId: string): Promise<boolean> {
  const existing = await trx
    .selectFrom("offer_categories")
    .select("id")
    .where("cooperative_id", "=", cooperativeId)
    .limit(1)
    .executeTakeFirst();
  if (existing) return false;
  await trx
    .insertInto("offer_categories")
    .values(DEFAULT_CATEGORIES.map((name, position) => ({ cooperative_id: cooperativeId, name, position })))
    .onConflict((conflict) => conflict.columns(["cooperative_id", "name"]).doNothing())
    .execute();
  return true;
}

/** Adds a category at the end; "duplicate" when the cooperative already has this name. */
export async function addCategory(
  trx: Trx,
  cooperativeId: string,
  name: string,
): Promise<{ id: string } | "duplicate"> {
  const last = await trx
    .selectFrom("offer_categories")
    .select((eb) => eb.fn.max("position").as("position"))
    .where("cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  const inserted = await trx
    .insertInto("offer_categories")
    .values({ cooperative_id: cooperativeId, name, position: (last?.position ?? -1) + 1 })
    .onConflict((conflict) => conflict.columns(["cooperative_id", "name"]).doNothing())
    .returning("id")
    .executeTakeFirst();
  return inserted ?? "duplicate";
}

export async function renameCategory(
  trx: Trx,
  cooperativeId: string,
  id: string,
  name: string,
): Promise<"renamed" | "duplicate" | "missing"> {
  const clash = await trx
    .selectFrom("offer_categories")
    .select("id")
    .where("cooperative_id", "=", cooperativeId)
    .where("name", "=", name)
    .where("id", "<>", id)
    .executeTakeFirst();
  if (clash) return "duplicate";
  const result = await trx
    .updateTable("offer_categories")
    .set({ name })
    .where("id", "=", id)
    .where("cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? "renamed" : "missing";
}

/** Moves a category one place up or down; positions are renumbered 0..n-1. */
export async function moveCategory(
  trx: Trx,
  cooperativeId: string,
  id: string,
  direction: "up" | "down",
): Promise<boolean> {
  const categories = await listCategories(trx, cooperativeId);
  const index = categories.findIndex((category) => category.id === id);
  if (index < 0) return false;
  const target = direction === "up" ? index - 1 : index + 1;
  if (target >= 0 && target < categories.length) {
    const moved = categories.splice(index, 1)[0] as Category;
    categories.splice(target, 0, moved);
  }
  for (const [position, category] of categories.entries()) {
    if (category.position !== position) {
      await trx
        .updateTable("offer_categories")
        .set({ position })
        .where("id", "=", category.id)
        .where("cooperative_id", "=", cooperativeId)
        .execute();
    }
  }
  return true;
}

/** Deletes a category; its offers are left without category (the foreign key sets it to null). */
export async function deleteCategory(
  trx: Trx,
  cooperativeId: string,
  id: string,
): Promise<{ name: string; offers: number } | undefined> {
  const category = await trx
    .selectFrom("offer_categories as c")
    .select([
      "c.name",
      (eb) =>
        eb
          .selectFrom("offers as o")
          .whereRef("o.category_id", "=", "c.id")
          .select(eb.fn.countAll<number>().as("n"))
          .as("offers"),
    ])
    .where("c.id", "=", id)
    .where("c.cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  if (!category) return undefined;
  await trx.deleteFrom("offer_categories").where("id", "=", id).where("cooperative_id", "=", cooperativeId).execute();
  return { name: category.name, offers: Number(category.offers ?? 0) };
}

// ---------------------------------------------------------------------------------------------
// The list

export interface OfferListQuery {
  cooperativeId: string;
  /** The active organisation, for "what we have / have not joined". */
  organisationId: string | null;
  /** Drafts and archives too (operator admins); published offers only otherwise. */
  includeUnpublished: boolean;
  filters: Pick<CatalogueQuery, "q" | "categorie" | "type" | "adhesion" | "statut">;
  sort: OfferSort;
  descending: boolean;
  /** Counts for this year and the one before. */
  year: number;
  /** "Active today": the calendar date (Paris). */
  today: string;
  page: number;
  /** null: every row (the CSV export). */
  pageSize: number | null;
}

export interface OfferRow {
  id: string;
  title: string;
  summary: string;
  kind: OfferKind;
  status: OfferStatus;
  categoryId: string | null;
  categoryName: string | null;
  eligibleKinds: OrganisationKind[];
  membersThisYear: number;
  membersLastYear: number;
  /** The active organisation subscribes today. */
  joined: boolean;
}

export interface OfferPage {
  rows: OfferRow[];
  total: number;
  page: number;
  pageCount: number;
}

/**
 * The cooperative's offers, filtered, sorted and paged in the database. The search ignores accents,
 * case and punctuation (search_text is search_key(title || ' ' || summary)). Member counts come from
 * offer_member_counts, which counts every organisation of the caller's cooperative (subscriptions
 * themselves stay private).
 */
export async function listOffers(trx: Trx, query: OfferListQuery): Promise<OfferPage> {
  const search = query.filters.q.trim();
  const joinedToday = (organisationId: string) =>
    sql<boolean>`exists (select 1 from subscriptions s
      where s.offer_id = o.id and s.organisation_id = ${organisationId} and s.status = 'active'
        and s.starts_on <= ${query.today}::date and (s.ends_on is null or s.ends_on >= ${query.today}::date))`;
  const base = trx
    .selectFrom("offers as o")
    .leftJoin("offer_categories as c", "c.id", "o.category_id")
    .where("o.cooperative_id", "=", query.cooperativeId)
    .$if(!query.includeUnpublished, (qb) => qb.where("o.status", "=", "published"))
    .$if(query.includeUnpublished && query.filters.statut !== "", (qb) =>
      qb.where("o.status", "=", query.filters.statut as OfferStatus),
    )
    .$if(search.length > 0, (qb) =>
      qb.where("o.search_text", "like", sql<string>`'%' || search_key(${escapeLike(search)}) || '%'`),
    )
    .$if(query.filters.categorie === "aucune", (qb) => qb.where("o.category_id", "is", null))
    .$if(query.filters.categorie !== "" && query.filters.categorie !== "aucune", (qb) =>
      qb.where("o.category_id", "=", query.filters.categorie),
    )
    .$if(query.filters.type !== "", (qb) => qb.where("o.kind", "=", query.filters.type as OfferKind))
    .$if(query.organisationId !== null && query.filters.adhesion === "oui", (qb) =>
      qb.where(joinedToday(query.organisationId as string)),
    )
    .$if(query.organisationId !== null && query.filters.adhesion === "non", (qb) =>
      qb.where(sql<boolean>`not ${joinedToday(query.organisationId as string)}`),
    );

  const { total } = await base.select((eb) => eb.fn.countAll<number>().as("total")).executeTakeFirstOrThrow();
  const count = Number(total);
  const pageSize = query.pageSize ?? Math.max(1, count);
  const pageCount = Math.max(1, Math.ceil(count / pageSize));
  const page = Math.min(Math.max(1, query.page), pageCount);
  const direction = sql.raw(query.descending ? "desc" : "asc");

  const rows = await base
    .leftJoin(sql<{ offer_id: string; members: number }>`offer_member_counts(${query.year})`.as("now"), (join) =>
      join.onRef("now.offer_id", "=", "o.id"),
    )
    .leftJoin(sql<{ offer_id: string; members: number }>`offer_member_counts(${query.year - 1})`.as("before"), (join) =>
      join.onRef("before.offer_id", "=", "o.id"),
    )
    .select([
      "o.id",
      "o.title",
      "o.summary",
      "o.kind",
      "o.status",
      "o.category_id as categoryId",
      "c.name as categoryName",
      "o.eligible_kinds as eligibleKinds",
      sql<number>`coalesce(now.members, 0)`.as("membersThisYear"),
      sql<number>`coalesce(before.members, 0)`.as("membersLastYear"),
      (query.organisationId === null ? sql<boolean>`false` : joinedToday(query.organisationId)).as("joined"),
    ])
    .$call((qb) => {
      switch (query.sort) {
        case "category":
          return qb.orderBy(sql`c.position ${direction} nulls last`).orderBy(sql`c.name ${direction}`);
        case "kind":
          return qb.orderBy(sql`o.kind ${direction}`);
        case "thisYear":
          return qb.orderBy(sql`coalesce(now.members, 0) ${direction}`);
        case "lastYear":
          return qb.orderBy(sql`coalesce(before.members, 0) ${direction}`);
        default:
          return qb.orderBy(sql`o.search_text COLLATE "C" ${direction}`);
      }
    })
    .orderBy(sql`o.search_text COLLATE "C"`)
    .orderBy("o.id")
    .limit(pageSize)
    .offset((page - 1) * pageSize)
    .execute();

  return {
    rows: rows.map((row) => ({
      ...row,
      membersThisYear: Number(row.membersThisYear),
      membersLastYear: Number(row.membersLastYear),
    })),
    total: count,
    page,
    pageCount,
  };
}

// ---------------------------------------------------------------------------------------------
// One offer

export interface OfferDetails {
  id: string;
  title: string;
  summary: string;
  description: string;
  kind: OfferKind;
  status: OfferStatus;
  categoryId: string | null;
  categoryName: string | null;
  contactName: string | null;
  contactEmail: string | null;
  eligibleKinds: OrganisationKind[];
  requiresCouncilDecision: boolean;
  requiresApproval: boolean;
  takesEffect: OfferTakesEffect;
  noticeMonths: number;
  options: OfferOption[];
}

/**
 * An offer of this cooperative; undefined for another cooperative's, or for a draft or archived offer
 * when `includeUnpublished` is false (answered 404 by callers: a draft does not exist for members).
 */
export function findOffer(
  trx: Trx,
  cooperativeId: string,
  id: string,
  { includeUnpublished }: { includeUnpublished: boolean },
): Promise<OfferDetails | undefined> {
  return trx
    .selectFrom("offers as o")
    .leftJoin("offer_categories as c", "c.id", "o.category_id")
    .select([
      "o.id",
      "o.title",
      "o.summary",
      "o.description",
      "o.kind",
      "o.status",
      "o.category_id as categoryId",
      "c.name as categoryName",
      "o.contact_name as contactName",
      "o.contact_email as contactEmail",
      "o.eligible_kinds as eligibleKinds",
      "o.requires_council_decision as requiresCouncilDecision",
      "o.requires_approval as requiresApproval",
      "o.takes_effect as takesEffect",
      "o.notice_months as noticeMonths",
      "o.options",
    ])
    .where("o.id", "=", id)
    .where("o.cooperative_id", "=", cooperativeId)
    .$if(!includeUnpublished, (qb) => qb.where("o.status", "=", "published"))
    .executeTakeFirst();
}

/** Member organisations subscribing to an offer in `year` and the year before. */
export async function memberCounts(
  trx: Trx,
  offerId: string,
  year: number,
): Promise<{ thisYear: number; lastYear: number }> {
  const count = async (y: number) => {
    const { rows } = await sql<{
      members: number;
    }>`select members from offer_member_counts(${y}) where offer_id = ${offerId}`.execute(trx);
    return Number(rows[0]?.members ?? 0);
  };
  return { thisYear: await count(year), lastYear: await count(year - 1) };
}

const columns = (form: OfferFormData) => ({
  title: form.title,
  summary: form.summary,
  description: form.description,
  category_id: form.categoryId ?? null,
  kind: form.kind,
  contact_name: form.contactName ?? null,
  contact_email: form.contactEmail ?? null,
  eligible_kinds: jsonb(form.eligibleKinds),
  requires_council_decision: form.requiresCouncilDecision,
  requires_approval: form.requiresApproval,
  takes_effect: form.takesEffect,
  notice_months: form.noticeMonths,
  options: jsonb(
    form.options.map((option) => ({
      key: option.key,
      label: option.label,
      ...(option.description ? { description: option.description } : {}),
    })),
  ),
});

async function categoryBelongs(trx: Trx, cooperativeId: string, categoryId: string | undefined): Promise<boolean> {
  if (categoryId === undefined) return true;
  const found = await trx
    .selectFrom("offer_categories")
    .select("id")
    .where("id", "=", categoryId)
    .where("cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  return found !== undefined;
}

/** A new offer, as a draft; "unknown_category" when the category is not the cooperative's. */
export async function createOffer(
  trx: Trx,
  cooperativeId: string,
  form: OfferFormData,
): Promise<{ id: string } | "unknown_category"> {
  if (!(await categoryBelongs(trx, cooperativeId, form.categoryId))) return "unknown_category";
  return trx
    .insertInto("offers")
    .values({ cooperative_id: cooperativeId, status: "draft", ...columns(form) })
    .returning("id")
    .executeTakeFirstOrThrow();
}

export async function updateOffer(
  trx: Trx,
  cooperativeId: string,
  id: string,
  form: OfferFormData,
): Promise<"updated" | "missing" | "unknown_category"> {
  if (!(await categoryBelongs(trx, cooperativeId, form.categoryId))) return "unknown_category";
  const result = await trx
    .updateTable("offers")
    .set({ ...columns(form), updated_at: new Date() })
    .where("id", "=", id)
    .where("cooperative_id", "=", cooperativeId)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1 ? "updated" : "missing";
}

/** The lifecycle moves allowed: draft -> published -> archived (an archived offer may be published again). */
const NEXT_STATUSES: Record<OfferStatus, OfferStatus[]> = {
  draft: ["published"],
  published: ["archived"],
  archived: ["published"],
};

export async function setOfferStatus(
  trx: Trx,
  cooperativeId: string,
  id: string,
  status: OfferStatus,
): Promise<"changed" | "missing" | "not_allowed"> {
  const offer = await trx
    .selectFrom("offers")
    .select("status")
    .where("id", "=", id)
    .where("cooperative_id", "=", cooperativeId)
    .forUpdate()
    .executeTakeFirst();
  if (!offer) return "missing";
  if (!NEXT_STATUSES[offer.status].includes(status)) return "not_allowed";
  await trx
    .updateTable("offers")
    .set({ status, updated_at: new Date() })
    .where("id", "=", id)
    .where("cooperative_id", "=", cooperativeId)
    .execute();
  return "changed";
}

export function allowedStatusMoves(status: OfferStatus): OfferStatus[] {
  return NEXT_STATUSES[status];
}

// ---------------------------------------------------------------------------------------------
// Rulebook

export interface RulebookVersion {
  id: string;
  version: number;
  body: string;
  publishedAt: Date;
}

export function currentRulebook(trx: Trx, offerId: string): Promise<RulebookVersion | undefined> {
  return trx
    .selectFrom("rulebook_versions")
    .select(["id", "version", "body", "published_at as publishedAt"])
    .where("offer_id", "=", offerId)
    .orderBy("version", "desc")
    .limit(1)
    .executeTakeFirst();
}

/** Publishes the next version of an offer's rulebook (1 for the first). */
export async function publishRulebookVersion(
  trx: Trx,
  cooperativeId: string,
  offerId: string,
  body: string,
): Promise<{ id: string; version: number }> {
  // Serialise two admins publishing at once: the second waits and takes the next number.
  await trx
    .selectFrom("offers")
    .select("id")
    .where("id", "=", offerId)
    .where("cooperative_id", "=", cooperativeId)
    .forUpdate()
    .executeTakeFirstOrThrow();
  const last = await trx
    .selectFrom("rulebook_versions")
    .select((eb) => eb.fn.max("version").as("version"))
    .where("offer_id", "=", offerId)
    .executeTakeFirst();
  const version = (last?.version ?? 0) + 1;
  const row = await trx
    .insertInto("rulebook_versions")
    .values({ cooperative_id: cooperativeId, offer_id: offerId, version, body })
    .returning("id")
    .executeTakeFirstOrThrow();
  return { id: row.id, version };
}

/** The referents of the organisations that subscribe to the offer today (active, not ended). */
export async function referentsOfSubscribers(trx: Trx, offerId: string, today: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("subscriptions as s")
    .innerJoin("memberships as m", (join) =>
      join.onRef("m.organisation_id", "=", "s.organisation_id").on("m.role", "=", "referent"),
    )
    .select("m.user_id")
    .distinct()
    .where("s.offer_id", "=", offerId)
    .where("s.status", "=", "active")
    .where("s.starts_on", "<=", today)
    .where((eb) => eb.or([eb("s.ends_on", "is", null), eb("s.ends_on", ">=", today)]))
    .execute();
  return rows.map((row) => row.user_id);
}

// ---------------------------------------------------------------------------------------------
// The active organisation and the offer

/** What the active organisation is and has with this offer (for the "Demander l'adhésion" button). */
export async function organisationStanding(
  trx: Trx,
  organisationId: string,
  offerId: string,
  today: string,
): Promise<{ kind: OrganisationKind; hasActiveSubscription: boolean; hasOpenRequest: boolean } | undefined> {
  const organisation = await trx
    .selectFrom("organisations")
    .select("kind")
    .where("id", "=", organisationId)
    .executeTakeFirst();
  if (!organisation) return undefined;
  const subscriptions = await trx
    .selectFrom("subscriptions")
    .select(["status", "starts_on", "ends_on"])
    .where("organisation_id", "=", organisationId)
    .where("offer_id", "=", offerId)
    .where("status", "in", ["active", "requested"])
    .execute();
  return {
    kind: organisation.kind,
    hasActiveSubscription: subscriptions.some(
      // Active, or approved to start later (1 January): already joined either way.
      (s) => s.status === "active" && (s.ends_on === null || s.ends_on >= today),
    ),
    hasOpenRequest: subscriptions.some((s) => s.status === "requested"),
  };
}

// ---------------------------------------------------------------------------------------------
// Subscribers of an offer (operator admins)

export interface SubscriberRow {
  id: string;
  organisationName: string;
  siren: string;
  status: SubscriptionStatus;
  startsOn: string | null;
  endsOn: string | null;
  optionKeys: string[];
  declaredUnits: Record<string, number>;
  requestedAt: Date | null;
}

/** Every subscription and request of an offer, current ones first, by organisation name. */
export function listSubscribers(trx: Trx, cooperativeId: string, offerId: string): Promise<SubscriberRow[]> {
  return trx
    .selectFrom("subscriptions as s")
    .innerJoin("organisations as g", "g.id", "s.organisation_id")
    .select([
      "s.id",
      "g.name as organisationName",
      "g.siren",
      "s.status",
      "s.starts_on as startsOn",
      "s.ends_on as endsOn",
      "s.option_keys as optionKeys",
      "s.declared_units as declaredUnits",
      "s.requested_at as requestedAt",
    ])
    .where("s.cooperative_id", "=", cooperativeId)
    .where("s.offer_id", "=", offerId)
    .orderBy(sql`case s.status when 'active' then 0 when 'requested' then 1 else 2 end`)
    .orderBy(sql`g.search_name COLLATE "C"`)
    .orderBy("s.starts_on", "desc")
    .execute() as Promise<SubscriberRow[]>;
}
