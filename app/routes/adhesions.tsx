import { Link } from "react-router";
import { requirePermission } from "~/auth/guards.server";
import {
  parseSubscriptionsQuery,
  SubscriptionsTable,
  type SubscriptionTableRow,
} from "~/components/subscriptions-table";
import { requestScopeContext, servicesContext } from "~/context.server";
import { formatEuros } from "~/domain/allocation/format-fr";
import { formatCalendarDate, parisToday } from "~/domain/format";
import { can } from "~/domain/permissions";
import {
  describeOptions,
  describeUnits,
  displayStatus,
  nextSteps,
  SUBSCRIPTION_STATUS_LABELS,
} from "~/domain/subscription-rules";
import { estimateShares } from "~/queries/share-estimates.server";
import {
  listOrganisationSubscriptions,
  listPendingRequests,
  listSubscribedOffers,
  listSubscriptions,
  type SubscriptionRow,
} from "~/queries/subscriptions.server";
import type { Route } from "./+types/adhesions";

const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });

/** The row of the admin table, the same words as the CSV export. */
export function tableRow(row: SubscriptionRow, today: string): SubscriptionTableRow {
  return {
    id: row.id,
    organisation: row.organisationName,
    offer: row.offerTitle,
    status: displayStatus(row, today),
    starts: row.startsOn ? formatCalendarDate(row.startsOn) : "—",
    until: row.endsOn ? formatCalendarDate(row.endsOn) : "—",
    options: describeOptions(row.optionKeys, row.offerOptions),
  };
}

/**
 * Operator admins: the requests to decide (oldest first) and all the cooperative's subscriptions. Referents and
 * viewers: their organisation's subscriptions with this year's estimated cost and what remains to do.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "subscriptions.read");
  const cooperativeId = who.cooperativeId as string;
  const organisationId = who.organisationId as string;
  const now = new Date();
  const today = parisToday(now);
  const year = Number(today.slice(0, 4));
  const scope = context.get(requestScopeContext);
  if (can(who.role, "subscriptions.approve")) {
    const query = parseSubscriptionsQuery(new URL(request.url).searchParams);
    const { pending, page, offers } = await scope.transaction(async (trx) => ({
      pending: await listPendingRequests(trx, cooperativeId),
      page: await listSubscriptions(trx, {
        cooperativeId,
        status: query.statut === "" ? null : query.statut,
        offerId: query.offre === "" ? null : query.offre,
        search: query.q,
        sort: query.sort,
        descending: query.dir === "desc",
        page: query.page,
        pageSize: query.size,
      }),
      offers: await listSubscribedOffers(trx, cooperativeId),
    }));
    return {
      view: "operator" as const,
      pending: pending.map((row) => ({
        id: row.id,
        organisation: row.organisationName,
        offer: row.offerTitle,
        requestedOn: row.requestedAt ? dateFormat.format(row.requestedAt) : "—",
        options: describeOptions(row.optionKeys, row.offerOptions),
        units: describeUnits(row.declaredUnits),
      })),
      table: { ...page, rows: page.rows.map((row) => tableRow(row, today)) },
      query: { ...query, page: page.page },
      offers,
    };
  }

  const rows = await scope.transaction((trx) => listOrganisationSubscriptions(trx, cooperativeId, organisationId));
  const scopes = context.get(servicesContext).scopes;
  const inYear = (row: SubscriptionRow) =>
    row.status === "active" &&
    row.startsOn !== null &&
    row.startsOn <= `${year}-12-31` &&
    (row.endsOn === null || row.endsOn >= `${year}-01-01`);
  // One estimate per offer joined this year (an offer that cannot be computed does not hide the others).
  const estimates = new Map<string, { amount: string | null; reason: string | null }>();
  for (const offerId of new Set(rows.filter(inYear).map((row) => row.offerId))) {
    const estimate = await estimateShares(scopes, { cooperativeId, organisationId, year, offerId });
    estimates.set(
      offerId,
      estimate.ok
        ? estimate.rows.length > 0
          ? { amount: formatEuros(estimate.totals.netCents), reason: estimate.notes.join(" ") || null }
          : { amount: null, reason: estimate.notes.join(" ") || `Aucune quote-part calculée pour ${year}.` }
        : { amount: null, reason: estimate.error },
    );
  }
  return {
    view: "organisation" as const,
    year,
    canRequest: can(who.role, "subscriptions.request"),
    subscriptions: rows.map((row) => {
      const estimate = inYear(row) ? estimates.get(row.offerId) : undefined;
      return {
        id: row.id,
        offer: row.offerTitle,
        offerId: row.offerId,
        status: displayStatus(row, today),
        since: row.startsOn ? formatCalendarDate(row.startsOn) : "—",
        until: row.endsOn ? formatCalendarDate(row.endsOn) : "—",
        options: describeOptions(row.optionKeys, row.offerOptions),
        cost: estimate ?? { amount: null, reason: inYear(row) ? null : `Pas d'adhésion active en ${year}.` },
        nextSteps: nextSteps(
          {
            status: row.status,
            startsOn: row.startsOn,
            endsOn: row.endsOn,
            noticeGivenAt: row.noticeGivenAt !== null,
            rulebookVersion: row.rulebookVersion,
            currentRulebookVersion: row.currentRulebookVersion,
            successorStartsOn: row.successorStartsOn,
          },
          today,
        ),
      };
    }),
  };
}

export default function Adhesions({ loaderData }: Route.ComponentProps) {
  if (loaderData.view === "operator") {
    const { pending, table, query, offers } = loaderData;
    return (
      <div className="page">
        <title>Adhésions — Coopérative de services</title>
        <h1>Adhésions</h1>
        <section aria-labelledby="a-traiter">
          <h2 id="a-traiter">Demandes à traiter</h2>
          {pending.length === 0 ? (
            <div className="empty-state">
              <p>Aucune demande en attente.</p>
            </div>
          ) : (
            <div className="table-scroll">
              <table className="data-table">
                <caption>{pending.length} demande(s), la plus ancienne d'abord</caption>
                <thead>
                  <tr>
                    <th scope="col">Organisation</th>
                    <th scope="col">Offre</th>
                    <th scope="col">Demandée le</th>
                    <th scope="col">Options</th>
                    <th scope="col">Quantités</th>
                  </tr>
                </thead>
                <tbody>
                  {pending.map((row) => (
                    <tr key={row.id}>
                      <th scope="row">
                        <Link to={`/adhesions/${row.id}`}>{row.organisation}</Link>
                      </th>
                      <td>{row.offer}</td>
                      <td>{row.requestedOn}</td>
                      <td>{row.options}</td>
                      <td>{row.units}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </section>
        <SubscriptionsTable
          rows={table.rows}
          total={table.total}
          page={table.page}
          pageCount={table.pageCount}
          query={query}
          offers={offers}
        />
      </div>
    );
  }
  const { subscriptions, year, canRequest } = loaderData;
  return (
    <div className="page">
      <title>Mes adhésions — Coopérative de services</title>
      <h1>Mes adhésions</h1>
      {subscriptions.length === 0 ? (
        <div className="empty-state">
          <p>Votre organisation n'a encore aucune adhésion.</p>
          {canRequest ? (
            <p>
              <Link to="/catalogue">Parcourir le catalogue</Link> pour en demander une.
            </p>
          ) : null}
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption>
              {subscriptions.length} adhésion(s) et demande(s) ; coût estimé {year}, hors appels de fonds émis
            </caption>
            <thead>
              <tr>
                <th scope="col">Offre</th>
                <th scope="col">Statut</th>
                <th scope="col">Depuis</th>
                <th scope="col">Jusqu'au</th>
                <th scope="col">Options</th>
                <th scope="col">Coût estimé {year}</th>
                <th scope="col">Prochaines étapes</th>
              </tr>
            </thead>
            <tbody>
              {subscriptions.map((row) => (
                <tr key={row.id}>
                  <th scope="row">
                    <Link to={`/adhesions/${row.id}`}>{row.offer}</Link>
                  </th>
                  <td>{row.status}</td>
                  <td>{row.since}</td>
                  <td>{row.until}</td>
                  <td>{row.options}</td>
                  <td className="numeric">
                    {row.cost.amount ?? "—"}
                    {row.cost.reason ? <div className="muted field-hint">{row.cost.reason}</div> : null}
                  </td>
                  <td>{row.nextSteps.length > 0 ? row.nextSteps.join(" ") : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p className="muted">Statuts : {Object.values(SUBSCRIPTION_STATUS_LABELS).join(", ")}, à venir, terminée.</p>
    </div>
  );
}
