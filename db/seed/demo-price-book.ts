import { createHash } from "node:crypto";
import type { Kysely, Transaction } from "kysely";
import type { PricingInput } from "../../app/domain/allocation/pricing-schema.ts";
import { pricingSchema } from "../../app/domain/allocation/pricing-schema.ts";
import { jsonb } from "../jsonb.ts";
import type { DB, OfferKind } from "../schema.ts";

// The demo price book of Montpellier Méditerranée Métropole: the cost models of its 2017 report
// (/work/shared/data/seeds-facts, read once by hand, never at run time) on its offers, for the current year and
// the previous one. Where the report gives no amount (e-marchés, occupational medicine, the shared department's
// actual costs), the amounts are illustrative and said so in the offer's comment below.

const MONTPELLIER_EPCI = "243400017";
const VILLE_DE_MONTPELLIER = "213401722";

/** A stable id from a name: a second start finds the same rows (ON CONFLICT DO NOTHING). */
function demoId(name: string): string {
  const hex = createHash("sha256").update(`demo-price-book:${name}`).digest("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

// Communes by SIREN (INSEE populations 2026: Castelnau-le-Lez 25 843, Lattes 17 789...).
const C = {
  montpellier: VILLE_DE_MONTPELLIER,
  castelnau: "213400575",
  lattes: "213401292",
  juvignac: "213401235",
  saintJeanDeVedas: "213402704",
  villeneuve: "213403371",
  perols: "213401987",
  leCres: "213400906",
  grabels: "213401169",
  pignan: "213402027",
  baillargues: "213400229",
  fabregues: "213400955",
  vendargues: "213403272",
  cournonterral: "213400880",
  jacou: "213401201",
  castries: "213400583",
  pradesLeLez: "213402175",
  clapiers: "213400773",
  saintGeorges: "213402597",
  montferrier: "213401698",
  cournonsec: "213400872",
  saintBres: "213402449",
  laverune: "213401342",
  saintDrezery: "213402498",
  sussargues: "213403074",
  restinclieres: "213402274",
  beaulieu: "213400278",
  saintGenies: "213402563",
  murviel: "213401797",
  saussan: "213402951",
  montaud: "213401649",
} as const;
const ALL_COMMUNES = Object.values(C);

interface DemoSubscription {
  siren: string;
  /** Month and day in the current year; absent: member since 1 January of the previous year. */
  joinsThisYearOn?: string;
  options?: string[];
  units?: Record<string, number>;
}

interface DemoOffer {
  key: string;
  title: string;
  kind: OfferKind;
  pricing: (populationYear: number) => PricingInput;
  subscriptions: DemoSubscription[];
  /** Cost key: actual costs per half-year, for the previous year (both halves) and the current one (first half). */
  actualCosts?: { previous: [number, number][]; current: [number, number][] };
}

const subscribers = (sirens: readonly string[], extra: Partial<DemoSubscription> = {}): DemoSubscription[] =>
  sirens.map((siren) => ({ siren, ...extra }));

const E_SERVICES_COMMUNES = [
  C.castelnau,
  C.lattes,
  C.juvignac,
  C.saintJeanDeVedas,
  C.villeneuve,
  C.perols,
  C.leCres,
  C.grabels,
  C.pignan,
  C.baillargues,
  C.fabregues,
  C.vendargues,
  C.jacou,
  C.castries,
  C.pradesLeLez,
  C.clapiers,
  C.saintGeorges,
  C.montferrier,
  C.laverune,
  C.saussan,
];

const E_ADMINISTRATION_COMMUNES = [
  C.montpellier,
  ...E_SERVICES_COMMUNES.slice(0, 16),
  C.cournonterral,
  C.cournonsec,
  C.saintBres,
  C.saintDrezery,
  C.sussargues,
  C.restinclieres,
  C.beaulieu,
  C.murviel,
];

export const DEMO_OFFERS: DemoOffer[] = [
  {
    // Report: 29 016 € a year for the metropolis, which bears 50 % of each commune's cost, split per inhabitant:
    // 58 032 € shared by population, half of each share subsidised. 21 communes: 20 + one joining on 1 July.
    key: "e-services",
    title: "Plateforme e-services",
    kind: "platform",
    pricing: (year) => ({
      kind: "shares",
      population: { basis: "total", year },
      proration: "day",
      base: {
        parts: [{ kind: "split", totalCents: 5_803_200, weight: { kind: "population" } }],
        subsidyBasisPoints: 5_000,
      },
    }),
    subscriptions: [...subscribers(E_SERVICES_COMMUNES), { siren: C.cournonterral, joinsThisYearOn: "07-01" }],
  },
  {
    // Report: the Ville de Montpellier pays 9 333 € of 13 422 €; the other members share the rest per inhabitant.
    key: "e-administration",
    title: "Plateforme e-administration",
    kind: "platform",
    pricing: (year) => ({
      kind: "shares",
      population: { basis: "total", year },
      base: {
        parts: [
          {
            kind: "split",
            totalCents: 1_342_200,
            weight: { kind: "population" },
            namedContributors: [{ siren: C.montpellier, amountCents: 933_300 }],
          },
        ],
      },
    }),
    subscriptions: subscribers(E_ADMINISTRATION_COMMUNES),
  },
  {
    // Report: 30 communes, no amount given. Illustrative: a fixed part by band of municipal population plus
    // 0,05 € per inhabitant capped at 5 000 €, and an "advanced buyer profile" option at 300 €; prorated by month.
    key: "e-marches",
    title: "Plateforme e-marchés",
    kind: "platform",
    pricing: (year) => ({
      kind: "shares",
      population: { basis: "municipal", year },
      proration: "month",
      base: {
        parts: [
          {
            kind: "bands",
            bands: [
              { minInhabitants: 0, maxInhabitants: 5_000, amountCents: 25_000 },
              { minInhabitants: 5_000, maxInhabitants: 15_000, amountCents: 60_000 },
              { minInhabitants: 15_000, maxInhabitants: 100_000, amountCents: 120_000 },
              { minInhabitants: 100_000, maxInhabitants: null, amountCents: 300_000 },
            ],
          },
          { kind: "perCapitaRate", rateMillicents: 5_000, capCents: 500_000 },
        ],
      },
      options: [
        {
          key: "profil-acheteur",
          label: "Profil acheteur avancé",
          parts: [{ kind: "flat", amountCents: 30_000 }],
        },
      ],
    }),
    subscriptions: ALL_COMMUNES.filter((siren) => siren !== C.montaud).map((siren) => ({
      siren,
      options: ([C.montpellier, C.castelnau, C.lattes, C.perols] as string[]).includes(siren)
        ? ["profil-acheteur"]
        : [],
    })),
  },
  {
    // Report: 500 data sets made available to the communes free of charge.
    key: "open-data",
    title: "Plateforme open data",
    kind: "platform",
    pricing: () => ({ kind: "shares", base: { parts: [{ kind: "free" }] } }),
    subscriptions: subscribers([
      C.montpellier,
      C.castelnau,
      C.lattes,
      C.juvignac,
      C.perols,
      C.grabels,
      C.jacou,
      C.clapiers,
      C.vendargues,
      C.saintBres,
      C.beaulieu,
      C.montaud,
    ]),
  },
  {
    // 100 € per agent followed per year (the model of Le Mans Métropole's report), agents declared by each commune.
    key: "medecine",
    title: "Médecine professionnelle et préventive",
    kind: "shared_service",
    pricing: () => ({
      kind: "shares",
      base: {
        parts: [{ kind: "perUnitRate", unit: "agents", unitLabel: "agents suivis", rateMillicents: 10_000_000 }],
      },
    }),
    subscriptions: [
      { siren: C.castelnau, units: { agents: 3_700 } },
      { siren: C.lattes, units: { agents: 5_200 } },
      { siren: C.perols, units: { agents: 3_100 } },
      { siren: C.leCres, units: { agents: 2_400 } },
      { siren: C.grabels, units: { agents: 2_600 } },
      { siren: C.jacou, units: { agents: 1_900 } },
      { siren: C.saintBres, units: { agents: 800 } },
      { siren: C.montaud, units: { agents: 300 } },
    ],
  },
  {
    // Report: the DDADT department shared by the metropolis (57,76 %) and the Ville de Montpellier (42,24 %),
    // invoiced each half-year at actual cost. Actual costs illustrative (165 posts).
    key: "ddadt",
    title: "Service commun Développement et aménagement durables du territoire (DDADT)",
    kind: "shared_service",
    pricing: () => ({
      kind: "costKey",
      keys: [
        { siren: MONTPELLIER_EPCI, basisPoints: 5_776, operator: true },
        { siren: C.montpellier, basisPoints: 4_224 },
      ],
    }),
    subscriptions: [],
    actualCosts: {
      previous: [
        [365_590_212, 40_214_923],
        [370_211_877, 40_723_306],
      ],
      current: [[374_821_540, 41_230_369]],
    },
  },
];

async function organisationIds(trx: Transaction<DB>, cooperativeId: string): Promise<Map<string, string>> {
  const rows = await trx
    .selectFrom("organisations")
    .select(["id", "siren"])
    .where("cooperative_id", "=", cooperativeId)
    .execute();
  return new Map(rows.map((row) => [row.siren, row.id]));
}

/**
 * Seeds the demo offers, their pricings for `year` and `year - 1`, subscriptions and actual costs, as the
 * owner. Idempotent: stable ids, nothing is added twice. Returns the line to print.
 */
export async function seedDemoPriceBook(
  owner: Kysely<DB>,
  { year, populationYear }: { year: number; populationYear: number },
): Promise<string> {
  return owner.transaction().execute(async (trx) => {
    const cooperative = await trx
      .selectFrom("cooperatives")
      .select(["id", "display_name"])
      .where("siren", "=", MONTPELLIER_EPCI)
      .executeTakeFirstOrThrow();
    const organisations = await organisationIds(trx, cooperative.id);
    const organisation = (siren: string) => {
      const id = organisations.get(siren);
      if (!id) throw new Error(`demo price book: no organisation ${siren} in ${cooperative.display_name}`);
      return id;
    };
    for (const offer of DEMO_OFFERS) {
      const offerId = demoId(`offer:${offer.key}`);
      await trx
        .insertInto("offers")
        .values({
          id: offerId,
          cooperative_id: cooperative.id,
          title: offer.title,
          kind: offer.kind,
          status: "published",
        })
        .onConflict((conflict) => conflict.column("id").doNothing())
        .execute();
      for (const pricingYear of [year - 1, year]) {
        const pricingId = demoId(`pricing:${offer.key}:${pricingYear}`);
        await trx
          .insertInto("pricings")
          .values({
            id: pricingId,
            cooperative_id: cooperative.id,
            offer_id: offerId,
            year_from: pricingYear,
            year_to: pricingYear,
            definition: jsonb(pricingSchema.parse(offer.pricing(populationYear))),
          })
          .onConflict((conflict) => conflict.column("id").doNothing())
          .execute();
        const costs = pricingYear === year ? offer.actualCosts?.current : offer.actualCosts?.previous;
        for (const [index, [direct, indirect]] of (costs ?? []).entries()) {
          await trx
            .insertInto("cost_key_periods")
            .values({
              id: demoId(`costs:${offer.key}:${pricingYear}:${index + 1}`),
              cooperative_id: cooperative.id,
              pricing_id: pricingId,
              year: pricingYear,
              half: (index + 1) as 1 | 2,
              direct_cents: direct,
              indirect_cents: indirect,
            })
            .onConflict((conflict) => conflict.column("id").doNothing())
            .execute();
        }
      }
      for (const subscription of offer.subscriptions) {
        await trx
          .insertInto("subscriptions")
          .values({
            id: demoId(`subscription:${offer.key}:${subscription.siren}`),
            cooperative_id: cooperative.id,
            organisation_id: organisation(subscription.siren),
            offer_id: offerId,
            starts_on: subscription.joinsThisYearOn ? `${year}-${subscription.joinsThisYearOn}` : `${year - 1}-01-01`,
            option_keys: jsonb(subscription.options ?? []),
            declared_units: jsonb(subscription.units ?? {}),
          })
          .onConflict((conflict) => conflict.column("id").doNothing())
          .execute();
      }
    }
    return `Demo price book: ${DEMO_OFFERS.length} offers of ${cooperative.display_name} priced for ${year - 1} and ${year} (npm run cli -- shares --epci ${MONTPELLIER_EPCI} --year ${year}, server stopped)`;
  });
}
