import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startSession } from "../../app/auth/session.server.ts";
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

/** A session cookie for a user, as if they had just signed in (no password involved, no throttling). */
export async function sessionCookieFor(database: Database, userId: string): Promise<string> {
  const { token } = await requestScopeFactory(database.app)(ANONYMOUS).withLookup({}, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId });
    return startSession(trx, userId, { userAgent: "test", ipAddress: "127.0.0.1" }, new Date());
  });
  return `__Host-session=${token}`;
}
