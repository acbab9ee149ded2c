import { loadCatalogue } from "~/catalogue.server";
import { catalogueCsv } from "~/domain/catalogue";
import type { Route } from "./+types/catalogue-export";

// What the catalogue shows with the same filters and sort, every page, as CSV for French Excel.
export async function loader({ request, context }: Route.LoaderArgs) {
  const { viewer, offers } = await loadCatalogue(context, request, { allRows: true });
  const csv = catalogueCsv(offers.rows, { year: viewer.year, withStatus: viewer.manages });
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="catalogue-${viewer.today}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
