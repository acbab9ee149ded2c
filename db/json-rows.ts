import { type Kysely, type Selectable, sql, type Transaction } from "kysely";
import type { DB } from "./schema.ts";

/** A row as JSON carries it: column names of the table, values as JSON.stringify writes them. */
export type JsonRow<T extends keyof DB> = { [K in keyof DB[T]]?: unknown };

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
  // A row without one of the first row's columns would store NULL there, not the column's default: refused.
  for (const row of rows) {
    if (Object.keys(row).length !== columns.length || columns.some((column) => !(column in row))) {
      throw new Error(`insertJsonRows(${table}): every row must give the columns ${columns.join(", ")}`);
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
