import { createRequestHandler } from "@react-router/express";
import express from "express";
import type { Kysely } from "kysely";
import { RouterContextProvider } from "react-router";
import type { AdminSecondFactorPolicy } from "../app/auth/second-factor.server.ts";
import { clientAddressContext, requestScopeFactory, type Services, servicesContext } from "../app/context.server.ts";
import type { StoredMail } from "../app/email/sender.server.ts";
import { StatementExportJobs } from "../app/statement-export-jobs.server.ts";
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
    statementExports: new StatementExportJobs(),
  };
  const app = express();
  app.disable("x-powered-by");
  // Which proxies' X-Forwarded-For to believe for the client address (throttling per IP).
  app.set("trust proxy", options.trustProxy ?? "loopback");
  app.use(limitBodySize);
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

/** A council decision's PDF, a minutes' attachment (5 MB at most) and the form around it. */
export const MAX_UPLOAD_REQUEST_BYTES = 6 * 1024 * 1024;
/** Every other form. */
export const MAX_FORM_REQUEST_BYTES = 1024 * 1024;
const UPLOAD_PATHS = [/^\/adhesions\/nouvelle$/, /^\/reunions\/[^/]+\/(compte-rendu|documents)$/];

/**
 * Refuses a request body larger than its route needs before anything reads it
 * (actions read the whole form into memory). Node's parser never reads past the
 * declared length, so the header is enough; a body of unknown length is refused.
 */
function limitBodySize(req: express.Request, res: express.Response, next: express.NextFunction) {
  if (req.method === "GET" || req.method === "HEAD" || req.method === "OPTIONS") return next();
  const declared = req.headers["content-length"];
  if (declared === undefined) {
    if (req.headers["transfer-encoding"] === undefined) return next();
    res.status(411).type("text/plain; charset=utf-8").send("La taille de la requête doit être indiquée.");
    return;
  }
  const page = req.path.replace(/\.data$/, "");
  const limit = UPLOAD_PATHS.some((path) => path.test(page)) ? MAX_UPLOAD_REQUEST_BYTES : MAX_FORM_REQUEST_BYTES;
  if (Number(declared) > limit) {
    res
      .status(413)
      .type("text/plain; charset=utf-8")
      .send(`Envoi trop volumineux : ${Math.round(limit / 1024 / 1024)} Mo au plus.`);
    return;
  }
  next();
}
