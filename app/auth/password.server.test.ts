import { hash } from "@node-rs/argon2";
import { beforeAll, describe, expect, it } from "vitest";
import {
  ARGON2_OPTIONS,
  hashPassword,
  needsRehash,
  parseArgon2Hash,
  verifyAgainstNothing,
  verifyPassword,
} from "./password.server.ts";
import { checkNewPassword, isCommonPassword } from "./password-policy.server.ts";

// Argon2 at these parameters takes tens of milliseconds: a handful of hashes for the whole suite.
const PASSWORD = "cheval agrafe pile correcte";
let stored: string;
beforeAll(async () => {
  stored = await hashPassword(PASSWORD);
});

describe("hashPassword", () => {
  it("makes an argon2id v=19 PHC string with m=19456, t=2, p=1 and a 32-byte hash", () => {
    expect(stored).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(parseArgon2Hash(stored)).toEqual({
      algorithm: "argon2id",
      version: 0x13,
      memoryCost: 19456,
      timeCost: 2,
      parallelism: 1,
      outputLen: 32,
    });
    expect(ARGON2_OPTIONS).toMatchObject({ memoryCost: 19456, timeCost: 2, parallelism: 1, outputLen: 32 });
  });

  it("salts: the same password never gives the same hash twice", async () => {
    expect(await hashPassword(PASSWORD)).not.toBe(stored);
  });
});

describe("verifyPassword", () => {
  it("accepts the password and refuses any other", async () => {
    expect(await verifyPassword(stored, PASSWORD)).toBe(true);
    expect(await verifyPassword(stored, "Cheval agrafe pile correcte")).toBe(false);
    expect(await verifyPassword(stored, "")).toBe(false);
  });

  it("answers false, without throwing, for a malformed hash", async () => {
    for (const malformed of [
      "",
      "not a hash",
      stored.slice(0, -10),
      "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$",
      "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
    ]) {
      await expect(verifyPassword(malformed, PASSWORD)).resolves.toBe(false);
    }
  });

  it("matches the same text whether its accents arrive composed (NFC) or decomposed (NFD)", async () => {
    const composed = "Mémé a vu l'été à Évian";
    const storedAccented = await hashPassword(composed.normalize("NFD"));
    expect(await verifyPassword(storedAccented, composed.normalize("NFC"))).toBe(true);
  });

  it("refuses a huge password without hashing it", async () => {
    await expect(verifyPassword(stored, "a".repeat(1_000_000))).resolves.toBe(false);
  });
});

describe("verifyAgainstNothing", () => {
  it("always answers false, whatever the password", async () => {
    await expect(verifyAgainstNothing(PASSWORD)).resolves.toBe(false);
    await expect(verifyAgainstNothing("")).resolves.toBe(false);
  });
});

describe("checkNewPassword", () => {
  const refusedFor = (password: string) => {
    const result = checkNewPassword(password);
    return result.ok ? undefined : result.message;
  };

  it("wants at least 12 characters", () => {
    expect(refusedFor("vélo-bleu-4")).toBe("Le mot de passe doit contenir au moins 12 caractères.");
    expect(checkNewPassword("vélo-bleu-42")).toEqual({ ok: true });
  });

  it("counts code points, not UTF-16 units: an emoji is one character", () => {
    expect("🦊".repeat(11).length).toBe(22);
    expect(refusedFor("🦊".repeat(11))).toContain("au moins 12 caractères");
    expect(checkNewPassword("🦊".repeat(12))).toEqual({ ok: true });
  });

  it("counts an accented letter typed decomposed (NFD) as one character", () => {
    const elevenAccents = "\u0065\u0301".repeat(11);
    expect([...elevenAccents]).toHaveLength(22);
    expect(refusedFor(elevenAccents)).toContain("au moins 12 caractères");
  });

  it("allows long passphrases, up to 1024 characters", () => {
    const sentence = "le chat de la voisine dort sur le toit du garage depuis ce matin ".repeat(4).slice(0, 200);
    expect(sentence).toHaveLength(200);
    expect(checkNewPassword(sentence)).toEqual({ ok: true });
    expect(checkNewPassword("x".repeat(1024))).toEqual({ ok: true });
    expect(checkNewPassword("🦊".repeat(1024))).toEqual({ ok: true });
  });

  it("refuses more than 1024 characters", () => {
    expect(refusedFor("x".repeat(1025))).toBe("Le mot de passe ne doit pas dépasser 1024 caractères.");
    expect(refusedFor("🦊".repeat(1025))).toContain("1024 caractères");
    expect(refusedFor("x".repeat(1_000_000))).toContain("1024 caractères");
  });

  it("refuses a password of the common-password list, whatever its case and surrounding spaces", () => {
    for (const common of ["qwertyqwerty", "QwertyQwerty", "  1QAZ2WSX3EDC  ", "PasswordPassword", "iloveyou1234"]) {
      expect(refusedFor(common)).toContain("mots de passe les plus courants");
      expect(isCommonPassword(common)).toBe(true);
    }
    expect(isCommonPassword("vélo-bleu-42")).toBe(false);
  });

  it("refuses a password made of spaces only", () => {
    expect(refusedFor(" ".repeat(12))).toBe("Le mot de passe ne peut pas être fait uniquement d'espaces.");
  });

  it("has no composition rules: lowercase only, digits only, no symbol are all fine", () => {
    expect(checkNewPassword("aaaaaaaaaaab")).toEqual({ ok: true });
    expect(checkNewPassword("418529637402")).toEqual({ ok: true });
    expect(checkNewPassword("motdepasse123")).toEqual({ ok: true });
  });
});

describe("needsRehash", () => {
  it("is false for a hash made with ARGON2_OPTIONS, or with stronger parameters", () => {
    expect(needsRehash(stored)).toBe(false);
    const [, , , , salt, digest] = stored.split("$");
    expect(needsRehash(`$argon2id$v=19$m=65536,t=3,p=4$${salt}$${digest}`)).toBe(false);
  });

  it("is true for a hash with less memory, which still verifies until it is replaced", async () => {
    const weak = await hash(PASSWORD, { ...ARGON2_OPTIONS, memoryCost: 4096 });
    expect(weak).toMatch(/^\$argon2id\$v=19\$m=4096,t=2,p=1\$/);
    expect(needsRehash(weak)).toBe(true);
    expect(await verifyPassword(weak, PASSWORD)).toBe(true);
  });

  it("is true for fewer passes, another variant or version, a shorter output, or an unreadable hash", () => {
    const [, , , , salt, digest = ""] = stored.split("$");
    expect(needsRehash(`$argon2id$v=19$m=19456,t=1,p=1$${salt}$${digest}`)).toBe(true);
    expect(needsRehash(`$argon2i$v=19$m=19456,t=2,p=1$${salt}$${digest}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=16$m=19456,t=2,p=1$${salt}$${digest}`)).toBe(true);
    expect(needsRehash(`$argon2id$v=19$m=19456,t=2,p=1$${salt}$${digest.slice(0, 22)}`)).toBe(true);
    expect(needsRehash("not a hash")).toBe(true);
    expect(needsRehash("")).toBe(true);
  });
});
