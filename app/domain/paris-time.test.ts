import { describe, expect, it } from "vitest";
import { formatParisRange, parisOffsetMinutes, parisParts, parisToUtc } from "./paris-time.ts";

const utc = (date: string, time: string) => {
  const result = parisToUtc(date, time);
  if (!result.ok) throw new Error(result.message);
  return result.instant.toISOString();
};

describe("Paris time", () => {
  it("turns Paris wall-clock times into UTC on both sides of the DST changes", () => {
    expect(utc("2027-01-14", "14:00")).toBe("2027-01-14T13:00:00.000Z");
    expect(utc("2027-07-01", "09:30")).toBe("2027-07-01T07:30:00.000Z");
    // Last Sunday of March 2027 is the 28th: the week after is summer time.
    expect(utc("2027-03-27", "10:00")).toBe("2027-03-27T09:00:00.000Z");
    expect(utc("2027-04-01", "10:00")).toBe("2027-04-01T08:00:00.000Z");
    // Last Sunday of October 2027 is the 31st: the week after is winter time.
    expect(utc("2027-10-30", "10:00")).toBe("2027-10-30T08:00:00.000Z");
    expect(utc("2027-11-04", "10:00")).toBe("2027-11-04T09:00:00.000Z");
    expect(utc("2027-11-04", "9h05")).toBe("2027-11-04T08:05:00.000Z");
  });

  it("refuses the hour skipped in spring, takes the first of the hour repeated in autumn", () => {
    expect(parisToUtc("2027-03-28", "02:30")).toEqual({
      ok: false,
      message: "02:30 n'existe pas le 2027-03-28 à Paris (passage à l'heure d'été).",
    });
    expect(utc("2027-10-31", "02:30")).toBe("2027-10-31T00:30:00.000Z");
  });

  it("refuses what is not a date or a time", () => {
    expect(parisToUtc("2027-02-30", "10:00")).toEqual({ ok: false, message: "Le 2027-02-30 n'existe pas." });
    expect(parisToUtc("demain", "10:00")).toMatchObject({ ok: false });
    expect(parisToUtc("2027-02-03", "25:00")).toMatchObject({ ok: false });
  });

  it("reads instants back in Paris", () => {
    const instant = new Date("2027-04-01T08:00:00Z");
    expect(parisParts(instant)).toEqual({ date: "2027-04-01", time: "10:00" });
    expect(parisOffsetMinutes(instant)).toBe(120);
    expect(parisOffsetMinutes(new Date("2027-11-04T09:00:00Z"))).toBe(60);
    expect(formatParisRange(instant, new Date("2027-04-01T10:00:00Z"))).toBe("jeudi 1er avril 2027, 10:00 – 12:00");
  });
});
