import { z } from "zod";

const emptyAsUnset = (value: unknown) => (value === "" ? undefined : value);

const envSchema = z.object({
  NODE_ENV: z.preprocess(emptyAsUnset, z.enum(["development", "production", "test"]).default("production")),
  APP_MODE: z.preprocess(emptyAsUnset, z.enum(["demo", "production"]).default("production")),
  HOST: z.preprocess(emptyAsUnset, z.string().default("0.0.0.0")),
  PORT: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(65535).default(3000)),
  DATABASE_URL: z.preprocess(
    emptyAsUnset,
    z
      .url({
        protocol: /^postgres(ql)?$/,
        error: "must be a postgres:// or postgresql:// URL",
      })
      .optional(),
  ),
  APP_DATABASE_URL: z.preprocess(
    emptyAsUnset,
    z.url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" }).optional(),
  ),
  DATABASE_POOL_SIZE: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(200).default(10)),
  DATA_DIR: z.preprocess(emptyAsUnset, z.string().default(".data/pglite")),
  ADMIN_SECOND_FACTOR: z.preprocess(emptyAsUnset, z.enum(["required", "optional"]).default("required")),
  AUDIT_IP_RETENTION_DAYS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(1).max(3650).default(365)),
  TRUST_PROXY: z.preprocess(emptyAsUnset, z.string().default("loopback")),
  RESEND_API_KEY: z.preprocess(emptyAsUnset, z.string().startsWith("re_", "must start with re_").optional()),
  MAIL_FROM: z.preprocess(emptyAsUnset, z.string().min(3).default("Coopérative de services <portail@example.org>")),
  OUTBOX_WORKER: z.preprocess(emptyAsUnset, z.enum(["in-process", "off"]).default("in-process")),
  MAILBOX_DIR: z.preprocess(emptyAsUnset, z.string().default(".data/mailbox")),
  PUBLIC_URL: z.preprocess(
    emptyAsUnset,
    z.url({ protocol: /^https?$/, error: "must be an http(s):// URL" }).optional(),
  ),
});

export type Env = z.infer<typeof envSchema>;

const envWithRules = envSchema.superRefine((env, context) => {
  if (env.APP_DATABASE_URL && !env.DATABASE_URL) {
    context.addIssue({ code: "custom", path: ["APP_DATABASE_URL"], message: "needs DATABASE_URL too" });
  }
  if (env.ADMIN_SECOND_FACTOR === "optional" && env.APP_MODE !== "demo") {
    context.addIssue({
      code: "custom",
      path: ["ADMIN_SECOND_FACTOR"],
      message: "operator admins always need a second factor outside the demo (APP_MODE=demo)",
    });
  }
});

export class InvalidEnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid environment:\n${problems.map((problem) => `  - ${problem}`).join("\n")}`);
    this.name = "InvalidEnvError";
  }
}

/** Parses the environment; every problem names its variable. */
export function parseEnv(source: Record<string, string | undefined> = process.env): Env {
  const result = envWithRules.safeParse(source);
  if (result.success) return result.data;
  throw new InvalidEnvError(
    result.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}: ${issue.message} (got ${JSON.stringify(source[name])})`;
    }),
  );
}

/** For command-line entry points: a bad value stops the process with a clear message. */
export function loadEnvOrExit(source: Record<string, string | undefined> = process.env): Env {
  try {
    return parseEnv(source);
  } catch (error) {
    if (!(error instanceof InvalidEnvError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
}
