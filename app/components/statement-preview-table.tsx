import { createColumnHelper } from "@tanstack/react-table";
import { useNavigation } from "react-router";
import {
  PageSizeForm,
  Pagination,
  type ServerTableFeatures,
  SortableHeaderRows,
  useServerTable,
} from "~/components/table-pagination";
import { formatEuros } from "~/domain/allocation/format-fr";
import { plural } from "~/domain/format";
import { PREVIEW_PAGE_SIZES, type PreviewQuery, type PreviewSort, previewSearch } from "~/domain/statement-preview";

export interface PreviewLineRow {
  key: string;
  label: string;
  model: string;
  grossCents: number;
  subsidyCents: number;
  netCents: number;
  explanation: string;
}

export interface PreviewPayerRow {
  organisationId: string;
  name: string;
  siren: string;
  netCents: number;
  lastYearNetCents: number | null;
  changeCents: number | null;
  offers: {
    offerId: string;
    title: string;
    lastYearCents: number | null;
    changed: boolean;
    lines: PreviewLineRow[];
  }[];
}

const column = createColumnHelper<ServerTableFeatures, PreviewPayerRow>();

/** The member's columns (one cell over all its lines), by the sort they stand for. */
const SORT_OF: Record<string, PreviewSort> = { name: "member", netCents: "net", changeCents: "change" };
const COLUMN_OF: Record<PreviewSort, string> = { member: "name", net: "netCents", change: "changeCents" };

/** "+12,00 €", "-3,50 €", "inchangé". */
function formatChange(cents: number): string {
  return cents === 0 ? "inchangé" : `${cents > 0 ? "+" : ""}${formatEuros(cents)}`;
}

function columnsFor(year: number) {
  const lastYear = year - 1;
  const line = (id: string, header: string) => column.display({ id, header, enableSorting: false });
  return column.columns([
    column.accessor("name", {
      header: "Membre",
      cell: (info) => (
        <>
          {info.getValue()}
          <div className="muted">SIREN {info.row.original.siren}</div>
        </>
      ),
    }),
    column.accessor("netCents", {
      header: "Total net",
      cell: (info) => (
        <>
          {formatEuros(info.getValue())}
          {info.row.original.lastYearNetCents !== null ? (
            <div className="muted">
              {lastYear} : {formatEuros(info.row.original.lastYearNetCents)}
            </div>
          ) : null}
        </>
      ),
    }),
    column.accessor("changeCents", {
      header: `Écart sur ${lastYear}`,
      cell: (info) => {
        const change = info.getValue();
        return change === null ? <span className="muted">pas d'appel en {lastYear}</span> : formatChange(change);
      },
    }),
    line("item", "Offre et élément"),
    line("model", "Modèle"),
    line("gross", "Brut"),
    line("subsidy", "Subvention"),
    line("net", "Net"),
    line("lastYear", `Net ${lastYear} (offre)`),
    line("explanation", "Explication"),
  ]);
}

const NUMERIC = new Set(["netCents", "changeCents", "gross", "subsidy", "net", "lastYear"]);

/**
 * The run as it would be issued: one group of rows per member (its total and the change since last year over
 * all its lines), then each line with its amounts and explanation and, per offer, last year's net. Sorted and
 * paged by member in the URL, like the other admin tables.
 */
export function StatementPreviewTable({
  rows,
  total,
  page,
  pageCount,
  totalNetCents,
  period,
  query,
}: {
  rows: PreviewPayerRow[];
  /** Members in the whole run. */
  total: number;
  page: number;
  pageCount: number;
  totalNetCents: number;
  period: { year: number; half: 1 | 2 | null };
  query: PreviewQuery;
}) {
  const table = useServerTable({
    columns: columnsFor(period.year),
    rows,
    getRowId: (row) => row.organisationId,
    sortColumn: COLUMN_OF[query.sort],
    dir: query.dir,
    page,
    pageSize: query.size,
    total,
  });
  const loading = useNavigation().state === "loading";
  const keep: [string, string][] = [["annee", String(period.year)]];
  if (period.half) keep.push(["semestre", String(period.half)]);
  keep.push(["sort", query.sort], ["dir", query.dir]);
  return (
    <>
      <div className="table-scroll">
        <table className="data-table" aria-busy={loading}>
          <caption>
            {plural(total, "membre")}, {formatEuros(totalNetCents)} net au total — page {page} sur {pageCount}. Les
            montants qui changent depuis l'an dernier sont signalés.
          </caption>
          <thead>
            <SortableHeaderRows
              groups={table.getHeaderGroups()}
              sortHref={(columnId) => {
                const sort = SORT_OF[columnId];
                return sort ? (dir) => previewSearch(period, { ...query, sort, dir, page: 1 }) : undefined;
              }}
              className={(columnId) => (NUMERIC.has(columnId) ? "numeric" : undefined)}
            />
          </thead>
          {table.getRowModel().rows.map((row) => {
            const payer = row.original;
            const lineCount = payer.offers.reduce((sum, offer) => sum + offer.lines.length, 0);
            const cells = row.getAllCells();
            const [name, net, change] = ["name", "netCents", "changeCents"].map((id) =>
              cells.find((cell) => cell.column.id === id),
            );
            return (
              <tbody key={row.id}>
                {payer.offers.flatMap((offer, offerIndex) =>
                  offer.lines.map((line, lineIndex) => (
                    <tr key={line.key}>
                      {offerIndex === 0 && lineIndex === 0 && name && net && change ? (
                        <>
                          <th scope="rowgroup" rowSpan={lineCount}>
                            <table.FlexRender cell={name} />
                          </th>
                          <td className="numeric" rowSpan={lineCount}>
                            <table.FlexRender cell={net} />
                          </td>
                          <td className={`numeric${payer.changeCents ? " changed" : ""}`} rowSpan={lineCount}>
                            <table.FlexRender cell={change} />
                          </td>
                        </>
                      ) : null}
                      <td>{`${offer.title} — ${line.label}`}</td>
                      <td>{line.model}</td>
                      <td className="numeric">{formatEuros(line.grossCents)}</td>
                      <td className="numeric">{formatEuros(line.subsidyCents)}</td>
                      <td className="numeric">{formatEuros(line.netCents)}</td>
                      {lineIndex === 0 ? (
                        <td className={`numeric${offer.changed ? " changed" : ""}`} rowSpan={offer.lines.length}>
                          {offer.lastYearCents === null ? "—" : formatEuros(offer.lastYearCents)}
                          {offer.changed ? <div className="changed-note">changé</div> : null}
                        </td>
                      ) : null}
                      <td>{line.explanation}</td>
                    </tr>
                  )),
                )}
              </tbody>
            );
          })}
        </table>
      </div>
      <Pagination
        label="Pagination des membres"
        page={page}
        pageCount={pageCount}
        pageHref={(page) => previewSearch(period, { ...query, page })}
      >
        <PageSizeForm id="taille-apercu" sizes={PREVIEW_PAGE_SIZES} size={query.size} keep={keep} />
      </Pagination>
    </>
  );
}
