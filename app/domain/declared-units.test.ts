import { describe, expect, it } from "vitest";
import { pricingSchema } from "./allocation/pricing-schema.ts";
import { parseHundredths, unitsOfPricing } from "./declared-units.ts";

describe("parseHundredths", () => {
  it("reads French and plain decimals, with thousands spaces", () => {
    expect(parseHundredths("1 439,50")).toEqual({ ok: true, hundredths: 143_950 });
    expect(parseHundredths("1\u202f439,5")).toEqual({ ok: true, hundredths: 143_950 });
    expect(parseHundredths("1439.5")).toEqual({ ok: true, hundredths: 143_950 });
    expect(parseHundredths(" 37 ")).toEqual({ ok: true, hundredths: 3_700 });
    expect(parseHundredths("0")).toEqual({ ok: true, hundredths: 0 });
  });

  it("refuses negatives, three decimals, text and nothing, in French", () => {
    expect(parseHundredths("-3")).toEqual({ ok: false, message: "La quantité ne peut pas être négative." });
    expect(parseHundredths("1,234")).toEqual({ ok: false, message: "Deux décimales au plus (ex. « 1 439,50 »)." });
    expect(parseHundredths("douze")).toMatchObject({
      ok: false,
      message: expect.stringContaining("Saisissez un nombre"),
    });
    expect(parseHundredths("1,2,3")).toMatchObject({ ok: false });
    expect(parseHundredths("")).toEqual({ ok: false, message: "Indiquez une quantité." });
  });
});

describe("unitsOfPricing", () => {
  it("lists the units of per-unit parts and of splits by units, options included, each once", () => {
    const pricing = pricingSchema.parse({
      kind: "shares",
      base: {
        parts: [
          { kind: "perUnitRate", unit: "agents", unitLabel: "agents suivis", rateMillicents: 10_000_000 },
          { kind: "split", totalCents: 100_000, weight: { kind: "units", unit: "m2", unitLabel: "m² entretenus" } },
        ],
      },
      options: [
        {
          key: "visites",
          label: "Visites",
          parts: [{ kind: "perUnitRate", unit: "agents", unitLabel: "agents", rateMillicents: 1_000_000 }],
        },
      ],
    });
    expect(unitsOfPricing(pricing)).toEqual([
      { key: "agents", label: "agents suivis" },
      { key: "m2", label: "m² entretenus" },
    ]);
    expect(unitsOfPricing(pricingSchema.parse({ kind: "shares", base: { parts: [{ kind: "free" }] } }))).toEqual([]);
  });
});
