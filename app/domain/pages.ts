/** One page of a list already in order: `size` items from page `page` (past the end: the last page). */
export function pageOf<T>(
  items: readonly T[],
  page: number,
  size: number,
): { rows: T[]; page: number; pageCount: number; total: number } {
  const pageCount = Math.max(1, Math.ceil(items.length / size));
  const current = Math.min(Math.max(1, Math.trunc(page)), pageCount);
  return { rows: items.slice((current - 1) * size, current * size), page: current, pageCount, total: items.length };
}
