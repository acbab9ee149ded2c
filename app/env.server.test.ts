import { describe, expect, it } from "vitest";
import { InvalidEnvError, parseEnv } from "./env.server.ts";

describe("parseEnv", () => {
  it("gives sensible defaults: production mode, port 3000, embedded database", () => {
    expect(parseEnv({})).toEqual({
      NODE_ENV: "production",
      APP_MODE: "production",
      HOST: "0.0.0.0",
      PORT: 3000,
      DATABASE_URL: undefined,
      DATABASE_POOL_SIZE: 10,
      DATA_DIR: ".data/pglite",
      MAILBOX_DIR: ".data/mailbox",
      TRUST_PROXY: "loopback",
      AUDIT_IP_RETENTION_DAYS: 365,
      ADMIN_SECOND_FACTOR: "required",
      MAIL_FROM: "Coopérative de services <portail@example.org>",
      OUTBOX_WORKER: "in-process",
    });
  });

  it("treats an empty value as unset", () => {
    expect(parseEnv({ PORT: "", DATABASE_URL: "" })).toMatchObject({ PORT: 3000, DATABASE_URL: undefined });
  });

  it("accepts a PostgreSQL URL and a port", () => {
    expect(parseEnv({ DATABASE_URL: "postgres://app:secret@db:5432/portal", PORT: "8080" })).toMatchObject({
      DATABASE_URL: "postgres://app:secret@db:5432/portal",
      PORT: 8080,
    });
  });

  it("refuses APP_DATABASE_URL without DATABASE_URL", () => {
    expect(() => parseEnv({ APP_DATABASE_URL: "postgres://coop_app:x@db/portal" })).toThrow(
      "APP_DATABASE_URL: needs DATABASE_URL too",
    );
  });

  it("lets only the demo relax the second factor of operator admins", () => {
    expect(parseEnv({ APP_MODE: "demo", ADMIN_SECOND_FACTOR: "optional" })).toMatchObject({
      ADMIN_SECOND_FACTOR: "optional",
    });
    expect(() => parseEnv({ ADMIN_SECOND_FACTOR: "optional" })).toThrow(
      "ADMIN_SECOND_FACTOR: operator admins always need a second factor outside the demo",
    );
    expect(() => parseEnv({ APP_MODE: "demo", ADMIN_SECOND_FACTOR: "sometimes" })).toThrow("ADMIN_SECOND_FACTOR");
  });

  it("names every bad variable with what was given", () => {
    let error: unknown;
    try {
      parseEnv({ PORT: "eighty", DATABASE_URL: "mysql://localhost/db", APP_MODE: "staging" });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InvalidEnvError);
    const problems = (error as InvalidEnvError).problems;
    expect(problems).toHaveLength(3);
    expect(problems.find((problem) => problem.startsWith("PORT:"))).toContain('"eighty"');
    expect(problems.find((problem) => problem.startsWith("DATABASE_URL:"))).toContain("postgres://");
    expect(problems.find((problem) => problem.startsWith("APP_MODE:"))).toContain('"staging"');
  });
});
