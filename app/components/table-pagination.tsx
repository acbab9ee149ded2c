import {
  type ColumnDef,
  FlexRender,
  type HeaderGroup,
  type RowData,
  rowPaginationFeature,
  rowSortingFeature,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import type { ReactNode } from "react";
import { Form, Link } from "react-router";

// The pieces the server-sorted, server-paginated tables share (offers, adhésions, members, a run's preview): the
// sort and the page live in the URL's search params, so headers and page links are plain links and the page size
// a GET form.

type SortDirection = "asc" | "desc";

/** What these tables use of TanStack Table: sorting and pagination, both done by the server. */
export const serverTableFeatures = tableFeatures({ rowSortingFeature, rowPaginationFeature });
export type ServerTableFeatures = typeof serverTableFeatures;

/** A table of one page of rows, sorted and cut by the server as the URL says. */
export function useServerTable<TData extends RowData>(options: {
  // biome-ignore lint/suspicious/noExplicitAny: each column has its own value type, as TanStack's helper types it.
  columns: ColumnDef<ServerTableFeatures, TData, any>[];
  rows: TData[];
  getRowId: (row: TData) => string;
  /** The column the rows are sorted by. */
  sortColumn: string;
  dir: SortDirection;
  page: number;
  pageSize: number;
  total: number;
}) {
  return useTable({
    features: serverTableFeatures,
    columns: options.columns,
    data: options.rows,
    getRowId: options.getRowId,
    state: {
      sorting: [{ id: options.sortColumn, desc: options.dir === "desc" }],
      pagination: { pageIndex: options.page - 1, pageSize: options.pageSize },
    },
    manualSorting: true,
    manualPagination: true,
    rowCount: options.total,
  });
}

/** The header rows: a sortable column's header links to the list sorted by it (`sortHref`). */
export function SortableHeaderRows<TData extends RowData>({
  groups,
  sortHref,
  className,
  announceNextSort,
}: {
  groups: HeaderGroup<ServerTableFeatures, TData>[];
  /** The link to the list sorted by a column in a direction, or undefined for a column the server does not sort. */
  sortHref: (columnId: string) => ((dir: SortDirection) => string) | undefined;
  className?: (columnId: string) => string | undefined;
  announceNextSort?: boolean;
}) {
  return groups.map((group) => (
    <tr key={group.id}>
      {group.headers.map((header) => (
        <SortableHeader
          key={header.id}
          sorted={header.column.getIsSorted()}
          sortHref={header.column.getCanSort() ? sortHref(header.column.id) : undefined}
          className={className?.(header.column.id)}
          announceNextSort={announceNextSort}
        >
          <FlexRender header={header} />
        </SortableHeader>
      ))}
    </tr>
  ));
}

/**
 * A column header: sortable when `sortHref` is given (a link to the list sorted by this column in the other
 * direction, ascending first), with `aria-sort` on the column the list is sorted by.
 */
export function SortableHeader({
  sorted,
  sortHref,
  className,
  announceNextSort = true,
  children,
}: {
  /** How the list is sorted by this column now (`column.getIsSorted()`). */
  sorted: false | SortDirection;
  sortHref?: ((dir: SortDirection) => string) | undefined;
  className?: string | undefined;
  /** Say to screen readers which way the link would sort. */
  announceNextSort?: boolean;
  children: ReactNode;
}) {
  return (
    <th
      scope="col"
      aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
      className={className}
    >
      {sortHref ? (
        <Link to={sortHref(sorted === "asc" ? "desc" : "asc")} preventScrollReset className="sort-link">
          {children}
          <span aria-hidden="true">{sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : " ↕"}</span>
          {announceNextSort ? (
            <span className="visually-hidden">
              {sorted === "asc" ? ", trier par ordre décroissant" : ", trier par ordre croissant"}
            </span>
          ) : null}
        </Link>
      ) : (
        children
      )}
    </th>
  );
}

/** Previous and next page links (rel=prev/next), the position, and whatever follows (a page-size form). */
export function Pagination({
  label,
  page,
  pageCount,
  pageHref,
  children,
}: {
  /** The nav's accessible name, "Pagination des offres". */
  label: string;
  page: number;
  pageCount: number;
  /** The link to another page of the same list. */
  pageHref: (page: number) => string;
  children?: ReactNode;
}) {
  return (
    <nav aria-label={label} className="pagination">
      {page > 1 ? (
        <Link to={pageHref(page - 1)} preventScrollReset rel="prev">
          ‹ Page précédente
        </Link>
      ) : (
        <span aria-disabled="true" className="pagination__disabled">
          ‹ Page précédente
        </span>
      )}
      <span className="pagination__position">
        Page {page} sur {pageCount}
      </span>
      {page < pageCount ? (
        <Link to={pageHref(page + 1)} preventScrollReset rel="next">
          Page suivante ›
        </Link>
      ) : (
        <span aria-disabled="true" className="pagination__disabled">
          Page suivante ›
        </span>
      )}
      {children}
    </nav>
  );
}

/** The "Lignes par page" GET form, keeping the rest of the query in hidden fields (the page starts again at 1). */
export function PageSizeForm({
  id,
  sizes,
  size,
  keep,
}: {
  /** The select's id. */
  id: string;
  sizes: readonly number[];
  size: number;
  /** The other search params to send, in order. */
  keep: [name: string, value: string][];
}) {
  return (
    <Form method="get" preventScrollReset className="page-size">
      {keep.map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <label htmlFor={id}>Lignes par page</label>
      <select id={id} name="size" defaultValue={size} key={size}>
        {sizes.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
      <button type="submit">Afficher</button>
    </Form>
  );
}
