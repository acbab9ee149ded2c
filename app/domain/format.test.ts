import { describe, expect, it } from "vitest";
import {
  formatCalendarDate,
  formatInteger,
  formatParisDate,
  formatParisDateTime,
  parisToday,
  plural,
} from "./format.ts";

describe("French formats", () => {
  it("groups thousands with a narrow no-break space", () => {
    expect(formatInteger(523109)).toBe("523\u202f109");
    expect(formatInteger(81)).toBe("81");
  });

  it("reads today in Paris, not in UTC", () => {
    expect(parisToday(new Date("2026-12-31T23:30:00Z"))).toBe("2027-01-01");
    expect(parisToday(new Date("2026-06-30T21:59:00Z"))).toBe("2026-06-30");
  });

  it("writes a calendar date in words, whatever the server's time zone", () => {
    expect(formatCalendarDate("2026-01-01")).toBe("1er janvier 2026");
    expect(formatCalendarDate("2026-01-11")).toBe("11 janvier 2026");
    expect(formatCalendarDate("2026-03-21")).toBe("21 mars 2026");
    expect(formatCalendarDate("2026-11-27")).toBe("27 novembre 2026");
  });

  it("writes an instant's day and time in Paris, the first of the month as French does", () => {
    expect(formatParisDate(new Date("2026-06-30T22:30:00Z"))).toBe("1er juillet 2026");
    expect(formatParisDateTime(new Date("2026-01-01T09:05:00Z"))).toBe("1er janvier 2026 à 10:05");
    expect(formatParisDateTime(new Date("2026-03-11T09:05:00Z"))).toBe("11 mars 2026 à 10:05");
  });

  it("agrees nouns with their count", () => {
    expect(plural(1, "membre")).toBe("1 membre");
    expect(plural(31, "membre")).toBe("31 membres");
    expect(plural(0, "membre")).toBe("0 membre");
  });
});
