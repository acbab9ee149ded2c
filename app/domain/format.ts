const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const longDate = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "long",
  timeZone: "UTC",
});

/** 523109 -> "523 109" (narrow no-break space, as French typography wants). */
export function formatInteger(value: number): string {
  return integer.format(value);
}

const calendarDates = new Map<string, string>();

/** "1 janvier 2026" -> "1er janvier 2026", "jeudi 1 avril" -> "jeudi 1er avril": French writes the first so. */
export function firstOfMonth(formatted: string): string {
  return formatted.replace(/(^|\s)1 (?=\p{L})/u, "$11er ");
}

/**
 * "2026-11-27" (a calendar date, no time zone) -> "27 novembre 2026", "2026-01-01" -> "1er janvier 2026". Remembered: a year's statements write the same
 * few council decision dates hundreds of thousands of times, and Intl formats a date in microseconds.
 */
export function formatCalendarDate(isoDate: string): string {
  let formatted = calendarDates.get(isoDate);
  if (formatted === undefined) {
    formatted = firstOfMonth(longDate.format(new Date(`${isoDate}T00:00:00Z`)));
    if (calendarDates.size > 10_000) calendarDates.clear();
    calendarDates.set(isoDate, formatted);
  }
  return formatted;
}

const parisDate = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });
const parisDateTime = new Intl.DateTimeFormat("fr-FR", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "Europe/Paris",
});

/** An instant's day in Paris: "1er janvier 2026". */
export function formatParisDate(instant: Date): string {
  return firstOfMonth(parisDate.format(instant));
}

/** An instant in Paris: "1er janvier 2026 à 10:05". */
export function formatParisDateTime(instant: Date): string {
  return firstOfMonth(parisDateTime.format(instant));
}

const isoDate = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" });

/** Today's calendar date in Paris, as "YYYY-MM-DD": the day a decision is taken, what "this year" means. */
export function parisToday(now: Date = new Date()): string {
  return isoDate.format(now);
}

/** "1 membre", "31 membres". */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${formatInteger(count)} ${count > 1 ? pluralForm : singular}`;
}
