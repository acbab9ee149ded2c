import type { Kysely } from "kysely";
import { createContext } from "react-router";
import { type RequestContext, type Scoped, withRequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";

/** The app connection, handed over by the server; only the request scope uses it. */
export const databaseContext = createContext<Kysely<DB>>();

/** The one way loaders and actions reach the database: a transaction carrying who asks. */
export interface RequestScope {
  readonly context: RequestContext;
  transaction<T>(work: Scoped<T>): Promise<T>;
}

export const requestScopeContext = createContext<RequestScope>();

export function createRequestScope(app: Kysely<DB>, context: RequestContext): RequestScope {
  return {
    context,
    transaction: (work) => withRequestContext(app, context, work),
  };
}
