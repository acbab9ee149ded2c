import { defineConfig } from "vitest/config";

const shared = {
  setupFiles: ["test/setup/fail-on-console-error.ts"],
};
// Database suites (*.db.test.ts) run twice: on PGlite and on a real PostgreSQL 17 server.
const databaseSuites = ["app/**/*.db.test.{ts,tsx}", "db/**/*.db.test.ts", "scripts/**/*.db.test.ts"];
// Suites that need a real server (several connections or processes at once): db:postgres-only.
const serverOnlySuites = ["app/**/*.pg.test.ts", "db/**/*.pg.test.ts"];

export default defineConfig({
  resolve: { tsconfigPaths: true },
  test: {
    projects: [
      {
        extends: true,
        test: {
          ...shared,
          name: "unit",
          include: ["app/**/*.test.{ts,tsx}", "db/**/*.test.ts", "scripts/**/*.test.ts", "emails/**/*.test.{ts,tsx}"],
          exclude: [...databaseSuites, ...serverOnlySuites],
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: "db:pglite",
          include: databaseSuites,
          env: { TEST_DB_ENGINE: "pglite" },
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: "db:postgres",
          include: databaseSuites,
          env: { TEST_DB_ENGINE: "postgres" },
          globalSetup: ["test/setup/postgres-server.ts"],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          // What needs a real server: several connections and processes at once (the outbox worker).
          name: "db:postgres-only",
          include: serverOnlySuites,
          env: { TEST_DB_ENGINE: "postgres" },
          globalSetup: ["test/setup/postgres-server.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          // The production build's request handler, over HTTP, on a PostgreSQL server set up as in production.
          name: "http",
          include: ["test/http/**/*.http.test.ts"],
          env: { TEST_DB_ENGINE: "postgres" },
          globalSetup: ["test/setup/build.ts", "test/setup/postgres-server.ts"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          ...shared,
          name: "e2e",
          include: ["test/e2e/**/*.e2e.test.ts"],
          globalSetup: ["test/setup/build.ts", "test/e2e/serve-portal.ts"],
          fileParallelism: false,
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
