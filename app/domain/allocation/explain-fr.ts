import { mulDivRoundHalfUp } from "./arithmetic.ts";
import type { Adjustment, PartExplanation, PopulationReference, ShareLine, Weight } from "./compute.ts";
import {
  formatBasisPoints,
  formatEuros,
  formatInhabitants,
  formatPercent,
  formatRate,
  formatUnits,
} from "./format-fr.ts";

export interface ExplainOptions {
  /** Who grants the subsidy and bears the gaps, as written after « de » : "la métropole", "Metz Métropole". */
  operator?: string;
}

const population = (reference: PopulationReference) =>
  `population ${reference.basis === "total" ? "totale" : "municipale"} ${reference.year}`;

const share = (weight: number, total: number) => formatBasisPoints(mulDivRoundHalfUp(weight, 10_000, total));

function adjustment(value: Adjustment | null): string[] {
  if (value === null) return [];
  switch (value.kind) {
    case "floor":
      return [
        `porté au plancher de ${formatEuros(value.limitCents)} (part calculée : ${formatEuros(value.beforeCents)})`,
      ];
    case "cap":
      return [
        `ramené au plafond de ${formatEuros(value.limitCents)} (part calculée : ${formatEuros(value.beforeCents)})`,
      ];
    case "redistribution":
      return [
        `après planchers et plafonds, ${formatEuros(value.amountSplitCents)} répartis entre les autres membres (part initiale : ${formatEuros(value.beforeCents)})`,
      ];
  }
}

function weightBasis(weight: Weight, totalWeight: number): string {
  switch (weight.kind) {
    case "population":
      return `au prorata de la ${population(weight.population)} : ${formatInhabitants(weight.value)} hab. sur ${formatInhabitants(totalWeight)} (${share(weight.value, totalWeight)})`;
    case "units":
      return `au prorata des ${weight.unitLabel} déclarés : ${formatUnits(weight.value)} sur ${formatUnits(totalWeight)} (${share(weight.value, totalWeight)})`;
    case "equal":
      return `à parts égales : 1 part sur ${formatInhabitants(totalWeight)}`;
  }
}

function partStatements(part: PartExplanation, several: boolean, options: Required<ExplainOptions>): string[] {
  const amount = several ? `, soit ${formatEuros(part.cents)}` : "";
  switch (part.kind) {
    case "free":
      return ["offre gratuite"];
    case "flat":
      return [`forfait de ${formatEuros(part.cents)}`];
    case "perCapitaRate":
      return [
        `${formatRate(part.rateMillicents)} par habitant × ${formatInhabitants(part.population.inhabitants)} hab. (${population(part.population)}) : ${formatEuros(part.computedCents)}`,
        ...adjustment(part.adjustment),
      ];
    case "perUnitRate":
      return [
        `${formatRate(part.rateMillicents)} × ${formatUnits(part.unitsHundredths)} ${part.unitLabel} : ${formatEuros(part.computedCents)}`,
        ...adjustment(part.adjustment),
      ];
    case "band": {
      const { minInhabitants, maxInhabitants } = part.band;
      const band =
        maxInhabitants === null
          ? `${formatInhabitants(minInhabitants)} hab. et plus`
          : `${formatInhabitants(minInhabitants)} à moins de ${formatInhabitants(maxInhabitants)} hab.`;
      return [
        `tranche de ${band} (${population(part.population)} : ${formatInhabitants(part.population.inhabitants)} hab.) : ${formatEuros(part.cents)}`,
      ];
    }
    case "namedContributor":
      return [`part fixe de ${formatEuros(part.cents)} sur ${formatEuros(part.totalCents)}`];
    case "split": {
      const named = part.namedContributors
        .map((contributor) => `${contributor.name} (${formatEuros(contributor.amountCents)})`)
        .join(", ");
      const after = named === "" ? "" : ` après la part fixe de ${named}`;
      return [
        `${weightBasis(part.weight, part.totalWeight)} de ${formatEuros(part.amountToSplitCents)}${after}${amount}`,
        ...(part.roundingCent ? ["+1 centime d'arrondi"] : []),
        ...adjustment(part.adjustment),
      ];
    }
    case "costKey": {
      const statements = [
        `clé de répartition ${formatBasisPoints(part.basisPoints)} du coût réel : charges directes ${formatEuros(part.direct.cents)} sur ${formatEuros(part.direct.totalCents)}, charges indirectes ${formatEuros(part.indirect.cents)} sur ${formatEuros(part.indirect.totalCents)}`,
      ];
      const cents = Number(part.direct.roundingCent) + Number(part.indirect.roundingCent);
      if (cents > 0) statements.push(`+${cents} centime${cents > 1 ? "s" : ""} d'arrondi`);
      if (part.operator) statements.push(`part de ${options.operator}, non facturée`);
      return statements;
    }
  }
}

/** The explanation of a share as French statements, one per step, for the UI. */
export function explainLineStatementsFr(line: ShareLine, options: ExplainOptions = {}): string[] {
  const settings = { operator: options.operator ?? "l'opérateur" };
  const { explanation } = line;
  const several = explanation.parts.length > 1;
  const statements = explanation.parts.flatMap((part) => partStatements(part, several, settings));
  if (line.item.kind === "costKey") {
    statements[0] = `${line.item.half === 1 ? "1er" : "2d"} semestre ${line.item.year}, ${statements[0]}`;
  }
  const { proration, subsidy } = explanation;
  if (proration.mode !== "none" && proration.gapCents !== 0) {
    const unit = proration.mode === "day" ? "jours" : "mois";
    statements.push(
      `présent ${proration.present} ${unit} sur ${proration.inYear} : ${formatEuros(proration.proratedCents)} au lieu de ${formatEuros(proration.fullYearCents)}, l'écart de ${formatEuros(proration.gapCents)} à la charge de ${settings.operator}`,
    );
  }
  if (subsidy.basisPoints > 0) {
    statements.push(
      `subvention de ${settings.operator} ${formatPercent(subsidy.basisPoints)} : ${formatEuros(subsidy.cents)}`,
    );
  }
  return statements.map(capitalize);
}

/** The explanation of a share as one short French sentence, for CSV exports and the command line. */
export function explainLineFr(line: ShareLine, options: ExplainOptions = {}): string {
  return explainLineStatementsFr(line, options)
    .map((statement, index) => (index === 0 ? statement : uncapitalize(statement)))
    .join(" ; ");
}

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const uncapitalize = (text: string) => text.charAt(0).toLowerCase() + text.slice(1);
