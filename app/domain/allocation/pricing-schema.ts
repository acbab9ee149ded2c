import { z } from "zod";
import { isValidSiren } from "../siren.ts";
import { formatBasisPoints, formatEuros, formatInhabitants } from "./format-fr.ts";

// Money in integer cents, percentages in basis points (57,76 % = 5776), rates in millicents
// (1/100 000 €: 1,10 € = 110 000, 0,125 € = 12 500), declared units in hundredths (1 439,5 = 143 950).

const cents = (label: string) =>
  z
    .int({ error: `${label} : un montant entier en centimes est attendu.` })
    .min(0, `${label} ne peut pas être négatif.`);

const basisPoints = (label: string) =>
  z
    .int({ error: `${label} : un pourcentage au centième est attendu (en points de base).` })
    .min(0, `${label} ne peut pas être négatif.`)
    .max(10_000, `${label} ne peut pas dépasser 100 %.`);

const rate = z
  .int({ error: "Le tarif unitaire : un entier en millièmes de centime est attendu." })
  .min(0, "Le tarif unitaire ne peut pas être négatif.");

const siren = z.string().refine(isValidSiren, "Le SIREN compte 9 chiffres et sa clé de contrôle doit être juste.");

const unitKey = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,39}$/, "La clé d'unité s'écrit en minuscules, sans espace (ex. « agents »).");
const unitLabel = z.string().trim().min(1, "Indiquez le nom de l'unité (ex. « agents suivis »).").max(60);

export const populationBasis = z.enum(["total", "municipal"], {
  error: "La base de population est « total » ou « municipal ».",
});
export type PopulationBasis = z.infer<typeof populationBasis>;

const limits = {
  floorCents: cents("Le plancher").optional(),
  capCents: cents("Le plafond").optional(),
};

function checkLimits(part: { floorCents?: number | undefined; capCents?: number | undefined }, ctx: z.RefinementCtx) {
  if (part.floorCents !== undefined && part.capCents !== undefined && part.capCents < part.floorCents) {
    ctx.addIssue({
      code: "custom",
      path: ["capCents"],
      message: `Le plafond (${formatEuros(part.capCents)}) est inférieur au plancher (${formatEuros(part.floorCents)}).`,
    });
  }
}

const freePart = z.object({ kind: z.literal("free") });

const flatPart = z.object({ kind: z.literal("flat"), amountCents: cents("Le forfait") });

const perCapitaRatePart = z
  .object({ kind: z.literal("perCapitaRate"), rateMillicents: rate, ...limits })
  .superRefine(checkLimits);

const perUnitRatePart = z
  .object({ kind: z.literal("perUnitRate"), unit: unitKey, unitLabel, rateMillicents: rate, ...limits })
  .superRefine(checkLimits);

const band = z.object({
  minInhabitants: z
    .int({ error: "Le seuil d'une tranche est un nombre entier d'habitants." })
    .min(0, "Le seuil d'une tranche ne peut pas être négatif."),
  // Exclusive; null: open-ended (only the last band).
  maxInhabitants: z.int({ error: "Le seuil d'une tranche est un nombre entier d'habitants." }).nullable(),
  amountCents: cents("Le montant de la tranche"),
});
export type Band = z.infer<typeof band>;

const describeBand = (b: Band) =>
  `[${formatInhabitants(b.minInhabitants)} ; ${b.maxInhabitants === null ? "∞" : formatInhabitants(b.maxInhabitants)})`;

// Bands start at 0 and follow each other without gap or overlap; the last may be bounded, and a
// member beyond it then falls in no band (an error naming it at computation).
const bandsPart = z
  .object({ kind: z.literal("bands"), bands: z.array(band).min(1, "Indiquez au moins une tranche.") })
  .superRefine((part, ctx) => {
    const sorted = [...part.bands].sort((a, b) => a.minInhabitants - b.minInhabitants);
    for (const b of sorted) {
      if (b.maxInhabitants !== null && b.maxInhabitants <= b.minInhabitants) {
        ctx.addIssue({ code: "custom", path: ["bands"], message: `La tranche ${describeBand(b)} est vide.` });
        return;
      }
    }
    if (sorted[0] && sorted[0].minInhabitants !== 0) {
      ctx.addIssue({ code: "custom", path: ["bands"], message: "La première tranche commence à 0 habitant." });
    }
    for (let index = 1; index < sorted.length; index++) {
      const previous = sorted[index - 1] as Band;
      const current = sorted[index] as Band;
      const previousEnd = previous.maxInhabitants ?? Number.POSITIVE_INFINITY;
      if (current.minInhabitants < previousEnd) {
        ctx.addIssue({
          code: "custom",
          path: ["bands"],
          message: `Les tranches ${describeBand(previous)} et ${describeBand(current)} se chevauchent.`,
        });
      } else if (current.minInhabitants > previousEnd) {
        ctx.addIssue({
          code: "custom",
          path: ["bands"],
          message: `Aucune tranche de ${formatInhabitants(previousEnd)} à ${formatInhabitants(current.minInhabitants)} habitants.`,
        });
      }
    }
  });

const splitWeight = z.discriminatedUnion(
  "kind",
  [
    z.object({ kind: z.literal("population") }),
    z.object({ kind: z.literal("units"), unit: unitKey, unitLabel }),
    z.object({ kind: z.literal("equal") }),
  ],
  { error: "La clé de partage est la population, les unités déclarées ou des parts égales." },
);

const namedContributor = z.object({ siren, amountCents: cents("La part fixe d'un contributeur nommé") });

const splitPart = z
  .object({
    kind: z.literal("split"),
    totalCents: cents("Le montant à répartir"),
    weight: splitWeight,
    namedContributors: z.array(namedContributor).default([]),
    ...limits,
  })
  .superRefine((part, ctx) => {
    checkLimits(part, ctx);
    const seen = new Set<string>();
    let fixed = 0;
    for (const [index, contributor] of part.namedContributors.entries()) {
      if (seen.has(contributor.siren)) {
        ctx.addIssue({
          code: "custom",
          path: ["namedContributors", index, "siren"],
          message: `Le contributeur ${contributor.siren} figure deux fois.`,
        });
      }
      seen.add(contributor.siren);
      fixed += contributor.amountCents;
    }
    if (part.totalCents >= 0 && fixed > part.totalCents) {
      ctx.addIssue({
        code: "custom",
        path: ["namedContributors"],
        message: `Les parts fixes des contributeurs nommés (${formatEuros(fixed)}) dépassent le montant à répartir (${formatEuros(part.totalCents)}).`,
      });
    }
  });

export const pricingPart = z.discriminatedUnion(
  "kind",
  [freePart, flatPart, perCapitaRatePart, perUnitRatePart, bandsPart, splitPart],
  {
    error: "Type de part inconnu (gratuit, forfait, par habitant, par unité, tranches ou répartition).",
  },
);
export type PricingPart = z.infer<typeof pricingPart>;
export type PricingPartInput = z.input<typeof pricingPart>;

const pricedItemFields = {
  parts: z.array(pricingPart).min(1, "Indiquez au moins une part (« gratuit » pour une offre gratuite)."),
  // The operator's subsidy, p % of each member's share.
  subsidyBasisPoints: basisPoints("La subvention de l'opérateur").default(0),
};

const option = z.object({
  key: z
    .string()
    .regex(/^[a-z][a-z0-9_-]{0,39}$/, "La clé d'option s'écrit en minuscules, sans espace.")
    .refine((key) => key !== "base", "« base » désigne l'offre de base, pas une option."),
  label: z.string().trim().min(1, "Indiquez le nom de l'option.").max(120),
  ...pricedItemFields,
});
export type PricingOption = z.infer<typeof option>;

const usesPopulation = (part: PricingPart) =>
  part.kind === "perCapitaRate" ||
  part.kind === "bands" ||
  (part.kind === "split" && part.weight.kind === "population");

const sharesPricing = z
  .object({
    kind: z.literal("shares"),
    // Fixed on the pricing and shown on every share: which INSEE figure, of which year.
    population: z
      .object({
        basis: populationBasis,
        year: z
          .int({ error: "L'année de référence est une année." })
          .min(1990, "Année de référence invalide.")
          .max(2100, "Année de référence invalide."),
      })
      .optional(),
    proration: z
      .enum(["none", "month", "day"], { error: "Le prorata est « none », « month » ou « day »." })
      .default("none"),
    base: z.object(pricedItemFields),
    options: z.array(option).default([]),
  })
  .superRefine((pricing, ctx) => {
    const parts = [...pricing.base.parts, ...pricing.options.flatMap((o) => o.parts)];
    if (pricing.population === undefined && parts.some(usesPopulation)) {
      ctx.addIssue({
        code: "custom",
        path: ["population"],
        message: "Indiquez la population de référence (totale ou municipale, et son année).",
      });
    }
    const keys = new Set<string>();
    for (const [index, o] of pricing.options.entries()) {
      if (keys.has(o.key)) {
        ctx.addIssue({
          code: "custom",
          path: ["options", index, "key"],
          message: `L'option « ${o.key} » figure deux fois.`,
        });
      }
      keys.add(o.key);
    }
  });

const costKeyPricing = z
  .object({
    kind: z.literal("costKey"),
    keys: z
      .array(
        z.object({
          siren,
          basisPoints: basisPoints("Le pourcentage d'une organisation"),
          // The operator's own part is shown, never invoiced.
          operator: z.boolean().default(false),
        }),
      )
      .min(1, "Indiquez au moins une organisation dans la clé de répartition."),
  })
  .superRefine((pricing, ctx) => {
    const total = pricing.keys.reduce((sum, key) => sum + key.basisPoints, 0);
    if (total !== 10_000) {
      ctx.addIssue({
        code: "custom",
        path: ["keys"],
        message: `Les pourcentages de la clé de répartition totalisent ${formatBasisPoints(total)} au lieu de 100,00\u00a0%.`,
      });
    }
    const seen = new Set<string>();
    for (const [index, key] of pricing.keys.entries()) {
      if (seen.has(key.siren)) {
        ctx.addIssue({
          code: "custom",
          path: ["keys", index, "siren"],
          message: `L'organisation ${key.siren} figure deux fois dans la clé de répartition.`,
        });
      }
      seen.add(key.siren);
    }
    if (pricing.keys.filter((key) => key.operator).length > 1) {
      ctx.addIssue({
        code: "custom",
        path: ["keys"],
        message: "Une seule organisation de la clé peut être l'opérateur.",
      });
    }
  });

/** The pricing of an offer for a year: stored as a validated JSON document, edited through the admin forms. */
export const pricingSchema = z.discriminatedUnion("kind", [sharesPricing, costKeyPricing], {
  error: "Modèle de tarification inconnu (« shares » ou « costKey »).",
});
export type Pricing = z.infer<typeof pricingSchema>;
export type SharesPricing = z.infer<typeof sharesPricing>;
export type CostKeyPricing = z.infer<typeof costKeyPricing>;
export type PricedItem = z.infer<typeof sharesPricing>["base"];
/** What the admin form sends (defaults not yet applied). */
export type PricingInput = z.input<typeof pricingSchema>;
