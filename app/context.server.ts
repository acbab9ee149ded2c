import type { Kysely } from "kysely";
import { createContext } from "react-router";
import { type RequestContext, type Scoped, withRequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";

/** The one way loaders and actions reach the database: a transaction carrying who asks. */
export interface RequestScope {
  readonly context: RequestContext;
  transaction<T>(work: Scoped<T>): Promise<T>;
}

export type RequestScopeFactory = (context: RequestContext) => RequestScope;

/** Set by the server: makes request scopes, the app connection kept in its closure. */
export const requestScopeFactoryContext = createContext<RequestScopeFactory>();

/** Set by the root middleware for every request. */
export const requestScopeContext = createContext<RequestScope>();

export function requestScopeFactory(app: Kysely<DB>): RequestScopeFactory {
  return (context) => ({
    context,
    transaction: (work) => withRequestContext(app, context, work),
  });
}
