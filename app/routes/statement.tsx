import { Link } from "react-router";
import { formatEuros } from "~/domain/allocation/format-fr";
import { formatCalendarDate } from "~/domain/format";
import { loadStatement } from "~/statement-access.server";
import type { Route } from "./+types/statement";

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const document = await loadStatement(context, request, params.id);
  return { statement: document };
}

export default function Statement({ loaderData: { statement } }: Route.ComponentProps) {
  const rectifying = statement.kind === "rectifying";
  return (
    <div className="page">
      <title>{`Appel de fonds n° ${statement.number} — Coopérative de services`}</title>
      <p>
        <Link to="/appels-de-fonds">Appels de fonds</Link>
      </p>
      <h1>{`${rectifying ? "Appel de fonds rectificatif" : "Appel de fonds"} n° ${statement.number}`}</h1>
      {statement.corrects ? (
        <p>
          Rectifie l'appel de fonds n° {statement.corrects.number} du {formatCalendarDate(statement.corrects.issuedOn)}{" "}
          : il ne porte que la différence.
        </p>
      ) : null}
      <dl className="facts">
        <dt>Émis par</dt>
        <dd>
          {statement.cooperative.name} (SIREN {statement.cooperative.siren})
        </dd>
        <dt>Payeur</dt>
        <dd>
          {statement.payer.name} (SIREN {statement.payer.siren})
        </dd>
        <dt>Période</dt>
        <dd>{statement.period}</dd>
        <dt>Exercice budgétaire</dt>
        <dd>{statement.budgetYear}</dd>
        <dt>Émis le</dt>
        <dd>{formatCalendarDate(statement.issuedOn)}</dd>
        <dt>À régler au plus tard le</dt>
        <dd>{formatCalendarDate(statement.dueOn)}</dd>
        {statement.councilDecisions.length > 0 ? (
          <>
            <dt>Délibérations</dt>
            <dd>
              <ul>
                {statement.councilDecisions.map((decision) => (
                  <li key={decision}>{decision}</li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
      </dl>
      <p>
        <a href={`/appels-de-fonds/${statement.id}/pdf`} download>
          Télécharger le PDF
        </a>
      </p>
      <div className="table-scroll">
        <table className="data-table">
          <caption>Lignes de l'appel de fonds, chacune avec son explication</caption>
          <thead>
            <tr>
              <th scope="col">Offre</th>
              <th scope="col">Élément</th>
              <th scope="col">Modèle</th>
              <th scope="col" className="numeric">
                Brut
              </th>
              <th scope="col" className="numeric">
                Subvention
              </th>
              <th scope="col" className="numeric">
                Net
              </th>
              <th scope="col">Explication</th>
            </tr>
          </thead>
          <tbody>
            {statement.lines.map((line, index) => (
              // Lines never change: their position is their identity.
              // biome-ignore lint/suspicious/noArrayIndexKey: an issued statement's lines are fixed
              <tr key={index}>
                <th scope="row">{line.offerTitle}</th>
                <td>{line.itemLabel}</td>
                <td>{line.model}</td>
                <td className="numeric">{formatEuros(line.grossCents)}</td>
                <td className="numeric">{formatEuros(line.subsidyCents)}</td>
                <td className="numeric">{formatEuros(line.netCents)}</td>
                <td>{line.explanation}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={3}>
                Total
              </th>
              <td className="numeric">{formatEuros(statement.totals.grossCents)}</td>
              <td className="numeric">{formatEuros(statement.totals.subsidyCents)}</td>
              <td className="numeric">
                <strong>{formatEuros(statement.totals.netCents)}</strong>
              </td>
              <td />
            </tr>
          </tfoot>
        </table>
      </div>
    </div>
  );
}
