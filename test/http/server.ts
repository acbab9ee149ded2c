import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Database } from "../../db/engine.ts";
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
