import { describe, expect, it } from "vitest";
import { bestAnswer, bestSlots, parseSlots, type TallyAnswer, tallyPoll } from "./polls.ts";

const now = new Date("2027-03-01T10:00:00Z");

describe("parseSlots", () => {
  it("turns Paris wall-clock slots into UTC, in order, across the change to summer time", () => {
    const result = parseSlots(
      [
        { date: "2027-04-01", start: "09:30", end: "12:00" },
        { date: "", start: "", end: "" },
        { date: "2027-03-25", start: "14:00", end: "16:30" },
      ],
      now,
    );
    expect(result).toEqual({
      ok: true,
      slots: [
        { startsAt: new Date("2027-03-25T13:00:00Z"), endsAt: new Date("2027-03-25T15:30:00Z") },
        { startsAt: new Date("2027-04-01T07:30:00Z"), endsAt: new Date("2027-04-01T10:00:00Z") },
      ],
    });
  });

  it("refuses a past slot, an end before its start, a duplicate and a missing hour, row by row", () => {
    const result = parseSlots(
      [
        { date: "2027-02-27", start: "09:00", end: "10:00" },
        { date: "2027-04-01", start: "12:00", end: "11:00" },
        { date: "2027-04-02", start: "09:00", end: "10:00" },
        { date: "2027-04-02", start: "9h00", end: "10:00" },
        { date: "2027-03-28", start: "02:30", end: "04:00" },
        { date: "2027-04-03", start: "", end: "10:00" },
      ],
      now,
    );
    expect(result).toEqual({
      ok: false,
      formError: null,
      rowErrors: [
        "Ce créneau est déjà passé : proposez une date à venir.",
        "L'heure de fin doit être après l'heure de début.",
        null,
        "Ce créneau est déjà proposé (ligne 3).",
        "02:30 n'existe pas le 2027-03-28 à Paris (passage à l'heure d'été).",
        "Indiquez une heure (hh:mm).",
      ],
    });
  });

  it("asks for at least one slot", () => {
    expect(parseSlots([{ date: " ", start: "", end: "" }], now)).toEqual({
      ok: false,
      rowErrors: [null],
      formError: "Proposez au moins un créneau.",
    });
  });
});

describe("tallyPoll", () => {
  const answer = (slotId: string, userId: string, organisationId: string, value: TallyAnswer["answer"]) => ({
    slotId,
    userId,
    organisationId,
    answer: value,
  });

  it("counts people per slot and organisations by their best answer", () => {
    const { slots, organisations } = tallyPoll({
      slotIds: ["s1", "s2", "s3"],
      invitees: 4,
      organisationIds: ["lattes", "castelnau", "grabels"],
      answers: [
        answer("s1", "ana", "lattes", "no"),
        answer("s1", "bob", "lattes", "yes"),
        answer("s1", "cle", "castelnau", "if_needed"),
        answer("s2", "ana", "lattes", "if_needed"),
        answer("s2", "cle", "castelnau", "if_needed"),
        answer("s3", "ana", "lattes", "no"),
        answer("s3", "cle", "castelnau", "no"),
      ],
    });
    expect(slots).toEqual([
      {
        slotId: "s1",
        yes: 1,
        ifNeeded: 1,
        no: 1,
        pending: 1,
        organisationsYes: 1,
        organisationsIfNeeded: 1,
        everyoneRefused: false,
      },
      {
        slotId: "s2",
        yes: 0,
        ifNeeded: 2,
        no: 0,
        pending: 2,
        organisationsYes: 0,
        organisationsIfNeeded: 2,
        everyoneRefused: false,
      },
      {
        slotId: "s3",
        yes: 0,
        ifNeeded: 0,
        no: 2,
        pending: 2,
        organisationsYes: 0,
        organisationsIfNeeded: 0,
        everyoneRefused: true,
      },
    ]);
    expect(organisations).toEqual([
      { organisationId: "lattes", bySlot: { s1: "yes", s2: "if_needed", s3: "no" } },
      { organisationId: "castelnau", bySlot: { s1: "if_needed", s2: "if_needed", s3: "no" } },
      { organisationId: "grabels", bySlot: { s1: null, s2: null, s3: null } },
    ]);
    expect(bestSlots(slots)).toEqual(["s1"]);
  });

  it("does not call a slot nobody answered refused, and suggests nothing when all is no", () => {
    const { slots } = tallyPoll({
      slotIds: ["s1", "s2"],
      invitees: 2,
      organisationIds: ["lattes"],
      answers: [answer("s2", "ana", "lattes", "no")],
    });
    expect(slots.map((slot) => slot.everyoneRefused)).toEqual([false, true]);
    expect(bestSlots(slots)).toEqual([]);
  });

  it("keeps ties, and an answer for an organisation no longer listed is shown after the others", () => {
    const { slots, organisations } = tallyPoll({
      slotIds: ["s1", "s2"],
      invitees: 2,
      organisationIds: ["lattes"],
      answers: [answer("s1", "ana", "lattes", "yes"), answer("s2", "zoe", "ancienne", "yes")],
    });
    expect(organisations.map((organisation) => organisation.organisationId)).toEqual(["lattes", "ancienne"]);
    expect(bestSlots(slots)).toEqual(["s1", "s2"]);
  });

  it("ranks answers yes > si besoin > non", () => {
    expect(bestAnswer(null, "no")).toBe("no");
    expect(bestAnswer("if_needed", "no")).toBe("if_needed");
    expect(bestAnswer("if_needed", "yes")).toBe("yes");
    expect(bestAnswer("yes", null)).toBe("yes");
  });
});
