import { describe, expect, it } from "vitest";
import {
  generateRecoveryCodes,
  generateTotpSecret,
  groupedSecret,
  hashRecoveryCode,
  matchTotpStep,
  totpCodeAt,
  totpKeyUri,
  totpStepAt,
} from "./totp.server.ts";

// RFC 6238, appendix B: the ASCII key "12345678901234567890", SHA-1, last 6 of the 8 digits.
const RFC_SECRET = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
const at = (seconds: number) => new Date(seconds * 1000);

describe("TOTP (RFC 6238)", () => {
  it("gives the RFC's test vectors", () => {
    expect(totpCodeAt(RFC_SECRET, totpStepAt(at(59)))).toBe("287082");
    expect(totpCodeAt(RFC_SECRET, totpStepAt(at(1111111109)))).toBe("081804");
    expect(totpCodeAt(RFC_SECRET, totpStepAt(at(1234567890)))).toBe("005924");
    expect(totpCodeAt(RFC_SECRET, totpStepAt(at(2000000000)))).toBe("279037");
  });

  it("accepts the code of the current step and of one step either side, with spaces, and names the step", () => {
    const now = at(1111111109);
    const step = totpStepAt(now);
    expect(matchTotpStep(RFC_SECRET, "081 804", now, 0)).toBe(step);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step - 1), now, 0)).toBe(step - 1);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step + 1), now, 0)).toBe(step + 1);
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step - 2), now, 0)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step + 2), now, 0)).toBeNull();
  });

  it("never accepts a step at or before the last one used, nor anything that is not six digits", () => {
    const now = at(1111111109);
    const step = totpStepAt(now);
    expect(matchTotpStep(RFC_SECRET, "081804", now, step)).toBeNull();
    expect(matchTotpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, step + 1), now, step)).toBe(step + 1);
    for (const typed of ["", "08180", "0818045", "abcdef", "081804 x"]) {
      expect(matchTotpStep(RFC_SECRET, typed, now, 0), typed).toBeNull();
    }
  });

  it("makes 20-byte keys in base32 and the URI authenticator apps scan", () => {
    const secret = generateTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(generateTotpSecret()).not.toBe(secret);
    expect(groupedSecret(RFC_SECRET)).toBe("GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ");
    const uri = new URL(totpKeyUri("Coopérative de services", "admin@example.org", RFC_SECRET));
    expect(uri.protocol).toBe("otpauth:");
    expect(uri.searchParams.get("secret")).toBe(RFC_SECRET);
    expect(uri.searchParams.get("period")).toBe("30");
    expect(uri.searchParams.get("digits")).toBe("6");
    expect(uri.searchParams.get("issuer")).toBe("Coopérative de services");
  });
});

describe("recovery codes", () => {
  it("are ten distinct codes in three groups of four, without look-alike characters", () => {
    const codes = generateRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes) expect(code).toMatch(/^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/);
  });

  it("are recognised whatever the case, spaces or dashes typed", () => {
    expect(hashRecoveryCode("k7qm 2xhf 9pza")).toBe(hashRecoveryCode("K7QM-2XHF-9PZA"));
    expect(hashRecoveryCode("K7QM-2XHF-9PZB")).not.toBe(hashRecoveryCode("K7QM-2XHF-9PZA"));
  });
});
