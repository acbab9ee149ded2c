import { describe, expect, it } from "vitest";
import { computeShares, type MemberInput, type ShareLine } from "./compute.ts";
import { explainLineFr, explainLineStatementsFr } from "./explain-fr.ts";
import { formatEuros, formatRate } from "./format-fr.ts";
import { pricingSchema } from "./pricing-schema.ts";

const member = (siren: string, name: string, inhabitants: number, extra: Partial<MemberInput> = {}): MemberInput => ({
  organisationId: `org-${siren}`,
  siren,
  name,
  populations: [{ basis: "total", year: 2024, inhabitants }],
  ...extra,
});

const members = [
  member("213401722", "Montpellier", 310_611),
  member("213400575", "Castelnau-le-Lez", 25_843),
  member("213401292", "Lattes", 17_789),
  member("213401235", "Juvignac", 13_893, {
    presence: { from: "2025-07-01" },
    options: ["medecine"],
    units: { agents: 3_700 },
  }),
  member("213402704", "Saint-Jean-de-Védas", 13_460),
];

const { lines } = computeShares({
  pricing: pricingSchema.parse({
    kind: "shares",
    population: { basis: "total", year: 2024 },
    proration: "day",
    base: {
      parts: [
        {
          kind: "split",
          totalCents: 1_342_200,
          weight: { kind: "population" },
          namedContributors: [{ siren: "213401722", amountCents: 933_300 }],
        },
      ],
      subsidyBasisPoints: 5000,
    },
    options: [
      {
        key: "medecine",
        label: "Médecine préventive",
        parts: [
          { kind: "flat", amountCents: 20_000 },
          { kind: "perUnitRate", unit: "agents", unitLabel: "agents suivis", rateMillicents: 10_000_000 },
          {
            kind: "bands",
            bands: [
              { minInhabitants: 0, maxInhabitants: 15_000, amountCents: 150_000 },
              { minInhabitants: 15_000, maxInhabitants: null, amountCents: 400_000 },
            ],
          },
        ],
      },
    ],
  }),
  year: 2025,
  members,
});

const line = (siren: string, item = "base") =>
  lines.find((l) => l.siren === siren && (l.item.kind === "option" ? l.item.key : "base") === item) as ShareLine;

describe("French explanations", () => {
  it("formats euros, rates and percentages the French way", () => {
    expect(formatEuros(408_900)).toBe("4\u202f089,00\u00a0€");
    expect(formatEuros(5)).toBe("0,05\u00a0€");
    expect(formatRate(110_000)).toBe("1,10\u00a0€");
    expect(formatRate(12_500)).toBe("0,125\u00a0€");
  });

  it("renders a per-capita share after a named contributor's fixed part, its rounding cent and the subsidy", () => {
    expect(explainLineFr(line("213402704"), { operator: "la métropole" })).toBe(
      "Au prorata de la population totale 2024 : 13\u202f460 hab. sur 70\u202f985 (18,96\u00a0%) de 4\u202f089,00\u00a0€ après la part fixe de Montpellier (9\u202f333,00\u00a0€) ; +1 centime d'arrondi ; subvention de la métropole 50\u00a0% : 387,68\u00a0€",
    );
    expect(explainLineStatementsFr(line("213401722"))).toEqual([
      "Part fixe de 9\u202f333,00\u00a0€ sur 13\u202f422,00\u00a0€",
      "Subvention de l'opérateur 50\u00a0% : 4\u202f666,50\u00a0€",
    ]);
  });

  it("renders the proration and a line of several parts", () => {
    expect(explainLineStatementsFr(line("213401235"), { operator: "la métropole" })).toEqual([
      "Au prorata de la population totale 2024 : 13\u202f893 hab. sur 70\u202f985 (19,57\u00a0%) de 4\u202f089,00\u00a0€ après la part fixe de Montpellier (9\u202f333,00\u00a0€)",
      "+1 centime d'arrondi",
      "Présent 184 jours sur 365 : 403,43\u00a0€ au lieu de 800,29\u00a0€, l'écart de 396,86\u00a0€ à la charge de la métropole",
      "Subvention de la métropole 50\u00a0% : 201,72\u00a0€",
    ]);
    expect(explainLineStatementsFr(line("213401235", "medecine"))).toEqual([
      "Forfait de 200,00\u00a0€",
      "100,00\u00a0€ × 37 agents suivis : 3\u202f700,00\u00a0€",
      "Tranche de 0 à moins de 15\u202f000 hab. (population totale 2024 : 13\u202f893 hab.) : 1\u202f500,00\u00a0€",
      "Présent 184 jours sur 365 : 2\u202f722,19\u00a0€ au lieu de 5\u202f400,00\u00a0€, l'écart de 2\u202f677,81\u00a0€ à la charge de l'opérateur",
    ]);
  });

  it("renders floors and a cost key with the operator's part not invoiced", () => {
    const floored = computeShares({
      pricing: pricingSchema.parse({
        kind: "shares",
        population: { basis: "total", year: 2024 },
        base: { parts: [{ kind: "perCapitaRate", rateMillicents: 110_000, floorCents: 250_000 }] },
      }),
      year: 2025,
      members: [member("213401649", "Montaud", 1_035)],
    });
    expect(explainLineFr(floored.lines[0] as ShareLine)).toBe(
      "1,10\u00a0€ par habitant × 1\u202f035 hab. (population totale 2024) : 1\u202f138,50\u00a0€ ; porté au plancher de 2\u202f500,00\u00a0€ (part calculée : 1\u202f138,50\u00a0€)",
    );
    const keyed = computeShares({
      pricing: pricingSchema.parse({
        kind: "costKey",
        keys: [
          { siren: "243400017", basisPoints: 5776, operator: true },
          { siren: "213401722", basisPoints: 4224 },
        ],
      }),
      year: 2025,
      members: [member("243400017", "Montpellier Méditerranée Métropole", 0), member("213401722", "Montpellier", 0)],
      actualCost: { half: 1, directCents: 8_333_333, indirectCents: 1_666_667 },
    });
    expect(keyed.lines.map((l) => explainLineFr(l, { operator: "la métropole" }))).toEqual([
      "1er semestre 2025, clé de répartition 42,24\u00a0% du coût réel : charges directes 35\u202f200,00\u00a0€ sur 83\u202f333,33\u00a0€, charges indirectes 7\u202f040,00\u00a0€ sur 16\u202f666,67\u00a0€ ; +1 centime d'arrondi",
      "1er semestre 2025, clé de répartition 57,76\u00a0% du coût réel : charges directes 48\u202f133,33\u00a0€ sur 83\u202f333,33\u00a0€, charges indirectes 9\u202f626,67\u00a0€ sur 16\u202f666,67\u00a0€ ; +1 centime d'arrondi ; part de la métropole, non facturée",
    ]);
  });
});
