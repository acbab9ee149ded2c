import { parisParts, parisToUtc } from "./paris-time.ts";

// The meeting form (issue 8): what a lead types (a date and times in Paris, a place and/or a visio link, a
// capacity, reminders, agenda rows, a series), checked and turned into UTC occurrences. Pure: no I/O.

export type MeetingFormValues = Record<string, string>;
export type MeetingFieldErrors = Record<string, string>;

export interface AgendaRow {
  title: string;
  durationMinutes: number | null;
  presenter: string;
}

export interface Occurrence {
  startsAt: Date;
  endsAt: Date;
}

export interface MeetingFormData {
  title: string;
  description: string;
  place: string;
  visioUrl: string;
  capacity: number | null;
  reminderDays: number[];
  agenda: AgendaRow[];
  /** One occurrence, or several for a series (created together under one series id). */
  occurrences: Occurrence[];
}

export type MeetingFormResult = { ok: true; data: MeetingFormData } | { ok: false; errors: MeetingFieldErrors };

/** Agenda rows shown without JavaScript when the form opens (more with "Ajouter un point"). */
export const DEFAULT_AGENDA_ROWS = 3;
export const MAX_AGENDA_ROWS = 30;
export const MAX_SERIES = 24;

export const WEEKDAY_LABELS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"] as const;
export const ORDINAL_LABELS: Record<string, string> = {
  "1": "1er",
  "2": "2e",
  "3": "3e",
  "4": "4e",
  "5": "dernier",
};

export const NEW_MEETING_VALUES: MeetingFormValues = {
  title: "",
  description: "",
  place: "",
  visioUrl: "",
  date: "",
  startTime: "09:30",
  endTime: "12:00",
  capacity: "",
  reminders: "7, 1",
  agendaRows: String(DEFAULT_AGENDA_ROWS),
  repeat: "none",
  ordinal: "3",
  weekday: "4",
  months: "6",
  dates: "",
};

/** How many agenda rows the form holds (from its hidden counter, or the highest row typed). */
export function agendaRowCount(values: MeetingFormValues): number {
  let count = Number.parseInt(values.agendaRows ?? "", 10);
  if (!Number.isInteger(count) || count < 0) count = DEFAULT_AGENDA_ROWS;
  for (const key of Object.keys(values)) {
    const match = /^agenda-(\d+)-/.exec(key);
    if (match) count = Math.max(count, Number(match[1]) + 1);
  }
  return Math.min(count, MAX_AGENDA_ROWS);
}

/**
 * The form's values after an "add a row" or "remove row N" button (a round trip that works without JavaScript):
 * the rows below a removed one move up.
 */
export function withAgendaEdit(values: MeetingFormValues, intent: string): MeetingFormValues {
  const count = agendaRowCount(values);
  if (intent === "add-row") return { ...values, agendaRows: String(Math.min(count + 1, MAX_AGENDA_ROWS)) };
  const removed = /^remove-row-(\d+)$/.exec(intent);
  if (!removed) return values;
  const index = Number(removed[1]);
  const next: MeetingFormValues = {};
  for (const [key, value] of Object.entries(values)) if (!key.startsWith("agenda-")) next[key] = value;
  let target = 0;
  for (let row = 0; row < count; row++) {
    if (row === index) continue;
    for (const field of ["title", "duration", "presenter"]) {
      next[`agenda-${target}-${field}`] = values[`agenda-${row}-${field}`] ?? "";
    }
    target++;
  }
  next.agendaRows = String(Math.max(target, 1));
  return next;
}

/** "2027-04-15" or "15/04/2027" -> "2027-04-15"; anything else as typed (parisToUtc refuses it). */
export function isoDateFrom(text: string): string {
  const trimmed = text.trim();
  const french = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(trimmed);
  if (french) return `${french[3]}-${french[2]?.padStart(2, "0")}-${french[1]?.padStart(2, "0")}`;
  return trimmed;
}

/** "2027-04-15" -> "15/04/2027". */
export function frenchDate(iso: string): string {
  const [year, month, day] = iso.split("-");
  return `${day}/${month}/${year}`;
}

/**
 * The dates of the `ordinal`-th `weekday` (1 = Monday … 7 = Sunday) of `count` months from the month of
 * `firstMonth` ("2027-04-01"); ordinal 5 is the last of the month. ISO dates.
 */
export function nthWeekdayDates(firstMonth: string, ordinal: number, weekday: number, count: number): string[] {
  const [year, month] = firstMonth.split("-").map(Number) as [number, number];
  const dates: string[] = [];
  for (let offset = 0; offset < count; offset++) {
    const first = new Date(Date.UTC(year, month - 1 + offset, 1));
    const firstWeekday = ((first.getUTCDay() + 6) % 7) + 1;
    let day = 1 + ((weekday - firstWeekday + 7) % 7);
    const daysInMonth = new Date(Date.UTC(first.getUTCFullYear(), first.getUTCMonth() + 1, 0)).getUTCDate();
    if (ordinal === 5) {
      while (day + 7 <= daysInMonth) day += 7;
    } else {
      day += (ordinal - 1) * 7;
    }
    dates.push(
      `${first.getUTCFullYear()}-${String(first.getUTCMonth() + 1).padStart(2, "0")}-${String(day).padStart(2, "0")}`,
    );
  }
  return dates;
}

/** "7, 1" -> [7, 1]; "" or "aucun" -> []. */
export function parseReminderDays(text: string): number[] | null {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === "" || trimmed === "aucun" || trimmed === "aucune" || trimmed === "non") return [];
  const parts = trimmed.split(/[\s,;]+|\bet\b/).filter(Boolean);
  const days = parts.map((part) => (/^\d{1,2}$/.test(part) ? Number(part) : Number.NaN));
  if (days.some((day) => !Number.isInteger(day) || day < 1 || day > 60)) return null;
  return [...new Set(days)].sort((left, right) => right - left);
}

function agendaFrom(values: MeetingFormValues, errors: MeetingFieldErrors): AgendaRow[] {
  const agenda: AgendaRow[] = [];
  for (let row = 0; row < agendaRowCount(values); row++) {
    const title = (values[`agenda-${row}-title`] ?? "").trim();
    const duration = (values[`agenda-${row}-duration`] ?? "").trim();
    const presenter = (values[`agenda-${row}-presenter`] ?? "").trim();
    if (!title && !duration && !presenter) continue;
    if (!title) errors[`agenda-${row}-title`] = "Donnez un intitulé à ce point.";
    else if (title.length > 300) errors[`agenda-${row}-title`] = "300 caractères au plus.";
    let durationMinutes: number | null = null;
    if (duration) {
      durationMinutes = /^\d{1,3}$/.test(duration) ? Number(duration) : Number.NaN;
      if (!Number.isInteger(durationMinutes) || durationMinutes < 1 || durationMinutes > 600) {
        errors[`agenda-${row}-duration`] = "Une durée en minutes, de 1 à 600.";
      }
    }
    if (presenter.length > 200) errors[`agenda-${row}-presenter`] = "200 caractères au plus.";
    agenda.push({ title, durationMinutes, presenter });
  }
  return agenda;
}

function occurrencesFrom(
  values: MeetingFormValues,
  errors: MeetingFieldErrors,
  { series, now }: { series: boolean; now: Date },
): Occurrence[] {
  const date = isoDateFrom(values.date ?? "");
  const startTime = values.startTime ?? "";
  const endTime = values.endTime ?? "";
  if (!date) {
    errors.date = "Indiquez la date de la réunion.";
    return [];
  }
  let dates = [date];
  const repeat = series ? (values.repeat ?? "none") : "none";
  if (repeat === "monthly") {
    const ordinal = Number(values.ordinal);
    const weekday = Number(values.weekday);
    const months = Number.parseInt(values.months ?? "", 10);
    if (!(ordinal >= 1 && ordinal <= 5 && Number.isInteger(ordinal))) errors.ordinal = "Choisissez lequel du mois.";
    if (!(weekday >= 1 && weekday <= 7 && Number.isInteger(weekday))) errors.weekday = "Choisissez un jour.";
    if (!(months >= 2 && months <= MAX_SERIES)) errors.months = `Entre 2 et ${MAX_SERIES} mois.`;
    if (errors.ordinal || errors.weekday || errors.months) return [];
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      errors.date = "Indiquez une date (jj/mm/aaaa).";
      return [];
    }
    dates = nthWeekdayDates(date, ordinal, weekday, months);
  } else if (repeat === "dates") {
    const listed = (values.dates ?? "")
      .split(/[\s,;]+/)
      .filter(Boolean)
      .map(isoDateFrom);
    if (listed.length === 0) {
      errors.dates = "Indiquez les autres dates de la série, une par ligne.";
      return [];
    }
    dates = [...new Set([date, ...listed])].sort();
    if (dates.length > MAX_SERIES) {
      errors.dates = `${MAX_SERIES} réunions au plus dans une série.`;
      return [];
    }
  } else if (repeat !== "none") {
    errors.repeat = "Choisissez une des possibilités.";
    return [];
  }
  const timeError = (time: string) =>
    /^([01]?\d|2[0-3])[:h][0-5]\d$/.test(time.trim()) ? null : "Indiquez une heure (hh:mm).";
  const startError = timeError(startTime);
  const endError = timeError(endTime);
  if (startError) errors.startTime = startError;
  if (endError) errors.endTime = endError;
  if (startError || endError) return [];
  const occurrences: Occurrence[] = [];
  for (const day of dates) {
    const field = repeat === "dates" && day !== date ? "dates" : "date";
    const start = parisToUtc(day, startTime);
    const end = parisToUtc(day, endTime);
    if (!start.ok || !end.ok) {
      errors[field] = !start.ok ? start.message : !end.ok ? end.message : "";
      return [];
    }
    if (end.instant.getTime() <= start.instant.getTime()) {
      errors.endTime = "L'heure de fin doit suivre l'heure de début.";
      return [];
    }
    if (start.instant.getTime() <= now.getTime()) {
      errors[field] ??=
        dates.length > 1
          ? `La réunion du ${frenchDate(day)} serait dans le passé.`
          : "La réunion ne peut pas commencer dans le passé.";
      return [];
    }
    occurrences.push({ startsAt: start.instant, endsAt: end.instant });
  }
  return occurrences;
}

/** Checks the meeting form; `series` lets it create several meetings at once (not when editing one). */
export function parseMeetingForm(
  values: MeetingFormValues,
  { now, series }: { now: Date; series: boolean },
): MeetingFormResult {
  const errors: MeetingFieldErrors = {};
  const title = (values.title ?? "").trim();
  if (!title) errors.title = "Donnez un titre à la réunion.";
  else if (title.length > 200) errors.title = "200 caractères au plus.";
  const description = (values.description ?? "").trim();
  if (description.length > 5000) errors.description = "5 000 caractères au plus.";
  const place = (values.place ?? "").trim();
  if (place.length > 300) errors.place = "300 caractères au plus.";
  const visioUrl = (values.visioUrl ?? "").trim();
  if (visioUrl && !isWebAddress(visioUrl)) {
    errors.visioUrl = "Le lien de visio est une adresse web complète (https://…).";
  }
  if (!place && !visioUrl) errors.place = "Indiquez un lieu, un lien de visio, ou les deux.";
  const capacityText = (values.capacity ?? "").trim();
  let capacity: number | null = null;
  if (capacityText) {
    capacity = /^\d{1,5}$/.test(capacityText) ? Number(capacityText) : Number.NaN;
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > 10_000) {
      errors.capacity = "Un nombre de places de 1 à 10 000, ou rien pour ne pas limiter.";
    }
  }
  const reminderDays = parseReminderDays(values.reminders ?? "");
  if (reminderDays === null) {
    errors.reminders = "Des nombres de jours avant la réunion (de 1 à 60), par exemple « 7, 1 », ou rien.";
  }
  const agenda = agendaFrom(values, errors);
  const occurrences = occurrencesFrom(values, errors, { series, now });
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    data: { title, description, place, visioUrl, capacity, reminderDays: reminderDays ?? [], agenda, occurrences },
  };
}

function isWebAddress(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || /\s/.test(text)) return false;
  try {
    return new URL(text).hostname.includes(".");
  } catch {
    return false;
  }
}

/** A meeting as the form shows it for editing (Paris wall clock). */
export function meetingFormValues(meeting: {
  title: string;
  description: string;
  place: string;
  visioUrl: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number | null;
  reminderDays: number[];
  agenda: AgendaRow[];
}): MeetingFormValues {
  const start = parisParts(meeting.startsAt);
  const values: MeetingFormValues = {
    title: meeting.title,
    description: meeting.description,
    place: meeting.place,
    visioUrl: meeting.visioUrl,
    date: start.date,
    startTime: start.time,
    endTime: parisParts(meeting.endsAt).time,
    capacity: meeting.capacity === null ? "" : String(meeting.capacity),
    reminders: meeting.reminderDays.join(", "),
    agendaRows: String(Math.max(meeting.agenda.length + 1, DEFAULT_AGENDA_ROWS)),
    repeat: "none",
  };
  meeting.agenda.forEach((item, index) => {
    values[`agenda-${index}-title`] = item.title;
    values[`agenda-${index}-duration`] = item.durationMinutes === null ? "" : String(item.durationMinutes);
    values[`agenda-${index}-presenter`] = item.presenter;
  });
  return values;
}

/** "7 et 1 jours avant", "1 jour avant", "aucun". */
export function describeReminders(days: number[]): string {
  if (days.length === 0) return "aucun";
  const sorted = [...days].sort((left, right) => right - left);
  const list = sorted.length === 1 ? String(sorted[0]) : `${sorted.slice(0, -1).join(", ")} et ${sorted.at(-1)}`;
  return `${list} ${sorted.length === 1 && sorted[0] === 1 ? "jour" : "jours"} avant`;
}

export const MEETING_STATUS_LABELS = {
  draft: "Brouillon",
  scheduled: "Programmée",
  held: "Tenue",
  cancelled: "Annulée",
} as const;

export const RESPONSE_LABELS = {
  pending: "Sans réponse",
  accepted: "Vient",
  waitlisted: "En liste d'attente",
  declined: "Ne vient pas",
  cancelled: "A annulé sa venue",
} as const;

/** What an invitee is told of its own answer. */
export function describeOwnResponse(response: keyof typeof RESPONSE_LABELS, waitlistPosition: number | null): string {
  switch (response) {
    case "accepted":
      return "Vous avez répondu : je viens.";
    case "waitlisted":
      return waitlistPosition
        ? `La réunion est complète : vous êtes en liste d'attente, en position ${waitlistPosition}. Une place libérée vous est attribuée automatiquement, et vous êtes prévenu(e) par courriel.`
        : "La réunion est complète : vous êtes en liste d'attente.";
    case "declined":
      return "Vous avez répondu : je ne viens pas.";
    case "cancelled":
      return "Vous avez annulé votre venue.";
    default:
      return "Vous n'avez pas encore répondu.";
  }
}

export type MeetingFormStep =
  | { kind: "rows"; values: MeetingFormValues }
  | { kind: "invalid"; values: MeetingFormValues; errors: MeetingFieldErrors }
  | { kind: "valid"; values: MeetingFormValues; data: MeetingFormData };

/** What a submitted meeting form asks: an agenda row added or removed (shown again), or the meeting, checked. */
export function meetingFormStep(values: MeetingFormValues, options: { now: Date; series: boolean }): MeetingFormStep {
  const intent = values.intent ?? "";
  if (intent === "add-row" || intent.startsWith("remove-row-")) {
    return { kind: "rows", values: withAgendaEdit(values, intent) };
  }
  const parsed = parseMeetingForm(values, options);
  return parsed.ok ? { kind: "valid", values, data: parsed.data } : { kind: "invalid", values, errors: parsed.errors };
}

export const FORM_HAS_ERRORS = "Le formulaire contient des erreurs : corrigez les champs signalés.";
