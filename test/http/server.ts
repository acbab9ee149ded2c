import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startSession } from "../../app/auth/session.server.ts";
import { hashToken } from "../../app/auth/tokens.server.ts";
import { generateTotpSecret, totpCodeAt, totpStepAt } from "../../app/auth/totp.server.ts";
import { requestScopeFactory } from "../../app/context.server.ts";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS, applyRequestContext } from "../../db/request-context.ts";
import { outboxMails } from "../outbox.ts";

/** The production build's Express app on a free port; mail stays in the outbox for the test to read. */
export async function servePortal(database: Database) {
  const build = pathToFileURL(path.resolve("build/server/index.js")).href;
  const { createApp } = (await import(/* @vite-ignore */ build)) as typeof import("../../server/app.ts");
  let handler: ReturnType<typeof createApp> | undefined;
  const server: Server = createServer((req, res) => handler?.(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler = createApp(database.app, { publicUrl: url });
  return {
    url,
    mails: () => outboxMails(database.owner),
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}

/**
 * A session cookie for a user, as if they had just signed in (no password
 * involved, no throttling) and, unless `secondFactor` says otherwise, typed the
 * code of an authenticator (enrolled for them if they had none).
 */
export async function sessionCookieFor(
  database: Database,
  userId: string,
  secondFactor: "verified" | "pending" = "verified",
): Promise<string> {
  const { token } = await requestScopeFactory(database.app)(ANONYMOUS).withLookup({}, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId });
    const session = await startSession(trx, userId, { userAgent: "test", ipAddress: "127.0.0.1" }, new Date());
    if (secondFactor === "verified") {
      await trx
        .insertInto("totp_credentials")
        .values({ user_id: userId, secret: generateTotpSecret() })
        .onConflict((conflict) => conflict.column("user_id").doNothing())
        .execute();
      await trx
        .updateTable("sessions")
        .set({ second_factor_verified_at: new Date() })
        .where("id", "=", hashToken(session.token))
        .execute();
    }
    return session;
  });
  return `__Host-session=${token}`;
}

/**
 * Signs in over HTTP as a browser does: the password form, then, for an account
 * with an authenticator, the code step (trying this step's code, then the next
 * one's, since a code is accepted once). Returns the session cookie.
 */
export async function signInOverHttp(
  portalUrl: string,
  input: { email: string; password: string; totpSecret?: string },
): Promise<string> {
  const post = (path: string, form: Record<string, string>, cookie?: string) =>
    fetch(`${portalUrl}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Origin: portalUrl,
        "Content-Type": "application/x-www-form-urlencoded",
        ...(cookie ? { Cookie: cookie } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });
  const signedIn = await post("/connexion", { intent: "password", email: input.email, password: input.password });
  const cookie = (signedIn.headers.get("Set-Cookie") ?? "").split(";")[0] ?? "";
  if (!input.totpSecret || !cookie) return cookie;
  const step = totpStepAt(new Date());
  for (const candidate of [step, step + 1]) {
    const verified = await post(
      "/connexion/verification",
      { intent: "totp", code: totpCodeAt(input.totpSecret, candidate) },
      cookie,
    );
    if (verified.status === 302) return cookie;
  }
  throw new Error(`The second factor of ${input.email} was refused.`);
}
