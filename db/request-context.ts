import { AsyncLocalStorage } from "node:async_hooks";
import { type Kysely, sql, type Transaction } from "kysely";
import type { DB, MembershipRole } from "./schema.ts";

/** The role requests run as: neither superuser, nor BYPASSRLS, nor owner of any table. */
export const APP_ROLE = "coop_app";

/** Who is asking, set per transaction for row-level security. */
export interface RequestContext {
  userId: string | null;
  cooperativeId: string | null;
  organisationId: string | null;
  role: MembershipRole | null;
}

/**
 * Keys a request presents before it knows who asks (signing in, following an
 * emailed link, counting attempts): each makes the matching rows visible.
 */
export interface Lookup {
  sessionId?: string;
  email?: string;
  tokenHash?: string;
  throttleKey?: string;
}

export const ANONYMOUS: RequestContext = {
  userId: null,
  cooperativeId: null,
  organisationId: null,
  role: null,
};

export type Scoped<T> = (trx: Transaction<DB>) => Promise<T>;

/**
 * Runs `work` in one transaction as the non-owner role coop_app, with the
 * request context set locally: it reverts when the transaction ends, so the
 * next user of a pooled connection starts with no context.
 */
export async function withRequestContext<T>(
  app: Kysely<DB>,
  context: RequestContext,
  work: Scoped<T>,
  lookup: Lookup = {},
): Promise<T> {
  if (insideRequestTransaction.getStore()) {
    // On PGlite's single connection the inner transaction would wait forever for the outer one.
    throw new Error(
      "A request transaction is already open here: pass its transaction down instead of opening another.",
    );
  }
  return app.transaction().execute(async (trx) => {
    await applyRequestContext(trx, context, lookup);
    return insideRequestTransaction.run(true, () => work(trx));
  });
}

const insideRequestTransaction = new AsyncLocalStorage<boolean>();

/** Switches the current transaction to coop_app with the given context, until it ends. */
export async function applyRequestContext(
  trx: Transaction<DB>,
  context: RequestContext,
  lookup: Lookup = {},
): Promise<void> {
  // set_config('role', …, true) is SET LOCAL ROLE: one round trip for the role and the context. Requests plan
  // generically: on a server a query is planned once per connection, not at every execution (a list of ids given as
  // one array parameter would otherwise be planned again each time); see docs/decisions/002.
  await sql`
    SELECT set_config('role', ${APP_ROLE}, true),
           set_config('plan_cache_mode', 'force_generic_plan', true),
           set_config('app.user_id', ${context.userId ?? ""}, true),
           set_config('app.cooperative_id', ${context.cooperativeId ?? ""}, true),
           set_config('app.organisation_id', ${context.organisationId ?? ""}, true),
           set_config('app.role', ${context.role ?? ""}, true),
           set_config('app.session_id', ${lookup.sessionId ?? ""}, true),
           set_config('app.lookup_email', ${lookup.email ?? ""}, true),
           set_config('app.token_hash', ${lookup.tokenHash ?? ""}, true),
           set_config('app.throttle_key', ${lookup.throttleKey ?? ""}, true)
  `.execute(trx);
}
