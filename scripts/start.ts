import { existsSync } from "node:fs";
import { createServer } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import express from "express";
import { loadEnvOrExit } from "../app/env.server.ts";
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { type Database, openDatabase } from "../db/engine.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemo } from "../db/seed/demo.ts";
import { buildIfStale } from "./build-if-stale.ts";
import { databaseLocation } from "./with-database.ts";

// `npm start` is the demo: embedded database, four metropolises, demo accounts.
process.env.APP_MODE ??= "demo";
const dev = process.argv.includes("--dev");
if (dev) process.env.NODE_ENV ??= "development";
const env = loadEnvOrExit();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function main() {
  if (!dev) console.log(`Build: ${buildIfStale(root) === "reused" ? "up to date, reused" : "done"}.`);

  let database: Database;
  try {
    database = await openDatabase(databaseLocation(env, root));
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  console.log(
    database.engine === "postgres"
      ? "Database: PostgreSQL server (DATABASE_URL)."
      : `Database: embedded PGlite in ${path.resolve(root, env.DATA_DIR)}.`,
  );
  const applied = await migrateToLatest(database.owner);
  console.log(applied.length > 0 ? `Migrations applied: ${applied.join(", ")}.` : "Migrations: up to date.");

  if (env.APP_MODE === "demo") {
    console.log("Mode: DEMO (demo data and accounts; not for production).");
    const summary = await seedDemo(database.owner);
    console.log(summary);
  } else {
    console.log("Mode: production.");
  }

  const app = express();
  app.disable("x-powered-by");
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({
      server: { middlewareMode: true },
    });
    app.use(viteServer.middlewares);
    app.use(async (req, res, next) => {
      try {
        const { createApp } = (await viteServer.ssrLoadModule("./server/app.ts")) as typeof import("../server/app.ts");
        createApp(database.app)(req, res, next);
      } catch (error) {
        if (error instanceof Error) viteServer.ssrFixStacktrace(error);
        next(error);
      }
    });
  } else {
    const serverBuild = path.join(root, "build/server/index.js");
    if (!existsSync(serverBuild)) throw new Error(`Missing ${serverBuild}: run npm run build.`);
    const { createApp } = (await import(pathToFileURL(serverBuild).href)) as typeof import("../server/app.ts");
    app.use(
      "/assets",
      express.static(path.join(root, "build/client/assets"), {
        immutable: true,
        maxAge: "1y",
      }),
    );
    app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
    app.use(createApp(database.app));
  }

  const server = createServer(app);
  server.listen(env.PORT, env.HOST, () => {
    console.log(`Portal ready: http://localhost:${env.PORT}`);
  });

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    server.closeAllConnections();
    await database.close();
    process.exit(0);
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
