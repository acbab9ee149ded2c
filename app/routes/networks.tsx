import { Link } from "react-router";
import { requestScopeContext } from "~/context.server";
import { formatInteger, plural } from "~/domain/format";
import { formatParisRange } from "~/domain/paris-time";
import { networkViewer } from "~/network-viewer.server";
import { ensureNetworks, listNetworks } from "~/queries/networks.server";
import type { Route } from "./+types/networks";

/**
 * The cooperative's thematic networks. A thematic network offer gets its network the first time an operator admin
 * opens this page (audited): members see the networks once opened.
 */
export async function loader({ request, context }: Route.LoaderArgs) {
  const viewer = networkViewer(context, request);
  return context.get(requestScopeContext).transaction(async (trx) => {
    if (viewer.isOperatorAdmin) {
      await ensureNetworks(trx, {
        cooperativeId: viewer.cooperativeId,
        actorUserId: viewer.userId,
        ipAddress: viewer.ipAddress,
      });
    }
    const networks = await listNetworks(trx, {
      cooperativeId: viewer.cooperativeId,
      userId: viewer.userId,
      now: new Date(),
    });
    return {
      isOperatorAdmin: viewer.isOperatorAdmin,
      networks: networks.map((network) => ({
        id: network.id,
        name: network.name,
        members: network.members,
        leads: network.leads,
        nextMeeting: network.nextMeeting
          ? {
              id: network.nextMeeting.id,
              title: network.nextMeeting.title,
              when: formatParisRange(network.nextMeeting.startsAt, network.nextMeeting.endsAt),
            }
          : null,
      })),
    };
  });
}

export default function Networks({ loaderData }: Route.ComponentProps) {
  const { networks, isOperatorAdmin } = loaderData;
  return (
    <div className="page">
      <title>Réseaux thématiques — Coopérative de services</title>
      <h1>Réseaux thématiques</h1>
      <p className="muted">
        Chaque réseau réunit les membres adhérents à l'offre du catalogue du même nom, autour de leurs contacts.
      </p>
      {networks.length === 0 ? (
        <div className="empty-state">
          <p>Aucun réseau thématique pour l'instant.</p>
          {isOperatorAdmin ? (
            <p>
              Un réseau s'ouvre pour chaque offre de type « réseau thématique » du{" "}
              <Link to="/catalogue">catalogue</Link>.
            </p>
          ) : null}
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption>{plural(networks.length, "réseau", "réseaux")}</caption>
            <thead>
              <tr>
                <th scope="col">Réseau</th>
                <th scope="col">Membres</th>
                <th scope="col">Prochaine réunion</th>
              </tr>
            </thead>
            <tbody>
              {networks.map((network) => (
                <tr key={network.id}>
                  <th scope="row">
                    <Link to={`/reseaux/${network.id}`}>{network.name}</Link>
                    {network.leads ? (
                      <>
                        {" "}
                        <span className="badge badge--active">Vous animez ce réseau</span>
                      </>
                    ) : null}
                  </th>
                  <td className="numeric">{formatInteger(network.members)}</td>
                  <td>
                    {network.nextMeeting ? (
                      <Link to={`/reunions/${network.nextMeeting.id}`}>{network.nextMeeting.when}</Link>
                    ) : (
                      <span className="muted">Aucune réunion prévue</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
