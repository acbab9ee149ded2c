import { once } from "node:events";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { Kysely } from "kysely";
import type { MailMessage } from "../../app/email/sender.server.ts";
import type { DB } from "../../db/schema.ts";

/** The production build's Express app on a free port, with mail kept in memory. */
export async function servePortal(
  app: Kysely<DB>,
): Promise<{ url: string; mails: MailMessage[]; close(): Promise<void> }> {
  const build = pathToFileURL(path.resolve("build/server/index.js")).href;
  const { createApp } = (await import(/* @vite-ignore */ build)) as typeof import("../../server/app.ts");
  const mails: MailMessage[] = [];
  let handler: ReturnType<typeof createApp> | undefined;
  const server: Server = createServer((req, res) => handler?.(req, res));
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  handler = createApp(app, { mail: { send: async (mail) => void mails.push(mail) }, publicUrl: url });
  return {
    url,
    mails,
    async close() {
      server.closeAllConnections();
      server.close();
      await once(server, "close");
    },
  };
}
