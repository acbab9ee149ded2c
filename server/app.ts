import { createRequestHandler } from "@react-router/express";
import express from "express";
import type { Kysely } from "kysely";
import { RouterContextProvider } from "react-router";
import type { AdminSecondFactorPolicy } from "../app/auth/second-factor.server.ts";
import { clientAddressContext, requestScopeFactory, type Services, servicesContext } from "../app/context.server.ts";
import type { StoredMail } from "../app/email/sender.server.ts";
import type { DB } from "../db/schema.ts";

/**
 * The React Router request handler, built by Vite together with the app so
 * that both share the same context objects. The caller owns the database.
 */
export function createApp(
  database: Kysely<DB>,
  options: {
    publicUrl: string;
    trustProxy?: string;
    mailbox?: { read(): Promise<StoredMail[]> } | null;
    adminSecondFactor?: AdminSecondFactorPolicy;
  },
): express.Express {
  const services: Services = {
    scopes: requestScopeFactory(database),
    publicUrl: options.publicUrl,
    adminSecondFactor: options.adminSecondFactor ?? "required",
    mailbox: options.mailbox ?? null,
  };
  const app = express();
  app.disable("x-powered-by");
  // Which proxies' X-Forwarded-For to believe for the client address (throttling per IP).
  app.set("trust proxy", options.trustProxy ?? "loopback");
  app.use(
    createRequestHandler({
      build: () => import("virtual:react-router/server-build"),
      getLoadContext(req) {
        const context = new RouterContextProvider();
        context.set(servicesContext, services);
        context.set(clientAddressContext, req.ip ?? "unknown");
        return context;
      },
    }),
  );
  return app;
}
