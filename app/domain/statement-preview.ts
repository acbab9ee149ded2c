import { z } from "zod";
import { pageOf } from "./pages.ts";

// The preview table of a run (/appels-de-fonds): one group of rows per member, sorted and paged in the URL like
// the other admin tables. The whole run is computed anyway (its totals, its problems): the page is cut from it.

export const PREVIEW_PAGE_SIZES = [10, 20, 50] as const;
export const PREVIEW_SORTS = ["member", "net", "change"] as const;
export type PreviewSort = (typeof PREVIEW_SORTS)[number];

export interface PreviewQuery {
  sort: PreviewSort;
  dir: "asc" | "desc";
  page: number;
  size: number;
}

export const PREVIEW_DEFAULTS: PreviewQuery = { sort: "member", dir: "asc", page: 1, size: 20 };

// Search params come from people and links: a bad value falls back to its default.
const previewParams = z.object({
  sort: z.enum(PREVIEW_SORTS).catch(PREVIEW_DEFAULTS.sort),
  dir: z.enum(["asc", "desc"]).catch(PREVIEW_DEFAULTS.dir),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  size: z.coerce
    .number()
    .refine((size) => (PREVIEW_PAGE_SIZES as readonly number[]).includes(size))
    .catch(PREVIEW_DEFAULTS.size),
});

export function parsePreviewQuery(search: URLSearchParams): PreviewQuery {
  return previewParams.parse({
    sort: search.get("sort") ?? undefined,
    dir: search.get("dir") ?? undefined,
    page: search.get("page") ?? undefined,
    size: search.get("size") ?? undefined,
  });
}

/** The search string of the statements page for a period and a table query, defaults left out. */
export function previewSearch(period: { year: number; half: 1 | 2 | null }, query: PreviewQuery): string {
  const params = new URLSearchParams({ annee: String(period.year) });
  if (period.half) params.set("semestre", String(period.half));
  for (const key of ["sort", "dir", "page", "size"] as const) {
    if (query[key] !== PREVIEW_DEFAULTS[key]) params.set(key, String(query[key]));
  }
  return `?${params.toString()}`;
}

/** What the table sorts a member on. */
export interface PreviewMember {
  name: string;
  netCents: number;
  /** This period's net less last year's, or null without a statement last year. */
  changeCents: number | null;
}

const collator = new Intl.Collator("fr", { sensitivity: "base", numeric: true });

/**
 * One page of members, sorted: by name, by net, or by the change since last year (members without last year's
 * amount last, whichever the direction); ties by name. A page past the end gives the last page.
 */
export function previewPage<T extends PreviewMember>(
  members: readonly T[],
  query: PreviewQuery,
): { rows: T[]; page: number; pageCount: number; total: number } {
  const sign = query.dir === "desc" ? -1 : 1;
  const byName = (a: T, b: T) => collator.compare(a.name, b.name);
  const sorted = [...members].sort((a, b) => {
    if (query.sort === "member") return sign * byName(a, b);
    if (query.sort === "net") return sign * (a.netCents - b.netCents) || byName(a, b);
    if (a.changeCents === null || b.changeCents === null) {
      return (a.changeCents === null ? 1 : 0) - (b.changeCents === null ? 1 : 0) || byName(a, b);
    }
    return sign * (a.changeCents - b.changeCents) || byName(a, b);
  });
  return pageOf(sorted, query.page, query.size);
}
