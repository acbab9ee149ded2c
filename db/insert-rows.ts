import { type InsertType, type Kysely, type Selectable, type SelectType, sql, type Transaction } from "kysely";
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

/** Each table's column types, as casts write them (format_type): read once per table and process. */
const columnTypesOf = new Map<string, Promise<Map<string, string>>>();

function columnTypes(db: Kysely<DB> | Transaction<DB>, table: string): Promise<Map<string, string>> {
  let types = columnTypesOf.get(table);
  if (!types) {
    types = sql<{ name: string; type: string }>`
      SELECT attname AS name, format_type(atttypid, atttypmod) AS type FROM pg_attribute
       WHERE attrelid = cast(${table} as regclass) AND attnum > 0 AND NOT attisdropped`
      .execute(db)
      .then((result) => new Map(result.rows.map((row) => [row.name, row.type])));
    types.catch(() => columnTypesOf.delete(table));
    columnTypesOf.set(table, types);
  }
  return types;
}

const isJson = (type: string) => type === "jsonb" || type === "json";

/**
 * Inserts many rows in one statement, each column one bind parameter: an array of its values, zipped back into rows
 * by `unnest` (a jsonb column travels as the text of its values). A whole run's statement lines cost one round
 * trip and one prepared statement whatever their number, nothing near either engine's bind-parameter limit, and the
 * server reads plain arrays (cheaper for both sides than a JSON document of objects, measured: decision 019). Every
 * row gives the same columns (those of the first); jsonb columns take the value itself (not `jsonb()`); columns left
 * out take their defaults. Row-level security, constraints and triggers apply as to any insert. Returns the
 * `returning` columns of each row inserted.
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
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    if (Object.keys(row).length !== columns.length || columns.some((column) => !(column in row))) {
      throw new Error(`insertRows(${table}): every row must give the columns ${columns.join(", ")}`);
    }
    const unsendable = columns.find((column) => !sendable(values[column]));
    if (unsendable !== undefined) {
      throw new Error(`insertRows(${table}): ${unsendable} = ${String(values[unsendable])} cannot be sent as given`);
    }
  }
  const types = await columnTypes(db, table);
  const arrays = columns.map((column) => {
    const type = types.get(column);
    if (type === undefined) throw new Error(`insertRows(${table}): no column ${column}`);
    const values = rows.map((row) => {
      const value = (row as Record<string, unknown>)[column];
      if (value === null) return null;
      if (isJson(type)) return JSON.stringify(value);
      return value instanceof Date ? value.toISOString() : value;
    });
    return sql`cast(${values} as ${sql.raw(isJson(type) ? "text" : type)}[])`;
  });
  const columnList = sql.join(columns.map((column) => sql.ref(column)));
  const selectList = sql.join(
    columns.map((column, index) =>
      isJson(types.get(column) ?? "")
        ? sql`cast(${sql.ref(`c${index}`)} as ${sql.raw(types.get(column) ?? "")})`
        : sql.ref(`c${index}`),
    ),
  );
  const aliases = sql.join(columns.map((_, index) => sql.ref(`c${index}`)));
  const returningList =
    returning.length > 0 ? sql` RETURNING ${sql.join(returning.map((column) => sql.ref(column)))}` : sql``;
  const result = await sql<Pick<Selectable<DB[T]>, R>>`
    INSERT INTO ${sql.table(table)} (${columnList})
    SELECT ${selectList} FROM unnest(${sql.join(arrays)}) AS r(${aliases})
    ${returningList}`.execute(db);
  return result.rows;
}
