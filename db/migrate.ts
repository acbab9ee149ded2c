import { promises as fs } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Kysely } from "kysely";
import { FileMigrationProvider, type MigrationResultSet, Migrator } from "kysely/migration";

const migrationFolder = path.join(path.dirname(fileURLToPath(import.meta.url)), "migrations");

/** Applies every pending migration, as the owner. Throws on the first failure. */
// biome-ignore lint/suspicious/noExplicitAny: migrations see the database untyped, frozen in time
export async function migrateToLatest(owner: Kysely<any>): Promise<string[]> {
  const migrator = new Migrator({
    db: owner,
    provider: new FileMigrationProvider({ fs, path, migrationFolder }),
  });
  return applied(await migrator.migrateToLatest());
}

function applied({ error, results }: MigrationResultSet): string[] {
  const failed = results?.find((result) => result.status === "Error");
  if (error) {
    const where = failed ? ` in migration ${failed.migrationName}` : "";
    throw new Error(`Migration failed${where}: ${error instanceof Error ? error.message : String(error)}`, {
      cause: error,
    });
  }
  return (results ?? []).filter((result) => result.status === "Success").map((result) => result.migrationName);
}
