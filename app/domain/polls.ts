// Date polls of the thematic networks: the slots a lead proposes and the tally of the answers. Pure, no I/O.
import type { PollAnswer } from "../../db/schema.ts";
import { parisToUtc } from "./paris-time.ts";

export const POLL_ANSWERS = ["yes", "if_needed", "no"] as const satisfies readonly PollAnswer[];

export const POLL_ANSWER_LABELS: Record<PollAnswer, string> = {
  yes: "Oui",
  if_needed: "Si besoin",
  no: "Non",
};

export function isPollAnswer(value: unknown): value is PollAnswer {
  return typeof value === "string" && (POLL_ANSWERS as readonly string[]).includes(value);
}

// ---------------------------------------------------------------------------------------------
// Slots as typed

/** A slot as typed in the form, in Paris wall-clock time: "2027-03-11", "09:30", "12:00". */
export interface SlotInput {
  date: string;
  start: string;
  end: string;
}

export type SlotsResult =
  | { ok: true; slots: { startsAt: Date; endsAt: Date }[] }
  /** One message per typed row (null: that row is fine), and one for the whole list. */
  | { ok: false; rowErrors: (string | null)[]; formError: string | null };

/** Rows left entirely blank are ignored (the form offers more rows than needed). */
export function isBlankSlot(slot: SlotInput): boolean {
  return slot.date.trim() === "" && slot.start.trim() === "" && slot.end.trim() === "";
}

/**
 * The slots of a new poll, into UTC: each must exist in Paris, end after it starts, start after `now`, and appear
 * once. At least one slot. Messages in French, per row, so the form shows them beside what was typed.
 */
export function parseSlots(rows: SlotInput[], now: Date): SlotsResult {
  const rowErrors: (string | null)[] = rows.map(() => null);
  const slots: { startsAt: Date; endsAt: Date; row: number }[] = [];
  const seen = new Map<string, number>();
  rows.forEach((row, index) => {
    if (isBlankSlot(row)) return;
    const start = parisToUtc(row.date, row.start);
    if (!start.ok) {
      rowErrors[index] = start.message;
      return;
    }
    const end = parisToUtc(row.date, row.end);
    if (!end.ok) {
      rowErrors[index] = end.message;
      return;
    }
    if (end.instant.getTime() <= start.instant.getTime()) {
      rowErrors[index] = "L'heure de fin doit être après l'heure de début.";
      return;
    }
    if (start.instant.getTime() <= now.getTime()) {
      rowErrors[index] = "Ce créneau est déjà passé : proposez une date à venir.";
      return;
    }
    const key = `${start.instant.toISOString()}/${end.instant.toISOString()}`;
    const first = seen.get(key);
    if (first !== undefined) {
      rowErrors[index] = `Ce créneau est déjà proposé (ligne ${first + 1}).`;
      return;
    }
    seen.set(key, index);
    slots.push({ startsAt: start.instant, endsAt: end.instant, row: index });
  });
  const typed = rows.filter((row) => !isBlankSlot(row)).length;
  if (rowErrors.some((error) => error !== null)) {
    return { ok: false, rowErrors, formError: null };
  }
  if (typed === 0) {
    return { ok: false, rowErrors, formError: "Proposez au moins un créneau." };
  }
  return {
    ok: true,
    slots: slots
      .sort((a, b) => a.startsAt.getTime() - b.startsAt.getTime() || a.endsAt.getTime() - b.endsAt.getTime())
      .map(({ startsAt, endsAt }) => ({ startsAt, endsAt })),
  };
}

// ---------------------------------------------------------------------------------------------
// The tally

export interface TallyAnswer {
  slotId: string;
  userId: string;
  organisationId: string;
  answer: PollAnswer;
}

export interface SlotTally {
  slotId: string;
  yes: number;
  ifNeeded: number;
  no: number;
  /** Invitees who gave no answer for this slot. */
  pending: number;
  /** Organisations with at least one "yes" (they will be there), then with a "si besoin" at best. */
  organisationsYes: number;
  organisationsIfNeeded: number;
  /** Somebody answered, and every answer is "non": picking it asks for confirmation. */
  everyoneRefused: boolean;
}

/** For one organisation and one slot: the best answer of its people (yes > si besoin > non), null if none. */
export type OrganisationSlotAnswer = PollAnswer | null;

export interface OrganisationTally {
  organisationId: string;
  /** Slot id -> its people's best answer. */
  bySlot: Record<string, OrganisationSlotAnswer>;
}

const RANK: Record<PollAnswer, number> = { yes: 3, if_needed: 2, no: 1 };

/** The better of two answers for an organisation (one "yes" among its people is enough for it to be there). */
export function bestAnswer(a: OrganisationSlotAnswer, b: OrganisationSlotAnswer): OrganisationSlotAnswer {
  if (a === null) return b;
  if (b === null) return a;
  return RANK[a] >= RANK[b] ? a : b;
}

/**
 * Counts the answers per slot (people, and organisations by their best answer) and per organisation. `invitees` is
 * the number of people asked (the network's contacts), to count who has not answered a slot yet. `organisations`
 * lists the organisations to show, in order (those asked); an organisation seen only in the answers is added after.
 */
export function tallyPoll(input: {
  slotIds: string[];
  answers: TallyAnswer[];
  invitees: number;
  organisationIds: string[];
}): { slots: SlotTally[]; organisations: OrganisationTally[] } {
  const organisationOrder = [...input.organisationIds];
  for (const answer of input.answers) {
    if (!organisationOrder.includes(answer.organisationId)) organisationOrder.push(answer.organisationId);
  }
  const organisations = new Map<string, OrganisationTally>(
    organisationOrder.map((organisationId) => [
      organisationId,
      { organisationId, bySlot: Object.fromEntries(input.slotIds.map((slotId) => [slotId, null])) },
    ]),
  );
  const slots = new Map<string, SlotTally>(
    input.slotIds.map((slotId) => [
      slotId,
      {
        slotId,
        yes: 0,
        ifNeeded: 0,
        no: 0,
        pending: 0,
        organisationsYes: 0,
        organisationsIfNeeded: 0,
        everyoneRefused: false,
      },
    ]),
  );
  for (const answer of input.answers) {
    const slot = slots.get(answer.slotId);
    const organisation = organisations.get(answer.organisationId);
    if (!slot || !organisation) continue;
    if (answer.answer === "yes") slot.yes += 1;
    else if (answer.answer === "if_needed") slot.ifNeeded += 1;
    else slot.no += 1;
    organisation.bySlot[answer.slotId] = bestAnswer(organisation.bySlot[answer.slotId] ?? null, answer.answer);
  }
  for (const slot of slots.values()) {
    const answered = slot.yes + slot.ifNeeded + slot.no;
    slot.pending = Math.max(0, input.invitees - answered);
    slot.everyoneRefused = answered > 0 && slot.yes + slot.ifNeeded === 0;
    for (const organisation of organisations.values()) {
      const best = organisation.bySlot[slot.slotId];
      if (best === "yes") slot.organisationsYes += 1;
      else if (best === "if_needed") slot.organisationsIfNeeded += 1;
    }
  }
  return { slots: [...slots.values()], organisations: [...organisations.values()] };
}

/**
 * The slots that suit the most organisations: the most organisations saying "oui", then counting "si besoin" too,
 * then the most people saying "oui". Several when tied; none when nobody said anything but "non".
 */
export function bestSlots(slots: SlotTally[]): string[] {
  const candidates = slots.filter((slot) => slot.organisationsYes + slot.organisationsIfNeeded > 0);
  if (candidates.length === 0) return [];
  const key = (slot: SlotTally) => [
    slot.organisationsYes,
    slot.organisationsYes + slot.organisationsIfNeeded,
    slot.yes,
  ];
  const compare = (a: SlotTally, b: SlotTally) => {
    const [ka, kb] = [key(a), key(b)];
    for (let index = 0; index < ka.length; index++) {
      const difference = (kb[index] as number) - (ka[index] as number);
      if (difference !== 0) return difference;
    }
    return 0;
  };
  const sorted = [...candidates].sort(compare);
  const top = sorted[0] as SlotTally;
  return sorted.filter((slot) => compare(slot, top) === 0).map((slot) => slot.slotId);
}
