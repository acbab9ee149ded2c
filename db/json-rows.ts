import { type InsertType, type Kysely, type Selectable, type SelectType, sql, type Transaction } from "kysely";
import type { JsonbValue } from "./jsonb.ts";
import type { DB } from "./schema.ts";

/**
 * A column's value as JSON carries it: a jsonb column takes its value itself (what it reads back, not `jsonb()`,
 * which JSON would write as {}), any other column what an insert takes, never a query builder.
 */
type JsonColumn<C> = [Exclude<InsertType<C>, undefined>] extends [JsonbValue]
  ? SelectType<C>
  : Exclude<InsertType<C>, undefined | { toOperationNode(): unknown }>;

/** A row as JSON carries it: columns of the table (those it may leave out, optional), plain JSON values. */
export type JsonRow<T extends keyof DB> = {
  [K in keyof DB[T]]?: JsonColumn<DB[T][K]>;
};

/** What JSON would write otherwise than the column expects: undefined and non-finite numbers vanish or turn null. */
function jsonSafe(value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value === "number") return Number.isFinite(value);
  if (typeof value === "bigint" || typeof value === "function") return false;
  return !(typeof value === "object" && value !== null && "toOperationNode" in value);
}

/**
 * Inserts many rows in one statement with one bind parameter, the rows as a JSON array read back with the table's
 * own row type (json_populate_recordset): a whole run's statement lines cost one round trip, no query to compile per
 * row and nothing near either engine's bind-parameter limit. Every row gives the same columns (those of the first);
 * jsonb columns take the value itself (not `jsonb()`); columns left out take their defaults. Row-level security and
 * constraints apply as to any insert. Returns the `returning` columns of each row inserted.
 */
export async function insertJsonRows<T extends keyof DB & string, R extends keyof Selectable<DB[T]> & string = never>(
  db: Kysely<DB> | Transaction<DB>,
  table: T,
  rows: readonly JsonRow<T>[],
  returning: readonly R[] = [],
): Promise<Pick<Selectable<DB[T]>, R>[]> {
  const [first] = rows;
  if (!first) return [];
  const columns = Object.keys(first);
  // A row without one of the first row's columns would store NULL there, not the column's default; a value JSON
  // cannot carry as it is would be stored otherwise than given: both refused before anything is sent.
  for (const row of rows) {
    const values = row as Record<string, unknown>;
    if (Object.keys(row).length !== columns.length || columns.some((column) => !(column in row))) {
      throw new Error(`insertJsonRows(${table}): every row must give the columns ${columns.join(", ")}`);
    }
    const unsafe = columns.find((column) => !jsonSafe(values[column]));
    if (unsafe !== undefined) {
      throw new Error(`insertJsonRows(${table}): ${unsafe} = ${String(values[unsafe])} cannot be sent as JSON`);
    }
  }
  const columnList = sql.join(columns.map((column) => sql.ref(column)));
  const returningList =
    returning.length > 0 ? sql` RETURNING ${sql.join(returning.map((column) => sql.ref(column)))}` : sql``;
  const result = await sql<Pick<Selectable<DB[T]>, R>>`
    INSERT INTO ${sql.table(table)} (${columnList})
    SELECT ${columnList} FROM json_populate_recordset(NULL::${sql.table(table)}, cast(${JSON.stringify(rows)} as text)::json)
    ${returningList}`.execute(db);
  return result.rows;
}
