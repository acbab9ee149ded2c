import commonPasswordsText from "./common-passwords.txt?raw";
import { normalize } from "./password.server.ts";

// NIST 800-63B rules for new passwords: a length range, a list of common
// passwords, no composition rules. The list comes in through Vite (`?raw`):
// command-line scripts run by tsx must not import this module.

export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;

/** Lowercase entries of 12+ characters (shorter ones are refused by length anyway). */
const COMMON_PASSWORDS: ReadonlySet<string> = new Set(
  commonPasswordsText
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("# ")),
);

function commonPasswordKey(password: string): string {
  return password.trim().toLowerCase();
}

export type NewPasswordCheck = { ok: true } | { ok: false; message: string };

/**
 * Whether a new password (sign-up, change, reset) may be used: 12 to 1024 characters (Unicode code
 * points of the NFC form), not made of spaces only, not in the list of common passwords (case and
 * surrounding spaces ignored). No composition rules.
 */
export function checkNewPassword(password: string): NewPasswordCheck {
  // Far too long even once composed by NFC: not worth normalizing. Past 2 × MAX UTF-16 units, there are
  // more than MAX code points: not worth counting them.
  const normalized = password.length > MAX_PASSWORD_LENGTH * 16 ? password : normalize(password);
  const length = normalized.length > MAX_PASSWORD_LENGTH * 2 ? Infinity : [...normalized].length;
  if (length < MIN_PASSWORD_LENGTH) {
    return { ok: false, message: `Le mot de passe doit contenir au moins ${MIN_PASSWORD_LENGTH} caractères.` };
  }
  if (length > MAX_PASSWORD_LENGTH) {
    return { ok: false, message: `Le mot de passe ne doit pas dépasser ${MAX_PASSWORD_LENGTH} caractères.` };
  }
  const key = commonPasswordKey(normalized);
  if (key === "") {
    return { ok: false, message: "Le mot de passe ne peut pas être fait uniquement d'espaces." };
  }
  if (COMMON_PASSWORDS.has(key)) {
    return {
      ok: false,
      message:
        "Ce mot de passe fait partie des mots de passe les plus courants, que les attaquants essaient en premier. Choisissez-en un autre, par exemple une phrase de plusieurs mots.",
    };
  }
  return { ok: true };
}

/** Whether the password is in the shipped list of common passwords (case and surrounding spaces ignored). */
export function isCommonPassword(password: string): boolean {
  return COMMON_PASSWORDS.has(commonPasswordKey(normalize(password)));
}
