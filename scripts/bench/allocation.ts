import { createRequire } from "node:module";
import { resourceUsage } from "node:process";
import {
  type AllocationInput,
  checkBalance,
  computeShares,
  type MemberInput,
} from "../../app/domain/allocation/compute.ts";
import { explainLineFr } from "../../app/domain/allocation/explain-fr.ts";
import { type PricingInput, type PricingPartInput, pricingSchema } from "../../app/domain/allocation/pricing-schema.ts";

type SplitInput = Extract<PricingPartInput, { kind: "split" }>;

// Benchmark: the allocation core on every French EPCI as a cooperative (1,255 of them, their ~35,000 communes
// with their real populations), 20 offers each in a mix of models. Prints figures; asserts nothing on time.

interface Epci {
  code: string;
  nom: string;
  membres: { code: string; siren: string; nom: string; populationTotale: number; populationMunicipale: number }[];
}
const epcis = createRequire(import.meta.url)("@etalab/decoupage-administratif/data/epci.json") as Epci[];

let seed = 42;
const random = () => {
  // mulberry32: the same inputs on every run
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};

const YEAR = 2025;
const population = { basis: "total", year: 2024 } as const;
const bands = [
  { minInhabitants: 0, maxInhabitants: 2_000, amountCents: 50_000 },
  { minInhabitants: 2_000, maxInhabitants: 10_000, amountCents: 150_000 },
  { minInhabitants: 10_000, maxInhabitants: 50_000, amountCents: 400_000 },
  { minInhabitants: 50_000, maxInhabitants: null, amountCents: 900_000 },
];

function offers(epci: Epci): PricingInput[] {
  const biggest = [...epci.membres].sort((a, b) => b.populationTotale - a.populationTotale)[0];
  const named = biggest ? [{ siren: biggest.siren, amountCents: 933_300 }] : [];
  const total = (euros: number) => euros * 100 + Math.floor(random() * 100_000);
  const split = (weight: SplitInput["weight"], extra: Partial<SplitInput> = {}): SplitInput => ({
    kind: "split",
    totalCents: total(40_000),
    weight,
    ...extra,
  });
  return [
    ...[0, 1, 2].map(() => ({
      kind: "shares" as const,
      population,
      base: {
        parts: [split({ kind: "population" }, { totalCents: total(60_000), namedContributors: named })],
        subsidyBasisPoints: 5000,
      },
    })),
    ...[0, 1].map(() => ({
      kind: "shares" as const,
      population,
      base: { parts: [split({ kind: "population" }, { floorCents: 5_000, capCents: 5_000_000 })] },
    })),
    ...[0, 1, 2].map(() => ({
      kind: "shares" as const,
      population,
      proration: "day" as const,
      base: { parts: [{ kind: "perCapitaRate" as const, rateMillicents: 110_000, floorCents: 10_000 }] },
    })),
    ...[0, 1].map(() => ({
      kind: "shares" as const,
      population,
      base: { parts: [{ kind: "flat" as const, amountCents: 120_000 }] },
      options: [
        { key: "parapheur", label: "Parapheur", parts: [{ kind: "perCapitaRate" as const, rateMillicents: 12_500 }] },
        { key: "sig", label: "SIG", parts: [split({ kind: "population" })], subsidyBasisPoints: 2500 },
      ],
    })),
    ...[0, 1].map(() => ({
      kind: "shares" as const,
      population,
      proration: "month" as const,
      base: {
        parts: [
          { kind: "bands" as const, bands },
          { kind: "perCapitaRate" as const, rateMillicents: 50_000 },
        ],
      },
    })),
    ...[0, 1].map(() => ({
      kind: "shares" as const,
      base: {
        parts: [
          { kind: "perUnitRate" as const, unit: "agents", unitLabel: "agents suivis", rateMillicents: 10_000_000 },
        ],
      },
    })),
    ...[0, 1].map(() => ({
      kind: "shares" as const,
      base: { parts: [split({ kind: "units", unit: "agents", unitLabel: "agents" })], subsidyBasisPoints: 3000 },
    })),
    { kind: "shares" as const, base: { parts: [{ kind: "free" as const }] } },
    { kind: "shares" as const, proration: "day" as const, base: { parts: [split({ kind: "equal" })] } },
    {
      kind: "shares" as const,
      population,
      base: { parts: [{ kind: "flat" as const, amountCents: 20_000 }, split({ kind: "population" })] },
    },
  ];
}

const inputs: AllocationInput[] = [];
let parseMs = 0;
for (const epci of epcis) {
  const members: MemberInput[] = epci.membres.map((commune) => {
    const joinsLate = random() < 0.05;
    return {
      organisationId: commune.code,
      siren: commune.siren,
      name: commune.nom,
      populations: [
        { basis: "total", year: 2024, inhabitants: commune.populationTotale },
        { basis: "municipal", year: 2024, inhabitants: commune.populationMunicipale },
      ],
      units: { agents: 100 + Math.floor(random() * Math.max(1, commune.populationTotale / 10)) * 100 },
      ...(joinsLate ? { presence: { from: `${YEAR}-0${1 + Math.floor(random() * 9)}-01` } } : {}),
    };
  });
  const biggest = [...epci.membres].sort((a, b) => b.populationTotale - a.populationTotale)[0]?.siren;
  for (const offer of offers(epci)) {
    const started = performance.now();
    const pricing = pricingSchema.parse(offer);
    parseMs += performance.now() - started;
    // The ville-centre, a named contributor of some offers, subscribes to everything; the others to 85 %.
    const subscribed = members.filter((member) => member.siren === biggest || random() < 0.85);
    inputs.push({
      pricing,
      year: YEAR,
      members:
        pricing.kind === "shares" && pricing.options.length > 0
          ? subscribed.map((member) => ({
              ...member,
              options: random() < 0.4 ? ["parapheur", "sig"] : random() < 0.5 ? ["sig"] : [],
            }))
          : subscribed,
    });
  }
  // A shared department with a cost key: the EPCI and its two largest communes.
  const [first, second] = [...epci.membres].sort((a, b) => b.populationTotale - a.populationTotale);
  if (first && second) {
    const keyed = [
      { organisationId: epci.code, siren: epci.code, name: epci.nom },
      { organisationId: first.code, siren: first.siren, name: first.nom },
      { organisationId: second.code, siren: second.siren, name: second.nom },
    ];
    const started = performance.now();
    const pricing = pricingSchema.parse({
      kind: "costKey",
      keys: [
        { siren: epci.code, basisPoints: 5776, operator: true },
        { siren: first.siren, basisPoints: 3000 },
        { siren: second.siren, basisPoints: 1224 },
      ],
    });
    parseMs += performance.now() - started;
    inputs.push({
      pricing,
      year: YEAR,
      members: keyed,
      actualCost: { half: 1, directCents: 10_000_000 + Math.floor(random() * 1e6), indirectCents: 1_234_567 },
    });
  }
}

const memberCount = epcis.reduce((sum, epci) => sum + epci.membres.length, 0);
console.log(`cooperatives: ${epcis.length}, members: ${memberCount}, pricings: ${inputs.length}`);
console.log(`pricing validation (zod): ${inputs.length} pricings in ${parseMs.toFixed(0)} ms`);

// Correctness first, outside the timing: every result balances.
let lineCount = 0;
for (const input of inputs) {
  const result = computeShares(input);
  const problems = checkBalance(result);
  if (problems.length > 0) throw new Error(problems.join("\n"));
  lineCount += result.lines.length;
}

const passes = 7;
const rates: number[] = [];
let checksum = 0;
let peakHeap = 0;
for (let pass = 0; pass < passes; pass++) {
  const started = performance.now();
  for (const input of inputs) {
    const result = computeShares(input);
    checksum += result.totals.netCents;
  }
  const seconds = (performance.now() - started) / 1000;
  rates.push(lineCount / seconds);
  peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
}
rates.sort((a, b) => a - b);
const format = (value: number) => Math.round(value).toLocaleString("en-US");
console.log(`share lines per pass: ${format(lineCount)} (checksum ${checksum % 1_000_003})`);
console.log(
  `computeShares: median ${format(rates[Math.floor(passes / 2)] ?? 0)} lines/s, best ${format(rates[passes - 1] ?? 0)}, worst ${format(rates[0] ?? 0)} (${passes} passes, first includes JIT warm-up)`,
);

let started = performance.now();
let characters = 0;
const sample = inputs.slice(0, 2_000).flatMap((input) => computeShares(input).lines);
for (const line of sample) characters += explainLineFr(line, { operator: "la métropole" }).length;
console.log(
  `explainLineFr: ${format(sample.length / ((performance.now() - started) / 1000))} lines/s (${format(characters)} characters, includes computing the sample)`,
);

started = performance.now();
const memory = process.memoryUsage();
console.log(
  `memory: peak heap used ${(peakHeap / 2 ** 20).toFixed(0)} MiB, rss now ${(memory.rss / 2 ** 20).toFixed(0)} MiB, max rss ${(resourceUsage().maxRSS / 1024).toFixed(0)} MiB`,
);
