import { describe, expect, it } from "vitest";
import { formatEuros, formatInhabitants, formatPercent, formatUnits, groupThousands } from "./format-fr.ts";

const intl = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });

describe("groupThousands", () => {
  it("writes every integer as Intl.NumberFormat('fr-FR') does, around each power of ten", () => {
    const values = [0, Number.MAX_SAFE_INTEGER];
    for (let power = 1; power <= 1e15; power *= 10) values.push(power - 1, power, power + 1, 7 * power + 123);
    for (const value of values) expect(groupThousands(value), String(value)).toBe(intl.format(value));
  });

  it("keeps the sign, and refuses what is not a safe integer", () => {
    expect(groupThousands(-1234567)).toBe("-1\u202f234\u202f567");
    expect(() => groupThousands(1.5)).toThrow(RangeError);
    expect(() => groupThousands(Number.NaN)).toThrow(RangeError);
  });

  it("is what amounts and populations are written with", () => {
    expect(formatEuros(123456789)).toBe("1\u202f234\u202f567,89\u00a0€");
    expect(formatEuros(-5)).toBe("-0,05\u00a0€");
    expect(formatInhabitants(300_000)).toBe("300\u202f000");
  });
});

describe("hundredths (units, subsidy percentages)", () => {
  it("are written as Intl.NumberFormat('fr-FR') writes hundredths / 100, without trailing zeros", () => {
    const decimal = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 0, maximumFractionDigits: 5 });
    const values = [0, 1, 5, 10, 50, 99, 100, 101, 110, 143_950, 123_456_789, 999_999_999_999];
    for (const value of values) {
      expect(formatUnits(value), String(value)).toBe(decimal.format(value / 100));
      expect(formatPercent(value), String(value)).toBe(`${decimal.format(value / 100)}\u00a0%`);
    }
    expect(formatPercent(1250)).toBe("12,5\u00a0%");
  });
});
