import { describe, expect, it } from "vitest";
import {
  computeNetworkIndicators,
  formatAverage,
  formatRate,
  type IndicatorAttendance,
  type IndicatorMeeting,
  type IndicatorOrganisation,
} from "./network-indicators.ts";

const commune = (name: string): IndicatorOrganisation => ({ id: `id-${name}`, name, kind: "commune" });
const lattes = commune("Lattes");
const grabels = commune("Grabels");
const perols = commune("Pérols");
const ccas: IndicatorOrganisation = { id: "id-ccas", name: "CCAS de Lattes", kind: "ccas" };

const meeting = (id: string, startsAt: string, status: IndicatorMeeting["status"] = "held"): IndicatorMeeting => ({
  id,
  startsAt: new Date(startsAt),
  status,
});
const came = (meetingId: string, organisation: IndicatorOrganisation | null, times = 1): IndicatorAttendance[] =>
  Array.from({ length: times }, () => ({ meetingId, organisation }));

describe("network indicators", () => {
  const meetings = [
    meeting("m1", "2017-02-09T09:00:00Z"),
    meeting("m2", "2017-06-15T08:00:00Z"),
    // Not held: neither it nor its attendance counts.
    meeting("m3", "2017-09-14T08:00:00Z", "cancelled"),
    meeting("m4", "2017-10-12T08:00:00Z", "scheduled"),
    // Another year.
    meeting("m5", "2016-11-10T09:00:00Z"),
  ];
  const attendance = [
    ...came("m1", lattes, 2),
    ...came("m1", grabels),
    ...came("m1", ccas),
    ...came("m1", null),
    ...came("m2", lattes),
    ...came("m3", perols),
    ...came("m4", perols),
    ...came("m5", perols),
  ];

  it("counts held meetings of the year, distinct organisations and communes present, and averages per meeting", () => {
    const indicators = computeNetworkIndicators({
      year: 2017,
      meetings,
      attendance,
      members: [lattes, grabels, perols],
    });
    expect(indicators).toMatchObject({
      year: 2017,
      meetingsHeld: 2,
      organisationsPresent: 3,
      communesPresent: 2,
      // m1: 5 people (Lattes twice, Grabels, the CCAS, someone from outside), m2: 1.
      averagePeople: 3,
      // m1: 3 organisations, 2 communes; m2: 1 and 1.
      averageOrganisations: 2,
      averageCommunes: 1.5,
    });
  });

  it("gives each organisation its rate of attendance, members never present at 0, the most assiduous first", () => {
    const { organisations } = computeNetworkIndicators({
      year: 2017,
      meetings,
      attendance,
      members: [lattes, grabels, perols],
    });
    expect(organisations.map(({ name, meetingsAttended, rate }) => [name, meetingsAttended, rate])).toEqual([
      ["Lattes", 2, 1],
      ["CCAS de Lattes", 1, 0.5],
      ["Grabels", 1, 0.5],
      // Present only at meetings that do not count.
      ["Pérols", 0, 0],
    ]);
  });

  it("places a meeting in its year by Paris time: the New Year's Eve party at 00:30 belongs to the new year", () => {
    const late = [meeting("n", "2017-12-31T23:30:00Z")];
    expect(computeNetworkIndicators({ year: 2017, meetings: late, attendance: [] }).meetingsHeld).toBe(0);
    expect(computeNetworkIndicators({ year: 2018, meetings: late, attendance: [] }).meetingsHeld).toBe(1);
  });

  it("has no averages and zero rates for a year without held meetings", () => {
    const indicators = computeNetworkIndicators({ year: 2030, meetings, attendance, members: [lattes] });
    expect(indicators).toMatchObject({
      meetingsHeld: 0,
      organisationsPresent: 0,
      communesPresent: 0,
      averagePeople: null,
      averageOrganisations: null,
      averageCommunes: null,
    });
    expect(indicators.organisations).toEqual([{ ...lattes, meetingsAttended: 0, rate: 0 }]);
    expect(formatAverage(null)).toBe("—");
  });

  it("writes averages and rates the French way", () => {
    expect(formatAverage(12)).toBe("12");
    expect(formatAverage(11.44)).toBe("11,4");
    expect(formatRate(0.8)).toBe("80\u00a0%");
  });
});
