import { type RawBuilder, sql } from "kysely";

/** What a jsonb column accepts: only what `jsonb()` builds (a bare string would be stored as a JSON string). */
export type JsonbValue = { readonly __jsonb: unique symbol };

/**
 * A value for a jsonb column, the same on both engines: sent as text and cast by
 * PostgreSQL (postgres.js would otherwise encode a string parameter typed jsonb a
 * second time, storing a JSON string instead of the object).
 */
export function jsonb(value: unknown): RawBuilder<JsonbValue> {
  return sql<JsonbValue>`cast(${JSON.stringify(value)} as text)::jsonb`;
}
