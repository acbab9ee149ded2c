import { describe, expect, it } from "vitest";
import { isValidInseeCode, isValidSiren } from "./siren.ts";

describe("isValidSiren", () => {
  it("accepts SIRENs whose Luhn check digit is right", () => {
    for (const siren of ["243400017", "213401722", "200039865", "247200132", "244200770"]) {
      expect(isValidSiren(siren)).toBe(true);
    }
  });

  it("refuses a wrong check digit, a wrong length or other characters", () => {
    for (const siren of ["243400018", "213401723", "24340001", "2434000170", "24340001A", " 243400017", ""]) {
      expect(isValidSiren(siren)).toBe(false);
    }
  });

  it("accepts La Poste's historical SIREN, the documented exception", () => {
    expect(isValidSiren("356000000")).toBe(true);
  });
});

describe("isValidInseeCode", () => {
  it("accepts mainland and Corsican commune codes", () => {
    for (const code of ["34172", "57463", "2A004", "2B033", "97411"]) expect(isValidInseeCode(code)).toBe(true);
  });

  it("refuses anything else", () => {
    for (const code of ["3417", "341722", "2C004", "3417A", ""]) expect(isValidInseeCode(code)).toBe(false);
  });
});
