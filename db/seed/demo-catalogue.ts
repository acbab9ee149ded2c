import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Kysely, Transaction } from "kysely";
import { pricingSchema } from "../../app/domain/allocation/pricing-schema.ts";
import { jsonb } from "../jsonb.ts";
import type { DB, OfferKind, OfferTakesEffect } from "../schema.ts";

// The demo catalogue of Montpellier Méditerranée Métropole: its 29 actions of the 2017 report
// (db/seed/facts/montpellier-2017-actions.json, copied from the shared reports' facts) as offers in their four
// categories, with their terms, a rulebook, realistic subscriptions (as many communes as the report counts
// beneficiaries), and requests waiting for approval, so that every role's screens have content.
// Runs after the price book seed, whose six offers it completes rather than duplicates.

const MONTPELLIER_EPCI = "243400017";

/** The four categories of the report, the editable default of every demo cooperative. */
export const DEFAULT_CATEGORIES = [
  "Fonctions ressources",
  "Services à la population",
  "Aménagement et développement durable du territoire",
  "Interventions techniques",
] as const;

interface Action {
  id: string;
  title: string;
  category: (typeof DEFAULT_CATEGORIES)[number];
  kind: string;
  summary: string | null;
  objectives2017?: { text?: string; objective?: string }[];
  beneficiaries: { y2016: number | null; y2017: number | null } | null;
}

const KINDS: Record<string, OfferKind> = {
  platform: "platform",
  thematic_network: "thematic_network",
  group_purchase: "purchasing_group",
  gis: "gis",
  shared_service: "shared_service",
  expertise: "expertise",
  training: "training",
};

function demoId(name: string): string {
  const hex = createHash("sha256").update(`demo-catalogue:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The price book's offers that are not among the report's 29 actions. */
const PRICE_BOOK_OFFERS: Action[] = [
  {
    id: "X-open-data",
    title: "Plateforme open data",
    category: "Fonctions ressources",
    kind: "platform",
    summary: "Publication des données publiques des communes sur le portail open data de la métropole, gratuitement.",
    beneficiaries: { y2016: null, y2017: 0 },
  },
  {
    id: "X-medecine",
    title: "Médecine professionnelle et préventive",
    category: "Fonctions ressources",
    kind: "shared_service",
    summary:
      "Suivi médical des agents communaux par le service de médecine préventive, facturé par agent suivi et par an.",
    beneficiaries: { y2016: null, y2017: 0 },
  },
  {
    id: "X-ddadt",
    title: "Service commun Développement et aménagement durables du territoire (DDADT)",
    category: "Aménagement et développement durable du territoire",
    kind: "shared_service",
    summary:
      "Service commun de la métropole et de la Ville de Montpellier, réparti par clé de répartition, au coût réel.",
    beneficiaries: { y2016: null, y2017: 0 },
  },
];

function loadActions(): Action[] {
  const path = new URL("./facts/montpellier-2017-actions.json", import.meta.url);
  const actions = JSON.parse(readFileSync(path, "utf8")) as Action[];
  // B-PLATEFORMES is the report's grouped review of the four platforms, not an action of its own.
  return [...actions.filter((action) => action.id !== "B-PLATEFORMES"), ...PRICE_BOOK_OFFERS];
}

/** The terms an offer of this kind usually has: networks are joined freely, services by council decision. */
function termsFor(kind: OfferKind): {
  requires_council_decision: boolean;
  requires_approval: boolean;
  takes_effect: OfferTakesEffect;
  notice_months: number;
} {
  if (kind === "thematic_network" || kind === "training") {
    return {
      requires_council_decision: false,
      requires_approval: false,
      takes_effect: "on_approval",
      notice_months: 0,
    };
  }
  if (kind === "platform" || kind === "shared_service") {
    return { requires_council_decision: true, requires_approval: true, takes_effect: "next_january", notice_months: 6 };
  }
  return { requires_council_decision: false, requires_approval: true, takes_effect: "on_approval", notice_months: 3 };
}

function summaryOf(action: Action): string {
  if (action.summary) return action.summary.length > 400 ? `${action.summary.slice(0, 397)}…` : action.summary;
  return `Action « ${action.title} » du schéma de mutualisation de la métropole et de ses communes.`;
}

const RULEBOOK = (title: string) =>
  `Règlement de l'offre « ${title} ».\n\n1. La commune adhérente désigne un référent.\n2. La métropole assure la coordination et rend compte chaque année de l'action dans le bilan du schéma de mutualisation.\n3. Les conditions financières sont celles de la tarification de l'année, votée par le conseil métropolitain.\n4. La commune peut résilier son adhésion en respectant le préavis prévu par l'offre.`;

/** The cooperative's offer of this title, if any (titles are how the seeds find each other's offers). */
function offerTitled(trx: Transaction<DB>, cooperativeId: string, title: string) {
  return trx
    .selectFrom("offers")
    .select("id")
    .where("cooperative_id", "=", cooperativeId)
    .where("title", "=", title)
    .executeTakeFirst();
}

/** The communes in an order of their own per action, so that each action has different small-scale subscribers. */
function rotated<T>(communes: T[], actionId: string): T[] {
  const start = createHash("sha256").update(actionId).digest()[0] ?? 0;
  const offset = start % Math.max(1, communes.length);
  return [...communes.slice(offset), ...communes.slice(0, offset)];
}

async function ensureCategories(trx: Transaction<DB>, cooperativeId: string): Promise<Map<string, string>> {
  for (const [position, name] of DEFAULT_CATEGORIES.entries()) {
    await trx
      .insertInto("offer_categories")
      .values({ cooperative_id: cooperativeId, name, position })
      .onConflict((conflict) => conflict.columns(["cooperative_id", "name"]).doNothing())
      .execute();
  }
  const rows = await trx
    .selectFrom("offer_categories")
    .select(["id", "name"])
    .where("cooperative_id", "=", cooperativeId)
    .execute();
  return new Map(rows.map((row) => [row.name, row.id]));
}

/**
 * Seeds the categories of every cooperative, and Montpellier's catalogue, as the owner. Idempotent: a second run
 * adds nothing. Returns the line to print.
 */
export async function seedDemoCatalogue(
  owner: Kysely<DB>,
  { year, populationYear }: { year: number; populationYear: number },
): Promise<string> {
  return owner.transaction().execute(async (trx) => {
    for (const cooperative of await trx.selectFrom("cooperatives").select("id").execute()) {
      await ensureCategories(trx, cooperative.id);
    }
    const cooperative = await trx
      .selectFrom("cooperatives")
      .select("id")
      .where("siren", "=", MONTPELLIER_EPCI)
      .executeTakeFirstOrThrow();
    const categories = await ensureCategories(trx, cooperative.id);
    const communes = await trx
      .selectFrom("organisations")
      .select(["id", "siren", "name"])
      .where("cooperative_id", "=", cooperative.id)
      .where("kind", "=", "commune")
      .orderBy("name")
      .execute();

    let offersAdded = 0;
    for (const action of loadActions()) {
      const kind = KINDS[action.kind] ?? "other";
      const existing = await offerTitled(trx, cooperative.id, action.title);
      const offerId = existing?.id ?? demoId(`offer:${action.id}`);
      if (!existing) {
        const inserted = await trx
          .insertInto("offers")
          .values({ id: offerId, cooperative_id: cooperative.id, title: action.title, kind, status: "published" })
          .onConflict((conflict) => conflict.column("id").doNothing())
          .executeTakeFirst();
        offersAdded += Number(inserted.numInsertedOrUpdatedRows ?? 0);
      }
      await trx
        .updateTable("offers")
        .set({
          category_id: categories.get(action.category) ?? null,
          summary: summaryOf(action),
          description: (action.objectives2017 ?? [])
            .map((objective) => objective.text ?? objective.objective ?? "")
            .filter(Boolean)
            .map((text) => `• ${text}`)
            .join("\n"),
          contact_name: "Mission coopérative de services",
          contact_email: "cooperative@montpellier3m.example.org",
          eligible_kinds: jsonb(["commune", "ccas"]),
          ...termsFor(kind),
        })
        .where("id", "=", offerId)
        .where("summary", "=", "")
        .execute();
      await trx
        .insertInto("rulebook_versions")
        .values({ cooperative_id: cooperative.id, offer_id: offerId, version: 1, body: RULEBOOK(action.title) })
        .onConflict((conflict) => conflict.columns(["offer_id", "version"]).doNothing())
        .execute();

      // As many subscribers as the report counts beneficiaries in 2017 (some when it does not say).
      const count = Math.min(action.beneficiaries?.y2017 ?? 8, communes.length);
      const alreadySubscribed = await trx
        .selectFrom("subscriptions")
        .select("id")
        .where("offer_id", "=", offerId)
        .executeTakeFirst();
      if (!alreadySubscribed && count > 0) {
        const rulebook = await trx
          .selectFrom("rulebook_versions")
          .select("id")
          .where("offer_id", "=", offerId)
          .where("version", "=", 1)
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("subscriptions")
          .values(
            rotated(communes, action.id)
              .slice(0, count)
              .map((commune) => ({
                id: demoId(`subscription:${action.id}:${commune.siren}`),
                cooperative_id: cooperative.id,
                organisation_id: commune.id,
                offer_id: offerId,
                status: "active" as const,
                starts_on: `${year - 1}-01-01`,
                rulebook_version_id: rulebook.id,
              })),
          )
          .onConflict((conflict) => conflict.column("id").doNothing())
          .execute();
      }
    }

    // Shared IT services: a price per inhabitant with a floor, for this year and the next (what a commune simulates
    // before asking its council). Illustrative amounts: the report gives none.
    const itServices = await offerTitled(trx, cooperative.id, "Mutualisation des moyens et services informatiques");
    if (itServices) {
      const definition = pricingSchema.parse({
        kind: "shares",
        population: { basis: "total", year: populationYear },
        base: { parts: [{ kind: "perCapitaRate", rateMillicents: 80_000, floorCents: 50_000 }] },
        options: [
          {
            key: "astreinte",
            label: "Astreinte informatique le week-end",
            parts: [{ kind: "flat", amountCents: 120_000 }],
          },
        ],
      });
      await trx
        .insertInto("pricings")
        .values({
          id: demoId(`pricing:it-services:${year}`),
          cooperative_id: cooperative.id,
          offer_id: itServices.id,
          year_from: year,
          year_to: year + 1,
          definition: jsonb(definition),
        })
        .onConflict((conflict) => conflict.column("id").doNothing())
        .execute();
      await trx
        .updateTable("offers")
        // Joined by council decision, effective as soon as the operator agrees (the shared service already runs).
        .set({
          options: jsonb([{ key: "astreinte", label: "Astreinte informatique le week-end" }]),
          takes_effect: "on_approval",
          notice_months: 3,
        })
        .where("id", "=", itServices.id)
        .execute();
    }

    // The price book's subscriptions accepted the first rulebook; e-services then published a second one, which
    // its subscribers are asked to accept.
    await trx
      .updateTable("subscriptions as s")
      .set((eb) => ({
        rulebook_version_id: eb
          .selectFrom("rulebook_versions as r")
          .select("r.id")
          .whereRef("r.offer_id", "=", "s.offer_id")
          .where("r.version", "=", 1),
      }))
      .where("s.cooperative_id", "=", cooperative.id)
      .where("s.status", "=", "active")
      .where("s.rulebook_version_id", "is", null)
      .execute();
    const eServices = await offerTitled(trx, cooperative.id, "Plateforme e-services");
    if (eServices) {
      await trx
        .insertInto("rulebook_versions")
        .values({
          cooperative_id: cooperative.id,
          offer_id: eServices.id,
          version: 2,
          body: `${RULEBOOK("Plateforme e-services")}\n5. Depuis la version 2 : la métropole héberge les données des communes en France, sur un hébergement certifié HDS.`,
        })
        .onConflict((conflict) => conflict.columns(["offer_id", "version"]).doNothing())
        .execute();
    }

    // Open data is free: every commune takes it (the price book seeded a first dozen).
    const openData = await offerTitled(trx, cooperative.id, "Plateforme open data");
    if (openData) {
      const subscribed = new Set(
        (
          await trx.selectFrom("subscriptions").select("organisation_id").where("offer_id", "=", openData.id).execute()
        ).map((row) => row.organisation_id),
      );
      const missing = communes.filter((commune) => !subscribed.has(commune.id));
      if (missing.length > 0) {
        await trx
          .insertInto("subscriptions")
          .values(
            missing.map((commune) => ({
              id: demoId(`subscription:open-data:${commune.siren}`),
              cooperative_id: cooperative.id,
              organisation_id: commune.id,
              offer_id: openData.id,
              status: "active" as const,
              starts_on: `${year}-01-01`,
            })),
          )
          .onConflict((conflict) => conflict.column("id").doNothing())
          .execute();
      }
    }

    // Requests waiting for the operator's approval, one of them the demo referent's (Castelnau-le-Lez): each on
    // the first offer needing approval that the commune has not joined.
    const referent = await trx
      .selectFrom("users")
      .select("id")
      .where("email", "=", "referent.castelnau@example.org")
      .executeTakeFirst();
    for (const siren of ["213400575", "213401292", "213402027"]) {
      const commune = communes.find((row) => row.siren === siren);
      if (!commune) continue;
      const pending = await trx
        .selectFrom("subscriptions")
        .select("id")
        .where("organisation_id", "=", commune.id)
        .where("status", "=", "requested")
        .executeTakeFirst();
      if (pending) continue;
      const offer = await trx
        .selectFrom("offers as o")
        .select("o.id")
        .where("o.cooperative_id", "=", cooperative.id)
        .where("o.requires_approval", "=", true)
        .where("o.status", "=", "published")
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom("subscriptions as s")
                .select("s.id")
                .whereRef("s.offer_id", "=", "o.id")
                .where("s.organisation_id", "=", commune.id),
            ),
          ),
        )
        .orderBy("o.title")
        .executeTakeFirst();
      if (!offer) continue;
      await trx
        .insertInto("subscriptions")
        .values({
          id: demoId(`request:${siren}`),
          cooperative_id: cooperative.id,
          organisation_id: commune.id,
          offer_id: offer.id,
          status: "requested",
          requested_at: new Date(`${year}-11-02T09:30:00Z`),
          requested_by: siren === "213400575" ? (referent?.id ?? null) : null,
          council_decision_number: `DCM-${year}-${siren.slice(-3)}`,
          council_decision_date: `${year}-10-15`,
        })
        .onConflict((conflict) => conflict.column("id").doNothing())
        .execute();
    }
    const total = await trx
      .selectFrom("offers")
      .select((eb) => eb.fn.countAll<number>().as("count"))
      .where("cooperative_id", "=", cooperative.id)
      .executeTakeFirstOrThrow();
    return `Demo catalogue: ${Number(total.count)} offers of Montpellier Méditerranée Métropole in 4 categories (${offersAdded} added now), with subscriptions and requests waiting for approval`;
  });
}
