import { createHash, randomBytes } from "node:crypto";

/** 32 random bytes (256 bits), base64url: for session cookies and emailed links. */
export function generateToken(): string {
  return randomBytes(32).toString("base64url");
}

/** What the database keeps instead of a token: its SHA-256, hex. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}
