import { createHash } from "node:crypto";
import type { RequestScope } from "../context.server.ts";

/**
 * Attempt limits, counted in the database so that every process sees them:
 * strict per account, generous per IP address (a whole town hall may share one).
 */
export const THROTTLES = {
  account: { limit: 5, windowMs: 15 * 60 * 1000 },
  ip: { limit: 100, windowMs: 15 * 60 * 1000 },
} as const;

export type ThrottleKind = keyof typeof THROTTLES;

export interface ThrottleResult {
  allowed: boolean;
  retryAfterSeconds: number;
}

function keyHash(kind: ThrottleKind, key: string): string {
  return createHash("sha256").update(`${kind}:${key.trim().toLowerCase()}`).digest("hex");
}

/** Counts one attempt in the current fixed window; refuses beyond the limit. */
export async function countAttempt(
  scope: RequestScope,
  kind: ThrottleKind,
  key: string,
  now: Date,
): Promise<ThrottleResult> {
  const { limit, windowMs } = THROTTLES[kind];
  const windowStart = new Date(Math.floor(now.getTime() / windowMs) * windowMs);
  const throttleKey = keyHash(kind, key);
  const { hits } = await scope.withLookup({ throttleKey }, (trx) =>
    trx
      .insertInto("throttle_hits")
      .values({ key_hash: throttleKey, window_start: windowStart, hits: 1 })
      .onConflict((conflict) =>
        conflict
          .columns(["key_hash", "window_start"])
          .doUpdateSet((eb) => ({ hits: eb("throttle_hits.hits", "+", 1) })),
      )
      .returning("hits")
      .executeTakeFirstOrThrow(),
  );
  const retryAfterSeconds = Math.ceil((windowStart.getTime() + windowMs - now.getTime()) / 1000);
  return { allowed: hits <= limit, retryAfterSeconds };
}

/** Forgets an account's failures once it signed in. */
export async function clearAttempts(scope: RequestScope, kind: ThrottleKind, key: string): Promise<void> {
  const throttleKey = keyHash(kind, key);
  await scope.withLookup({ throttleKey }, (trx) =>
    trx.deleteFrom("throttle_hits").where("key_hash", "=", throttleKey).execute(),
  );
}
