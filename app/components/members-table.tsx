import { createColumnHelper } from "@tanstack/react-table";
import { useEffect, useRef } from "react";
import { Form, Link, useNavigation, useSubmit } from "react-router";
import {
  PageSizeForm,
  Pagination,
  type ServerTableFeatures,
  SortableHeaderRows,
  useServerTable,
} from "~/components/table-pagination";
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

const column = createColumnHelper<ServerTableFeatures, MemberRow>();

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
  const table = useServerTable({
    columns: columnsFor(basisLabel, editable),
    rows: members.rows,
    getRowId: (row) => row.id,
    sortColumn: query.sort,
    dir: query.dir,
    page: members.page,
    pageSize: query.size,
    total: members.total,
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
                <SortableHeaderRows
                  groups={table.getHeaderGroups()}
                  sortHref={(columnId) => (dir) =>
                    membersSearch({ ...query, sort: columnId as MembersQuery["sort"], dir, page: 1 })
                  }
                  className={(columnId) => (columnId === "population" ? "numeric" : undefined)}
                />
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
          <Pagination
            label="Pagination des membres"
            page={members.page}
            pageCount={members.pageCount}
            pageHref={(page) => membersSearch({ ...query, page })}
          >
            <PageSizeForm
              id="members-page-size"
              sizes={PAGE_SIZES}
              size={query.size}
              keep={[
                ["q", query.q],
                ["sort", query.sort],
                ["dir", query.dir],
              ]}
            />
          </Pagination>
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
