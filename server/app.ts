import { createRequestHandler } from "@react-router/express";
import express from "express";
import type { Kysely } from "kysely";
import { RouterContextProvider } from "react-router";
import { requestScopeFactory, requestScopeFactoryContext } from "../app/context.server.ts";
import type { DB } from "../db/schema.ts";

/**
 * The React Router request handler, built by Vite together with the app so
 * that both share the same context objects. The caller owns the database.
 */
export function createApp(database: Kysely<DB>): express.Express {
  const scopes = requestScopeFactory(database);
  const app = express();
  app.disable("x-powered-by");
  app.use(
    createRequestHandler({
      build: () => import("virtual:react-router/server-build"),
      getLoadContext() {
        const context = new RouterContextProvider();
        context.set(requestScopeFactoryContext, scopes);
        return context;
      },
    }),
  );
  return app;
}
