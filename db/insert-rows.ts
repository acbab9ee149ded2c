import {
  type InsertType,
  type Kysely,
  type RawBuilder,
  type Selectable,
  type SelectType,
  sql,
  type Transaction,
} from "kysely";
import type { JsonbValue } from "./jsonb.ts";
import type { DB } from "./schema.ts";

/**
 * A column's value as an insert of many rows carries it: a jsonb column takes its value itself (what it reads back,
 * not `jsonb()`), any other column what an insert takes, never a query builder.
 */
type RowColumn<C> = [Exclude<InsertType<C>, undefined>] extends [JsonbValue]
  ? SelectType<C>
  : Exclude<InsertType<C>, undefined | { toOperationNode(): unknown }>;

/** A row for insertRows: columns of the table (those it may leave out, optional), plain values. */
export type InsertRow<T extends keyof DB> = {
  [K in keyof DB[T]]?: RowColumn<DB[T][K]>;
};

/** What an array parameter would carry otherwise than the column expects: undefined, non-finite numbers, builders. */
function sendable(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value === "bigint" || typeof value === "function") return false;
  return !(typeof value === "object" && value !== null && "toOperationNode" in value);
}

interface ColumnType {
  /** As a cast writes it, without a length limit (format_type with no typmod): a value too long is an error. */
  name: string;
  isJson: boolean;
  isArray: boolean;
}

/** Each table's column types: read once per table and process. */
const columnTypesOf = new Map<string, Promise<Map<string, ColumnType>>>();

function columnTypes(db: Kysely<DB> | Transaction<DB>, table: string): Promise<Map<string, ColumnType>> {
  let types = columnTypesOf.get(table);
  if (!types) {
    types = sql<{ column: string; type: string; category: string }>`
      SELECT a.attname AS column, format_type(a.atttypid, NULL) AS type, t.typcategory AS category
        FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
       WHERE a.attrelid = cast(${table} as regclass) AND a.attnum > 0 AND NOT a.attisdropped`
      .execute(db)
      .then(
        (result) =>
          new Map(
            result.rows.map((row) => [
              row.column,
              { name: row.type, isJson: row.type === "jsonb" || row.type === "json", isArray: row.category === "A" },
            ]),
          ),
      );
    types.catch(() => columnTypesOf.delete(table));
    columnTypesOf.set(table, types);
  }
  return types;
}

/**
 * A value as the text its column's input function reads: JSON for json columns, ISO 8601 for dates; a number as
 * it is, which the join writes as String() would.
 */
function asText(value: unknown, type: ColumnType): string | number | null {
  if (value === null) return null;
  if (type.isJson) return JSON.stringify(value);
  if (typeof value === "number") return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

// A column's values usually travel as one text, split by the server (string_to_array): the driver then writes one
// string instead of escaping every value of an array literal, half the portal's CPU for a run's lines (decision 019).
// These two control characters mark the split and an absent value; a column with either in a value, or whose one
// value is the empty string (which splits into no value at all), travels as an array of text instead.
const SEPARATOR = "\u001f";
const ABSENT = "\u001e";

/** The values as one text to split, or null when they must travel as an array. */
function joined(values: readonly (string | number | null)[]): string | null {
  // One native join and scan of all the values rather than a scan of each (absent values join as "").
  const probe = values.join("");
  if (probe.includes(SEPARATOR) || probe.includes(ABSENT)) return null;
  const text = (values.includes(null) ? values.map((value) => value ?? ABSENT) : values).join(SEPARATOR);
  return text === "" ? null : text;
}

/** A column's values as an array of text for `unnest`: one text the server splits, or an array when it must be. */
export function textColumn(values: readonly (string | number | null)[]): RawBuilder<string[]> {
  const text = joined(values);
  if (text !== null) return sql<string[]>`string_to_array(cast(${text} as text), chr(31), chr(30))`;
  const texts = values.map((value) => (typeof value === "number" ? String(value) : value));
  return sql<string[]>`cast(${texts} as text[])`;
}

/**
 * Inserts many rows in one statement, each column one bind parameter: its values as one text split by the server,
 * or as an array, zipped back into rows by `unnest` (a jsonb column travels as the text of its values). A whole
 * run's statement lines cost one round trip and one prepared statement whatever their number, nothing near either
 * engine's bind-parameter limit, and the server reads plain columns of values (cheaper for both sides than a JSON
 * document of objects, measured: decision 019). Every row gives the same columns (those of the first); jsonb
 * columns take the value itself (not `jsonb()`); columns left out take their defaults. Row-level security,
 * constraints and triggers apply as to any insert. Returns the `returning` columns of each row inserted.
 */
export async function insertRows<T extends keyof DB & string, R extends keyof Selectable<DB[T]> & string = never>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  rows: readonly InsertRow<T>[],
  returning: readonly R[] = [],
): Promise<Pick<Selectable<DB[T]>, R>[]> {
  const [first] = rows;
  if (!first) return [];
  const columns = Object.keys(first);
  const uneven = () => new Error(`insertRows(${table}): every row must give the columns ${columns.join(", ")}`);
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length) throw uneven();
  }
  const types = await columnTypes(db, table);
  const typeOf = columns.map((column) => {
    const type = types.get(column);
    if (type === undefined) throw new Error(`insertRows(${table}): no column ${column}`);
    if (type.isArray) throw new Error(`insertRows(${table}): ${column} is an array column, which unnest would flatten`);
    return type;
  });
  // Every column travels as text and is cast back to its type: the driver need not know the type (an enum, a
  // boolean), and the column's own input function reads each value, as it would in a VALUES list.
  const values = columns.map((column, index) => {
    const type = typeOf[index] as ColumnType;
    const texts = new Array<string | number | null>(rows.length);
    for (const [at, row] of rows.entries()) {
      const value = (row as Record<string, unknown>)[column];
      if (typeof value === "string" && !type.isJson) {
        texts[at] = value;
        continue;
      }
      if (!sendable(value)) {
        if (!(column in row)) throw uneven();
        throw new Error(`insertRows(${table}): ${column} = ${String(value)} cannot be sent as given`);
      }
      texts[at] = asText(value, type);
    }
    return textColumn(texts);
  });
  const columnList = sql.join(columns.map((column) => sql.ref(column)));
  const selectList = sql.join(
    columns.map((_, index) => sql`cast(${sql.ref(`c${index}`)} as ${sql.raw((typeOf[index] as ColumnType).name)})`),
  );
  const aliases = sql.join(columns.map((_, index) => sql.ref(`c${index}`)));
  const returningList =
    returning.length > 0 ? sql` RETURNING ${sql.join(returning.map((column) => sql.ref(column)))}` : sql``;
  const result = await sql<Pick<Selectable<DB[T]>, R>>`
    INSERT INTO ${sql.table(table)} (${columnList})
    SELECT ${selectList} FROM unnest(${sql.join(values)}) AS r(${aliases})
    ${returningList}`.execute(db);
  return result.rows;
}
