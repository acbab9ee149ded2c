import { requirePermission } from "~/auth/guards.server";
import { parseSubscriptionsQuery } from "~/components/subscriptions-table";
import { requestScopeContext } from "~/context.server";
import { toCsv } from "~/domain/csv";
import { parisToday } from "~/domain/format";
import { describeOptions, describeUnits, displayStatus } from "~/domain/subscription-rules";
import { listAllSubscriptions } from "~/queries/subscriptions.server";
import type { Route } from "./+types/adhesions-export";

const HEADER = [
  "Organisation",
  "Offre",
  "Statut",
  "Depuis",
  "Jusqu'au",
  "Options",
  "Quantités déclarées",
  "Demandée le",
  "Préavis donné le",
] as const;

const dateOf = (value: Date | null) =>
  value ? new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeZone: "Europe/Paris" }).format(value) : "";
const isoToFr = (iso: string | null) => (iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : "");

/** The operator admins' subscriptions table as filtered (every page), as a CSV file for French Excel. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "subscriptions.approve");
  const query = parseSubscriptionsQuery(new URL(request.url).searchParams);
  const today = parisToday(new Date());
  const rows = await context.get(requestScopeContext).transaction((trx) =>
    listAllSubscriptions(trx, {
      cooperativeId: who.cooperativeId as string,
      status: query.statut === "" ? null : query.statut,
      offerId: query.offre === "" ? null : query.offre,
      search: query.q,
      sort: query.sort,
      descending: query.dir === "desc",
    }),
  );
  const csv = toCsv(
    HEADER,
    rows.map((row) => [
      row.organisationName,
      row.offerTitle,
      displayStatus(row, today),
      isoToFr(row.startsOn),
      isoToFr(row.endsOn),
      describeOptions(row.optionKeys, row.offerOptions),
      describeUnits(row.declaredUnits),
      dateOf(row.requestedAt),
      dateOf(row.noticeGivenAt),
    ]),
  );
  return new Response(csv, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="adhesions-${today}.csv"`,
      "Cache-Control": "private, no-store",
    },
  });
}
