import { compareSiren, largestRemainder, mulDivRoundHalfUp } from "./arithmetic.ts";
import { AllocationError, describeMember } from "./errors.ts";
import { formatEuros, formatInhabitants } from "./format-fr.ts";
import { daysInYear, type Presence, presenceInYear } from "./presence.ts";
import type {
  Band,
  CostKeyPricing,
  PopulationBasis,
  PricedItem,
  Pricing,
  PricingPart,
  SharesPricing,
} from "./pricing-schema.ts";

export interface PopulationFigure {
  basis: PopulationBasis;
  year: number;
  inhabitants: number;
}

export interface MemberInput {
  organisationId: string;
  siren: string;
  name: string;
  /** The INSEE figures known for this member; the pricing picks its basis and year. */
  populations?: readonly PopulationFigure[];
  /** Declared units per unit key ("agents", "licences"...), in hundredths (1 439,5 m² = 143 950). */
  units?: Readonly<Record<string, number>>;
  /** Keys of the options the member chose. */
  options?: readonly string[];
  /** Presence within the year (inclusive ISO dates); absent: the whole year. */
  presence?: Presence;
}

/** The actual cost of a half-year for a cost-key pricing, direct and indirect charges apart. */
export interface ActualCost {
  half: 1 | 2;
  directCents: number;
  indirectCents: number;
}

export interface AllocationInput {
  pricing: Pricing;
  year: number;
  members: readonly MemberInput[];
  actualCost?: ActualCost;
}

export type LineItem =
  | { kind: "base" }
  | { kind: "option"; key: string; label: string }
  | { kind: "costKey"; year: number; half: 1 | 2 };

export interface PopulationReference {
  basis: PopulationBasis;
  year: number;
  inhabitants: number;
}

export type Adjustment =
  | { kind: "floor" | "cap"; limitCents: number; beforeCents: number }
  /** Others hit a floor or cap: this member's share came from splitting what was left among the unclamped. */
  | { kind: "redistribution"; beforeCents: number; amountSplitCents: number; totalWeight: number };

export type Weight =
  | { kind: "population"; population: PopulationReference; value: number }
  | { kind: "units"; unit: string; unitLabel: string; value: number }
  | { kind: "equal"; value: 1 };

export interface ChargeShare {
  totalCents: number;
  cents: number;
  roundingCent: boolean;
}

export type PartExplanation =
  | { kind: "free"; cents: 0 }
  | { kind: "flat"; cents: number }
  | {
      kind: "perCapitaRate";
      population: PopulationReference;
      rateMillicents: number;
      computedCents: number;
      adjustment: Adjustment | null;
      cents: number;
    }
  | {
      kind: "perUnitRate";
      unit: string;
      unitLabel: string;
      unitsHundredths: number;
      rateMillicents: number;
      computedCents: number;
      adjustment: Adjustment | null;
      cents: number;
    }
  | { kind: "band"; population: PopulationReference; band: Band; cents: number }
  | {
      kind: "split";
      totalCents: number;
      namedContributors: { siren: string; name: string; amountCents: number }[];
      amountToSplitCents: number;
      weight: Weight;
      totalWeight: number;
      /** Whether the largest-remainder step gave this share one extra cent. */
      roundingCent: boolean;
      adjustment: Adjustment | null;
      cents: number;
    }
  | { kind: "namedContributor"; totalCents: number; cents: number }
  | {
      kind: "costKey";
      basisPoints: number;
      operator: boolean;
      direct: ChargeShare;
      indirect: ChargeShare;
      cents: number;
    };

export type ProrationExplanation =
  | { mode: "none" }
  | {
      mode: "day" | "month";
      present: number;
      inYear: number;
      fullYearCents: number;
      proratedCents: number;
      /** Borne by the operator. */
      gapCents: number;
    };

export interface LineExplanation {
  model: Pricing["kind"];
  parts: PartExplanation[];
  fullYearCents: number;
  proration: ProrationExplanation;
  subsidy: { basisPoints: number; cents: number };
}

export interface ShareLine {
  organisationId: string;
  siren: string;
  name: string;
  item: LineItem;
  grossCents: number;
  subsidyCents: number;
  netCents: number;
  /** False only for the operator's own part of a cost key: shown, never invoiced. */
  invoiced: boolean;
  explanation: LineExplanation;
}

export interface AllocationTotals {
  /** What the pricing shares out: the totals of split parts plus the full-year amounts of rate, flat and band parts. */
  amountToShareCents: number;
  prorationGapCents: number;
  grossCents: number;
  subsidyCents: number;
  /** Invoiced lines only. */
  netCents: number;
  operatorCostKeyCents: number;
}

export interface AllocationResult {
  lines: ShareLine[];
  totals: AllocationTotals;
}

/** Computes every member's share of a pricing for a year: one line per member and priced item, sorted by SIREN. */
export function computeShares(input: AllocationInput): AllocationResult {
  const members = [...input.members].sort((a, b) => compareSiren(a.siren, b.siren));
  for (let index = 1; index < members.length; index++) {
    const member = members[index] as MemberInput;
    if (member.siren === (members[index - 1] as MemberInput).siren) {
      throw new AllocationError(
        "duplicateMember",
        `${describeMember(member)} figure deux fois parmi les membres.`,
        member,
      );
    }
  }
  return input.pricing.kind === "costKey"
    ? computeCostKey(input.pricing, input.year, members, input.actualCost)
    : computeSharesPricing(input.pricing, input.year, members);
}

interface Totals {
  amountToShareCents: number;
  prorationGapCents: number;
  grossCents: number;
  subsidyCents: number;
  netCents: number;
  operatorCostKeyCents: number;
}

function computeSharesPricing(pricing: SharesPricing, year: number, members: MemberInput[]): AllocationResult {
  const totals: Totals = {
    amountToShareCents: 0,
    prorationGapCents: 0,
    grossCents: 0,
    subsidyCents: 0,
    netCents: 0,
    operatorCostKeyCents: 0,
  };
  const lines: ShareLine[] = [];
  // Nobody subscribed: nothing to share, rather than an amount nobody can take.
  if (members.length === 0) return { lines, totals };
  const presence =
    pricing.proration === "none"
      ? undefined
      : members.map((member) => {
          const { days, months } = presenceInYear(year, member.presence, member);
          return pricing.proration === "day"
            ? { present: days, inYear: daysInYear(year) }
            : { present: months, inYear: 12 };
        });
  const context: Context = { pricing, members, populations: new Array(members.length) };

  const allIndices = members.map((_, index) => index);
  computeItem(context, pricing.base, { kind: "base" }, allIndices, presence, lines, totals);
  const optionKeys = new Set(pricing.options.map((option) => option.key));
  for (const member of members) {
    for (const key of member.options ?? []) {
      if (!optionKeys.has(key)) {
        throw new AllocationError(
          "unknownOption",
          `${describeMember(member)} a choisi l'option « ${key} », absente de la tarification.`,
          member,
        );
      }
    }
  }
  for (const option of pricing.options) {
    const indices = allIndices.filter((index) => (members[index] as MemberInput).options?.includes(option.key));
    if (indices.length === 0) continue;
    computeItem(
      context,
      option,
      { kind: "option", key: option.key, label: option.label },
      indices,
      presence,
      lines,
      totals,
    );
  }
  return { lines, totals };
}

interface Context {
  pricing: SharesPricing;
  members: MemberInput[];
  populations: (number | undefined)[];
}

function populationOf(context: Context, index: number): PopulationReference {
  const reference = context.pricing.population;
  const member = context.members[index] as MemberInput;
  if (reference === undefined) throw new Error("pricing without a population reference");
  let inhabitants = context.populations[index];
  if (inhabitants === undefined) {
    const figure = member.populations?.find((f) => f.basis === reference.basis && f.year === reference.year);
    if (figure === undefined || !Number.isSafeInteger(figure.inhabitants) || figure.inhabitants < 0) {
      const basis = reference.basis === "total" ? "totale" : "municipale";
      throw new AllocationError(
        "missingPopulation",
        `Population ${basis} ${reference.year} inconnue pour ${describeMember(member)}.`,
        member,
      );
    }
    inhabitants = figure.inhabitants;
    context.populations[index] = inhabitants;
  }
  return { basis: reference.basis, year: reference.year, inhabitants };
}

function unitsOf(member: MemberInput, unit: string, unitLabel: string): number {
  const value = member.units?.[unit];
  if (value === undefined) {
    throw new AllocationError(
      "missingUnits",
      `${describeMember(member)} n'a rien déclaré pour « ${unitLabel} ».`,
      member,
    );
  }
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AllocationError(
      "invalidUnits",
      `${describeMember(member)} : nombre de ${unitLabel} invalide (${value} centièmes).`,
      member,
    );
  }
  return value;
}

function clamp(
  computedCents: number,
  part: { floorCents?: number | undefined; capCents?: number | undefined },
): { cents: number; adjustment: Adjustment | null } {
  if (part.floorCents !== undefined && computedCents < part.floorCents) {
    return {
      cents: part.floorCents,
      adjustment: { kind: "floor", limitCents: part.floorCents, beforeCents: computedCents },
    };
  }
  if (part.capCents !== undefined && computedCents > part.capCents) {
    return { cents: part.capCents, adjustment: { kind: "cap", limitCents: part.capCents, beforeCents: computedCents } };
  }
  return { cents: computedCents, adjustment: null };
}

function computeItem(
  context: Context,
  item: PricedItem,
  lineItem: LineItem,
  indices: number[],
  presence: { present: number; inYear: number }[] | undefined,
  lines: ShareLine[],
  totals: Totals,
): void {
  const count = indices.length;
  const parts: PartExplanation[][] = new Array(count);
  const fullYear = new Array<number>(count).fill(0);
  for (let position = 0; position < count; position++) parts[position] = [];
  for (const part of item.parts) {
    const explained = explainPart(context, part, indices);
    let sum = 0;
    for (let position = 0; position < count; position++) {
      const explanation = explained[position] as PartExplanation;
      (parts[position] as PartExplanation[]).push(explanation);
      fullYear[position] = (fullYear[position] as number) + explanation.cents;
      sum += explanation.cents;
    }
    totals.amountToShareCents += part.kind === "split" ? part.totalCents : sum;
  }
  const basisPoints = item.subsidyBasisPoints;
  for (let position = 0; position < count; position++) {
    const index = indices[position] as number;
    const member = context.members[index] as MemberInput;
    const fullYearCents = fullYear[position] as number;
    let grossCents = fullYearCents;
    let proration: ProrationExplanation = { mode: "none" };
    if (presence !== undefined) {
      const { present, inYear } = presence[index] as { present: number; inYear: number };
      if (present !== inYear) grossCents = mulDivRoundHalfUp(fullYearCents, present, inYear);
      proration = {
        mode: context.pricing.proration === "day" ? "day" : "month",
        present,
        inYear,
        fullYearCents,
        proratedCents: grossCents,
        gapCents: fullYearCents - grossCents,
      };
    }
    const subsidyCents = basisPoints === 0 ? 0 : mulDivRoundHalfUp(grossCents, basisPoints, 10_000);
    const netCents = grossCents - subsidyCents;
    totals.prorationGapCents += fullYearCents - grossCents;
    totals.grossCents += grossCents;
    totals.subsidyCents += subsidyCents;
    totals.netCents += netCents;
    lines.push({
      organisationId: member.organisationId,
      siren: member.siren,
      name: member.name,
      item: lineItem,
      grossCents,
      subsidyCents,
      netCents,
      invoiced: true,
      explanation: {
        model: "shares",
        parts: parts[position] as PartExplanation[],
        fullYearCents,
        proration,
        subsidy: { basisPoints, cents: subsidyCents },
      },
    });
  }
}

function explainPart(context: Context, part: PricingPart, indices: number[]): PartExplanation[] {
  const { members } = context;
  switch (part.kind) {
    case "free":
      return indices.map(() => ({ kind: "free", cents: 0 }));
    case "flat":
      return indices.map(() => ({ kind: "flat", cents: part.amountCents }));
    case "perCapitaRate":
      return indices.map((index) => {
        const population = populationOf(context, index);
        const computedCents = mulDivRoundHalfUp(part.rateMillicents, population.inhabitants, 1000);
        const { cents, adjustment } = clamp(computedCents, part);
        return {
          kind: "perCapitaRate",
          population,
          rateMillicents: part.rateMillicents,
          computedCents,
          adjustment,
          cents,
        };
      });
    case "perUnitRate":
      return indices.map((index) => {
        const unitsHundredths = unitsOf(members[index] as MemberInput, part.unit, part.unitLabel);
        // millicents × hundredths of a unit / (1000 × 100) = cents
        const computedCents = mulDivRoundHalfUp(part.rateMillicents, unitsHundredths, 100_000);
        const { cents, adjustment } = clamp(computedCents, part);
        return {
          kind: "perUnitRate",
          unit: part.unit,
          unitLabel: part.unitLabel,
          unitsHundredths,
          rateMillicents: part.rateMillicents,
          computedCents,
          adjustment,
          cents,
        };
      });
    case "bands":
      return indices.map((index) => {
        const population = populationOf(context, index);
        const band = part.bands.find(
          (b) =>
            population.inhabitants >= b.minInhabitants &&
            (b.maxInhabitants === null || population.inhabitants < b.maxInhabitants),
        );
        if (band === undefined) {
          const member = members[index] as MemberInput;
          throw new AllocationError(
            "noBand",
            `${describeMember(member)}, ${formatInhabitants(population.inhabitants)} hab., n'entre dans aucune tranche de population.`,
            member,
          );
        }
        return { kind: "band", population, band, cents: band.amountCents };
      });
    case "split":
      return explainSplit(context, part, indices);
  }
}

function explainSplit(
  context: Context,
  part: Extract<PricingPart, { kind: "split" }>,
  indices: number[],
): PartExplanation[] {
  const { members } = context;
  const result = new Array<PartExplanation>(indices.length);
  const named: { siren: string; name: string; amountCents: number }[] = [];
  let amountToSplitCents = part.totalCents;
  const namedPositions = new Set<number>();
  for (const contributor of part.namedContributors) {
    const position = indices.findIndex((index) => (members[index] as MemberInput).siren === contributor.siren);
    if (position < 0) {
      throw new AllocationError(
        "namedContributorMissing",
        `Le contributeur nommé ${contributor.siren} (part fixe de ${formatEuros(contributor.amountCents)}) n'est pas parmi les membres.`,
      );
    }
    const member = members[indices[position] as number] as MemberInput;
    named.push({ siren: member.siren, name: member.name, amountCents: contributor.amountCents });
    namedPositions.add(position);
    amountToSplitCents -= contributor.amountCents;
    result[position] = { kind: "namedContributor", totalCents: part.totalCents, cents: contributor.amountCents };
  }
  if (amountToSplitCents < 0) throw new Error("named contributors above the total (the schema forbids it)");

  const positions: number[] = [];
  const weights: Weight[] = [];
  const values: number[] = [];
  const sirens: string[] = [];
  for (let position = 0; position < indices.length; position++) {
    if (namedPositions.has(position)) continue;
    const index = indices[position] as number;
    const member = members[index] as MemberInput;
    let weight: Weight;
    if (part.weight.kind === "population") {
      const population = populationOf(context, index);
      weight = { kind: "population", population, value: population.inhabitants };
    } else if (part.weight.kind === "units") {
      weight = {
        kind: "units",
        unit: part.weight.unit,
        unitLabel: part.weight.unitLabel,
        value: unitsOf(member, part.weight.unit, part.weight.unitLabel),
      };
    } else {
      weight = { kind: "equal", value: 1 };
    }
    positions.push(position);
    weights.push(weight);
    values.push(weight.value);
    sirens.push(member.siren);
  }

  const first = largestRemainder(amountToSplitCents, values, sirens);
  if (amountToSplitCents > 0 && first.totalWeight === 0) {
    throw new AllocationError(
      "zeroWeights",
      `Impossible de répartir ${formatEuros(amountToSplitCents)} : ${positions.length === 0 ? "aucun membre à qui le répartir" : "tous les poids sont nuls"}.`,
    );
  }
  const final = first.shares.slice();
  const extra = first.extra.slice();
  const adjustments = new Array<Adjustment | null>(positions.length).fill(null);
  const { floorCents, capCents } = part;
  if (floorCents !== undefined || capCents !== undefined) {
    const floor = floorCents ?? 0;
    if (floor * positions.length > amountToSplitCents) {
      throw new AllocationError(
        "floorsExceedTotal",
        `Les planchers (${positions.length} × ${formatEuros(floor)}) dépassent le montant à répartir (${formatEuros(amountToSplitCents)}).`,
      );
    }
    if (capCents !== undefined && capCents * positions.length < amountToSplitCents) {
      throw new AllocationError(
        "capsBelowTotal",
        `Les plafonds (${positions.length} × ${formatEuros(capCents)}) ne couvrent pas le montant à répartir (${formatEuros(amountToSplitCents)}).`,
      );
    }
    redistribute(amountToSplitCents, values, sirens, first, floorCents, capCents, final, extra, adjustments);
  }

  for (let k = 0; k < positions.length; k++) {
    result[positions[k] as number] = {
      kind: "split",
      totalCents: part.totalCents,
      namedContributors: named,
      amountToSplitCents,
      weight: weights[k] as Weight,
      totalWeight: first.totalWeight,
      roundingCent: extra[k] as boolean,
      adjustment: adjustments[k] as Adjustment | null,
      cents: final[k] as number,
    };
  }
  return result;
}

/**
 * Floors and caps on a split: members out of bounds are fixed at their bound and the rest is split again among
 * the others, by the same largest-remainder rule, until no share is out of bounds. Each round fixes the side
 * (floors or caps) that is further out, so that a member is never fixed at a bound it would not end at.
 */
function redistribute(
  amount: number,
  values: number[],
  sirens: string[],
  first: { shares: number[]; extra: boolean[]; totalWeight: number },
  floorCents: number | undefined,
  capCents: number | undefined,
  final: number[],
  extra: boolean[],
  adjustments: (Adjustment | null)[],
): void {
  let active = values.map((_, k) => k);
  let remaining = amount;
  let round = first;
  let roundNumber = 0;
  let totalWeight = 0;
  for (;;) {
    let deficit = 0;
    let excess = 0;
    for (let a = 0; a < active.length; a++) {
      const share = round.shares[a] as number;
      if (floorCents !== undefined && share < floorCents) deficit += floorCents - share;
      else if (capCents !== undefined && share > capCents) excess += share - capCents;
    }
    if (deficit === 0 && excess === 0) {
      for (let a = 0; a < active.length; a++) {
        const k = active[a] as number;
        final[k] = round.shares[a] as number;
        extra[k] = round.extra[a] as boolean;
        if (roundNumber > 0 && final[k] !== first.shares[k]) {
          adjustments[k] = {
            kind: "redistribution",
            beforeCents: first.shares[k] as number,
            amountSplitCents: remaining,
            totalWeight,
          };
        }
      }
      return;
    }
    const fixFloors = deficit >= excess;
    const next: number[] = [];
    for (let a = 0; a < active.length; a++) {
      const k = active[a] as number;
      const share = round.shares[a] as number;
      if (fixFloors && floorCents !== undefined && share < floorCents) {
        final[k] = floorCents;
        extra[k] = false;
        adjustments[k] = { kind: "floor", limitCents: floorCents, beforeCents: first.shares[k] as number };
        remaining -= floorCents;
      } else if (!fixFloors && capCents !== undefined && share > capCents) {
        final[k] = capCents;
        extra[k] = false;
        adjustments[k] = { kind: "cap", limitCents: capCents, beforeCents: first.shares[k] as number };
        remaining -= capCents;
      } else {
        next.push(k);
      }
    }
    active = next;
    roundNumber++;
    if (active.length === 0) {
      if (remaining !== 0) throw undistributable(remaining);
      return;
    }
    round = largestRemainder(
      remaining,
      active.map((k) => values[k] as number),
      active.map((k) => sirens[k] as string),
    );
    totalWeight = round.totalWeight;
    if (remaining > 0 && totalWeight === 0) throw undistributable(remaining);
  }
}

function undistributable(remaining: number): AllocationError {
  return new AllocationError(
    "undistributable",
    `Impossible de répartir ${formatEuros(remaining)} entre les membres restés hors planchers et plafonds : leurs poids sont nuls.`,
  );
}

function computeCostKey(
  pricing: CostKeyPricing,
  year: number,
  members: MemberInput[],
  actualCost: ActualCost | undefined,
): AllocationResult {
  if (actualCost === undefined) {
    throw new AllocationError(
      "missingActualCost",
      "Saisissez le coût réel du semestre (charges directes et indirectes).",
    );
  }
  const bySiren = new Map(members.map((member) => [member.siren, member]));
  const keySirens = new Set(pricing.keys.map((key) => key.siren));
  for (const member of members) {
    if (!keySirens.has(member.siren)) {
      throw new AllocationError(
        "notInCostKey",
        `${describeMember(member)} n'a pas de part dans la clé de répartition.`,
        member,
      );
    }
  }
  const keys = [...pricing.keys].sort((a, b) => compareSiren(a.siren, b.siren));
  for (const key of keys) {
    if (!bySiren.has(key.siren)) {
      throw new AllocationError(
        "costKeyOrganisationMissing",
        `L'organisation ${key.siren} de la clé de répartition n'est pas fournie.`,
      );
    }
  }
  const sirens = keys.map((key) => key.siren);
  const points = keys.map((key) => key.basisPoints);
  const direct = largestRemainder(actualCost.directCents, points, sirens);
  const indirect = largestRemainder(actualCost.indirectCents, points, sirens);
  const totals: Totals = {
    amountToShareCents: actualCost.directCents + actualCost.indirectCents,
    prorationGapCents: 0,
    grossCents: 0,
    subsidyCents: 0,
    netCents: 0,
    operatorCostKeyCents: 0,
  };
  const item: LineItem = { kind: "costKey", year, half: actualCost.half };
  const lines = keys.map((key, k): ShareLine => {
    const member = bySiren.get(key.siren) as MemberInput;
    const directCents = direct.shares[k] as number;
    const indirectCents = indirect.shares[k] as number;
    const cents = directCents + indirectCents;
    totals.grossCents += cents;
    if (key.operator) totals.operatorCostKeyCents += cents;
    else totals.netCents += cents;
    return {
      organisationId: member.organisationId,
      siren: member.siren,
      name: member.name,
      item,
      grossCents: cents,
      subsidyCents: 0,
      netCents: cents,
      invoiced: !key.operator,
      explanation: {
        model: "costKey",
        parts: [
          {
            kind: "costKey",
            basisPoints: key.basisPoints,
            operator: key.operator,
            direct: {
              totalCents: actualCost.directCents,
              cents: directCents,
              roundingCent: direct.extra[k] as boolean,
            },
            indirect: {
              totalCents: actualCost.indirectCents,
              cents: indirectCents,
              roundingCent: indirect.extra[k] as boolean,
            },
            cents,
          },
        ],
        fullYearCents: cents,
        proration: { mode: "none" },
        subsidy: { basisPoints: 0, cents: 0 },
      },
    };
  });
  return { lines, totals };
}

/**
 * The check a statement run makes before issuing: every line has gross = net + subsidy, the totals are the sums
 * of the lines, and amount to share = invoiced net + subsidies + operator's cost-key part + proration gaps.
 * Returns the problems found, in French (none: balanced).
 */
export function checkBalance(result: AllocationResult): string[] {
  const problems: string[] = [];
  const sums = { fullYear: 0, gap: 0, gross: 0, subsidy: 0, net: 0, operator: 0 };
  for (const line of result.lines) {
    if (line.grossCents !== line.netCents + line.subsidyCents) {
      problems.push(`${describeMember(line)} : brut ≠ net + subvention.`);
    }
    const gap = line.explanation.proration.mode === "none" ? 0 : line.explanation.proration.gapCents;
    if (line.explanation.fullYearCents !== line.grossCents + gap) {
      problems.push(`${describeMember(line)} : montant annuel ≠ brut + écart de prorata.`);
    }
    sums.fullYear += line.explanation.fullYearCents;
    sums.gap += gap;
    sums.gross += line.grossCents;
    sums.subsidy += line.subsidyCents;
    if (line.invoiced) sums.net += line.netCents;
    else sums.operator += line.netCents;
  }
  const { totals } = result;
  if (
    sums.gap !== totals.prorationGapCents ||
    sums.gross !== totals.grossCents ||
    sums.subsidy !== totals.subsidyCents ||
    sums.net !== totals.netCents ||
    sums.operator !== totals.operatorCostKeyCents
  ) {
    problems.push("Les totaux ne sont pas la somme des lignes.");
  }
  if (sums.fullYear !== totals.amountToShareCents) {
    problems.push(
      `Les lignes totalisent ${formatEuros(sums.fullYear)} sur l'année pour ${formatEuros(totals.amountToShareCents)} à répartir.`,
    );
  }
  const accounted = totals.netCents + totals.subsidyCents + totals.operatorCostKeyCents + totals.prorationGapCents;
  if (accounted !== totals.amountToShareCents) {
    problems.push(
      `Montant à répartir ${formatEuros(totals.amountToShareCents)} ≠ nets + subventions + part de l'opérateur + écarts de prorata (${formatEuros(accounted)}).`,
    );
  }
  return problems;
}
