import { Link } from "react-router";
import { catalogueViewer, requireOffer } from "~/catalogue.server";
import { requestScopeContext } from "~/context.server";
import { formatUnits } from "~/domain/allocation/format-fr";
import { SUBSCRIPTION_STATUS_LABELS } from "~/domain/catalogue";
import { formatCalendarDate, plural } from "~/domain/format";
import { listSubscribers } from "~/queries/offers.server";
import type { Route } from "./+types/offer-subscribers";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = catalogueViewer(context, request, "subscriptions.approve");
  const offer = await requireOffer(context, viewer, params.id);
  const rows = await context
    .get(requestScopeContext)
    .transaction((trx) => listSubscribers(trx, viewer.cooperativeId, offer.id));
  const labelOf = new Map(offer.options.map((option) => [option.key, option.label]));
  return {
    offer: { id: offer.id, title: offer.title },
    subscribers: rows.map((row) => ({
      ...row,
      optionLabels: row.optionKeys.map((key) => labelOf.get(key) ?? key),
      units: Object.entries(row.declaredUnits)
        .map(([unit, hundredths]) => `${formatUnits(hundredths)} ${unit}`)
        .join(", "),
    })),
  };
}

export default function OfferSubscribers({ loaderData }: Route.ComponentProps) {
  const { offer, subscribers } = loaderData;
  return (
    <div className="page">
      <title>{`Adhérents : ${offer.title} — Catalogue`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/catalogue">Catalogue</Link> <span aria-hidden="true">›</span>{" "}
        <Link to={`/catalogue/${offer.id}`}>{offer.title}</Link> <span aria-hidden="true">›</span>{" "}
        <span>Adhérents</span>
      </nav>
      <h1>Adhérents : {offer.title}</h1>
      {subscribers.length === 0 ? (
        <div className="empty-state">
          <p>Aucune organisation n'a encore adhéré ni demandé à adhérer.</p>
        </div>
      ) : (
        <>
          <p>
            <a href={`/catalogue/${offer.id}/adherents.csv`} download>
              Exporter en CSV (Excel)
            </a>
          </p>
          <div className="table-scroll">
            <table className="data-table">
              <caption>{plural(subscribers.length, "adhésion ou demande", "adhésions ou demandes")}</caption>
              <thead>
                <tr>
                  <th scope="col">Organisation</th>
                  <th scope="col">Statut</th>
                  <th scope="col">Depuis</th>
                  <th scope="col">Jusqu'au</th>
                  <th scope="col">Options</th>
                  <th scope="col">Unités déclarées</th>
                </tr>
              </thead>
              <tbody>
                {subscribers.map((row) => (
                  <tr key={row.id}>
                    <th scope="row">{row.organisationName}</th>
                    <td>{SUBSCRIPTION_STATUS_LABELS[row.status]}</td>
                    <td>{row.startsOn ? formatCalendarDate(row.startsOn) : "—"}</td>
                    <td>{row.endsOn ? formatCalendarDate(row.endsOn) : "—"}</td>
                    <td>{row.optionLabels.join(", ") || "—"}</td>
                    <td>{row.units || "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </div>
  );
}
