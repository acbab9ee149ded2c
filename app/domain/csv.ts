// CSV as French Excel opens it without an import wizard: UTF-8 with a byte order mark, ";" between fields,
// decimal comma, CRLF line ends, fields quoted per RFC 4180 when they hold ";", '"', CR or LF.

export type CsvCell = string | number | boolean | null | undefined;

const BOM = "\uFEFF";
const SEPARATOR = ";";
const LINE_END = "\r\n";

/**
 * A text cell Excel would take for a formula ("=", "+", "@", a tab or CR, or "-" unless the whole cell is a
 * negative number) gets a leading apostrophe, so that a name typed by a user never runs as a formula
 * ("-1+cmd|..." included). Numbers are left as they are.
 */
function neutralise(text: string): string {
  const negativeNumber = /^-\d+(?:[.,]\d+)?$/.test(text);
  return /^[=+@\t\r]/.test(text) || (text.startsWith("-") && !negativeNumber) ? `'${text}` : text;
}

function field(cell: CsvCell): string {
  let text: string;
  if (cell === null || cell === undefined) text = "";
  else if (typeof cell === "number") text = csvNumber(cell);
  else if (typeof cell === "boolean") text = cell ? "oui" : "non";
  else text = neutralise(cell);
  return /[";\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A number with a decimal comma and no thousands separator ("1234,5"): what a French Excel reads as a number. */
export function csvNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  return String(value).replace(".", ",");
}

/** Cents as euros with two decimals and a decimal comma: 123456 -> "1234,56", -5 -> "-0,05". Exact for any safe integer. */
export function csvCents(cents: number): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`not an integer number of cents: ${cents}`);
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  return `${sign}${Math.floor(absolute / 100)},${String(absolute % 100).padStart(2, "0")}`;
}

/**
 * The whole file: header then rows, BOM first, every line ended by CRLF. Amounts should be given already
 * formatted (csvCents): a string that looks like a number stays one for Excel.
 */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return CSV_BOM + [header, ...rows].map(csvLine).join("");
}

/** The byte order mark a CSV file starts with (French Excel reads it as UTF-8). */
export const CSV_BOM = BOM;

/** One row of a CSV file, CRLF included: toCsv's lines, for a file written a few rows at a time. */
export function csvLine(row: readonly CsvCell[]): string {
  return row.map(field).join(SEPARATOR) + LINE_END;
}
