import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { decodeBase32IgnorePadding, encodeBase32UpperCaseNoPadding } from "@oslojs/encoding";
import { createTOTPKeyURI, generateHOTP } from "@oslojs/otp";

/** RFC 6238 as every authenticator app reads it: 30-second steps, 6 digits, HMAC-SHA-1. */
const STEP_SECONDS = 30;
const DIGITS = 6;
/** Codes of the step before and after are accepted too: phones' clocks drift. */
const DRIFT_STEPS = 1;
export const RECOVERY_CODE_COUNT = 10;

/** A new shared key, 20 random bytes as base32 (what the QR code carries). */
export function generateTotpSecret(): string {
  return encodeBase32UpperCaseNoPadding(randomBytes(20));
}

/** The otpauth:// URI an authenticator app scans. */
export function totpKeyUri(issuer: string, accountName: string, secret: string): string {
  return createTOTPKeyURI(issuer, accountName, decodeBase32IgnorePadding(secret), STEP_SECONDS, DIGITS);
}

/** "JBSW Y3DP …": the key in groups of four, for typing by hand. */
export function groupedSecret(secret: string): string {
  return secret.match(/.{1,4}/g)?.join(" ") ?? secret;
}

export function totpStepAt(now: Date): number {
  return Math.floor(now.getTime() / 1000 / STEP_SECONDS);
}

/** The code an authenticator shows for `secret` at step `step` (tests play the phone with it). */
export function totpCodeAt(secret: string, step: number): string {
  return generateHOTP(decodeBase32IgnorePadding(secret), BigInt(step), DIGITS);
}

/**
 * The step `code` belongs to, if it is valid now (within the drift) and later
 * than `lastUsedStep`: a code once accepted is never accepted again.
 */
export function matchTotpStep(secret: string, code: string, now: Date, lastUsedStep: number): number | null {
  const typed = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(typed)) return null;
  const current = totpStepAt(now);
  for (let step = current - DRIFT_STEPS; step <= current + DRIFT_STEPS; step++) {
    if (step <= lastUsedStep) continue;
    if (timingSafeEqual(Buffer.from(totpCodeAt(secret, step)), Buffer.from(typed))) return step;
  }
  return null;
}

const RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/** Ten codes such as "K7QM-2XHF-9PZA" (60 bits each), shown once; only their hashes are kept. */
export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const characters = [...randomBytes(12)].map((byte) => RECOVERY_ALPHABET[byte % RECOVERY_ALPHABET.length]);
    return [0, 4, 8].map((start) => characters.slice(start, start + 4).join("")).join("-");
  });
}

/** Case, spaces and dashes do not matter when a code is typed back. */
export function hashRecoveryCode(code: string): string {
  const normalised = code.toUpperCase().replace(/[\s-]/g, "");
  return createHash("sha256").update(normalised).digest("hex");
}
