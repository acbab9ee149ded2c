import ICAL from "ical.js";
import { describe, expect, it } from "vitest";
import { feedIcs, foldLine, type IcsEvent, invitationIcs } from "./ics.ts";
import { parisToUtc } from "./paris-time.ts";

const paris = (date: string, time: string) => {
  const result = parisToUtc(date, time);
  if (!result.ok) throw new Error(result.message);
  return result.instant;
};

const event = (overrides: Partial<IcsEvent> = {}): IcsEvent => ({
  uid: "0b4e6c1e-2f7a-4c55-9d7e-1a2b3c4d5e6f@portail.example",
  sequence: 0,
  startsAt: paris("2027-04-01", "09:30"),
  endsAt: paris("2027-04-01", "12:00"),
  summary: "Réseau RH : réunion d'avril",
  description: "Ordre du jour :\n1. Temps de travail; astreintes, RIFSEEP\n2. Questions diverses",
  location: "Hôtel de Métropole, salle 3, Montpellier",
  url: "https://portail.example/reunions/42",
  cancelled: false,
  organizer: { name: "Montpellier Méditerranée Métropole", email: "mutualisation@example.org" },
  attendees: [{ name: "Claire « DGS » Martin", email: "claire@castelnau.example" }],
  ...overrides,
});

function parse(text: string) {
  const component = new ICAL.Component(ICAL.parse(text));
  const vevent = component.getFirstSubcomponent("vevent");
  if (!vevent) throw new Error("no VEVENT");
  return { component, vevent, parsed: new ICAL.Event(vevent) };
}

describe("meeting iCalendar", () => {
  it("is read back by an independent parser: method, UID, sequence, text, organiser, attendees without RSVP", () => {
    const text = invitationIcs(event(), new Date("2027-03-01T10:00:00Z"));
    expect(text.endsWith("\r\n")).toBe(true);
    expect(text.split("\r\n").every((line) => new TextEncoder().encode(line).length <= 75)).toBe(true);
    const { component, vevent, parsed } = parse(text);
    expect(component.getFirstPropertyValue("method")).toBe("REQUEST");
    expect(parsed.uid).toBe(event().uid);
    expect(parsed.sequence).toBe(0);
    expect(parsed.summary).toBe("Réseau RH : réunion d'avril");
    expect(parsed.description).toBe(event().description);
    expect(parsed.location).toBe("Hôtel de Métropole, salle 3, Montpellier");
    expect(vevent.getFirstPropertyValue("status")).toBe("CONFIRMED");
    const organizer = vevent.getFirstProperty("organizer");
    expect(organizer?.getFirstValue()).toBe("mailto:mutualisation@example.org");
    expect(organizer?.getParameter("cn")).toBe("Montpellier Méditerranée Métropole");
    const [attendee] = vevent.getAllProperties("attendee");
    expect(attendee?.getFirstValue()).toBe("mailto:claire@castelnau.example");
    expect(attendee?.getParameter("rsvp")).toBe("FALSE");
    expect(attendee?.getParameter("cn")).toBe("Claire « DGS » Martin");
  });

  it("keeps the Paris wall-clock time the week after each DST change", () => {
    // Last Sunday of March 2027: the 28th (summer time after); of October: the 31st (winter time after).
    for (const [date, utcHour] of [
      ["2027-03-25", 8],
      ["2027-04-01", 7],
      ["2027-10-28", 7],
      ["2027-11-04", 8],
    ] as const) {
      const { parsed } = parse(invitationIcs(event({ startsAt: paris(date, "09:30"), endsAt: paris(date, "12:00") })));
      const start = parsed.startDate.toJSDate();
      expect(start.toISOString(), date).toBe(`${date}T0${utcHour}:30:00.000Z`);
      expect(start.toLocaleString("fr-FR", { timeZone: "Europe/Paris", hour: "2-digit", minute: "2-digit" })).toBe(
        "09:30",
      );
      expect(parsed.endDate.toJSDate().getTime() - start.getTime()).toBe(150 * 60_000);
    }
  });

  it("an update keeps the UID with a higher SEQUENCE; a cancellation is METHOD:CANCEL, STATUS:CANCELLED", () => {
    const update = parse(invitationIcs(event({ sequence: 1, location: "En visio" })));
    expect(update.parsed.uid).toBe(event().uid);
    expect(update.parsed.sequence).toBe(1);
    expect(update.component.getFirstPropertyValue("method")).toBe("REQUEST");
    const cancel = parse(invitationIcs(event({ sequence: 2, cancelled: true })));
    expect(cancel.component.getFirstPropertyValue("method")).toBe("CANCEL");
    expect(cancel.vevent.getFirstPropertyValue("status")).toBe("CANCELLED");
    expect(cancel.parsed.uid).toBe(event().uid);
    expect(cancel.parsed.sequence).toBe(2);
  });

  it("a feed holds several events and no method", () => {
    const component = new ICAL.Component(
      ICAL.parse(feedIcs("Mes réunions", [event(), event({ uid: "autre@portail.example", summary: "Autre" })])),
    );
    expect(component.getFirstPropertyValue("method")).toBeNull();
    expect(component.getAllSubcomponents("vevent").map((vevent) => vevent.getFirstPropertyValue("uid"))).toEqual([
      event().uid,
      "autre@portail.example",
    ]);
  });

  it("folds long lines without splitting a character", () => {
    const line = `SUMMARY:${"é".repeat(100)}`;
    const folded = foldLine(line);
    expect(folded.split("\r\n ").join("")).toBe(line);
    for (const piece of folded.split("\r\n")) expect(new TextEncoder().encode(piece).length).toBeLessThanOrEqual(75);
  });
});
