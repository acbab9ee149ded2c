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

/** An IPv6 client may hold a whole /64: count the network, not the address. */
export function throttledNetwork(ipAddress: string): string {
  const address = ipAddress
    .trim()
    .toLowerCase()
    .replace(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/, "$1");
  if (!address.includes(":")) return address;
  const [head = "", tail = ""] = address.split("::");
  const headGroups = head ? head.split(":") : [];
  const tailGroups = tail ? tail.split(":") : [];
  const groups = address.includes("::")
    ? [...headGroups, ...Array(Math.max(0, 8 - headGroups.length - tailGroups.length)).fill("0"), ...tailGroups]
    : headGroups;
  return `${groups
    .slice(0, 4)
    .map((group) => group.replace(/^0+(?=.)/, ""))
    .join(":")}::/64`;
}

function keyHash(kind: ThrottleKind, key: string): string {
  const subject = kind === "ip" ? throttledNetwork(key) : key.trim().toLowerCase();
  return createHash("sha256").update(`${kind}:${subject}`).digest("hex");
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
