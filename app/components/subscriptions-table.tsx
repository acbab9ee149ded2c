import { createColumnHelper } from "@tanstack/react-table";
import { Form, Link, useNavigation } from "react-router";
import { z } from "zod";
import {
  Pagination,
  type ServerTableFeatures,
  SortableHeaderRows,
  useServerTable,
} from "~/components/table-pagination";
import { plural } from "~/domain/format";

export const SUBSCRIPTION_PAGE_SIZES = [10, 20, 50] as const;

export interface SubscriptionsQuery {
  statut: "" | "requested" | "active" | "rejected" | "withdrawn";
  offre: string;
  q: string;
  sort: "organisation" | "offer" | "status" | "starts";
  dir: "asc" | "desc";
  page: number;
  size: number;
}

export const SUBSCRIPTIONS_DEFAULTS: SubscriptionsQuery = {
  statut: "",
  offre: "",
  q: "",
  sort: "organisation",
  dir: "asc",
  page: 1,
  size: 20,
};

// Search params come from people and links: a bad value falls back to its default.
const queryParams = z.object({
  statut: z.enum(["", "requested", "active", "rejected", "withdrawn"]).catch(""),
  offre: z.union([z.uuid(), z.literal("")]).catch(""),
  q: z
    .string()
    .transform((q) => q.trim().slice(0, 100))
    .catch(""),
  sort: z.enum(["organisation", "offer", "status", "starts"]).catch("organisation"),
  dir: z.enum(["asc", "desc"]).catch("asc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1),
  size: z.coerce
    .number()
    .refine((size) => (SUBSCRIPTION_PAGE_SIZES as readonly number[]).includes(size))
    .catch(20),
});

export function parseSubscriptionsQuery(search: URLSearchParams): SubscriptionsQuery {
  const value = (key: keyof SubscriptionsQuery) => search.get(key) ?? undefined;
  return queryParams.parse({
    statut: value("statut"),
    offre: value("offre"),
    q: value("q"),
    sort: value("sort"),
    dir: value("dir"),
    page: value("page"),
    size: value("size"),
  }) as SubscriptionsQuery;
}

/** The search string for a query, defaults left out. */
export function subscriptionsSearch(query: SubscriptionsQuery, base = ""): string {
  const params = new URLSearchParams();
  for (const key of ["statut", "offre", "q", "sort", "dir", "page", "size"] as const) {
    if (query[key] !== SUBSCRIPTIONS_DEFAULTS[key]) params.set(key, String(query[key]));
  }
  const search = params.toString();
  return `${base}?${search}`;
}

export interface SubscriptionTableRow {
  id: string;
  organisation: string;
  offer: string;
  status: string;
  starts: string;
  until: string;
  options: string;
}

const column = createColumnHelper<ServerTableFeatures, SubscriptionTableRow>();
const columns = column.columns([
  column.accessor("organisation", {
    header: "Organisation",
    cell: (info) => <Link to={`/adhesions/${info.row.original.id}`}>{info.getValue()}</Link>,
  }),
  column.accessor("offer", { header: "Offre" }),
  column.accessor("status", { header: "Statut" }),
  column.accessor("starts", { header: "Depuis" }),
  column.accessor("until", { header: "Jusqu'au", enableSorting: false }),
  column.accessor("options", { header: "Options", enableSorting: false }),
]);

const STATUS_CHOICES = [
  ["", "Tous les statuts"],
  ["requested", "Demandées"],
  ["active", "Actives"],
  ["rejected", "Refusées"],
  ["withdrawn", "Retirées"],
] as const;

/** The cooperative's subscriptions for its operator admins: filter, sort and pages in the URL, CSV of the filter. */
export function SubscriptionsTable({
  rows,
  total,
  page,
  pageCount,
  query,
  offers,
}: {
  rows: SubscriptionTableRow[];
  total: number;
  page: number;
  pageCount: number;
  query: SubscriptionsQuery;
  offers: { id: string; title: string }[];
}) {
  const table = useServerTable({
    columns,
    rows,
    getRowId: (row) => row.id,
    sortColumn: query.sort,
    dir: query.dir,
    page,
    pageSize: query.size,
    total,
  });
  const loading = useNavigation().state === "loading";
  const filtered = query.statut !== "" || query.offre !== "" || query.q !== "";
  return (
    <section aria-labelledby="toutes">
      <h2 id="toutes">Toutes les adhésions</h2>
      <Form method="get" preventScrollReset className="filter-form" role="search">
        <label htmlFor="statut">Statut</label>
        <select id="statut" name="statut" defaultValue={query.statut} key={`statut-${query.statut}`}>
          {STATUS_CHOICES.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
        <label htmlFor="offre">Offre</label>
        <select id="offre" name="offre" defaultValue={query.offre} key={`offre-${query.offre}`}>
          <option value="">Toutes les offres</option>
          {offers.map((offer) => (
            <option key={offer.id} value={offer.id}>
              {offer.title}
            </option>
          ))}
        </select>
        <label htmlFor="q">Organisation</label>
        <input id="q" type="search" name="q" defaultValue={query.q} maxLength={100} autoComplete="off" />
        <input type="hidden" name="sort" value={query.sort} />
        <input type="hidden" name="dir" value={query.dir} />
        <input type="hidden" name="size" value={query.size} />
        <button type="submit">Filtrer</button>
      </Form>
      <p>
        <a
          href={subscriptionsSearch({ ...query, page: 1, size: SUBSCRIPTIONS_DEFAULTS.size }, "/adhesions/export.csv")}
          download
        >
          Exporter {filtered ? "la sélection" : "tout"} en CSV ({plural(total, "ligne")})
        </a>
      </p>
      {total === 0 ? (
        <div className="empty-state">
          <p>{filtered ? "Aucune adhésion ne correspond à ces filtres." : "Aucune adhésion pour l'instant."}</p>
          {filtered ? (
            <p>
              <Link to="/adhesions">Effacer les filtres</Link>
            </p>
          ) : null}
        </div>
      ) : (
        <>
          <div className="table-scroll">
            <table className="data-table" aria-busy={loading}>
              <caption>
                {plural(total, "adhésion")} — page {page} sur {pageCount}
              </caption>
              <thead>
                <SortableHeaderRows
                  groups={table.getHeaderGroups()}
                  sortHref={(columnId) => (dir) =>
                    subscriptionsSearch({ ...query, sort: columnId as SubscriptionsQuery["sort"], dir, page: 1 })
                  }
                  announceNextSort={false}
                />
              </thead>
              <tbody>
                {table.getRowModel().rows.map((row) => (
                  <tr key={row.id}>
                    {row.getAllCells().map((cell) =>
                      cell.column.id === "organisation" ? (
                        <th key={cell.id} scope="row">
                          <table.FlexRender cell={cell} />
                        </th>
                      ) : (
                        <td key={cell.id}>
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
            label="Pagination des adhésions"
            page={page}
            pageCount={pageCount}
            pageHref={(page) => subscriptionsSearch({ ...query, page })}
          />
        </>
      )}
    </section>
  );
}
