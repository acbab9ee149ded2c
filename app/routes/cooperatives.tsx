import { Link } from "react-router";
import { requestScopeContext } from "~/context.server";
import { formatInteger, plural } from "~/domain/format";
import { POPULATION_BASIS_LABELS } from "~/domain/labels";
import { listCooperatives } from "~/queries/cooperatives.server";
import type { Route } from "./+types/cooperatives";

export async function loader({ context }: Route.LoaderArgs) {
  const cooperatives = await context.get(requestScopeContext).transaction((trx) => listCooperatives(trx));
  return { cooperatives };
}

export default function Cooperatives({ loaderData: { cooperatives } }: Route.ComponentProps) {
  return (
    <div className="page">
      <title>Coopératives — Coopérative de services</title>
      <h1>Coopératives</h1>
      <p className="lead">
        Chaque coopérative réunit une intercommunalité (l'opérateur) et ses organisations membres : communes, CCAS et
        partenaires.
      </p>
      {cooperatives.length === 0 ? (
        <div className="empty-state">
          <p>Aucune coopérative n'est encore enregistrée.</p>
          <p>
            Importez un territoire avec <code>npm run territory:import -- --epci &lt;SIREN&gt;</code>.
          </p>
        </div>
      ) : (
        <ul className="card-list">
          {cooperatives.map((cooperative) => (
            <li key={cooperative.id} className="card">
              <h2>
                <Link to={`/cooperatives/${cooperative.siren}`}>{cooperative.displayName}</Link>
              </h2>
              <dl className="facts">
                <div>
                  <dt>SIREN</dt>
                  <dd>{cooperative.siren}</dd>
                </div>
                <div>
                  <dt>Membres actifs</dt>
                  <dd>{plural(cooperative.activeMemberCount, "organisation")}</dd>
                </div>
                {cooperative.population !== null && cooperative.populationYear !== null ? (
                  <div>
                    <dt>Population</dt>
                    <dd>
                      {formatInteger(cooperative.population)} habitants
                      <span className="muted">
                        {" "}
                        ({POPULATION_BASIS_LABELS[cooperative.defaultPopulationBasis]} {cooperative.populationYear})
                      </span>
                    </dd>
                  </div>
                ) : null}
              </dl>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
