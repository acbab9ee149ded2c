import { data, Link } from "react-router";
import { requirePermission } from "~/auth/guards.server";
import { NetworkIndicators } from "~/components/network-indicators";
import { requestScopeContext } from "~/context.server";
import { loadNetworkIndicators } from "~/network-indicators.server";
import { networkAccess } from "~/queries/network-access.server";
import type { Route } from "./+types/network-indicators";

/** A network's indicators for a year (?annee=), on their own: readable by the whole cooperative. */
export async function loader({ request, params, context }: Route.LoaderArgs) {
  requirePermission(context, request, "networks.read");
  return context.get(requestScopeContext).transaction(async (trx) => {
    const network = await networkAccess(trx, params.id);
    if (!network) throw data({ message: "Réseau introuvable." }, { status: 404 });
    return {
      network: { id: network.id, name: network.name },
      indicators: await loadNetworkIndicators(trx, network.id, new URL(request.url)),
    };
  });
}

export default function NetworkIndicatorsPage({ loaderData }: Route.ComponentProps) {
  const { network, indicators } = loaderData;
  return (
    <div className="page">
      <title>{`Indicateurs ${indicators.indicators.year} — ${network.name}`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to={`/reseaux/${network.id}`}>{network.name}</Link> <span aria-hidden="true">›</span>{" "}
        <span>Indicateurs</span>
      </nav>
      <p className="lead">{network.name}</p>
      <NetworkIndicators data={indicators} headingLevel={1} />
      <p className="muted">
        Calculés à partir des présences enregistrées aux réunions tenues dans l'année (heure de Paris). Les
        organisations à 0 % sont celles qui ont un contact dans le réseau mais ne sont venues à aucune réunion.
      </p>
    </div>
  );
}
