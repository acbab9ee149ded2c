import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { z } from "zod";
import { LINK_LIFETIME_MS } from "../app/auth/links.ts";
import { generateToken, hashToken } from "../app/auth/tokens.server.ts";
import { loadEnvOrExit } from "../app/env.server.ts";
import { migrateToLatest } from "../db/migrate.ts";
import { withDatabase } from "./with-database.ts";

const USAGE = `Usage: npm run admin:create -- --epci <SIREN> --email <address> --name "<first and last name>"

Creates (or reuses) the account and makes it an operator admin of the
cooperative, then prints a one-time sign-in link valid 10 minutes.`;

const env = loadEnvOrExit();
const input = z.object({
  epci: z.string().regex(/^\d{9}$/, "--epci: a SIREN of nine digits"),
  email: z.email("--email: an email address").transform((email) => email.trim().toLowerCase()),
  name: z.string().trim().min(1, "--name: the person's name"),
});

let options: z.infer<typeof input>;
try {
  const { values } = parseArgs({
    options: { epci: { type: "string" }, email: { type: "string" }, name: { type: "string" } },
  });
  const parsed = input.safeParse(values);
  if (!parsed.success) throw new Error(parsed.error.issues.map((issue) => issue.message).join("\n"));
  options = parsed.data;
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n\n${USAGE}`);
  process.exit(2);
}

await withDatabase(env, async (database) => {
  await migrateToLatest(database.owner);
  const token = generateToken();
  await database.owner.transaction().execute(async (trx) => {
    const operator = await trx
      .selectFrom("organisations as o")
      .innerJoin("cooperatives as c", "c.id", "o.cooperative_id")
      .select(["o.id", "o.cooperative_id"])
      .where("c.siren", "=", options.epci)
      .where("o.is_operator", "=", true)
      .executeTakeFirst();
    if (!operator) {
      throw new Error(`No cooperative with SIREN ${options.epci}: import it first (npm run territory:import).`);
    }
    await trx
      .insertInto("users")
      .values({ id: randomUUID(), email: options.email, display_name: options.name })
      .onConflict((conflict) => conflict.column("email").doNothing())
      .execute();
    const user = await trx
      .selectFrom("users")
      .select("id")
      .where("email", "=", options.email)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("memberships")
      .values({
        user_id: user.id,
        organisation_id: operator.id,
        cooperative_id: operator.cooperative_id,
        role: "operator_admin",
      })
      .onConflict((conflict) =>
        conflict.columns(["user_id", "organisation_id"]).doUpdateSet({ role: "operator_admin" }),
      )
      .execute();
    const now = new Date();
    await trx
      .insertInto("login_tokens")
      .values({
        token_hash: hashToken(token),
        user_id: user.id,
        purpose: "sign_in",
        created_at: now,
        expires_at: new Date(now.getTime() + LINK_LIFETIME_MS),
      })
      .execute();
  });
  const publicUrl = env.PUBLIC_URL ?? `http://localhost:${env.PORT}`;
  console.log(`${options.name} <${options.email}> is an operator admin of cooperative ${options.epci}.`);
  console.log(`One-time sign-in link (valid 10 minutes):\n  ${publicUrl}/connexion/lien?jeton=${token}`);
});
