import type { Kysely } from "kysely";
import { createContext } from "react-router";
import { type Lookup, type RequestContext, type Scoped, withRequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";
import type { AdminSecondFactorPolicy } from "./auth/second-factor.server.ts";
import type { Authentication } from "./auth/session.server.ts";
import type { StoredMail } from "./email/sender.server.ts";
import type { StatementExportJobs } from "./statement-export-jobs.server.ts";

/** The one way loaders and actions reach the database: a transaction carrying who asks. */
export interface RequestScope {
  readonly context: RequestContext;
  transaction<T>(work: Scoped<T>): Promise<T>;
  /** For the sign-in flows only: a transaction that also presents keys (session, email, token, throttle). */
  withLookup<T>(lookup: Lookup, work: Scoped<T>): Promise<T>;
}

export type RequestScopeFactory = (context: RequestContext) => RequestScope;

/** What the server hands to every request: scopes (the connection stays in the closure), the public address. */
export interface Services {
  scopes: RequestScopeFactory;
  /** The portal's public address, for links in emails (never taken from the request's Host). */
  publicUrl: string;
  /** Whether operator admins must have a second factor ("optional" in the demo only). */
  adminSecondFactor: AdminSecondFactorPolicy;
  /** Demo only (no RESEND_API_KEY): the local mailbox the mailbox page shows. */
  mailbox: { read(): Promise<StoredMail[]> } | null;
  /** The whole-year statement exports being built in the background of this process (decision 017). */
  statementExports: StatementExportJobs;
}

export const servicesContext = createContext<Services>();

/** The client's IP address as the server saw it (X-Forwarded-For trusted only from a loopback proxy). */
export const clientAddressContext = createContext<string>("unknown");

/** Set by the root middleware for every request. */
export const requestScopeContext = createContext<RequestScope>();
export const authenticationContext = createContext<Authentication | null>(null);
/** A session whose password or link was accepted but which still owes its second factor. */
export const pendingSecondFactorContext = createContext<{
  need: "verify" | "enrol";
  authentication: Authentication;
} | null>(null);

export function requestScopeFactory(app: Kysely<DB>): RequestScopeFactory {
  return (context) => ({
    context,
    transaction: (work) => withRequestContext(app, context, work),
    withLookup: (lookup, work) => withRequestContext(app, context, work, lookup),
  });
}
