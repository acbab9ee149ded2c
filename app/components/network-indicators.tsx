import { Form } from "react-router";
import { ORGANISATION_KIND_LABELS } from "~/domain/labels";
import { formatAverage, formatRate, type NetworkIndicators as Indicators } from "~/domain/network-indicators";

/** What the loader hands over (see loadNetworkIndicators in app/network-indicators.server.ts). */
export interface NetworkIndicatorsData {
  indicators: Indicators;
  /** The years to choose from, most recent first. */
  years: number[];
  /** Why the year asked for was not taken. */
  yearError: string | null;
}

/**
 * A network's indicators for a year, computed from the attendance recorded: meetings held, organisations and
 * communes present, average attendance, and each organisation's rate. The year selector reloads the page it sits
 * in with `?annee=`.
 */
export function NetworkIndicators({ data, headingLevel = 2 }: { data: NetworkIndicatorsData; headingLevel?: 1 | 2 }) {
  const { indicators, years, yearError } = data;
  const Heading = headingLevel === 1 ? "h1" : "h2";
  const id = `indicateurs-${indicators.year}`;
  return (
    <section aria-labelledby={id} className="network-indicators">
      <Heading id={id}>Indicateurs {indicators.year}</Heading>
      <Form method="get" className="inline-form no-print">
        <label htmlFor="indicateurs-annee">Année</label>{" "}
        <select id="indicateurs-annee" name="annee" defaultValue={indicators.year} key={indicators.year}>
          {years.map((year) => (
            <option key={year} value={year}>
              {year}
            </option>
          ))}
        </select>{" "}
        <button type="submit">Afficher</button>
      </Form>
      {yearError ? (
        <p className="form-error" role="alert">
          {yearError}
        </p>
      ) : null}
      <dl className="facts">
        <div>
          <dt>Réunions tenues</dt>
          <dd>{indicators.meetingsHeld}</dd>
        </div>
        <div>
          <dt>Organisations présentes</dt>
          <dd>{indicators.organisationsPresent}</dd>
        </div>
        <div>
          <dt>dont communes</dt>
          <dd>{indicators.communesPresent}</dd>
        </div>
        <div>
          <dt>Participants en moyenne par réunion</dt>
          <dd>{formatAverage(indicators.averagePeople)}</dd>
        </div>
        <div>
          <dt>Organisations en moyenne par réunion</dt>
          <dd>{formatAverage(indicators.averageOrganisations)}</dd>
        </div>
        <div>
          <dt>Communes en moyenne par réunion</dt>
          <dd>{formatAverage(indicators.averageCommunes)}</dd>
        </div>
      </dl>
      {indicators.meetingsHeld === 0 ? (
        <p className="muted">Aucune réunion tenue en {indicators.year} : pas de taux de présence à calculer.</p>
      ) : null}
      {indicators.organisations.length > 0 ? (
        <table className="data-table">
          <caption>Présence par organisation en {indicators.year}</caption>
          <thead>
            <tr>
              <th scope="col">Organisation</th>
              <th scope="col">Type</th>
              <th scope="col" className="numeric">
                Réunions suivies
              </th>
              <th scope="col" className="numeric">
                Taux de présence
              </th>
            </tr>
          </thead>
          <tbody>
            {indicators.organisations.map((organisation) => (
              <tr key={organisation.id}>
                <th scope="row">{organisation.name}</th>
                <td>{ORGANISATION_KIND_LABELS[organisation.kind]}</td>
                <td className="numeric">
                  {organisation.meetingsAttended} / {indicators.meetingsHeld}
                </td>
                <td className="numeric">{formatRate(organisation.rate)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </section>
  );
}
