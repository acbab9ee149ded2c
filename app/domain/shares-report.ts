import {
  checkBalance,
  computeShares,
  type LineExplanation,
  type LineItem,
  type MemberInput,
} from "./allocation/compute.ts";
import { AllocationError } from "./allocation/errors.ts";
import { explainLineFr } from "./allocation/explain-fr.ts";
import type { Pricing } from "./allocation/pricing-schema.ts";
import { csvCents, toCsv } from "./csv.ts";

// The computed (not issued) shares of a cooperative for a year, across its offers: what the command line prints
// and what the statements and catalogue screens will show. Pure: the caller loads the pricings.

export interface PricingToCompute {
  offer: { id: string; title: string };
  pricing: { id: string; yearFrom: number; yearTo: number; definition: Pricing };
  members: MemberInput[];
  actualCosts: { half: 1 | 2; directCents: number; indirectCents: number }[];
}

export interface ShareRow {
  offerId: string;
  offerTitle: string;
  pricingId: string;
  item: LineItem;
  /** Identifies the item across runs and corrections: "base", "option:<key>", "costKey:<year>:<half>". */
  itemKey: string;
  /** "Offre de base", the option's label, "1er semestre 2026". */
  itemLabel: string;
  /** Short French name of the pricing model ("Au prorata de la population", "Clé de répartition"...). */
  model: string;
  organisationId: string;
  siren: string;
  name: string;
  grossCents: number;
  subsidyCents: number;
  netCents: number;
  /** False for the operator's own part of a cost key: shown, never invoiced. */
  invoiced: boolean;
  /** Full-year amount minus gross: borne by the operator when the member was present part of the year. */
  prorationGapCents: number;
  /** One short French sentence. */
  explanation: string;
}

export interface SharesReport {
  year: number;
  rows: ShareRow[];
  totals: { grossCents: number; subsidyCents: number; netCents: number };
  /** What the pricings share out, and where it goes: invoiced net + subsidies + operator's cost-key part + gaps. */
  balance: {
    amountToShareCents: number;
    operatorCostKeyCents: number;
    prorationGapCents: number;
  };
  /** What could not be computed yet, in French (a cost key's half-year without its actual cost). */
  notes: string[];
}

export function itemKey(item: LineItem): string {
  switch (item.kind) {
    case "base":
      return "base";
    case "option":
      return `option:${item.key}`;
    case "costKey":
      return `costKey:${item.year}:${item.half}`;
  }
}

const PART_MODELS: Record<string, string> = {
  free: "Gratuit",
  flat: "Forfait",
  perCapitaRate: "Tarif par habitant",
  perUnitRate: "Tarif à l'unité",
  band: "Par tranche de population",
  namedContributor: "Part fixe d'un contributeur nommé",
};

/** The short French name of the model behind a line: its parts' names, joined. */
export function modelLabel(explanation: LineExplanation): string {
  if (explanation.model === "costKey") return "Clé de répartition";
  const names = explanation.parts.map((part) => {
    if (part.kind !== "split") return PART_MODELS[part.kind] ?? part.kind;
    if (part.weight.kind === "population") return "Au prorata de la population";
    if (part.weight.kind === "units") return `Au prorata des ${part.weight.unitLabel}`;
    return "À parts égales";
  });
  return [...new Set(names)].join(" + ") || "Gratuit";
}

export function itemLabel(item: LineItem): string {
  switch (item.kind) {
    case "base":
      return "Offre de base";
    case "option":
      return `Option « ${item.label} »`;
    case "costKey":
      return `${item.half === 1 ? "1er" : "2d"} semestre ${item.year}`;
  }
}

/**
 * Computes every pricing's shares for the year (a cost key once per half-year whose actual cost was entered) and
 * checks each result balances. Throws the core's AllocationError (French, naming the member) when a share cannot
 * be computed.
 */
export function computeSharesReport(
  pricings: readonly PricingToCompute[],
  year: number,
  options: { operator?: string } = {},
): SharesReport {
  const rows: ShareRow[] = [];
  const notes: string[] = [];
  const totals = { grossCents: 0, subsidyCents: 0, netCents: 0 };
  const balance = { amountToShareCents: 0, operatorCostKeyCents: 0, prorationGapCents: 0 };
  for (const entry of pricings) {
    const { definition } = entry.pricing;
    const runs =
      definition.kind === "costKey"
        ? entry.actualCosts.map((actualCost) => ({ pricing: definition, year, members: entry.members, actualCost }))
        : [{ pricing: definition, year, members: entry.members }];
    if (definition.kind === "costKey") {
      for (const half of [1, 2] as const) {
        if (!entry.actualCosts.some((cost) => cost.half === half)) {
          notes.push(
            `« ${entry.offer.title} » : coût réel du ${half === 1 ? "1er" : "2d"} semestre ${year} non saisi, rien à répartir pour ce semestre.`,
          );
        }
      }
    } else if (entry.members.length === 0) {
      notes.push(`« ${entry.offer.title} » : aucune adhésion en ${year}.`);
    }
    for (const run of runs) {
      let result: ReturnType<typeof computeShares>;
      try {
        result = computeShares(run);
      } catch (error) {
        // Name the offer too: the member alone does not say which pricing failed.
        if (error instanceof AllocationError) {
          throw new AllocationError(error.code, `« ${entry.offer.title} » : ${error.message}`, error.member);
        }
        throw error;
      }
      const problems = checkBalance(result);
      if (problems.length > 0) {
        throw new Error(`« ${entry.offer.title} » : le calcul ne s'équilibre pas. ${problems.join(" ")}`);
      }
      balance.amountToShareCents += result.totals.amountToShareCents;
      balance.operatorCostKeyCents += result.totals.operatorCostKeyCents;
      balance.prorationGapCents += result.totals.prorationGapCents;
      for (const line of result.lines) {
        rows.push({
          offerId: entry.offer.id,
          offerTitle: entry.offer.title,
          pricingId: entry.pricing.id,
          item: line.item,
          itemKey: itemKey(line.item),
          itemLabel: itemLabel(line.item),
          model: modelLabel(line.explanation),
          organisationId: line.organisationId,
          siren: line.siren,
          name: line.name,
          grossCents: line.grossCents,
          subsidyCents: line.subsidyCents,
          netCents: line.netCents,
          invoiced: line.invoiced,
          prorationGapCents: line.explanation.proration.mode === "none" ? 0 : line.explanation.proration.gapCents,
          explanation: explainLineFr(line, options),
        });
        totals.grossCents += line.grossCents;
        totals.subsidyCents += line.subsidyCents;
        if (line.invoiced) totals.netCents += line.netCents;
      }
    }
  }
  return { year, rows, totals, balance, notes };
}

export const SHARES_CSV_HEADER = [
  "Offre",
  "Élément",
  "SIREN",
  "Membre",
  "Brut (€)",
  "Subvention (€)",
  "Net (€)",
  "Facturé",
  "Explication",
] as const;

/** The report as a CSV file for French Excel (see csv.ts). */
export function sharesReportCsv(report: SharesReport): string {
  return toCsv(
    SHARES_CSV_HEADER,
    report.rows.map((row) => [
      row.offerTitle,
      row.itemLabel,
      row.siren,
      row.name,
      csvCents(row.grossCents),
      csvCents(row.subsidyCents),
      csvCents(row.netCents),
      row.invoiced,
      row.explanation,
    ]),
  );
}
