/**
 * The most bind parameters one statement may carry on both engines. A PostgreSQL server takes 65,535; PGlite
 * (0.4) takes 32,767, and past that answers nothing, silently, to that statement and every later one (see
 * openPglite, which refuses such a statement instead).
 */
export const MAX_BIND_PARAMETERS = 32_767;

/**
 * Rows in slices that each fit in one multi-row statement: at most `parametersPerRow` bind parameters a row
 * within MAX_BIND_PARAMETERS, and at most `maxRows` rows (a statement of bounded size).
 */
export function batches<T>(rows: readonly T[], parametersPerRow: number, maxRows = 1_000): T[][] {
  const size = Math.max(1, Math.min(maxRows, Math.floor(MAX_BIND_PARAMETERS / parametersPerRow)));
  const result: T[][] = [];
  for (let start = 0; start < rows.length; start += size) result.push(rows.slice(start, start + size));
  return result;
}
