import { parseArgs } from "node:util";
import { loadEnvOrExit } from "../app/env.server.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { describeImport, importTerritories } from "../db/territory/import.ts";
import { loadTerritoryReference } from "../db/territory/reference.ts";
import { withDatabase } from "./with-database.ts";

const USAGE = `Usage: npm run territory:import -- --epci <SIREN> [--epci <SIREN> ...]
       npm run territory:import -- --all

Imports each EPCI as a cooperative, with its operator organisation, its member
communes and their populations (@etalab/decoupage-administratif). Re-running is
safe: it adds what is new and marks communes no longer listed inactive.`;

const env = loadEnvOrExit();
let options: { epci?: string[]; all?: boolean; help?: boolean };
try {
  options = parseArgs({
    options: {
      epci: { type: "string", multiple: true },
      all: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
  }).values;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!options.all === !options.epci?.length) {
  console.error(`Give either --epci <SIREN> (one or more) or --all.\n\n${USAGE}`);
  process.exit(2);
}

const reference = loadTerritoryReference();
const sirens = options.all ? [...reference.epcis.keys()] : (options.epci ?? []).map((code) => code.replace(/\s/g, ""));

await withDatabase(env, async (database) => {
  await migrateToLatest(database.owner);
  const started = performance.now();
  const reports = await importTerritories(database.owner, sirens, reference);
  for (const report of reports) console.log(describeImport(report));
  console.log(`${reports.length} cooperative(s) imported in ${Math.round(performance.now() - started)} ms.`);
});
