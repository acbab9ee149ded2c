import { describe, expect, it } from "vitest";
import { pricingSchema } from "./pricing-schema.ts";

const population = { basis: "total", year: 2024 };

function messages(input: unknown): string[] {
  const result = pricingSchema.safeParse(input);
  return result.success ? [] : result.error.issues.map((issue) => issue.message);
}

const shares = (parts: unknown[], extra: object = {}) => ({ kind: "shares", population, base: { parts }, ...extra });

describe("pricing schema", () => {
  it("accepts every model, combined, and fills the defaults", () => {
    const pricing = pricingSchema.parse({
      kind: "shares",
      population,
      proration: "month",
      base: {
        parts: [
          {
            kind: "bands",
            bands: [
              { minInhabitants: 2_000, maxInhabitants: null, amountCents: 100_000 },
              { minInhabitants: 0, maxInhabitants: 2_000, amountCents: 50_000 },
            ],
          },
          { kind: "perCapitaRate", rateMillicents: 110_000, floorCents: 0, capCents: 100_000 },
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
          key: "sig",
          label: "SIG",
          parts: [{ kind: "perUnitRate", unit: "licences", unitLabel: "licences", rateMillicents: 12_500 }],
        },
      ],
    });
    expect(pricing.kind).toBe("shares");
    expect(pricingSchema.parse({ kind: "shares", base: { parts: [{ kind: "free" }] } })).toEqual({
      kind: "shares",
      proration: "none",
      base: { parts: [{ kind: "free" }], subsidyBasisPoints: 0 },
      options: [],
    });
  });

  it("refuses negative amounts and non-integer cents", () => {
    expect(messages(shares([{ kind: "flat", amountCents: -1 }]))).toEqual(["Le forfait ne peut pas être négatif."]);
    expect(messages(shares([{ kind: "flat", amountCents: 12.5 }]))).toEqual([
      "Le forfait : un montant entier en centimes est attendu.",
    ]);
    expect(messages(shares([{ kind: "perCapitaRate", rateMillicents: -110_000 }]))).toEqual([
      "Le tarif unitaire ne peut pas être négatif.",
    ]);
    expect(messages(shares([{ kind: "split", totalCents: -5, weight: { kind: "equal" } }]))).toEqual([
      "Le montant à répartir ne peut pas être négatif.",
    ]);
  });

  it("refuses a cost key whose percentages do not sum to 100,00 %", () => {
    expect(
      messages({
        kind: "costKey",
        keys: [
          { siren: "243400017", basisPoints: 5776, operator: true },
          { siren: "213401722", basisPoints: 4223 },
        ],
      }),
    ).toEqual(["Les pourcentages de la clé de répartition totalisent 99,99\u00a0% au lieu de 100,00\u00a0%."]);
  });

  it("refuses a cost key naming an organisation twice, two operators, a percentage above 100 %", () => {
    expect(
      messages({
        kind: "costKey",
        keys: [
          { siren: "243400017", basisPoints: 5000, operator: true },
          { siren: "243400017", basisPoints: 5000, operator: true },
        ],
      }),
    ).toEqual([
      "L'organisation 243400017 figure deux fois dans la clé de répartition.",
      "Une seule organisation de la clé peut être l'opérateur.",
    ]);
    expect(messages({ kind: "costKey", keys: [{ siren: "243400017", basisPoints: 10_001 }] })).toContain(
      "Le pourcentage d'une organisation ne peut pas dépasser 100 %.",
    );
  });

  it("refuses overlapping bands, gaps, a first band not at 0, an empty band", () => {
    const bands = (...list: [number, number | null][]) =>
      shares([
        {
          kind: "bands",
          bands: list.map(([minInhabitants, maxInhabitants]) => ({ minInhabitants, maxInhabitants, amountCents: 100 })),
        },
      ]);
    expect(messages(bands([0, 5_000], [4_000, null]))).toEqual([
      "Les tranches [0 ; 5\u202f000) et [4\u202f000 ; ∞) se chevauchent.",
    ]);
    expect(messages(bands([0, 5_000], [6_000, null]))).toEqual([
      "Aucune tranche de 5\u202f000 à 6\u202f000 habitants.",
    ]);
    expect(messages(bands([100, null]))).toEqual(["La première tranche commence à 0 habitant."]);
    expect(messages(bands([0, 0]))).toEqual(["La tranche [0 ; 0) est vide."]);
    expect(messages(bands([0, null], [5_000, null]))).toEqual([
      "Les tranches [0 ; ∞) et [5\u202f000 ; ∞) se chevauchent.",
    ]);
  });

  it("refuses a cap below the floor", () => {
    expect(
      messages(
        shares([
          { kind: "split", totalCents: 100_000, weight: { kind: "equal" }, floorCents: 20_000, capCents: 10_000 },
        ]),
      ),
    ).toEqual(["Le plafond (100,00\u00a0€) est inférieur au plancher (200,00\u00a0€)."]);
    expect(messages(shares([{ kind: "perCapitaRate", rateMillicents: 1, floorCents: 2, capCents: 1 }]))).toEqual([
      "Le plafond (0,01\u00a0€) est inférieur au plancher (0,02\u00a0€).",
    ]);
  });

  it("refuses duplicate named contributors, fixed parts above the total, an invalid SIREN", () => {
    const split = (namedContributors: unknown[], totalCents = 1_342_200) =>
      shares([{ kind: "split", totalCents, weight: { kind: "population" }, namedContributors }]);
    expect(
      messages(
        split([
          { siren: "213401722", amountCents: 933_300 },
          { siren: "213401722", amountCents: 100 },
        ]),
      ),
    ).toEqual(["Le contributeur 213401722 figure deux fois."]);
    expect(messages(split([{ siren: "213401722", amountCents: 933_300 }], 900_000))).toEqual([
      "Les parts fixes des contributeurs nommés (9\u202f333,00\u00a0€) dépassent le montant à répartir (9\u202f000,00\u00a0€).",
    ]);
    expect(messages(split([{ siren: "213401723", amountCents: 1 }]))).toEqual([
      "Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste.",
    ]);
  });

  it("refuses a subsidy above 100 %, a pricing by population without its basis and year, unknown kinds", () => {
    expect(messages({ kind: "shares", base: { parts: [{ kind: "free" }], subsidyBasisPoints: 10_050 } })).toEqual([
      "La subvention de l'opérateur ne peut pas dépasser 100 %.",
    ]);
    expect(messages({ kind: "shares", base: { parts: [{ kind: "perCapitaRate", rateMillicents: 110_000 }] } })).toEqual(
      ["Indiquez la population de référence (totale ou municipale, et son année)."],
    );
    expect(
      messages(shares([{ kind: "flat", amountCents: 1 }], { population: { basis: "legal", year: 2024 } })),
    ).toEqual(["La base de population est « total » ou « municipal »."]);
    expect(messages({ kind: "grant" })).toEqual(["Modèle de tarification inconnu (« shares » ou « costKey »)."]);
    expect(messages(shares([{ kind: "lottery" }]))).toEqual([
      "Type de part inconnu (gratuit, forfait, par habitant, par unité, tranches ou répartition).",
    ]);
    expect(messages(shares([]))).toEqual(["Indiquez au moins une part (« gratuit » pour une offre gratuite)."]);
  });

  it("refuses an option key used twice or named « base », and a malformed unit key", () => {
    const option = (key: string) => ({ key, label: "Option", parts: [{ kind: "free" }] });
    expect(messages(shares([{ kind: "free" }], { options: [option("sig"), option("sig")] }))).toEqual([
      "L'option « sig » figure deux fois.",
    ]);
    expect(messages(shares([{ kind: "free" }], { options: [option("base")] }))).toEqual([
      "« base » désigne l'offre de base, pas une option.",
    ]);
    expect(
      messages(shares([{ kind: "perUnitRate", unit: "Agents suivis", unitLabel: "agents", rateMillicents: 1 }])),
    ).toEqual(["La clé d'unité s'écrit en minuscules, sans espace (ex. « agents »)."]);
  });
});
