import { type Algorithm, hash, type Options, type Version, verify } from "@node-rs/argon2";

// Passwords: argon2id hashes at (at least) OWASP's minimum. The rules for new
// passwords live in password-policy.server.ts (it imports the list through Vite).

// The package's `Algorithm` and `Version` are `const enum`s, absent at run time: use their values.
const ARGON2ID = 2 satisfies Algorithm;
const ARGON2_VERSION_0X13 = 1 satisfies Version;

export const ARGON2_OPTIONS = Object.freeze({
  algorithm: ARGON2ID,
  version: ARGON2_VERSION_0X13,
  /** KiB: 19 MiB, OWASP's minimum with t=2, p=1. */
  memoryCost: 19456,
  timeCost: 2,
  parallelism: 1,
  /** Bytes of raw hash. */
  outputLen: 32,
}) satisfies Options;

/**
 * The same password typed on two systems may arrive as different code points ("é" as one
 * code point or as "e" + a combining accent): hash, verify and count the NFC form.
 */
/** 16 × the policy's 1024 characters: past this, no stored hash can match. */
const VERIFY_LENGTH_LIMIT = 16_384;

export function normalize(password: string): string {
  return password.normalize("NFC");
}

/** Hashes a password with ARGON2_OPTIONS and a random salt; returns the PHC string ($argon2id$v=19$m=…). */
export async function hashPassword(password: string): Promise<string> {
  return hash(normalize(password), ARGON2_OPTIONS);
}

/**
 * Whether the password matches the stored PHC hash. False, never an exception, for a malformed hash.
 * A password far over the policy's maximum (which no stored hash can match) is refused without hashing.
 */
export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  // Generous: an allowed password typed decomposed (NFD) takes a few UTF-16 units per character.
  if (password.length > VERIFY_LENGTH_LIMIT) return false;
  try {
    return await verify(hash, normalize(password));
  } catch {
    return false;
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the time of a real verification, against a hash made with ARGON2_OPTIONS that no password
 * matches: call it when no account has the given email, so that sign-in takes as long either way.
 */
export async function verifyAgainstNothing(password: string): Promise<false> {
  // Made on first use (not a constant) so that it always has the current ARGON2_OPTIONS.
  dummyHash ??= hashPassword(crypto.randomUUID());
  await verifyPassword(await dummyHash, password);
  return false;
}

type Argon2Parameters = {
  algorithm: string;
  version: number;
  memoryCost: number;
  timeCost: number;
  parallelism: number;
  outputLen: number;
};

const PHC_PATTERN = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$[A-Za-z0-9+/]+\$([A-Za-z0-9+/]+)$/;

/** The parameters of an argon2 PHC string ($argon2id$v=19$m=19456,t=2,p=1$salt$hash), or undefined. */
export function parseArgon2Hash(hash: string): Argon2Parameters | undefined {
  const match = PHC_PATTERN.exec(hash);
  if (!match) return undefined;
  const [, algorithm = "", version, memoryCost, timeCost, parallelism, digest = ""] = match;
  return {
    algorithm,
    version: Number(version),
    memoryCost: Number(memoryCost),
    timeCost: Number(timeCost),
    parallelism: Number(parallelism),
    // Unpadded base64: 4 characters for 3 bytes.
    outputLen: Math.floor((digest.length * 3) / 4),
  };
}

/**
 * Whether a stored hash should be replaced (after a successful sign-in, with the password just
 * typed) because it is weaker than ARGON2_OPTIONS: another algorithm or version, less memory, fewer
 * passes, a shorter output. Stronger parameters are kept. True for a hash that cannot be parsed.
 */
export function needsRehash(hash: string): boolean {
  const parameters = parseArgon2Hash(hash);
  if (!parameters) return true;
  return (
    parameters.algorithm !== "argon2id" ||
    parameters.version !== 0x13 ||
    parameters.memoryCost < ARGON2_OPTIONS.memoryCost ||
    parameters.timeCost < ARGON2_OPTIONS.timeCost ||
    parameters.outputLen < ARGON2_OPTIONS.outputLen
  );
}
