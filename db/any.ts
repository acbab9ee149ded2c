import { type RawBuilder, sql } from "kysely";

/**
 * `column = any(values)` for `.where(column, "=", anyOf(values, "uuid"))`: the list is one bind parameter (an
 * array), so a query is the same prepared statement whatever the list's length. An `in ($1, …, $n)` list is a new
 * statement for every length, parsed and planned again and kept by the connection, and counts n parameters
 * against the engines' limit (db/batches.ts).
 */
export function anyOf(values: readonly string[], type: "uuid" | "text"): RawBuilder<string> {
  return sql<string>`any(cast(${values} as ${sql.raw(type)}[]))`;
}
