import path from "node:path";
import { loadEnvOrExit } from "../app/env.server.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { withDatabase } from "./with-database.ts";

const env = loadEnvOrExit();

await withDatabase(env, async (database) => {
  const applied = await migrateToLatest(database.owner);
  console.log(applied.length > 0 ? `Applied: ${applied.join(", ")}` : "Already up to date.");
  if (database.engine === "pglite") console.log(`(embedded database in ${path.resolve(env.DATA_DIR)})`);
});
