import {
  createColumnHelper,
  rowPaginationFeature,
  rowSortingFeature,
  type SortingState,
  tableFeatures,
  useTable,
} from "@tanstack/react-table";
import { useEffect, useRef } from "react";
import { Form, Link, useNavigation, useSubmit } from "react-router";
import { formatCalendarDate, formatInteger, plural } from "~/domain/format";
import { ORGANISATION_KIND_LABELS } from "~/domain/labels";
import type { OrganisationKind } from "../../db/schema.ts";

export const PAGE_SIZES = [10, 20, 50] as const;

export interface MembersQuery {
  q: string;
  sort: "name" | "population";
  dir: "asc" | "desc";
  page: number;
  size: number;
}

interface MemberRow {
  id: string;
  name: string;
  kind: OrganisationKind;
  siren: string;
  inseeCode: string | null;
  inactiveSince: string | null;
  population: number | null;
  populationYear: number | null;
}

interface Props {
  members: {
    rows: MemberRow[];
    total: number;
    page: number;
    pageCount: number;
  };
  query: MembersQuery;
  basisLabel: string;
  /** The viewer manages this cooperative's organisations: names link to their edit page. */
  editable?: boolean;
}

const DEFAULTS: MembersQuery = {
  q: "",
  sort: "name",
  dir: "asc",
  page: 1,
  size: 20,
};

/** The search string for a query, defaults left out so that links stay short. */
export function membersSearch(query: MembersQuery): string {
  const params = new URLSearchParams();
  for (const key of ["q", "sort", "dir", "page", "size"] as const) {
    if (query[key] !== DEFAULTS[key]) params.set(key, String(query[key]));
  }
  const search = params.toString();
  return search ? `?${search}` : "?";
}

const features = tableFeatures({ rowSortingFeature, rowPaginationFeature });
const column = createColumnHelper<typeof features, MemberRow>();

function columnsFor(basisLabel: string, editable: boolean) {
  return column.columns([
    column.accessor("name", {
      header: "Nom",
      cell: (info) =>
        editable ? (
          <Link to={`/organisations/${info.row.original.id}/modifier`} title="Modifier">
            {info.getValue()}
          </Link>
        ) : (
          info.getValue()
        ),
    }),
    column.accessor("kind", {
      header: "Type",
      enableSorting: false,
      cell: (info) => ORGANISATION_KIND_LABELS[info.getValue()],
    }),
    column.accessor("siren", { header: "SIREN", enableSorting: false }),
    column.accessor("inseeCode", {
      header: "Code INSEE",
      enableSorting: false,
      cell: (info) => info.getValue() ?? "—",
    }),
    column.accessor("population", {
      header: `Population (${basisLabel})`,
      cell: (info) => {
        const { population, populationYear } = info.row.original;
        if (population === null) return <span className="muted">non renseignée</span>;
        return (
          <>
            {formatInteger(population)} <span className="muted">({populationYear})</span>
          </>
        );
      },
    }),
    column.accessor("inactiveSince", {
      header: "Statut",
      enableSorting: false,
      cell: (info) => {
        const since = info.getValue();
        return since === null ? (
          <span className="badge badge--active">Active</span>
        ) : (
          <span className="badge badge--inactive">Inactive depuis le {formatCalendarDate(since)}</span>
        );
      },
    }),
  ]);
}

export function MembersTable({ members, query, basisLabel, editable = false }: Props) {
  const sorting: SortingState = [{ id: query.sort, desc: query.dir === "desc" }];
  const table = useTable({
    features,
    columns: columnsFor(basisLabel, editable),
    data: members.rows,
    getRowId: (row) => row.id,
    state: {
      sorting,
      pagination: { pageIndex: members.page - 1, pageSize: query.size },
    },
    manualSorting: true,
    manualPagination: true,
    rowCount: members.total,
  });
  const filtering = useNavigation().state === "loading";
  const summary = `${plural(members.total, "organisation")}${query.q ? ` correspondant à « ${query.q} »` : ""}`;

  return (
    <section aria-labelledby="membres" className="members">
      <SearchForm query={query} />
      <p className="visually-hidden" role="status">
        {summary}
      </p>
      {members.total === 0 ? (
        <div className="empty-state">
          {query.q ? (
            <>
              <p>Aucune organisation ne correspond à « {query.q} ».</p>
              <p>
                <Link to={membersSearch({ ...query, q: "", page: 1 })} preventScrollReset>
                  Effacer le filtre
                </Link>
              </p>
            </>
          ) : (
            <p>Cette coopérative n'a pas encore d'organisation membre.</p>
          )}
        </div>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table" aria-busy={filtering}>
              <caption>
                {summary} — page {members.page} sur {members.pageCount}
              </caption>
              <thead>
                {table.getHeaderGroups().map((group) => (
                  <tr key={group.id}>
                    {group.headers.map((header) => {
                      const sorted = header.column.getIsSorted();
                      const id = header.column.id as MembersQuery["sort"];
                      const nextDir = sorted === "asc" ? "desc" : "asc";
                      return (
                        <th
                          key={header.id}
                          scope="col"
                          aria-sort={sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : undefined}
                          className={id === "population" ? "numeric" : undefined}
                        >
                          {header.column.getCanSort() ? (
                            <Link
                              to={membersSearch({
                                ...query,
                                sort: id,
                                dir: nextDir,
                                page: 1,
                              })}
                              preventScrollReset
                              className="sort-link"
                            >
                              <table.FlexRender header={header} />
                              <span aria-hidden="true">
                                {sorted === "asc" ? " ▲" : sorted === "desc" ? " ▼" : " ↕"}
                              </span>
                              <span className="visually-hidden">
                                {sorted === "asc" ? ", trier par ordre décroissant" : ", trier par ordre croissant"}
                              </span>
                            </Link>
                          ) : (
                            <table.FlexRender header={header} />
                          )}
                        </th>
                      );
                    })}
                  </tr>
                ))}
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <tr key={row.id}>
                    {row.getAllCells().map((cell) =>
                      cell.column.id === "name" ? (
                        <th key={cell.id} scope="row">
                          <table.FlexRender cell={cell} />
                        </th>
                      ) : (
                        <td key={cell.id} className={cell.column.id === "population" ? "numeric" : undefined}>
                          <table.FlexRender cell={cell} />
                        </td>
                      ),
                    )}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pagination query={query} page={members.page} pageCount={members.pageCount} />
        </>
      )}
    </section>
  );
}

function SearchForm({ query }: { query: MembersQuery }) {
  const submit = useSubmit();
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => () => clearTimeout(timer.current), []);
  // Follow the URL (back button, "effacer le filtre") without disturbing someone typing.
  useEffect(() => {
    const field = input.current;
    if (field && document.activeElement !== field && field.value !== query.q) field.value = query.q;
  }, [query.q]);
  return (
    <Form method="get" preventScrollReset className="filter-form" role="search">
      <label htmlFor="members-filter">Filtrer par nom ou code</label>
      <input
        id="members-filter"
        type="search"
        name="q"
        ref={input}
        defaultValue={query.q}
        maxLength={100}
        autoComplete="off"
        placeholder="ex. Saint-Jean, Vedas, 34270"
        onChange={(event) => {
          const form = event.currentTarget.form;
          clearTimeout(timer.current);
          timer.current = setTimeout(() => {
            if (form) submit(form, { replace: true, preventScrollReset: true });
          }, 300);
        }}
      />
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.dir} />
      <input type="hidden" name="size" value={query.size} />
      <button type="submit">Filtrer</button>
    </Form>
  );
}

function Pagination({ query, page, pageCount }: { query: MembersQuery; page: number; pageCount: number }) {
  return (
    <nav aria-label="Pagination des membres" className="pagination">
      {page > 1 ? (
        <Link to={membersSearch({ ...query, page: page - 1 })} preventScrollReset rel="prev">
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
        <Link to={membersSearch({ ...query, page: page + 1 })} preventScrollReset rel="next">
          Page suivante ›
        </Link>
      ) : (
        <span aria-disabled="true" className="pagination__disabled">
          Page suivante ›
        </span>
      )}
      <Form method="get" preventScrollReset className="page-size">
        <input type="hidden" name="q" value={query.q} />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <label htmlFor="members-page-size">Lignes par page</label>
        <select id="members-page-size" name="size" defaultValue={query.size} key={query.size}>
          {PAGE_SIZES.map((size) => (
            <option key={size} value={size}>
              {size}
            </option>
          ))}
        </select>
        <button type="submit">Afficher</button>
      </Form>
    </nav>
  );
}
