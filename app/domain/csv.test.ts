import { describe, expect, it } from "vitest";
import { csvCents, csvNumber, toCsv } from "./csv.ts";

describe("CSV for French Excel", () => {
  it("starts with a BOM, separates with ';' and ends every line with CRLF", () => {
    const csv = toCsv(["Membre", "Net (€)"], [["Lattes", csvCents(37_505)]]);
    expect(csv.startsWith("\uFEFF")).toBe(true);
    expect(csv.slice(1).split("\r\n")).toEqual(["Membre;Net (€)", "Lattes;375,05", ""]);
    expect(csv.slice(1).replaceAll("\r\n", "")).not.toMatch(/[\r\n]/);
  });

  it("quotes per RFC 4180 only the fields that need it, doubling quotes", () => {
    const csv = toCsv(["a", "b", "c", "d"], [['Commune "B"', "x;y", "deux\nlignes", "simple"]]);
    expect(csv.slice(1).split("\r\n")[1]).toBe('"Commune ""B""";"x;y";"deux\nlignes";simple');
  });

  it("writes amounts with a decimal comma and no thousands separator, exactly", () => {
    expect(csvCents(0)).toBe("0,00");
    expect(csvCents(5)).toBe("0,05");
    expect(csvCents(-5)).toBe("-0,05");
    expect(csvCents(123_456_789)).toBe("1234567,89");
    expect(csvCents(Number.MAX_SAFE_INTEGER)).toBe("90071992547409,91");
    expect(() => csvCents(1.5)).toThrow(RangeError);
    expect(csvNumber(57.76)).toBe("57,76");
    expect(toCsv(["n"], [[1439.5]]).slice(1)).toBe("n\r\n1439,5\r\n");
  });

  it("renders booleans in French and empty cells as nothing", () => {
    expect(toCsv(["a", "b", "c", "d"], [[true, false, null, undefined]]).slice(1)).toBe("a;b;c;d\r\noui;non;;\r\n");
  });

  it("keeps a text that Excel would run as a formula from running, but not negative amounts", () => {
    const row = toCsv(["a", "b", "c", "d", "e"], [["=1+1", "+33 4 67", "@SUM(A1)", "-x", csvCents(-1_250)]])
      .slice(1)
      .split("\r\n")[1];
    expect(row).toBe("'=1+1;'+33 4 67;'@SUM(A1);'-x;-12,50");
  });

  it("neutralises a formula that starts like a negative number, keeps negative numbers typed as text", () => {
    const row = toCsv(["a", "b", "c"], [["-1+cmd|'/C calc'!A0", "-12,50", "-3"]])
      .slice(1)
      .split("\r\n")[1];
    expect(row).toBe("'-1+cmd|'/C calc'!A0;-12,50;-3");
  });
});
