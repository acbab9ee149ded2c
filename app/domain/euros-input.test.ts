import { describe, expect, it } from "vitest";
import { formatEuros } from "./allocation/format-fr.ts";
import { eurosField, parseEuros } from "./euros-input.ts";

describe("parseEuros", () => {
  it("reads amounts as typed in France into cents", () => {
    expect(parseEuros("12 345,67")).toEqual({ ok: true, cents: 1_234_567 });
    expect(parseEuros("12345.6")).toEqual({ ok: true, cents: 1_234_560 });
    expect(parseEuros(" 1\u202f200 € ")).toEqual({ ok: true, cents: 120_000 });
    expect(parseEuros("0")).toEqual({ ok: true, cents: 0 });
    expect(parseEuros("0,05")).toEqual({ ok: true, cents: 5 });
  });

  it("reads back what formatEuros writes", () => {
    for (const cents of [0, 7, 99_999, 123_456_789, 99_999_999_999]) {
      expect(parseEuros(formatEuros(cents))).toEqual({ ok: true, cents });
    }
  });

  it("refuses, in French, what is not an amount", () => {
    expect(parseEuros("")).toEqual({ ok: false, message: "Saisissez un montant en euros." });
    expect(parseEuros("-10")).toEqual({ ok: false, message: "Le montant ne peut pas être négatif." });
    expect(parseEuros("12,345")).toMatchObject({ ok: false, message: expect.stringContaining("deux décimales") });
    expect(parseEuros("douze")).toMatchObject({ ok: false, message: expect.stringContaining("« douze »") });
    expect(parseEuros("1e5")).toMatchObject({ ok: false });
    expect(parseEuros("1 000 000 000,00")).toEqual({ ok: false, message: "Le montant dépasse 999 999 999,99 €." });
  });

  it("is a zod field giving cents or the message", () => {
    expect(eurosField.parse("1 234,50")).toBe(123_450);
    const failed = eurosField.safeParse("abc");
    expect(failed.success).toBe(false);
    expect(failed.error?.issues[0]?.message).toContain("n'est pas un montant");
  });
});
