import { describe, expect, it } from "vitest";
import {
  describeReminders,
  NEW_MEETING_VALUES,
  nthWeekdayDates,
  parseMeetingForm,
  parseReminderDays,
  withAgendaEdit,
} from "./meeting-form.ts";

const NOW = new Date("2027-01-10T10:00:00Z");
const form = (values: Record<string, string>) => ({
  ...NEW_MEETING_VALUES,
  title: "Réseau RH",
  place: "Salle 3",
  date: "2027-04-01",
  ...values,
});

describe("the meeting form", () => {
  it("turns Paris wall-clock times into UTC, with the agenda rows typed", () => {
    const result = parseMeetingForm(
      form({ "agenda-0-title": "Temps de travail", "agenda-0-duration": "30", "agenda-1-presenter": "" }),
      { now: NOW, series: false },
    );
    expect(result).toMatchObject({
      ok: true,
      data: {
        reminderDays: [7, 1],
        agenda: [{ title: "Temps de travail", durationMinutes: 30, presenter: "" }],
        occurrences: [{ startsAt: new Date("2027-04-01T07:30:00Z"), endsAt: new Date("2027-04-01T10:00:00Z") }],
      },
    });
  });

  it("refuses in French an end before the start, a past date, a bad visio address, no place at all", () => {
    const errors = (values: Record<string, string>) => {
      const result = parseMeetingForm(form(values), { now: NOW, series: true });
      return result.ok ? {} : result.errors;
    };
    expect(errors({ endTime: "09:00" }).endTime).toBe("L'heure de fin doit suivre l'heure de début.");
    expect(errors({ date: "2026-12-01" }).date).toBe("La réunion ne peut pas commencer dans le passé.");
    expect(errors({ visioUrl: "visio.example/rh" }).visioUrl).toBe(
      "Le lien de visio est une adresse web complète (https://…).",
    );
    expect(errors({ place: "" }).place).toBe("Indiquez un lieu, un lien de visio, ou les deux.");
    expect(errors({ capacity: "0" }).capacity).toContain("1 à 10 000");
    expect(errors({ reminders: "7, demain" }).reminders).toContain("7, 1");
    expect(errors({ "agenda-2-duration": "20" })["agenda-2-title"]).toBe("Donnez un intitulé à ce point.");
    expect(errors({ date: "2027-03-28", startTime: "02:30", endTime: "04:00" }).date).toContain("heure d'été");
  });

  it("makes a series: the 3rd Thursday of each month, or a list of dates", () => {
    const monthly = parseMeetingForm(form({ repeat: "monthly", ordinal: "3", weekday: "4", months: "3" }), {
      now: NOW,
      series: true,
    });
    expect(monthly.ok && monthly.data.occurrences.map((o) => o.startsAt.toISOString())).toEqual([
      "2027-04-15T07:30:00.000Z",
      "2027-05-20T07:30:00.000Z",
      "2027-06-17T07:30:00.000Z",
    ]);
    const listed = parseMeetingForm(form({ repeat: "dates", dates: "15/11/2027\n2027-10-05" }), {
      now: NOW,
      series: true,
    });
    // Winter time from the last Sunday of October: 09:30 in Paris is 08:30 UTC.
    expect(listed.ok && listed.data.occurrences.map((o) => o.startsAt.toISOString())).toEqual([
      "2027-04-01T07:30:00.000Z",
      "2027-10-05T07:30:00.000Z",
      "2027-11-15T08:30:00.000Z",
    ]);
    const past = parseMeetingForm(form({ repeat: "dates", dates: "01/01/2027" }), { now: NOW, series: true });
    expect(past.ok ? null : past.errors.dates).toBe("La réunion du 01/01/2027 serait dans le passé.");
    // Editing one meeting ignores the series fields.
    const single = parseMeetingForm(form({ repeat: "monthly" }), { now: NOW, series: false });
    expect(single.ok && single.data.occurrences.length).toBe(1);
  });

  it("finds the nth and the last weekday of a month", () => {
    expect(nthWeekdayDates("2027-01-20", 1, 1, 2)).toEqual(["2027-01-04", "2027-02-01"]);
    expect(nthWeekdayDates("2027-12-01", 5, 5, 2)).toEqual(["2027-12-31", "2028-01-28"]);
  });

  it("adds and removes agenda rows without JavaScript, keeping what was typed", () => {
    const values = { agendaRows: "3", "agenda-0-title": "Un", "agenda-1-title": "Deux", "agenda-2-title": "Trois" };
    expect(withAgendaEdit(values, "add-row").agendaRows).toBe("4");
    const removed = withAgendaEdit(values, "remove-row-1");
    expect([removed["agenda-0-title"], removed["agenda-1-title"], removed.agendaRows]).toEqual(["Un", "Trois", "2"]);
  });

  it("reads and says the reminders", () => {
    expect(parseReminderDays("7 et 1")).toEqual([7, 1]);
    expect(parseReminderDays("")).toEqual([]);
    expect(describeReminders([1, 7])).toBe("7 et 1 jours avant");
    expect(describeReminders([])).toBe("aucun");
  });
});
