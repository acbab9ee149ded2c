// Meetings are stored in UTC and typed, shown and mailed in Europe/Paris time. Pure: Intl knows the time zone rules.

import { firstOfMonth } from "./format.ts";

const PARIS = "Europe/Paris";

const partsFormat = new Intl.DateTimeFormat("en-GB", {
  timeZone: PARIS,
  hourCycle: "h23",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});

/** The wall-clock fields of an instant in Paris. */
export function parisParts(instant: Date): { date: string; time: string } {
  const parts = Object.fromEntries(partsFormat.formatToParts(instant).map((part) => [part.type, part.value]));
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

/** Minutes Paris is ahead of UTC at an instant (60 in winter, 120 in summer). */
export function parisOffsetMinutes(instant: Date): number {
  const { date, time } = parisParts(instant);
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  const asUtc = Date.UTC(year, month - 1, day, hour, minute);
  return Math.round((asUtc - Math.floor(instant.getTime() / 60_000) * 60_000) / 60_000);
}

export type ParisTimeResult = { ok: true; instant: Date } | { ok: false; message: string };

/**
 * A date ("2027-03-28") and a time ("14:30") as typed in Paris, into the UTC instant. A time that does not exist
 * (the spring-forward hour) is refused in French; an ambiguous one (the autumn repeated hour) is the first.
 */
export function parisToUtc(date: string, time: string): ParisTimeResult {
  const dateMatch = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date.trim());
  const timeMatch = /^(\d{1,2})[:h](\d{2})$/.exec(time.trim());
  if (!dateMatch) return { ok: false, message: "Indiquez une date (jj/mm/aaaa)." };
  if (!timeMatch) return { ok: false, message: "Indiquez une heure (hh:mm)." };
  const [year, month, day] = [Number(dateMatch[1]), Number(dateMatch[2]), Number(dateMatch[3])];
  const [hour, minute] = [Number(timeMatch[1]), Number(timeMatch[2])];
  const calendar = new Date(Date.UTC(year, month - 1, day));
  if (calendar.getUTCFullYear() !== year || calendar.getUTCMonth() !== month - 1 || calendar.getUTCDate() !== day) {
    return { ok: false, message: `Le ${date} n'existe pas.` };
  }
  if (hour > 23 || minute > 59) return { ok: false, message: `${time} n'est pas une heure.` };
  const wall = Date.UTC(year, month - 1, day, hour, minute);
  // Try summer time first (the earlier instant of an ambiguous hour), then winter time.
  for (const offset of [120, 60]) {
    const instant = new Date(wall - offset * 60_000);
    const back = parisParts(instant);
    if (
      back.date === date.trim() &&
      back.time === `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`
    ) {
      return { ok: true, instant };
    }
  }
  return { ok: false, message: `${time} n'existe pas le ${date} à Paris (passage à l'heure d'été).` };
}

const longFormat = new Intl.DateTimeFormat("fr-FR", {
  timeZone: PARIS,
  weekday: "long",
  day: "numeric",
  month: "long",
  year: "numeric",
});
const timeFormat = new Intl.DateTimeFormat("fr-FR", { timeZone: PARIS, hour: "2-digit", minute: "2-digit" });

/** "jeudi 12 mars 2026" ("jeudi 1er avril 2027") in Paris. */
export function formatParisDay(instant: Date): string {
  return firstOfMonth(longFormat.format(instant));
}

/** "14:30" in Paris. */
export function formatParisTime(instant: Date): string {
  return timeFormat.format(instant);
}

/** "jeudi 12 mars 2026, 14:30 – 16:00" (the end on another day shows its day). */
export function formatParisRange(startsAt: Date, endsAt: Date): string {
  const sameDay = parisParts(startsAt).date === parisParts(endsAt).date;
  return sameDay
    ? `${formatParisDay(startsAt)}, ${formatParisTime(startsAt)} – ${formatParisTime(endsAt)}`
    : `${formatParisDay(startsAt)}, ${formatParisTime(startsAt)} – ${formatParisDay(endsAt)}, ${formatParisTime(endsAt)}`;
}
