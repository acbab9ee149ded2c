import { findCooperativeBySiren } from "../../app/queries/cooperatives.server.ts";
import { listMembers } from "../../app/queries/organisations.server.ts";
import { openDatabase } from "../../db/engine.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { ANONYMOUS, withRequestContext } from "../../db/request-context.ts";
import { importTerritories } from "../../db/territory/import.ts";
import { loadTerritoryReference } from "../../db/territory/reference.ts";

// Benchmark: the whole of France (every EPCI) imported into a fresh embedded
// database, then the member-list query a cooperative page runs. Prints figures;
// set DATABASE_URL to measure a PostgreSQL server instead (it must be empty).

const database = await openDatabase(
  process.env.DATABASE_URL ? { engine: "postgres", url: process.env.DATABASE_URL } : { engine: "pglite", memory: true },
);
await migrateToLatest(database.owner);
const reference = loadTerritoryReference();
const sirens = [...reference.epcis.keys()];

let started = performance.now();
const reports = await importTerritories(database.owner, sirens, reference);
const communes = reports.reduce((sum, report) => sum + report.plan.added.length, 0);
const importMs = performance.now() - started;
console.log(`engine: ${database.engine}`);
console.log(`import --all: ${reports.length} EPCIs, ${communes} communes in ${(importMs / 1000).toFixed(1)} s`);

started = performance.now();
await importTerritories(database.owner, sirens, reference);
console.log(`re-import --all (no change): ${((performance.now() - started) / 1000).toFixed(1)} s`);

// The largest cooperative, searched and sorted as on its page.
const largest = [...reference.epcis.values()].sort((a, b) => b.members.length - a.members.length)[0];
if (!largest) throw new Error("no EPCI in the reference data");
const runs = 200;
const timings: number[] = [];
await withRequestContext(database.app, ANONYMOUS, async (trx) => {
  const cooperative = await findCooperativeBySiren(trx, largest.siren);
  if (!cooperative) throw new Error("largest cooperative missing");
  for (let run = 0; run < runs; run++) {
    const t = performance.now();
    await listMembers(trx, {
      cooperativeId: cooperative.id,
      search: run % 2 === 0 ? "saint" : "",
      sort: run % 3 === 0 ? "population" : "name",
      descending: run % 4 === 0,
      page: (run % 5) + 1,
      pageSize: 20,
    });
    timings.push(performance.now() - t);
  }
});
timings.sort((a, b) => a - b);
const at = (q: number) => timings[Math.min(timings.length - 1, Math.floor(q * timings.length))]?.toFixed(2);
console.log(
  `member page of ${largest.name} (${largest.members.length} members), ${runs} runs: median ${at(0.5)} ms, p95 ${at(0.95)} ms`,
);
await database.close();
