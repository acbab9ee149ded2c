import { describe, expect, it } from "vitest";
import { isValidSiren } from "../siren.ts";
import { type AllocationInput, checkBalance, computeShares, type MemberInput, type ShareLine } from "./compute.ts";
import { AllocationError } from "./errors.ts";
import { type PricingInput, pricingSchema } from "./pricing-schema.ts";

// Golden cases: every expected cent is computed by hand in the comments, never by the code under test.

const YEAR = 2025;
const POPULATION_YEAR = 2024;

const COMMUNES = {
  metropole: { siren: "243400017", name: "Montpellier Méditerranée Métropole", total: 0 },
  montpellier: { siren: "213401722", name: "Montpellier", total: 310_611 },
  castelnau: { siren: "213400575", name: "Castelnau-le-Lez", total: 25_843 },
  lattes: { siren: "213401292", name: "Lattes", total: 17_789 },
  juvignac: { siren: "213401235", name: "Juvignac", total: 13_893 },
  saintJean: { siren: "213402704", name: "Saint-Jean-de-Védas", total: 13_460 },
  saussan: { siren: "213402951", name: "Saussan", total: 1_950 },
  montaud: { siren: "213401649", name: "Montaud", total: 1_035 },
} as const;

type Commune = keyof typeof COMMUNES;

function member(key: Commune, extra: Partial<MemberInput> = {}): MemberInput {
  const { siren, name, total } = COMMUNES[key];
  return {
    organisationId: `org-${key}`,
    siren,
    name,
    populations: [{ basis: "total", year: POPULATION_YEAR, inhabitants: total }],
    ...extra,
  };
}

const pricing = (input: PricingInput) => pricingSchema.parse(input);

function compute(input: Omit<AllocationInput, "year"> & { year?: number }) {
  const result = computeShares({ year: YEAR, ...input });
  expect(checkBalance(result)).toEqual([]);
  return result;
}

const bySiren = (lines: ShareLine[]) => Object.fromEntries(lines.map((line) => [line.siren, line.grossCents]));

function thrown(run: () => unknown): AllocationError {
  try {
    run();
  } catch (error) {
    if (error instanceof AllocationError) return error;
    throw error;
  }
  throw new Error("no AllocationError thrown");
}

const perCapita = { basis: "total", year: POPULATION_YEAR } as const;

describe("golden cases", () => {
  it("uses real SIRENs", () => {
    for (const { siren } of Object.values(COMMUNES)) expect(isValidSiren(siren)).toBe(true);
  });

  // e-administration: 13 422,00 € of which Montpellier pays 9 333,00 €; 4 089,00 € = 408 900 cents per capita.
  // Weights 25 843 + 17 789 + 13 893 + 13 460 = 70 985.
  //   Castelnau   408 900 × 25 843 / 70 985 = 148 865,291 -> 148 865 (remainder 20 675 / 70 985)
  //   Lattes      408 900 × 17 789 / 70 985 = 102 471,256 -> 102 471 (remainder 18 165)
  //   Juvignac    408 900 × 13 893 / 70 985 =  80 028,847 ->  80 028 (remainder 60 120)
  //   St-Jean     408 900 × 13 460 / 70 985 =  77 534,606 ->  77 534 (remainder 43 010)
  // floors sum to 408 898: the 2 cents left go to the two largest remainders, Juvignac and Saint-Jean.
  const eAdministration = pricing({
    kind: "shares",
    population: perCapita,
    base: {
      parts: [
        {
          kind: "split",
          totalCents: 1_342_200,
          weight: { kind: "population" },
          namedContributors: [{ siren: "213401722", amountCents: 933_300 }],
        },
      ],
    },
  });
  const eAdministrationMembers = [
    member("saintJean"),
    member("montpellier"),
    member("lattes"),
    member("juvignac"),
    member("castelnau"),
  ];

  it("takes the ville-centre's fixed part off first, the others share 4 089,00 € by population", () => {
    const { lines, totals } = compute({ pricing: eAdministration, members: eAdministrationMembers });
    expect(bySiren(lines)).toEqual({
      "213401722": 933_300,
      "213400575": 148_865,
      "213401292": 102_471,
      "213401235": 80_029,
      "213402704": 77_535,
    });
    expect(totals.amountToShareCents).toBe(1_342_200);
    expect(lines.filter((line) => line.siren !== "213401722").reduce((sum, line) => sum + line.grossCents, 0)).toBe(
      408_900,
    );
    const juvignac = lines.find((line) => line.siren === "213401235");
    expect(juvignac?.explanation.parts[0]).toMatchObject({
      kind: "split",
      amountToSplitCents: 408_900,
      namedContributors: [{ siren: "213401722", name: "Montpellier", amountCents: 933_300 }],
      weight: { kind: "population", population: { basis: "total", year: 2024, inhabitants: 13_893 }, value: 13_893 },
      totalWeight: 70_985,
      roundingCent: true,
    });
    expect(lines.find((line) => line.siren === "213401292")?.explanation.parts[0]).toMatchObject({
      roundingCent: false,
    });
    expect(lines.find((line) => line.siren === "213401722")?.explanation.parts[0]).toEqual({
      kind: "namedContributor",
      totalCents: 1_342_200,
      cents: 933_300,
    });
  });

  // e-services: 58 032,00 € = 5 803 200 cents per capita, 50 % paid by the metropolis.
  // Weights 310 611 + 25 843 + 17 789 + 13 893 = 368 136.
  //   Montpellier 5 803 200 × 310 611 / 368 136 = 4 896 390,886 -> 4 896 390 (remainder 326 160)
  //   Castelnau   5 803 200 ×  25 843 / 368 136 =   407 382,320 ->   407 382 (remainder 117 648)
  //   Lattes      5 803 200 ×  17 789 / 368 136 =   280 421,162 ->   280 421 (remainder  59 544)
  //   Juvignac    5 803 200 ×  13 893 / 368 136 =   219 005,633 ->   219 005 (remainder 232 920)
  // floors sum to 5 803 198: +1 cent to Montpellier and Juvignac.
  // Subsidy round_half_up(gross × 50 %): 4 896 391 -> 2 448 195,5 -> 2 448 196, net 2 448 195;
  // 407 382 -> 203 691, net 203 691; 280 421 -> 140 210,5 -> 140 211, net 140 210; 219 006 -> 109 503, net 109 503.
  it("splits a per-capita total and takes the operator's 50 % off each share, half a cent rounded up", () => {
    const { lines, totals } = compute({
      pricing: pricing({
        kind: "shares",
        population: perCapita,
        base: {
          parts: [{ kind: "split", totalCents: 5_803_200, weight: { kind: "population" } }],
          subsidyBasisPoints: 5000,
        },
      }),
      members: [member("juvignac"), member("castelnau"), member("montpellier"), member("lattes")],
    });
    const figures = Object.fromEntries(
      lines.map((line) => [line.siren, [line.grossCents, line.subsidyCents, line.netCents]]),
    );
    expect(figures).toEqual({
      "213401722": [4_896_391, 2_448_196, 2_448_195],
      "213400575": [407_382, 203_691, 203_691],
      "213401292": [280_421, 140_211, 140_210],
      "213401235": [219_006, 109_503, 109_503],
    });
    expect(totals).toMatchObject({ grossCents: 5_803_200, subsidyCents: 2_901_601, netCents: 2_901_599 });
  });

  // Shared department: 57,76 % for the metropolis (the operator), 42,24 % for the ville-centre.
  it("applies a cost key to a half-year's actual cost, the operator's part shown but not invoiced", () => {
    const costKey = pricing({
      kind: "costKey",
      keys: [
        { siren: "243400017", basisPoints: 5776, operator: true },
        { siren: "213401722", basisPoints: 4224 },
      ],
    });
    const members = [member("montpellier"), member("metropole")];
    // 100 000,00 € = 10 000 000 cents: 5 776 000 and 4 224 000 exactly.
    const whole = compute({
      pricing: costKey,
      members,
      actualCost: { half: 1, directCents: 10_000_000, indirectCents: 0 },
    });
    expect(whole.lines.map((line) => [line.siren, line.grossCents, line.netCents, line.invoiced])).toEqual([
      ["213401722", 4_224_000, 4_224_000, true],
      ["243400017", 5_776_000, 5_776_000, false],
    ]);
    expect(whole.totals).toMatchObject({
      amountToShareCents: 10_000_000,
      netCents: 4_224_000,
      operatorCostKeyCents: 5_776_000,
    });

    // Direct 83 333,33 € + indirect 16 666,67 €, each split on its own:
    //   direct   8 333 333 × 57,76 % = 4 813 333,1408 -> 4 813 333; × 42,24 % = 3 519 999,8592 -> 3 520 000 (+1 cent)
    //   indirect 1 666 667 × 57,76 % =   962 666,8592 ->   962 667 (+1 cent); × 42,24 % = 704 000,1408 -> 704 000
    // totals: 4 813 333 + 962 667 = 5 776 000 and 3 520 000 + 704 000 = 4 224 000.
    const split = compute({
      pricing: costKey,
      members,
      actualCost: { half: 2, directCents: 8_333_333, indirectCents: 1_666_667 },
    });
    expect(split.lines.map((line) => line.explanation.parts[0])).toEqual([
      {
        kind: "costKey",
        basisPoints: 4224,
        operator: false,
        direct: { totalCents: 8_333_333, cents: 3_520_000, roundingCent: true },
        indirect: { totalCents: 1_666_667, cents: 704_000, roundingCent: false },
        cents: 4_224_000,
      },
      {
        kind: "costKey",
        basisPoints: 5776,
        operator: true,
        direct: { totalCents: 8_333_333, cents: 4_813_333, roundingCent: false },
        indirect: { totalCents: 1_666_667, cents: 962_667, roundingCent: true },
        cents: 5_776_000,
      },
    ]);
    expect(split.lines[0]?.item).toEqual({ kind: "costKey", year: 2025, half: 2 });
  });

  it("charges 100,00 € per agent followed: 37 agents, 3 700,00 €; units to the hundredth at a sub-cent rate", () => {
    const { lines } = compute({
      pricing: pricing({
        kind: "shares",
        base: {
          parts: [{ kind: "perUnitRate", unit: "agents", unitLabel: "agents suivis", rateMillicents: 10_000_000 }],
        },
      }),
      members: [member("lattes", { units: { agents: 3_700 } })],
    });
    // 10 000 000 millicents × 37,00 agents = 370 000 000 millicents = 370 000 cents.
    expect(lines[0]?.grossCents).toBe(370_000);

    // 1 439,5 m² at 0,125 €/m² = 179,9375 € -> 179,94 € (17 993,75 cents rounded half up).
    const surface = compute({
      pricing: pricing({
        kind: "shares",
        base: { parts: [{ kind: "perUnitRate", unit: "m2", unitLabel: "m²", rateMillicents: 12_500 }] },
      }),
      members: [member("lattes", { units: { m2: 143_950 } })],
    });
    expect(surface.lines[0]?.grossCents).toBe(17_994);
  });

  it("prices by population band, [min, max) half-open", () => {
    const bands = pricing({
      kind: "shares",
      population: perCapita,
      base: {
        parts: [
          {
            kind: "bands",
            bands: [
              { minInhabitants: 0, maxInhabitants: 2_000, amountCents: 50_000 },
              { minInhabitants: 2_000, maxInhabitants: 15_000, amountCents: 150_000 },
              { minInhabitants: 15_000, maxInhabitants: null, amountCents: 400_000 },
            ],
          },
        ],
      },
    });
    const exactlyTwoThousand = member("saussan", {
      populations: [{ basis: "total", year: POPULATION_YEAR, inhabitants: 2_000 }],
    });
    const { lines } = compute({
      pricing: bands,
      members: [
        member("saussan"),
        member("juvignac"),
        member("castelnau"),
        { ...exactlyTwoThousand, siren: "213402498", name: "Saint-Drézéry" },
      ],
    });
    // Saussan 1 950 -> [0 ; 2 000): 500,00; 2 000 -> [2 000 ; 15 000): 1 500,00; Juvignac 13 893 -> 1 500,00;
    // Castelnau 25 843 -> [15 000 ; ∞): 4 000,00.
    expect(bySiren(lines)).toEqual({
      "213402951": 50_000,
      "213402498": 150_000,
      "213401235": 150_000,
      "213400575": 400_000,
    });
  });

  // Membership at 1,10 € per inhabitant plus a 200,00 € flat fee, 0,125 € per inhabitant for an option.
  it("adds a fixed part and a variable part, options priced on their own for those who chose them", () => {
    const { lines } = compute({
      pricing: pricing({
        kind: "shares",
        population: perCapita,
        base: {
          parts: [
            { kind: "flat", amountCents: 20_000 },
            { kind: "perCapitaRate", rateMillicents: 110_000 },
          ],
        },
        options: [
          {
            key: "parapheur",
            label: "Parapheur électronique",
            parts: [{ kind: "perCapitaRate", rateMillicents: 12_500 }],
            subsidyBasisPoints: 2500,
          },
        ],
      }),
      members: [member("castelnau"), member("juvignac", { options: ["parapheur"] })],
    });
    // Castelnau: 20 000 + 25 843 × 110 cents = 20 000 + 2 842 730 = 2 862 730.
    // Juvignac:  20 000 + 13 893 × 110 cents = 20 000 + 1 528 230 = 1 548 230;
    // option: 13 893 × 12,5 cents = 173 662,5 -> 173 663; subsidy 25 %: 43 415,75 -> 43 416, net 130 247.
    expect(lines.map((line) => [line.siren, line.item, line.grossCents, line.subsidyCents, line.netCents])).toEqual([
      ["213400575", { kind: "base" }, 2_862_730, 0, 2_862_730],
      ["213401235", { kind: "base" }, 1_548_230, 0, 1_548_230],
      ["213401235", { kind: "option", key: "parapheur", label: "Parapheur électronique" }, 173_663, 43_416, 130_247],
    ]);
  });

  // 15 000,00 € by population among five communes, floor 800,00 €, cap 5 000,00 €.
  // Round 1 (weights 60 510): Castelnau 6 406,30 (1 406,30 over the cap); Saussan 483,39 and Montaud 256,57
  //   (860,04 under the floor in all): the caps are further out, Castelnau is fixed at 5 000,00.
  // Round 2 (10 000,00 over 34 667): Lattes 5 131,39 (131,39 over), Saussan 562,49 and Montaud 298,56
  //   (738,95 under): the floors are further out, Saussan and Montaud are fixed at 800,00.
  // Round 3 (8 400,00 over 31 682): Juvignac 840 000 × 13 893 / 31 682 = 368 351,745 -> 368 351,
  //   Lattes 840 000 × 17 789 / 31 682 = 471 648,254 -> 471 648; the cent left goes to Juvignac: 368 352.
  // Total 500 000 + 471 648 + 368 352 + 80 000 + 80 000 = 1 500 000.
  it("applies floors and caps and redistributes the difference among the others until stable", () => {
    const { lines } = compute({
      pricing: pricing({
        kind: "shares",
        population: perCapita,
        base: {
          parts: [
            {
              kind: "split",
              totalCents: 1_500_000,
              weight: { kind: "population" },
              floorCents: 80_000,
              capCents: 500_000,
            },
          ],
        },
      }),
      members: [member("montaud"), member("saussan"), member("juvignac"), member("lattes"), member("castelnau")],
    });
    expect(bySiren(lines)).toEqual({
      "213400575": 500_000,
      "213401292": 471_648,
      "213401235": 368_352,
      "213402951": 80_000,
      "213401649": 80_000,
    });
    const explained = Object.fromEntries(lines.map((line) => [line.siren, line.explanation.parts[0]]));
    // First-round shares (60 510): Castelnau 640 629,648 -> 640 630, Saussan 48 339,118 -> 48 339, Lattes 440 977,
    // Juvignac 344 397,620 -> 344 397 (no extra cent: the 3 cents went to .648, .698 and .916).
    expect(explained["213400575"]).toMatchObject({
      adjustment: { kind: "cap", limitCents: 500_000, beforeCents: 640_630 },
    });
    expect(explained["213402951"]).toMatchObject({
      adjustment: { kind: "floor", limitCents: 80_000, beforeCents: 48_339 },
    });
    expect(explained["213401235"]).toMatchObject({
      roundingCent: true,
      adjustment: { kind: "redistribution", beforeCents: 344_397, amountSplitCents: 840_000, totalWeight: 31_682 },
    });
  });

  it("just clamps a rate-based part: no total to preserve", () => {
    const { lines } = compute({
      pricing: pricing({
        kind: "shares",
        population: perCapita,
        base: { parts: [{ kind: "perCapitaRate", rateMillicents: 110_000, floorCents: 250_000, capCents: 2_000_000 }] },
      }),
      members: [member("montaud"), member("juvignac"), member("castelnau")],
    });
    // Montaud 1 035 × 1,10 = 1 138,50 -> floor 2 500,00; Juvignac 13 893 × 1,10 = 15 282,30;
    // Castelnau 25 843 × 1,10 = 28 427,30 -> cap 20 000,00.
    expect(bySiren(lines)).toEqual({ "213401649": 250_000, "213401235": 1_528_230, "213400575": 2_000_000 });
  });

  describe("a member joining on 1 July 2025 (365 days)", () => {
    const late = member("juvignac", { presence: { from: "2025-07-01" } });
    const others = eAdministrationMembers.filter((m) => m.siren !== late.siren);
    const withProration = (proration: "day" | "month") => ({ ...eAdministration, proration });

    // Juvignac's full-year share is 80 029 (first golden case).
    // By day: 1 July to 31 December = 184 days; 80 029 × 184 / 365 = 40 343,386 -> 40 343, gap 39 686.
    it("pays 184/365 of its share by day, the gap borne by the operator, the others unchanged", () => {
      const { lines, totals } = compute({ pricing: withProration("day"), members: [...others, late] });
      expect(bySiren(lines)).toEqual({
        "213401722": 933_300,
        "213400575": 148_865,
        "213401292": 102_471,
        "213401235": 40_343,
        "213402704": 77_535,
      });
      expect(lines.find((line) => line.siren === late.siren)?.explanation.proration).toEqual({
        mode: "day",
        present: 184,
        inYear: 365,
        fullYearCents: 80_029,
        proratedCents: 40_343,
        gapCents: 39_686,
      });
      expect(totals.prorationGapCents).toBe(39_686);
    });

    // By month: present on the first day of July to December = 6 months; 80 029 × 6 / 12 = 40 014,5 -> 40 015.
    it("pays 6/12 by month, the others unchanged", () => {
      const { lines } = compute({ pricing: withProration("month"), members: [late, ...others] });
      expect(bySiren(lines)).toEqual({
        "213401722": 933_300,
        "213400575": 148_865,
        "213401292": 102_471,
        "213401235": 40_015,
        "213402704": 77_535,
      });
      expect(lines.find((line) => line.siren === late.siren)?.explanation.proration).toMatchObject({
        present: 6,
        inYear: 12,
        gapCents: 40_014,
      });
    });

    it("counts a month only when present on its first day, and the subsidy applies to the prorated gross", () => {
      const flat = pricing({
        kind: "shares",
        proration: "month",
        base: { parts: [{ kind: "flat", amountCents: 120_001 }], subsidyBasisPoints: 5000 },
      });
      const { lines } = compute({
        pricing: flat,
        members: [member("lattes", { presence: { from: "2025-07-02", to: "2025-10-15" } })],
      });
      // August, September, October: 3 months; 120 001 × 3 / 12 = 30 000,25 -> 30 000; subsidy 15 000, net 15 000.
      expect([lines[0]?.grossCents, lines[0]?.subsidyCents, lines[0]?.netCents]).toEqual([30_000, 15_000, 15_000]);
    });
  });

  // Equal parts of 1,00 € among three: 33 cents each and one cent left, all remainders equal (1/3):
  // the smallest SIREN, 213400575 (Castelnau), gets it, whatever the input order.
  it("breaks ties by SIREN ascending, whatever the input order", () => {
    const equal = pricing({
      kind: "shares",
      base: { parts: [{ kind: "split", totalCents: 100, weight: { kind: "equal" } }] },
    });
    const members = [member("montpellier"), member("lattes"), member("castelnau")];
    for (const order of [members, [...members].reverse(), [members[1], members[2], members[0]] as MemberInput[]]) {
      expect(bySiren(compute({ pricing: equal, members: order }).lines)).toEqual({
        "213400575": 34,
        "213401292": 33,
        "213401722": 33,
      });
    }
    // Same population, same tie: Lattes (213401292) before Montpellier (213401722).
    const samePopulation = [
      member("montpellier", { populations: [{ basis: "total", year: POPULATION_YEAR, inhabitants: 1_000 }] }),
      member("lattes", { populations: [{ basis: "total", year: POPULATION_YEAR, inhabitants: 1_000 }] }),
    ];
    const perPopulation = pricing({
      kind: "shares",
      population: perCapita,
      base: { parts: [{ kind: "split", totalCents: 101, weight: { kind: "population" } }] },
    });
    expect(bySiren(compute({ pricing: perPopulation, members: samePopulation }).lines)).toEqual({
      "213401292": 51,
      "213401722": 50,
    });
  });

  it("gives nothing to share when nobody subscribed", () => {
    const { lines, totals } = compute({
      pricing: pricing({
        kind: "shares",
        base: { parts: [{ kind: "split", totalCents: 100, weight: { kind: "equal" } }] },
      }),
      members: [],
    });
    expect(lines).toEqual([]);
    expect(totals.amountToShareCents).toBe(0);
  });

  it("gives a free offer a zero line per member", () => {
    const { lines, totals } = compute({
      pricing: pricing({ kind: "shares", base: { parts: [{ kind: "free" }] } }),
      members: [member("lattes")],
    });
    expect(lines[0]).toMatchObject({ grossCents: 0, subsidyCents: 0, netCents: 0 });
    expect(totals.amountToShareCents).toBe(0);
  });

  it("stays exact past 2^53: 90 000 000 000,00 € over France's population", () => {
    // 9 × 10^12 cents × 310 611 ≈ 2,8 × 10^18: BigInt territory. Weights 310 611 + 25 843 = 336 454.
    // Montpellier 9 000 000 000 000 × 310 611 / 336 454 = 8 308 710 849 031 remainder 123 926;
    // Castelnau   9 000 000 000 000 ×  25 843 / 336 454 =   691 289 150 968 remainder 212 528 (+1, the larger).
    const { lines } = compute({
      pricing: pricing({
        kind: "shares",
        population: perCapita,
        base: { parts: [{ kind: "split", totalCents: 9_000_000_000_000, weight: { kind: "population" } }] },
      }),
      members: [member("montpellier"), member("castelnau")],
    });
    expect(bySiren(lines)).toEqual({ "213401722": 8_308_710_849_031, "213400575": 691_289_150_969 });
  });
});

describe("errors name what is missing", () => {
  const perCapitaSplit = pricing({
    kind: "shares",
    population: perCapita,
    base: { parts: [{ kind: "split", totalCents: 100_000, weight: { kind: "population" } }] },
  });

  it("a member without the population figure of the pricing's basis and year", () => {
    const error = thrown(() =>
      computeShares({
        pricing: perCapitaSplit,
        year: YEAR,
        members: [
          member("lattes"),
          member("juvignac", { populations: [{ basis: "municipal", year: POPULATION_YEAR, inhabitants: 13_776 }] }),
        ],
      }),
    );
    expect(error.code).toBe("missingPopulation");
    expect(error.message).toBe("Population totale 2024 inconnue pour Juvignac (SIREN 213401235).");
    expect(error.member).toEqual({ name: "Juvignac", siren: "213401235" });
  });

  it("a member in no band", () => {
    const error = thrown(() =>
      computeShares({
        pricing: pricing({
          kind: "shares",
          population: perCapita,
          base: {
            parts: [{ kind: "bands", bands: [{ minInhabitants: 0, maxInhabitants: 20_000, amountCents: 100 }] }],
          },
        }),
        year: YEAR,
        members: [member("castelnau")],
      }),
    );
    expect(error.code).toBe("noBand");
    expect(error.message).toBe(
      "Castelnau-le-Lez (SIREN 213400575), 25\u202f843 hab., n'entre dans aucune tranche de population.",
    );
  });

  it("units missing where the pricing needs them", () => {
    const error = thrown(() =>
      computeShares({
        pricing: pricing({
          kind: "shares",
          base: {
            parts: [
              { kind: "split", totalCents: 10_000, weight: { kind: "units", unit: "licences", unitLabel: "licences" } },
            ],
          },
        }),
        year: YEAR,
        members: [member("lattes", { units: { licences: 500 } }), member("saussan", { units: { agents: 300 } })],
      }),
    );
    expect(error.code).toBe("missingUnits");
    expect(error.message).toBe("Saussan (SIREN 213402951) n'a rien déclaré pour « licences ».");
  });

  it("a cost-key organisation that is not given, a member not in the key, no actual cost", () => {
    const costKey = pricing({
      kind: "costKey",
      keys: [
        { siren: "243400017", basisPoints: 5776, operator: true },
        { siren: "213401722", basisPoints: 4224 },
      ],
    });
    const actualCost = { half: 1 as const, directCents: 100, indirectCents: 0 };
    const missing = thrown(() =>
      computeShares({ pricing: costKey, year: YEAR, members: [member("metropole")], actualCost }),
    );
    expect(missing.code).toBe("costKeyOrganisationMissing");
    expect(missing.message).toBe("L'organisation 213401722 de la clé de répartition n'est pas fournie.");
    const stranger = thrown(() =>
      computeShares({
        pricing: costKey,
        year: YEAR,
        members: [member("metropole"), member("montpellier"), member("lattes")],
        actualCost,
      }),
    );
    expect(stranger.message).toBe("Lattes (SIREN 213401292) n'a pas de part dans la clé de répartition.");
    expect(thrown(() => computeShares({ pricing: costKey, year: YEAR, members: [] })).code).toBe("missingActualCost");
  });

  it("all weights zero with a non-zero amount", () => {
    const error = thrown(() =>
      computeShares({
        pricing: pricing({
          kind: "shares",
          base: {
            parts: [
              { kind: "split", totalCents: 10_000, weight: { kind: "units", unit: "agents", unitLabel: "agents" } },
            ],
          },
        }),
        year: YEAR,
        members: [member("lattes", { units: { agents: 0 } }), member("saussan", { units: { agents: 0 } })],
      }),
    );
    expect(error.code).toBe("zeroWeights");
    expect(error.message).toBe("Impossible de répartir 100,00\u00a0€ : tous les poids sont nuls.");
  });

  it("floors that cannot be met within the total, caps that cannot cover it", () => {
    const bounded = (floorCents: number | undefined, capCents: number | undefined) =>
      pricing({
        kind: "shares",
        population: perCapita,
        base: { parts: [{ kind: "split", totalCents: 100_000, weight: { kind: "population" }, floorCents, capCents }] },
      });
    const members = [member("lattes"), member("saussan"), member("montaud")];
    const floors = thrown(() => computeShares({ pricing: bounded(40_000, undefined), year: YEAR, members }));
    expect(floors.code).toBe("floorsExceedTotal");
    expect(floors.message).toBe(
      "Les planchers (3 × 400,00\u00a0€) dépassent le montant à répartir (1\u202f000,00\u00a0€).",
    );
    const caps = thrown(() => computeShares({ pricing: bounded(undefined, 30_000), year: YEAR, members }));
    expect(caps.code).toBe("capsBelowTotal");
    expect(caps.message).toBe(
      "Les plafonds (3 × 300,00\u00a0€) ne couvrent pas le montant à répartir (1\u202f000,00\u00a0€).",
    );
  });

  it("a named contributor that is not a member, an unknown option, a member twice, bad dates", () => {
    const named = thrown(() =>
      computeShares({
        pricing: pricing({
          kind: "shares",
          base: {
            parts: [
              {
                kind: "split",
                totalCents: 1_000,
                weight: { kind: "equal" },
                namedContributors: [{ siren: "213401722", amountCents: 500 }],
              },
            ],
          },
        }),
        year: YEAR,
        members: [member("lattes")],
      }),
    );
    expect(named.message).toBe(
      "Le contributeur nommé 213401722 (part fixe de 5,00\u00a0€) n'est pas parmi les membres.",
    );
    const flat = pricing({ kind: "shares", proration: "day", base: { parts: [{ kind: "flat", amountCents: 100 }] } });
    const option = thrown(() =>
      computeShares({ pricing: flat, year: YEAR, members: [member("lattes", { options: ["sig"] })] }),
    );
    expect(option.message).toBe("Lattes (SIREN 213401292) a choisi l'option « sig », absente de la tarification.");
    const twice = thrown(() =>
      computeShares({ pricing: flat, year: YEAR, members: [member("lattes"), member("lattes")] }),
    );
    expect(twice.message).toBe("Lattes (SIREN 213401292) figure deux fois parmi les membres.");
    const dates = thrown(() =>
      computeShares({ pricing: flat, year: YEAR, members: [member("lattes", { presence: { from: "2025-02-30" } })] }),
    );
    expect(dates.message).toBe("Dates de présence invalides pour Lattes (SIREN 213401292) : 2025-02-30 au ….");
    const absent = thrown(() =>
      computeShares({ pricing: flat, year: YEAR, members: [member("lattes", { presence: { to: "2024-12-31" } })] }),
    );
    expect(absent.message).toBe("Lattes (SIREN 213401292) n'est pas présent en 2025.");
  });
});
