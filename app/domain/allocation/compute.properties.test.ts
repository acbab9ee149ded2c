import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { isValidSiren } from "../siren.ts";
import { checkBalance, computeShares, type MemberInput, type PartExplanation, type ShareLine } from "./compute.ts";
import { AllocationError } from "./errors.ts";
import { type Pricing, type PricingInput, pricingSchema } from "./pricing-schema.ts";

const RUNS = { numRuns: 1000 };
const YEAR = 2024; // 366 days
const POPULATION_YEAR = 2023;

/** Eight digits and the Luhn key: distinct prefixes give distinct valid SIRENs. */
function sirenFrom(prefix: number): string {
  const digits = String(prefix).padStart(8, "0");
  let sum = 0;
  for (let index = 0; index < 8; index++) {
    let digit = Number(digits[index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return `${digits}${(10 - (sum % 10)) % 10}`;
}

const isoDate = (dayOfYear: number) => new Date(Date.UTC(YEAR, 0, 1 + dayOfYear)).toISOString().slice(0, 10);

const memberArb = (prefix: number) =>
  fc
    .record({
      inhabitants: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 2_500_000 })),
      agents: fc.integer({ min: 0, max: 500_000 }),
      option: fc.boolean(),
      presence: fc.option(
        fc
          .tuple(fc.integer({ min: 0, max: 365 }), fc.integer({ min: 0, max: 365 }))
          .map(([a, b]) => ({ from: isoDate(Math.min(a, b)), to: isoDate(Math.max(a, b)) })),
        { freq: 3 },
      ),
    })
    .map(
      ({ inhabitants, agents, option, presence }): MemberInput => ({
        organisationId: `org-${prefix}`,
        siren: sirenFrom(prefix),
        name: `Commune ${prefix}`,
        populations: [
          { basis: "municipal", year: POPULATION_YEAR, inhabitants: Math.max(0, inhabitants - 7) },
          { basis: "total", year: POPULATION_YEAR, inhabitants },
        ],
        units: { agents },
        options: option ? ["sig"] : [],
        ...(presence === null ? {} : { presence }),
      }),
    );

const membersArb = (min = 1, max = 30) =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: 99_999_999 }), { minLength: min, maxLength: max })
    .chain((prefixes) => fc.tuple(...prefixes.map(memberArb)));

const amountArb = fc.oneof(
  fc.integer({ min: 0, max: 100 }),
  fc.integer({ min: 0, max: 100_000_000 }),
  fc.integer({ min: 0, max: 1_000_000_000_000_000 }),
);

const splitPricing = (totalCents: number, extra: object = {}): Pricing =>
  pricingSchema.parse({
    kind: "shares",
    population: { basis: "total", year: POPULATION_YEAR },
    base: { parts: [{ kind: "split", totalCents, weight: { kind: "population" }, ...extra }] },
    // Some generated members chose it: a free option adds zero lines.
    options: [{ key: "sig", label: "SIG", parts: [{ kind: "free" }] }],
  } satisfies PricingInput);

const baseLines = (lines: ShareLine[]) => lines.filter((line) => line.item.kind === "base");

function shuffled<T>(items: readonly T[], randomness: readonly number[]): T[] {
  const copy = [...items];
  for (let index = copy.length - 1; index > 0; index--) {
    const other = (randomness[index % Math.max(1, randomness.length)] ?? 0) % (index + 1);
    [copy[index], copy[other]] = [copy[other] as T, copy[index] as T];
  }
  return copy;
}

const splitOf = (line: ShareLine) => line.explanation.parts[0] as Extract<PartExplanation, { kind: "split" }>;
const populationOf = (member: MemberInput) =>
  member.populations?.find((figure) => figure.basis === "total")?.inhabitants ?? 0;

describe("share computation properties", () => {
  it("generates valid SIRENs", () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 99_999_999 }), (prefix) => isValidSiren(sirenFrom(prefix))));
  });

  it("splits exactly: shares sum to the amount to share, each within one cent of its exact quota, zero weight zero", () => {
    fc.assert(
      fc.property(membersArb(), amountArb, (members, totalCents) => {
        const weightTotal = members.reduce((sum, member) => sum + populationOf(member), 0);
        fc.pre(weightTotal > 0 || totalCents === 0);
        const result = computeShares({ pricing: splitPricing(totalCents), year: YEAR, members });
        const { totals } = result;
        const lines = baseLines(result.lines);
        expect(lines.reduce((sum, line) => sum + line.grossCents, 0)).toBe(totalCents);
        expect(totals.amountToShareCents).toBe(totalCents);
        for (const line of lines) {
          const member = members.find((m) => m.siren === line.siren) as MemberInput;
          const weight = populationOf(member);
          if (weightTotal === 0) {
            expect(line.grossCents).toBe(0);
            continue;
          }
          // |share − amount × w / W| < 1  <=>  |share × W − amount × w| < W
          const difference = BigInt(line.grossCents) * BigInt(weightTotal) - BigInt(totalCents) * BigInt(weight);
          expect(difference < BigInt(weightTotal) && -difference < BigInt(weightTotal)).toBe(true);
          if (weight === 0) expect(line.grossCents).toBe(0);
          expect(splitOf(line).roundingCent).toBe(difference > 0n);
        }
      }),
      RUNS,
    );
  });

  it("does not depend on the input order", () => {
    fc.assert(
      fc.property(membersArb(2), amountArb, fc.array(fc.nat(), { minLength: 1 }), (members, totalCents, randomness) => {
        fc.pre(members.some((member) => populationOf(member) > 0));
        const pricing = pricingSchema.parse({
          kind: "shares",
          population: { basis: "total", year: POPULATION_YEAR },
          proration: "day",
          base: {
            parts: [
              { kind: "split", totalCents, weight: { kind: "population" } },
              { kind: "split", totalCents: 1_001, weight: { kind: "equal" } },
            ],
            subsidyBasisPoints: 3333,
          },
          options: [
            { key: "sig", label: "SIG", parts: [{ kind: "split", totalCents: 999, weight: { kind: "equal" } }] },
          ],
        } satisfies PricingInput);
        const once = computeShares({ pricing, year: YEAR, members });
        const again = computeShares({ pricing, year: YEAR, members: shuffled(members, randomness) });
        expect(again).toEqual(once);
      }),
      RUNS,
    );
  });

  it("keeps floors and caps and still shares the whole amount after redistribution", () => {
    const arb = membersArb(1, 25).chain((members) =>
      fc
        .record({
          totalCents: fc.integer({ min: 0, max: 50_000_000 }),
          floorShare: fc.integer({ min: 0, max: 100 }),
          capShare: fc.integer({ min: 100, max: 400 }),
          hasFloor: fc.boolean(),
          hasCap: fc.boolean(),
        })
        .map((bounds) => ({ members, ...bounds })),
    );
    fc.assert(
      fc.property(arb, ({ members, totalCents, floorShare, capShare, hasFloor, hasCap }) => {
        // Positive weights, floors and caps that the total can meet: always computable.
        const weighted = members.map((member) => ({
          ...member,
          populations: [{ basis: "total" as const, year: POPULATION_YEAR, inhabitants: populationOf(member) + 1 }],
        }));
        const even = totalCents / weighted.length;
        const floorCents = hasFloor ? Math.floor((even * floorShare) / 100) : undefined;
        const capCents = hasCap ? Math.ceil((even * capShare) / 100) : undefined;
        const lines = baseLines(
          computeShares({ pricing: splitPricing(totalCents, { floorCents, capCents }), year: YEAR, members: weighted })
            .lines,
        );
        expect(lines.reduce((sum, line) => sum + line.grossCents, 0)).toBe(totalCents);
        for (const line of lines) {
          if (floorCents !== undefined) expect(line.grossCents).toBeGreaterThanOrEqual(floorCents);
          if (capCents !== undefined) expect(line.grossCents).toBeLessThanOrEqual(capCents);
        }
      }),
      RUNS,
    );
  });

  it("balances every line and the whole: gross = net + subsidy, amount to share = net + subsidies + gaps", () => {
    const arb = fc.record({
      members: membersArb(1, 20),
      totalCents: amountArb,
      namedCents: fc.integer({ min: 0, max: 10_000_000 }),
      rateMillicents: fc.integer({ min: 0, max: 2_000_000 }),
      flatCents: fc.integer({ min: 0, max: 1_000_000 }),
      subsidyBasisPoints: fc.integer({ min: 0, max: 10_000 }),
      optionSubsidy: fc.integer({ min: 0, max: 10_000 }),
      proration: fc.constantFrom("none", "month", "day"),
    });
    fc.assert(
      fc.property(arb, (input) => {
        const { members } = input;
        const [named, ...others] = members;
        fc.pre(named !== undefined && (others.some((m) => populationOf(m) > 0) || input.totalCents === 0));
        const totalCents = input.totalCents + input.namedCents;
        const pricing = pricingSchema.parse({
          kind: "shares",
          population: { basis: "total", year: POPULATION_YEAR },
          proration: input.proration,
          base: {
            parts: [
              { kind: "flat", amountCents: input.flatCents },
              {
                kind: "split",
                totalCents,
                weight: { kind: "population" },
                namedContributors: [{ siren: named.siren, amountCents: input.namedCents }],
              },
              { kind: "perUnitRate", unit: "agents", unitLabel: "agents", rateMillicents: input.rateMillicents },
            ],
            subsidyBasisPoints: input.subsidyBasisPoints,
          },
          options: [
            {
              key: "sig",
              label: "SIG",
              parts: [
                { kind: "perCapitaRate", rateMillicents: input.rateMillicents },
                {
                  kind: "bands",
                  bands: [
                    { minInhabitants: 0, maxInhabitants: 10_000, amountCents: 10_001 },
                    { minInhabitants: 10_000, maxInhabitants: null, amountCents: 50_001 },
                  ],
                },
              ],
              subsidyBasisPoints: input.optionSubsidy,
            },
          ],
        } satisfies PricingInput);
        const result = computeShares({ pricing, year: YEAR, members });
        expect(checkBalance(result)).toEqual([]);
        const { totals } = result;
        for (const line of result.lines) expect(line.grossCents).toBe(line.netCents + line.subsidyCents);
        // Stated independently of the computation: flat × n + the split total + Σ rounded rates + bands of the option.
        const chosen = members.filter((member) => member.options?.includes("sig"));
        const halfUp = (a: bigint, divisor: bigint) => Number((a * 2n + divisor) / (2n * divisor));
        const expected =
          input.flatCents * members.length +
          totalCents +
          members.reduce(
            (sum, m) => sum + halfUp(BigInt(input.rateMillicents) * BigInt(m.units?.agents ?? 0), 100_000n),
            0,
          ) +
          chosen.reduce(
            (sum, m) =>
              sum +
              halfUp(BigInt(input.rateMillicents) * BigInt(populationOf(m)), 1000n) +
              (populationOf(m) < 10_000 ? 10_001 : 50_001),
            0,
          );
        expect(totals.amountToShareCents).toBe(expected);
        expect(totals.netCents + totals.subsidyCents + totals.operatorCostKeyCents + totals.prorationGapCents).toBe(
          expected,
        );
        if (input.proration === "none") expect(totals.prorationGapCents).toBe(0);
      }),
      RUNS,
    );
  });

  it("cost keys: each charge shared exactly, the operator's part apart", () => {
    const arb = fc
      .uniqueArray(fc.integer({ min: 0, max: 99_999_999 }), { minLength: 1, maxLength: 8 })
      .chain((prefixes) =>
        fc.record({
          prefixes: fc.constant(prefixes),
          cuts: fc.array(fc.integer({ min: 0, max: 10_000 }), {
            minLength: prefixes.length - 1,
            maxLength: prefixes.length - 1,
          }),
          operator: fc.integer({ min: -1, max: prefixes.length - 1 }),
          directCents: amountArb,
          indirectCents: amountArb,
        }),
      );
    fc.assert(
      fc.property(arb, ({ prefixes, cuts, operator, directCents, indirectCents }) => {
        const bounds = [0, ...[...cuts].sort((a, b) => a - b), 10_000];
        const keys = prefixes.map((prefix, index) => ({
          siren: sirenFrom(prefix),
          basisPoints: (bounds[index + 1] as number) - (bounds[index] as number),
          operator: index === operator,
        }));
        const members = prefixes.map((prefix) => ({
          organisationId: `${prefix}`,
          siren: sirenFrom(prefix),
          name: `${prefix}`,
        }));
        const result = computeShares({
          pricing: pricingSchema.parse({ kind: "costKey", keys }),
          year: YEAR,
          members,
          actualCost: { half: 1, directCents, indirectCents },
        });
        expect(checkBalance(result)).toEqual([]);
        const parts = result.lines.map(
          (line) => line.explanation.parts[0] as Extract<PartExplanation, { kind: "costKey" }>,
        );
        expect(parts.reduce((sum, part) => sum + part.direct.cents, 0)).toBe(directCents);
        expect(parts.reduce((sum, part) => sum + part.indirect.cents, 0)).toBe(indirectCents);
        const operatorLine = result.lines.find((line) => !line.invoiced);
        expect(result.totals.operatorCostKeyCents).toBe(operatorLine?.grossCents ?? 0);
      }),
      RUNS,
    );
  });

  it("names the member rather than counting a missing population as zero", () => {
    fc.assert(
      fc.property(membersArb(1, 10), fc.nat(), (members, pick) => {
        const victim = members[pick % members.length] as MemberInput;
        const damaged = members.map((m) => (m === victim ? { ...m, populations: [] } : m));
        try {
          computeShares({ pricing: splitPricing(1_000), year: YEAR, members: damaged });
        } catch (error) {
          return (
            error instanceof AllocationError &&
            error.code === "missingPopulation" &&
            error.member?.siren === victim.siren
          );
        }
        return false;
      }),
      RUNS,
    );
  });
});
