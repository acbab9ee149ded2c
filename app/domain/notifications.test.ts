import { describe, expect, it } from "vitest";
import { effectiveDelivery, lastDigestCutoff, mayTurnOff } from "./notifications.ts";

describe("notification delivery", () => {
  it("is immediate until chosen otherwise, then what was chosen", () => {
    expect(effectiveDelivery("adhesions", undefined, ["referent"])).toBe("immediate");
    expect(effectiveDelivery("adhesions", "digest", ["referent"])).toBe("digest");
    expect(effectiveDelivery("adhesions", "none", ["referent"])).toBe("none");
  });

  it("never silences statements for a referent, who may still take them in the digest", () => {
    expect(mayTurnOff("statements", ["referent"])).toBe(false);
    expect(mayTurnOff("statements", ["agent", "viewer"])).toBe(true);
    expect(effectiveDelivery("statements", "none", ["viewer", "referent"])).toBe("immediate");
    expect(effectiveDelivery("statements", "digest", ["referent"])).toBe("digest");
    expect(effectiveDelivery("statements", "none", ["agent"])).toBe("none");
  });
});

describe("lastDigestCutoff: 07:00 in Paris", () => {
  it("is this morning's after 07:00 and yesterday's before, in winter (UTC+1)", () => {
    expect(lastDigestCutoff(new Date("2026-11-27T06:30:00Z")).toISOString()).toBe("2026-11-27T06:00:00.000Z");
    expect(lastDigestCutoff(new Date("2026-11-27T06:00:00Z")).toISOString()).toBe("2026-11-27T06:00:00.000Z");
    expect(lastDigestCutoff(new Date("2026-11-27T05:59:59Z")).toISOString()).toBe("2026-11-26T06:00:00.000Z");
  });

  it("follows summer time (UTC+2) and the night the clocks change", () => {
    expect(lastDigestCutoff(new Date("2026-07-01T12:00:00Z")).toISOString()).toBe("2026-07-01T05:00:00.000Z");
    // 29 March 2026: clocks go forward at 02:00 Paris; 07:00 that morning is 05:00 UTC.
    expect(lastDigestCutoff(new Date("2026-03-29T05:30:00Z")).toISOString()).toBe("2026-03-29T05:00:00.000Z");
    // The evening before is still in winter time: the cutoff was 06:00 UTC.
    expect(lastDigestCutoff(new Date("2026-03-28T22:00:00Z")).toISOString()).toBe("2026-03-28T06:00:00.000Z");
    // 25 October 2026: clocks go back; 07:00 that morning is 06:00 UTC.
    expect(lastDigestCutoff(new Date("2026-10-25T06:30:00Z")).toISOString()).toBe("2026-10-25T06:00:00.000Z");
  });
});
