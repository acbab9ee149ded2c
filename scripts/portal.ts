import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import express from "express";
import { mailboxDirectory } from "../app/email/sender.server.ts";
import { mailboxTransport, resendTransport } from "../app/email/transports.server.ts";
import { startOutboxWorker } from "../app/email/worker.server.ts";
import { loadEnvOrExit } from "../app/env.server.ts";
import { DataDirLockedError } from "../db/data-dir-lock.ts";
import { type Database, openDatabase } from "../db/engine.ts";
import { purgeExpired } from "../db/maintenance.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { seedDemo } from "../db/seed/demo.ts";
import { buildIfStale } from "./build-if-stale.ts";
import { databaseLocation } from "./with-database.ts";

// The environment defaults are set by scripts/start.ts before this module loads.
const dev = process.argv.includes("--dev");
const env = loadEnvOrExit();
if (env.APP_MODE === "production" && env.DATABASE_URL && !env.APP_DATABASE_URL) {
  console.error(
    "APP_DATABASE_URL: required in production with DATABASE_URL, so that requests log in as coop_app (see README).",
  );
  process.exit(1);
}
if (env.APP_MODE === "production" && !env.RESEND_API_KEY) {
  console.error("RESEND_API_KEY: required in production, where mail is sent through Resend (see README).");
  process.exit(1);
}
if (env.APP_MODE === "production" && !process.env.MAIL_FROM) {
  console.error("MAIL_FROM: required in production: the sender of every mail, on a domain verified at Resend.");
  process.exit(1);
}
if (env.OUTBOX_WORKER === "off" && !env.DATABASE_URL) {
  console.error("OUTBOX_WORKER=off: only beside a PostgreSQL server (DATABASE_URL), where `npm run worker` runs.");
  process.exit(1);
}
if (env.APP_MODE === "production" && !env.PUBLIC_URL) {
  console.error("PUBLIC_URL: required in production: links in emails are built from it.");
  process.exit(1);
}
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

let database: Database | undefined;
let server: Server | undefined;
let worker: { stop(): Promise<void> } | undefined;
let stopping = false;
async function stop(code: number) {
  if (stopping) return;
  stopping = true;
  server?.close();
  server?.closeAllConnections();
  try {
    await worker?.stop();
    await database?.close();
  } finally {
    process.exit(code);
  }
}
// Registered first: a Ctrl-C during migrations or the seed still closes PGlite and frees its lock.
process.on("SIGINT", () => void stop(0));
process.on("SIGTERM", () => void stop(0));

async function main() {
  // The database first: with PGlite, its lock tells a second `npm start` to stop before it rebuilds anything.
  try {
    database = await openDatabase(databaseLocation(env, root));
  } catch (error) {
    if (error instanceof DataDirLockedError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
  if (database.engine === "pglite") {
    console.log(`Database: embedded PGlite in ${path.resolve(root, env.DATA_DIR)}.`);
  } else {
    console.log(
      env.APP_DATABASE_URL
        ? "Database: PostgreSQL server (DATABASE_URL for migrations, APP_DATABASE_URL for requests)."
        : "Database: PostgreSQL server (DATABASE_URL); requests switch to coop_app on the owner's connections (demo only: set APP_DATABASE_URL).",
    );
  }

  if (!dev) console.log(`Build: ${buildIfStale(root) === "reused" ? "up to date, reused" : "done"}.`);

  const applied = await migrateToLatest(database.owner);
  console.log(applied.length > 0 ? `Migrations applied: ${applied.join(", ")}.` : "Migrations: up to date.");

  if (env.APP_MODE === "demo") {
    console.log("Mode: DEMO (demo data and accounts; not for production).");
    console.log(
      env.ADMIN_SECOND_FACTOR === "optional"
        ? "Second factor: OPTIONAL for operator admins in this demo (ADMIN_SECOND_FACTOR=required to enforce it, as production always does)."
        : "Second factor: required for operator admins (TOTP; they enrol at their first sign-in).",
    );
    console.log(await seedDemo(database.owner));
  } else {
    console.log("Mode: production.");
  }

  const app = express();
  app.disable("x-powered-by");
  const appDatabase = database.app;
  const ownerDatabase = database.owner;
  // Demo without a Resend key: mail goes to a local mailbox, shown on /boite-mail.
  const mailbox = env.RESEND_API_KEY ? null : mailboxDirectory(path.resolve(root, env.MAILBOX_DIR));
  const transport = env.RESEND_API_KEY
    ? resendTransport({ apiKey: env.RESEND_API_KEY, from: env.MAIL_FROM })
    : mailboxTransport(path.resolve(root, env.MAILBOX_DIR));
  if (env.OUTBOX_WORKER === "in-process") {
    worker = startOutboxWorker(ownerDatabase, transport, {
      paced: Boolean(env.RESEND_API_KEY),
      scheduledMail: { publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}` },
    });
    console.log(
      `Mail: sent by the in-process outbox worker ${env.RESEND_API_KEY ? "through Resend" : `into the demo mailbox (${path.resolve(root, env.MAILBOX_DIR)}), shown on /boite-mail`}.`,
    );
  } else {
    console.log("Mail: written to the outbox; run `npm run worker` to send it.");
  }
  const services = {
    mailbox,
    publicUrl: env.PUBLIC_URL ?? `http://localhost:${env.PORT}`,
    adminSecondFactor: env.ADMIN_SECOND_FACTOR,
    trustProxy: env.TRUST_PROXY,
  };
  if (dev) {
    const vite = await import("vite");
    const viteServer = await vite.createServer({ server: { middlewareMode: true } });
    app.use(viteServer.middlewares);
    app.use(async (req, res, next) => {
      try {
        const { createApp } = (await viteServer.ssrLoadModule("./server/app.ts")) as typeof import("../server/app.ts");
        createApp(appDatabase, services)(req, res, next);
      } catch (error) {
        if (error instanceof Error) viteServer.ssrFixStacktrace(error);
        next(error);
      }
    });
  } else {
    const serverBuild = path.join(root, "build/server/index.js");
    if (!existsSync(serverBuild)) throw new Error(`Missing ${serverBuild}: run npm run build.`);
    const { createApp } = (await import(pathToFileURL(serverBuild).href)) as typeof import("../server/app.ts");
    app.use("/assets", express.static(path.join(root, "build/client/assets"), { immutable: true, maxAge: "1y" }));
    app.use(express.static(path.join(root, "build/client"), { maxAge: "1h" }));
    app.use(createApp(appDatabase, services));
  }

  // Hourly, forget ended sessions, old links and attempt counts.
  const purge = () =>
    purgeExpired(ownerDatabase, new Date(), { auditIpRetentionDays: env.AUDIT_IP_RETENTION_DAYS }).catch(
      (error: unknown) => console.error("Purge failed:", error instanceof Error ? error.message : error),
    );
  void purge();
  setInterval(purge, 60 * 60 * 1000).unref();

  server = createServer(app);
  server.listen(env.PORT, env.HOST, () => {
    console.log(`Portal ready: http://localhost:${env.PORT}`);
  });
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  void stop(1);
});
