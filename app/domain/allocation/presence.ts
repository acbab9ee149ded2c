import { AllocationError, describeMember } from "./errors.ts";

const DAY_MS = 86_400_000;

export function daysInYear(year: number): number {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 366 : 365;
}

/** "2025-07-01" -> days since 1970-01-01, or undefined when it is not a calendar date. */
function dayNumber(iso: string): number | undefined {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!match) return undefined;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const time = Date.UTC(year, month - 1, day);
  const date = new Date(time);
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return undefined;
  return time / DAY_MS;
}

export interface Presence {
  /** First day present, ISO calendar date; absent: from 1 January. */
  from?: string | undefined;
  /** Last day present (inclusive), ISO calendar date; absent: to 31 December. */
  to?: string | undefined;
}

/**
 * Days and months a member is present within the year. A month counts when the member is present on its
 * first day (joining on 1 July: 6 months; on 2 July: 5; leaving on 15 October after paying October: 10).
 */
export function presenceInYear(
  year: number,
  presence: Presence | undefined,
  member: { name: string; siren: string },
): { days: number; months: number } {
  const yearStart = Date.UTC(year, 0, 1) / DAY_MS;
  const yearEnd = Date.UTC(year, 11, 31) / DAY_MS;
  if (presence === undefined || (presence.from === undefined && presence.to === undefined)) {
    return { days: daysInYear(year), months: 12 };
  }
  const from = presence.from === undefined ? yearStart : dayNumber(presence.from);
  const to = presence.to === undefined ? yearEnd : dayNumber(presence.to);
  if (
    from === undefined ||
    to === undefined ||
    (presence.from !== undefined && presence.to !== undefined && to < from)
  ) {
    throw new AllocationError(
      "invalidPresence",
      `Dates de présence invalides pour ${describeMember(member)} : ${presence.from ?? "…"} au ${presence.to ?? "…"}.`,
      member,
    );
  }
  const first = Math.max(from, yearStart);
  const last = Math.min(to, yearEnd);
  if (last < first) {
    throw new AllocationError("notPresent", `${describeMember(member)} n'est pas présent en ${year}.`, member);
  }
  let months = 0;
  for (let month = 0; month < 12; month++) {
    const firstOfMonth = Date.UTC(year, month, 1) / DAY_MS;
    if (firstOfMonth >= first && firstOfMonth <= last) months++;
  }
  return { days: last - first + 1, months };
}
