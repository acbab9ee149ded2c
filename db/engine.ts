import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { Kysely } from "kysely";
import { PGliteDialect } from "kysely-pglite-dialect";
import { PostgresJSDialect } from "kysely-postgres-js";
import postgres from "postgres";
import { MAX_BIND_PARAMETERS } from "./batches.ts";
import { acquireDataDirLock } from "./data-dir-lock.ts";
import { APP_ROLE } from "./request-context.ts";
import type { DB } from "./schema.ts";

export type Engine = "pglite" | "postgres";

/**
 * One database, two connections to it:
 * - `owner` runs migrations and maintenance commands (territory import, demo seed);
 * - `app` serves requests, and only ever through `withRequestContext`, which
 *   switches to the non-owner role `coop_app` so that row-level security applies.
 * On a server, `app` logs in as coop_app (APP_DATABASE_URL). On PGlite both are
 * the same single connection, whose user is a superuser.
 */
export interface Database {
  engine: Engine;
  owner: Kysely<DB>;
  app: Kysely<DB>;
  close(): Promise<void>;
}

export type DatabaseLocation =
  | { engine: "postgres"; url: string; appUrl?: string; poolSize?: number }
  | { engine: "pglite"; dataDir: string }
  | { engine: "pglite"; memory: true; loadDataDir?: Blob | File };

// Both engines return the same JavaScript types: dates as 'YYYY-MM-DD' strings,
// 64-bit integers (counts) as numbers.
const DATE_OID = 1082;
const INT8_OID = 20;

export async function openDatabase(location: DatabaseLocation): Promise<Database> {
  if (location.engine === "postgres") return openPostgres(location.url, location.appUrl, location.poolSize ?? 10);
  return openPglite(location);
}

function openPostgres(url: string, appUrl: string | undefined, poolSize: number): Database {
  const types = {
    date: {
      to: DATE_OID,
      from: [DATE_OID],
      serialize: (value: string) => value,
      parse: (value: string) => value,
    },
    bigint: {
      to: INT8_OID,
      from: [INT8_OID],
      serialize: (value: number) => String(value),
      parse: Number,
    },
  };
  const ownerSql = postgres(url, { max: 2, types, onnotice: () => {} });
  // Requests connect as coop_app itself (appUrl). Without it (demo), the pool
  // logs in as the owner and starts each session as coop_app: a RESET ROLE
  // would then give the owner back, hence appUrl in production.
  const appSql = appUrl
    ? postgres(appUrl, { max: poolSize, types, onnotice: () => {} })
    : postgres(url, { max: poolSize, types, onnotice: () => {}, connection: { role: APP_ROLE } });
  const owner = new Kysely<DB>({
    dialect: new PostgresJSDialect({ postgres: ownerSql }),
  });
  const app = new Kysely<DB>({
    dialect: new PostgresJSDialect({ postgres: appSql }),
  });
  return {
    engine: "postgres",
    owner,
    app,
    async close() {
      await Promise.all([app.destroy(), owner.destroy()]);
    },
  };
}

async function openPglite(location: Extract<DatabaseLocation, { engine: "pglite" }>): Promise<Database> {
  const parsers = { [DATE_OID]: (value: string) => value, [INT8_OID]: Number };
  let releaseLock = () => {};
  let client: PGlite;
  if ("memory" in location) {
    client = await PGlite.create({
      parsers,
      loadDataDir: location.loadDataDir,
    });
  } else {
    const dataDir = resolve(location.dataDir);
    mkdirSync(dirname(dataDir), { recursive: true });
    releaseLock = acquireDataDirLock(dataDir);
    try {
      client = await PGlite.create(dataDir, { parsers });
    } catch (error) {
      releaseLock();
      throw error;
    }
  }
  const db = new Kysely<DB>({ dialect: new PGliteDialect(refusingOversizedStatements(client)) });
  return {
    engine: "pglite",
    owner: db,
    app: db,
    async close() {
      await db.destroy();
      if (!client.closed) await client.close();
      releaseLock();
    },
  };
}

/**
 * PGlite answers a statement of more than 32,767 bind parameters with no rows and no error, and every later
 * statement too (a PostgreSQL server takes 65,535): such a statement is refused here instead, with an error.
 * Multi-row statements are cut with batches() (batches.ts) to stay within the limit.
 */
function refusingOversizedStatements(client: PGlite): PGlite {
  return new Proxy(client, {
    get(target, property) {
      if (property === "query") {
        return (query: string, parameters?: unknown[], options?: Parameters<PGlite["query"]>[2]) => {
          if ((parameters?.length ?? 0) > MAX_BIND_PARAMETERS) {
            throw new Error(
              `A statement of ${parameters?.length} bind parameters: PGlite takes ${MAX_BIND_PARAMETERS} at most (cut it with batches()).`,
            );
          }
          return target.query(query, parameters, options);
        };
      }
      const value = Reflect.get(target, property, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
}
