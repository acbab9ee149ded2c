import type { Transaction } from "kysely";
import { ANONYMOUS, applyRequestContext } from "../../db/request-context.ts";
import type { DB } from "../../db/schema.ts";
import { type AuditEvent, recordEvent } from "../audit.server.ts";
import type { RequestScope } from "../context.server.ts";
import { contextFor, firstMembershipOf } from "./session.server.ts";
import type { ClientMeta } from "./sign-in.server.tsx";
import { clearAttempts, countAttempt } from "./throttle.server.ts";
import { generateRecoveryCodes, hashRecoveryCode, matchTotpStep } from "./totp.server.ts";

/** Whether operator admins must use a second factor; only the demo may relax it (see env). */
export type AdminSecondFactorPolicy = "required" | "optional";

export interface SecondFactorStatus {
  enrolled: boolean;
  enrolledAt: Date | null;
  recoveryCodesLeft: number;
}

type Trx = Transaction<DB>;

/** Runs `work` as the user (whose password or link was just accepted), in the cooperative they act in first. */
function asUser<T>(scope: RequestScope, userId: string, work: (trx: Trx, cooperativeId: string | null) => Promise<T>) {
  return scope.withLookup({}, async (trx) => {
    await applyRequestContext(trx, { ...ANONYMOUS, userId });
    const first = await firstMembershipOf(trx, userId);
    await applyRequestContext(trx, contextFor(userId, first));
    return work(trx, first?.cooperativeId ?? null);
  });
}

function audit(trx: Trx, userId: string, cooperativeId: string | null, event: Omit<AuditEvent, "actorUserId">) {
  return recordEvent(trx, { ...event, cooperativeId, actorUserId: userId });
}

export async function secondFactorStatus(trx: Trx, userId: string): Promise<SecondFactorStatus> {
  const credential = await trx
    .selectFrom("totp_credentials")
    .select("enrolled_at")
    .where("user_id", "=", userId)
    .executeTakeFirst();
  const codes = await trx
    .selectFrom("recovery_codes")
    .select((eb) => eb.fn.countAll<number>().as("left"))
    .where("user_id", "=", userId)
    .where("used_at", "is", null)
    .executeTakeFirstOrThrow();
  return {
    enrolled: credential !== undefined,
    enrolledAt: credential?.enrolled_at ?? null,
    recoveryCodesLeft: Number(codes.left),
  };
}

/**
 * Enrols (or re-enrols) an authenticator: the code typed proves the phone holds
 * `secret`. Replaces any previous key and recovery codes, counts the session as
 * verified, and returns the new recovery codes (shown once).
 */
export async function enrolTotp(
  scope: RequestScope,
  input: { userId: string; sessionId: string; secret: string; code: string },
  client: ClientMeta,
  now: Date,
): Promise<{ ok: true; recoveryCodes: string[] } | { ok: false }> {
  const step = matchTotpStep(input.secret, input.code, now, 0);
  if (step === null) return { ok: false };
  const recoveryCodes = generateRecoveryCodes();
  await asUser(scope, input.userId, async (trx, cooperativeId) => {
    const replaced = await trx.deleteFrom("totp_credentials").where("user_id", "=", input.userId).executeTakeFirst();
    await trx
      .insertInto("totp_credentials")
      .values({ user_id: input.userId, secret: input.secret, last_used_step: step, enrolled_at: now })
      .execute();
    await replaceRecoveryCodes(trx, input.userId, recoveryCodes);
    await markSessionVerified(trx, input.sessionId, now);
    await audit(trx, input.userId, cooperativeId, {
      action: "second_factor.enrolled",
      details: { replaced: Number(replaced.numDeletedRows) > 0 },
      ipAddress: client.ipAddress,
    });
  });
  return { ok: true, recoveryCodes };
}

async function replaceRecoveryCodes(trx: Trx, userId: string, codes: string[]) {
  await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
  await trx
    .insertInto("recovery_codes")
    .values(codes.map((code) => ({ user_id: userId, code_hash: hashRecoveryCode(code) })))
    .execute();
}

function markSessionVerified(trx: Trx, sessionId: string, now: Date) {
  return trx.updateTable("sessions").set({ second_factor_verified_at: now }).where("id", "=", sessionId).execute();
}

export type VerifyResult = { ok: true } | { ok: false; reason: "invalid" | "throttled"; retryAfterSeconds?: number };

/**
 * Checks a code from the authenticator (or a recovery code) for a signed-in
 * session still waiting for its second factor. Attempts are throttled per
 * account like passwords; a code or recovery code is accepted once only, even
 * by two concurrent requests.
 */
export async function verifySecondFactor(
  scope: RequestScope,
  input: { userId: string; sessionId: string; code: string; kind: "totp" | "recovery" },
  client: ClientMeta,
  now: Date,
): Promise<VerifyResult> {
  const throttleKey = `second_factor:${input.userId}`;
  const [account, ip] = await Promise.all([
    countAttempt(scope, "account", throttleKey, now),
    countAttempt(scope, "ip", client.ipAddress, now),
  ]);
  if (!account.allowed || !ip.allowed) {
    return {
      ok: false,
      reason: "throttled",
      retryAfterSeconds: Math.max(account.retryAfterSeconds, ip.retryAfterSeconds),
    };
  }
  const accepted = await asUser(scope, input.userId, async (trx, cooperativeId) => {
    const ok =
      input.kind === "totp"
        ? await spendTotpCode(trx, input.userId, input.code, now)
        : await spendRecoveryCode(trx, input.userId, input.code, now);
    if (ok) await markSessionVerified(trx, input.sessionId, now);
    await audit(trx, input.userId, cooperativeId, {
      action: !ok
        ? "second_factor.failed"
        : input.kind === "totp"
          ? "second_factor.verified"
          : "second_factor.recovery_code_used",
      ipAddress: client.ipAddress,
    });
    return ok;
  });
  if (!accepted) return { ok: false, reason: "invalid" };
  await clearAttempts(scope, "account", throttleKey);
  return { ok: true };
}

async function spendTotpCode(trx: Trx, userId: string, code: string, now: Date): Promise<boolean> {
  const credential = await trx
    .selectFrom("totp_credentials")
    .select(["secret", "last_used_step"])
    .where("user_id", "=", userId)
    .executeTakeFirst();
  if (!credential) return false;
  const step = matchTotpStep(credential.secret, code, now, credential.last_used_step);
  if (step === null) return false;
  // Conditional on the step read: of two requests with the same code, one only moves it forward.
  const moved = await trx
    .updateTable("totp_credentials")
    .set({ last_used_step: step })
    .where("user_id", "=", userId)
    .where("last_used_step", "<", step)
    .executeTakeFirst();
  return Number(moved.numUpdatedRows) === 1;
}

async function spendRecoveryCode(trx: Trx, userId: string, code: string, now: Date): Promise<boolean> {
  const used = await trx
    .updateTable("recovery_codes")
    .set({ used_at: now })
    .where("user_id", "=", userId)
    .where("code_hash", "=", hashRecoveryCode(code))
    .where("used_at", "is", null)
    .executeTakeFirst();
  return Number(used.numUpdatedRows) === 1;
}

/** Turns the second factor off (for those who are not required to have one). */
export async function removeTotp(scope: RequestScope, userId: string, client: ClientMeta): Promise<void> {
  await asUser(scope, userId, async (trx, cooperativeId) => {
    await trx.deleteFrom("recovery_codes").where("user_id", "=", userId).execute();
    await trx.deleteFrom("totp_credentials").where("user_id", "=", userId).execute();
    await audit(trx, userId, cooperativeId, { action: "second_factor.removed", ipAddress: client.ipAddress });
  });
}
