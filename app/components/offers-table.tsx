import { createColumnHelper } from "@tanstack/react-table";
import { Form, Link, useNavigation } from "react-router";
import {
  PageSizeForm,
  Pagination,
  type ServerTableFeatures,
  SortableHeaderRows,
  useServerTable,
} from "~/components/table-pagination";
import {
  type CatalogueQuery,
  catalogueSearch,
  OFFER_KIND_LABELS,
  OFFER_KINDS,
  OFFER_PAGE_SIZES,
  OFFER_STATUS_LABELS,
  OFFER_STATUSES,
  type OfferSort,
} from "~/domain/catalogue";
import { formatInteger, plural } from "~/domain/format";
import type { OfferKind, OfferStatus } from "../../db/schema.ts";

interface OfferRow {
  id: string;
  title: string;
  summary: string;
  kind: OfferKind;
  status: OfferStatus;
  categoryName: string | null;
  membersThisYear: number;
  membersLastYear: number;
  joined: boolean;
}

interface Props {
  offers: { rows: OfferRow[]; total: number; page: number; pageCount: number };
  query: CatalogueQuery;
  categories: { id: string; name: string }[];
  year: number;
  /** Operator admins: the status column and filter. */
  seesAllStatuses: boolean;
  /** A member organisation: the "joined" filter and mark. */
  isMember: boolean;
}

const column = createColumnHelper<ServerTableFeatures, OfferRow>();

const NUMERIC = new Set(["membersThisYear", "membersLastYear"]);
const SORT_OF: Record<string, OfferSort> = {
  title: "title",
  categoryName: "category",
  kind: "kind",
  membersThisYear: "thisYear",
  membersLastYear: "lastYear",
};
/** What the page-size form sends again besides the size (a default left out). */
const KEPT_BY_PAGE_SIZE = ["q", "categorie", "type", "adhesion", "statut", "sort", "dir"] as const;

function columnsFor(year: number, seesAllStatuses: boolean, isMember: boolean) {
  return column.columns([
    column.accessor("title", {
      header: "Offre",
      cell: (info) => (
        <>
          <Link to={`/catalogue/${info.row.original.id}`}>{info.getValue()}</Link>
          {isMember && info.row.original.joined ? (
            <>
              {" "}
              <span className="badge badge--active">Adhérent</span>
            </>
          ) : null}
          {info.row.original.summary ? <div className="muted">{info.row.original.summary}</div> : null}
        </>
      ),
    }),
    column.accessor("categoryName", {
      header: "Catégorie",
      cell: (info) => info.getValue() ?? <span className="muted">sans catégorie</span>,
    }),
    column.accessor("kind", { header: "Type", cell: (info) => OFFER_KIND_LABELS[info.getValue()] }),
    ...(seesAllStatuses
      ? [
          column.accessor("status", {
            header: "Statut",
            enableSorting: false,
            cell: (info) => (
              <span className={`badge ${info.getValue() === "published" ? "badge--active" : "badge--inactive"}`}>
                {OFFER_STATUS_LABELS[info.getValue()]}
              </span>
            ),
          }),
        ]
      : []),
    column.accessor("membersThisYear", {
      header: `Membres adhérents ${year}`,
      cell: (info) => formatInteger(info.getValue()),
    }),
    column.accessor("membersLastYear", {
      header: `Membres adhérents ${year - 1}`,
      cell: (info) => formatInteger(info.getValue()),
    }),
  ]);
}

export function OffersTable({ offers, query, categories, year, seesAllStatuses, isMember }: Props) {
  const sortColumn = Object.entries(SORT_OF).find(([, sort]) => sort === query.sort)?.[0] ?? "title";
  const table = useServerTable({
    columns: columnsFor(year, seesAllStatuses, isMember),
    rows: offers.rows,
    getRowId: (row) => row.id,
    sortColumn,
    dir: query.dir,
    page: offers.page,
    pageSize: query.size,
    total: offers.total,
  });
  const loading = useNavigation().state === "loading";
  const filtered =
    query.q !== "" || query.categorie !== "" || query.type !== "" || query.adhesion !== "" || query.statut !== "";
  const summary = `${plural(offers.total, "offre")}${filtered ? " correspondant aux filtres" : ""}`;

  return (
    <section aria-labelledby="offres" className="members">
      <FilterForm query={query} categories={categories} seesAllStatuses={seesAllStatuses} isMember={isMember} />
      <p className="visually-hidden" role="status">
        {summary}
      </p>
      <p>
        <a href={`/catalogue/export.csv${catalogueSearch(query, { page: 1 })}`} download>
          Exporter ces {plural(offers.total, "offre")} en CSV (Excel)
        </a>
      </p>
      {offers.total === 0 ? (
        <div className="empty-state">
          {filtered ? (
            <>
              <p>Aucune offre ne correspond à ces filtres.</p>
              <p>
                <Link to="/catalogue" preventScrollReset>
                  Effacer les filtres
                </Link>
              </p>
            </>
          ) : (
            <p>Le catalogue ne contient encore aucune offre publiée.</p>
          )}
        </div>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table" aria-busy={loading}>
              <caption>
                {summary} — page {offers.page} sur {offers.pageCount}
              </caption>
              <thead>
                <SortableHeaderRows
                  groups={table.getHeaderGroups()}
                  sortHref={(columnId) => {
                    const sort = SORT_OF[columnId];
                    return sort ? (dir) => catalogueSearch(query, { sort, dir, page: 1 }) : undefined;
                  }}
                  className={(columnId) => (NUMERIC.has(columnId) ? "numeric" : undefined)}
                />
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <tr key={row.id}>
                    {row.getAllCells().map((cell) =>
                      cell.column.id === "title" ? (
                        <th key={cell.id} scope="row">
                          <table.FlexRender cell={cell} />
                        </th>
                      ) : (
                        <td key={cell.id} className={NUMERIC.has(cell.column.id) ? "numeric" : undefined}>
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
            label="Pagination des offres"
            page={offers.page}
            pageCount={offers.pageCount}
            pageHref={(page) => catalogueSearch(query, { page })}
          >
            <PageSizeForm
              id="offers-page-size"
              sizes={OFFER_PAGE_SIZES}
              size={query.size}
              keep={KEPT_BY_PAGE_SIZE.filter((key) => query[key] !== "").map((key): [string, string] => [
                key,
                query[key],
              ])}
            />
          </Pagination>
        </>
      )}
    </section>
  );
}

function FilterForm({
  query,
  categories,
  seesAllStatuses,
  isMember,
}: {
  query: CatalogueQuery;
  categories: { id: string; name: string }[];
  seesAllStatuses: boolean;
  isMember: boolean;
}) {
  // Keyed on the query so that "effacer les filtres" and the back button reset the fields.
  return (
    <Form method="get" preventScrollReset className="filter-form" role="search" key={catalogueSearch(query)}>
      <label htmlFor="catalogue-q">Rechercher</label>
      <input
        id="catalogue-q"
        type="search"
        name="q"
        defaultValue={query.q}
        maxLength={100}
        autoComplete="off"
        placeholder="ex. e-administration, marchés"
      />
      <label htmlFor="catalogue-categorie">Catégorie</label>
      <select id="catalogue-categorie" name="categorie" defaultValue={query.categorie}>
        <option value="">Toutes</option>
        {categories.map((category) => (
          <option key={category.id} value={category.id}>
            {category.name}
          </option>
        ))}
        <option value="aucune">Sans catégorie</option>
      </select>
      <label htmlFor="catalogue-type">Type</label>
      <select id="catalogue-type" name="type" defaultValue={query.type}>
        <option value="">Tous</option>
        {OFFER_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {OFFER_KIND_LABELS[kind]}
          </option>
        ))}
      </select>
      {isMember ? (
        <>
          <label htmlFor="catalogue-adhesion">Adhésion</label>
          <select id="catalogue-adhesion" name="adhesion" defaultValue={query.adhesion}>
            <option value="">Toutes les offres</option>
            <option value="oui">Ce que nous avons rejoint</option>
            <option value="non">Ce que nous n'avons pas rejoint</option>
          </select>
        </>
      ) : null}
      {seesAllStatuses ? (
        <>
          <label htmlFor="catalogue-statut">Statut</label>
          <select id="catalogue-statut" name="statut" defaultValue={query.statut}>
            <option value="">Tous</option>
            {OFFER_STATUSES.map((status) => (
              <option key={status} value={status}>
                {OFFER_STATUS_LABELS[status]}
              </option>
            ))}
          </select>
        </>
      ) : null}
      <input type="hidden" name="sort" value={query.sort} />
      <input type="hidden" name="dir" value={query.dir} />
      <input type="hidden" name="size" value={query.size} />
      <button type="submit">Filtrer</button>
    </Form>
  );
}
