import { sql, type Transaction } from "kysely";
import { anyOf } from "../../db/any.ts";
import { jsonb } from "../../db/jsonb.ts";
import type { DB, OfferKind, OfferStatus } from "../../db/schema.ts";
import { compareSiren } from "../domain/allocation/arithmetic.ts";
import type { ActualCost, MemberInput } from "../domain/allocation/compute.ts";
import { type Pricing, pricingSchema } from "../domain/allocation/pricing-schema.ts";

type Trx = Transaction<DB>;

/** A refusal of the price book, in French, with every problem found (nothing was written). */
export class PriceBookError extends Error {
  override readonly name = "PriceBookError";
  constructor(
    message: string,
    readonly problems: string[] = [message],
  ) {
    super(message);
  }
}

export interface StoredPricing {
  id: string;
  offerId: string;
  /** Inclusive. */
  yearFrom: number;
  yearTo: number;
  definition: Pricing;
  frozenAt: Date | null;
}

export interface PricingDraft {
  offerId: string;
  yearFrom: number;
  yearTo: number;
  /** The pricing document as the admin form sends it: validated with pricingSchema here. */
  definition: unknown;
}

const MIN_YEAR = 2000;
const MAX_YEAR = 2100;

/** "2026", "2025 à 2027" */
export const describeYears = (from: number, to: number) => (from === to ? `${from}` : `${from} à ${to}`);

function checkYears(draft: PricingDraft): string[] {
  const problems: string[] = [];
  for (const [label, year] of [
    ["L'année de début", draft.yearFrom],
    ["L'année de fin", draft.yearTo],
  ] as const) {
    if (!Number.isInteger(year) || year < MIN_YEAR || year > MAX_YEAR) {
      problems.push(`${label} de validité doit être une année entre ${MIN_YEAR} et ${MAX_YEAR}.`);
    }
  }
  if (problems.length === 0 && draft.yearTo < draft.yearFrom) {
    problems.push(`L'année de fin (${draft.yearTo}) précède l'année de début (${draft.yearFrom}).`);
  }
  return problems;
}

/** SIRENs a pricing names (named contributors, cost-key organisations): each must be an organisation of the cooperative. */
function namedSirens(pricing: Pricing): { siren: string; role: string }[] {
  if (pricing.kind === "costKey") {
    return pricing.keys.map((key) => ({ siren: key.siren, role: "dans la clé de répartition" }));
  }
  return [...pricing.base.parts, ...pricing.options.flatMap((option) => option.parts)].flatMap((part) =>
    part.kind === "split"
      ? part.namedContributors.map((contributor) => ({ siren: contributor.siren, role: "contributeur nommé" }))
      : [],
  );
}

const overlapMessage = (title: string, draft: { yearFrom: number; yearTo: number }, other: StoredPricing) =>
  `L'offre « ${title} » a déjà une tarification pour ${describeYears(other.yearFrom, other.yearTo)} : ` +
  `une tarification pour ${describeYears(draft.yearFrom, draft.yearTo)} la chevaucherait. ` +
  "Une année n'a qu'une tarification par offre.";

/**
 * Creates (no id) or replaces (id) a pricing of an offer, in the caller's transaction: the definition is
 * validated with pricingSchema and stored normalised (defaults applied), years may not overlap another pricing
 * of the offer, a frozen pricing never changes. Every check runs before the one statement that writes:
 * on refusal (PriceBookError, in French) nothing is written.
 */
export async function savePricing(trx: Trx, draft: PricingDraft & { id?: string }): Promise<StoredPricing> {
  const problems = checkYears(draft);
  const parsed = pricingSchema.safeParse(draft.definition);
  if (!parsed.success) problems.push(...new Set(parsed.error.issues.map((issue) => issue.message)));
  if (problems.length > 0 || !parsed.success) {
    throw new PriceBookError(`Tarification refusée : ${problems.join(" ")}`, problems);
  }
  const definition = parsed.data;

  const offer = await trx
    .selectFrom("offers")
    .select(["id", "cooperative_id", "title"])
    .where("id", "=", draft.offerId)
    .executeTakeFirst();
  if (!offer) throw new PriceBookError("Offre introuvable.");

  const named = namedSirens(definition);
  if (named.length > 0) {
    const known = new Set(
      (
        await trx
          .selectFrom("organisations")
          .select("siren")
          .where("cooperative_id", "=", offer.cooperative_id)
          .where(
            "siren",
            "=",
            anyOf(
              named.map((entry) => entry.siren),
              "text",
            ),
          )
          .execute()
      ).map((row) => row.siren),
    );
    const unknown = named.filter((entry) => !known.has(entry.siren));
    if (unknown.length > 0) {
      const list = unknown.map((entry) => `${entry.siren} (${entry.role})`).join(", ");
      throw new PriceBookError(`Tarification refusée : aucune organisation de la coopérative n'a le SIREN ${list}.`);
    }
  }

  const existing = await listPricings(trx, offer.id, { validate: false });
  if (draft.id !== undefined) {
    const current = existing.find((pricing) => pricing.id === draft.id);
    if (!current) throw new PriceBookError("Tarification introuvable pour cette offre.");
    if (current.frozenAt) {
      throw new PriceBookError(
        `La tarification ${describeYears(current.yearFrom, current.yearTo)} de « ${offer.title} » est figée : ` +
          "un appel de fonds d'une année qu'elle couvre a été émis, elle ne change plus.",
      );
    }
  }
  const overlapping = existing.find(
    (pricing) => pricing.id !== draft.id && pricing.yearFrom <= draft.yearTo && draft.yearFrom <= pricing.yearTo,
  );
  if (overlapping) throw new PriceBookError(overlapMessage(offer.title, draft, overlapping));

  try {
    const row =
      draft.id === undefined
        ? await trx
            .insertInto("pricings")
            .values({
              cooperative_id: offer.cooperative_id,
              offer_id: offer.id,
              year_from: draft.yearFrom,
              year_to: draft.yearTo,
              definition: jsonb(definition),
            })
            .returning(["id", "frozen_at"])
            .executeTakeFirstOrThrow()
        : await trx
            .updateTable("pricings")
            .set({
              year_from: draft.yearFrom,
              year_to: draft.yearTo,
              definition: jsonb(definition),
              updated_at: new Date(),
            })
            .where("id", "=", draft.id)
            .where("offer_id", "=", offer.id)
            .returning(["id", "frozen_at"])
            .executeTakeFirstOrThrow();
    return {
      id: row.id,
      offerId: offer.id,
      yearFrom: draft.yearFrom,
      yearTo: draft.yearTo,
      definition,
      frozenAt: row.frozen_at,
    };
  } catch (error) {
    // Another transaction took these years between our check and our write (the trigger serialises per offer).
    if ((error as { code?: string }).code === "23P01") {
      throw new PriceBookError(
        `L'offre « ${offer.title} » a déjà une tarification qui chevauche ${describeYears(draft.yearFrom, draft.yearTo)}.`,
      );
    }
    throw error;
  }
}

function parseStored(row: { id: string; definition: unknown }, title: string, years: string): Pricing {
  const parsed = pricingSchema.safeParse(row.definition);
  if (!parsed.success) {
    throw new PriceBookError(
      `La tarification ${years} de « ${title} » enregistrée est invalide : ${parsed.error.issues.map((issue) => issue.message).join(" ")}`,
    );
  }
  return parsed.data;
}

/** The pricings of an offer, by year. */
export async function listPricings(trx: Trx, offerId: string, { validate = true } = {}): Promise<StoredPricing[]> {
  const rows = await trx
    .selectFrom("pricings as p")
    .innerJoin("offers as o", "o.id", "p.offer_id")
    .select(["p.id", "p.offer_id", "p.year_from", "p.year_to", "p.definition", "p.frozen_at", "o.title"])
    .where("p.offer_id", "=", offerId)
    .orderBy("p.year_from")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    offerId: row.offer_id,
    yearFrom: row.year_from,
    yearTo: row.year_to,
    definition: validate
      ? parseStored(row, row.title, describeYears(row.year_from, row.year_to))
      : (row.definition as Pricing),
    frozenAt: row.frozen_at,
  }));
}

export interface OfferSummary {
  id: string;
  title: string;
  kind: OfferKind;
  status: OfferStatus;
}

/** Everything computeShares needs for one pricing in force in a year. */
export interface PricingInYear {
  offer: OfferSummary;
  pricing: StoredPricing;
  /**
   * Shares: the organisations subscribed during the year, their presence clipped to it, their options, declared
   * units and population figures of the pricing's basis and year (only those that exist: a missing one makes the
   * computation fail naming the member). Cost key: the organisations the key names.
   */
  members: MemberInput[];
  /** Cost key: the actual costs entered for the year's half-years (1, then 2); none for shares. */
  actualCosts: ActualCost[];
  /**
   * The council decisions of the offer's subscriptions during the year (cost keys' too): what a statement refers
   * to, read with the subscriptions rather than once more.
   */
  councilDecisions: CouncilDecision[];
}

export interface CouncilDecision {
  organisationId: string;
  number: string;
  /** ISO date, when entered. */
  date: string | null;
}

const isoDate = (year: number, month: number, day: number) =>
  `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;

/** The organisations of a cooperative that cost keys name, each once. */
async function costKeyOrganisations(trx: Trx, cooperativeId: string, sirens: string[]) {
  if (sirens.length === 0) return [];
  return trx
    .selectFrom("organisations")
    .select(["id", "siren", "name"])
    .where("cooperative_id", "=", cooperativeId)
    .where("siren", "=", anyOf([...new Set(sirens)], "text"))
    .execute();
}

/** The actual costs entered for a year, per cost-key pricing, by half-year. */
async function costKeyPeriods(trx: Trx, pricingIds: string[], year: number) {
  if (pricingIds.length === 0) return new Map<string, never[]>();
  const rows = await trx
    .selectFrom("cost_key_periods")
    .select(["pricing_id", "half", "direct_cents", "indirect_cents"])
    .where("pricing_id", "=", anyOf(pricingIds, "uuid"))
    .where("year", "=", year)
    .orderBy("pricing_id")
    .orderBy("half")
    .execute();
  return Map.groupBy(rows, (row) => row.pricing_id);
}

/** The active subscriptions to these offers during the year (first to last day), per offer. */
async function subscriptionsInYear(trx: Trx, cooperativeId: string, offerIds: string[], first: string, last: string) {
  // The subscriptions alone, their organisations read once each (subscribersOf): joined and sorted by the server, a
  // year's subscriptions cost it twice as much (the statements benchmark, decision 019).
  const subscriptions =
    offerIds.length === 0
      ? []
      : await trx
          .selectFrom("subscriptions as s")
          .select([
            "s.offer_id",
            "s.organisation_id",
            "s.starts_on",
            "s.ends_on",
            "s.option_keys",
            "s.declared_units",
            "s.council_decision_number",
            "s.council_decision_date",
          ])
          .where("s.cooperative_id", "=", cooperativeId)
          .where("s.offer_id", "=", anyOf([...new Set(offerIds)], "uuid"))
          .where("s.status", "=", "active")
          .where("s.starts_on", "<=", last)
          .where((eb) => eb.or([eb("s.ends_on", "is", null), eb("s.ends_on", ">=", first)]))
          // An active subscription always has a start (subscriptions_active_have_a_start).
          .$narrowType<{ starts_on: string }>()
          .execute();
  return Map.groupBy(subscriptions, (row) => row.offer_id);
}

function councilDecisionsOf(
  subscriptions: {
    organisation_id: string;
    council_decision_number: string | null;
    council_decision_date: string | null;
  }[],
): CouncilDecision[] {
  return subscriptions.flatMap((subscription) =>
    subscription.council_decision_number === null
      ? []
      : [
          {
            organisationId: subscription.organisation_id,
            number: subscription.council_decision_number,
            date: subscription.council_decision_date,
          },
        ],
  );
}

type PopulationReference = NonNullable<Extract<Pricing, { kind: "shares" }>["population"]>;

const populationKey = (reference: PopulationReference, organisationId: string) =>
  `${reference.basis}|${reference.year}|${organisationId}`;

/**
 * The subscribers' organisations (SIREN and name) and the population figures the pricings refer to (basis and year):
 * the first reference's figures read with the organisations, any other's in a query of its own.
 */
async function subscribersOf(
  trx: Trx,
  organisationIds: ReadonlySet<string>,
  wanted: { reference: PopulationReference; organisationIds: string[] }[],
) {
  const byReference = new Map<string, { reference: PopulationReference; organisationIds: Set<string> }>();
  for (const { reference, organisationIds } of wanted) {
    const key = `${reference.basis}|${reference.year}`;
    const entry = byReference.get(key) ?? { reference, organisationIds: new Set<string>() };
    for (const id of organisationIds) entry.organisationIds.add(id);
    byReference.set(key, entry);
  }
  const [first, ...others] = [...byReference.values()].filter((entry) => entry.organisationIds.size > 0);
  const organisations = new Map<string, { siren: string; name: string }>();
  const figures = new Map<string, number>();
  if (organisationIds.size > 0) {
    const ids = anyOf([...organisationIds], "uuid");
    const rows = first
      ? await trx
          .selectFrom("organisations as o")
          .leftJoin("population_figures as f", (join) =>
            join
              .onRef("f.organisation_id", "=", "o.id")
              .on("f.basis", "=", first.reference.basis)
              .on("f.year", "=", first.reference.year),
          )
          .select(["o.id", "o.siren", "o.name", "f.population"])
          .where("o.id", "=", ids)
          .execute()
      : (
          await trx
            .selectFrom("organisations as o")
            .select(["o.id", "o.siren", "o.name"])
            .where("o.id", "=", ids)
            .execute()
        ).map((row) => ({ ...row, population: null }));
    for (const row of rows) {
      organisations.set(row.id, { siren: row.siren, name: row.name });
      if (first && row.population !== null) figures.set(populationKey(first.reference, row.id), row.population);
    }
  }
  for (const { reference, organisationIds: ids } of others) {
    const rows = await trx
      .selectFrom("population_figures")
      .select(["organisation_id", "population"])
      .where("organisation_id", "=", anyOf([...ids], "uuid"))
      .where("basis", "=", reference.basis)
      .where("year", "=", reference.year)
      .execute();
    for (const row of rows) figures.set(populationKey(reference, row.organisation_id), row.population);
  }
  return { organisations, figures };
}

/**
 * Loads, for a cooperative and a year (and one offer, if given), the pricings in force that year with their
 * members, ready for computeShares. Reads under the caller's context (the CLI: the owner).
 */
export async function loadPricingsInYear(
  trx: Trx,
  {
    cooperativeId,
    year,
    offerId,
    costKeys: withCostKeys = "with",
  }: {
    cooperativeId: string;
    year: number;
    offerId?: string;
    /** "only": the cost keys alone (a half-year run); "without": all but them (a year run). */
    costKeys?: "with" | "only" | "without";
  },
): Promise<PricingInYear[]> {
  let query = trx
    .selectFrom("pricings as p")
    .innerJoin("offers as o", "o.id", "p.offer_id")
    .select([
      "p.id",
      "p.offer_id",
      "p.year_from",
      "p.year_to",
      "p.definition",
      "p.frozen_at",
      "o.title",
      "o.kind",
      "o.status",
    ])
    .where("p.cooperative_id", "=", cooperativeId)
    .where("p.year_from", "<=", year)
    .where("p.year_to", ">=", year);
  if (offerId !== undefined) query = query.where("p.offer_id", "=", offerId);
  if (withCostKeys !== "with") {
    query = query.where(sql<string>`p.definition->>'kind'`, withCostKeys === "only" ? "=" : "<>", "costKey");
  }
  const rows = await query.orderBy("o.title").orderBy("o.id").execute();

  const first = isoDate(year, 1, 1);
  const last = isoDate(year, 12, 31);
  // Definitions are checked in the pricings' order: the first invalid one refuses the load, unless a cost key
  // before it names an unknown SIREN (checked below, in the same order).
  const definitions: Pricing[] = [];
  let invalid: PriceBookError | undefined;
  for (const row of rows) {
    try {
      definitions.push(parseStored(row, row.title, describeYears(row.year_from, row.year_to)));
    } catch (error) {
      if (!(error instanceof PriceBookError)) throw error;
      invalid = error;
      break;
    }
  }
  const valid = rows.slice(0, definitions.length);
  // One query per kind of data for all the pricings, not one per pricing.
  const costKeys = definitions.flatMap((definition, index) =>
    definition.kind === "costKey" ? [{ definition, row: valid[index] as (typeof rows)[number] }] : [],
  );
  // Every offer's subscriptions: a share's members, and the council decisions of shares and cost keys alike.
  const offerIds = valid.map((row) => row.offer_id);
  const keyOrganisations = await costKeyOrganisations(
    trx,
    cooperativeId,
    costKeys.flatMap(({ definition }) => definition.keys.map((key) => key.siren)),
  );
  const costs = await costKeyPeriods(
    trx,
    costKeys.map(({ row }) => row.id),
    year,
  );
  const subscriptions = await subscriptionsInYear(trx, cooperativeId, offerIds, first, last);
  const { organisations, figures } = await subscribersOf(
    trx,
    new Set([...subscriptions.values()].flatMap((rows) => rows.map((row) => row.organisation_id))),
    definitions.flatMap((definition, index) =>
      definition.kind === "shares" && definition.population
        ? [
            {
              reference: definition.population,
              organisationIds: (subscriptions.get(valid[index]?.offer_id ?? "") ?? []).map(
                (subscription) => subscription.organisation_id,
              ),
            },
          ]
        : [],
    ),
  );

  const result: PricingInYear[] = [];
  for (const [index, row] of valid.entries()) {
    const definition = definitions[index] as Pricing;
    const offer: OfferSummary = { id: row.offer_id, title: row.title, kind: row.kind, status: row.status };
    const subscribers = subscriptions.get(row.offer_id) ?? [];
    const councilDecisions = councilDecisionsOf(subscribers);
    const pricing: StoredPricing = {
      id: row.id,
      offerId: row.offer_id,
      yearFrom: row.year_from,
      yearTo: row.year_to,
      definition,
      frozenAt: row.frozen_at,
    };
    if (definition.kind === "costKey") {
      const sirens = definition.keys.map((key) => key.siren);
      const organisations = keyOrganisations.filter((organisation) => sirens.includes(organisation.siren));
      const found = new Set(organisations.map((organisation) => organisation.siren));
      const missing = sirens.filter((siren) => !found.has(siren));
      if (missing.length > 0) {
        throw new PriceBookError(
          `La clé de répartition de « ${row.title} » (${describeYears(row.year_from, row.year_to)}) nomme le SIREN ${missing.join(", ")}, qui n'est pas une organisation de la coopérative.`,
        );
      }
      result.push({
        offer,
        pricing,
        members: organisations.map((organisation) => ({
          organisationId: organisation.id,
          siren: organisation.siren,
          name: organisation.name,
        })),
        actualCosts: (costs.get(row.id) ?? []).map((period) => ({
          half: period.half,
          directCents: period.direct_cents,
          indirectCents: period.indirect_cents,
        })),
        councilDecisions,
      });
      continue;
    }

    const reference = definition.population;
    const members = subscribers.map((subscription) => {
      const organisation = organisations.get(subscription.organisation_id);
      if (!organisation) throw new Error(`subscription of unknown organisation ${subscription.organisation_id}`);
      const inhabitants = reference ? figures.get(populationKey(reference, subscription.organisation_id)) : undefined;
      return {
        organisationId: subscription.organisation_id,
        siren: organisation.siren,
        name: organisation.name,
        populations:
          reference && inhabitants !== undefined ? [{ basis: reference.basis, year: reference.year, inhabitants }] : [],
        units: subscription.declared_units,
        options: subscription.option_keys,
        presence: {
          from: subscription.starts_on > first ? subscription.starts_on : undefined,
          to: subscription.ends_on !== null && subscription.ends_on < last ? subscription.ends_on : undefined,
        },
      };
    });
    result.push({
      offer,
      pricing,
      // In SIREN order, as the computation reads them.
      members: members.sort((x, y) => compareSiren(x.siren, y.siren)),
      actualCosts: [],
      councilDecisions,
    });
  }
  if (invalid) throw invalid;
  return result;
}
