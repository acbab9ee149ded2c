import { Link } from "react-router";
import { catalogueViewer, requireOffer } from "~/catalogue.server";
import { requestScopeContext } from "~/context.server";
import { pricingSchema } from "~/domain/allocation/pricing-schema";
import {
  describeTermsFr,
  OFFER_KIND_LABELS,
  OFFER_STATUS_LABELS,
  REQUEST_BLOCK_MESSAGES,
  requestBlock,
  summarisePricingFr,
} from "~/domain/catalogue";
import { formatInteger, formatParisDate } from "~/domain/format";
import { currentRulebook, memberCounts, organisationStanding } from "~/queries/offers.server";
import { describeYears, listPricings } from "~/queries/price-book.server";
import type { Route } from "./+types/offer";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.read");
  const offer = await requireOffer(context, viewer, params.id);
  return context.get(requestScopeContext).transaction(async (trx) => {
    const [rulebook, counts, pricings] = await Promise.all([
      currentRulebook(trx, offer.id),
      memberCounts(trx, offer.id, viewer.year),
      listPricings(trx, offer.id, { validate: false }),
    ]);
    const current = pricings.find((p) => p.yearFrom <= viewer.year && viewer.year <= p.yearTo);
    const definition = current ? pricingSchema.safeParse(current.definition) : null;
    let request: { allowed: boolean; reason: string | null } | null = null;
    if (viewer.mayRequest) {
      const standing = await organisationStanding(trx, viewer.organisationId, offer.id, viewer.today);
      const block = standing
        ? requestBlock({
            status: offer.status,
            eligibleKinds: offer.eligibleKinds,
            organisationKind: standing.kind,
            ...standing,
          })
        : "kind_not_eligible";
      request = { allowed: block === null, reason: block ? REQUEST_BLOCK_MESSAGES[block] : null };
    }
    return {
      offer,
      terms: describeTermsFr(offer),
      rulebook: rulebook
        ? { version: rulebook.version, body: rulebook.body, publishedOn: formatParisDate(rulebook.publishedAt) }
        : null,
      pricing:
        current && definition?.success
          ? { years: describeYears(current.yearFrom, current.yearTo), summary: summarisePricingFr(definition.data) }
          : null,
      counts,
      year: viewer.year,
      manages: viewer.manages,
      request,
    };
  });
}

export default function Offer({ loaderData }: Route.ComponentProps) {
  const { offer, terms, rulebook, pricing, counts, year, manages, request } = loaderData;
  return (
    <div className="page">
      <title>{`${offer.title} — Catalogue`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/catalogue">Catalogue</Link> <span aria-hidden="true">›</span> <span>{offer.title}</span>
      </nav>
      <h1>{offer.title}</h1>
      <p>
        {OFFER_KIND_LABELS[offer.kind]}
        {offer.categoryName ? ` · ${offer.categoryName}` : null}
        {manages ? (
          <>
            {" "}
            <span className={`badge ${offer.status === "published" ? "badge--active" : "badge--inactive"}`}>
              {OFFER_STATUS_LABELS[offer.status]}
            </span>
          </>
        ) : null}
      </p>
      {offer.summary ? <p className="lead">{offer.summary}</p> : null}
      <div className="inline-actions">
        <Link to={`/catalogue/${offer.id}/simulateur`} className="button-link">
          Simuler le coût
        </Link>
        {request?.allowed ? (
          <Link to={`/adhesions/nouvelle?offre=${offer.id}`} className="button-link">
            Demander l'adhésion
          </Link>
        ) : null}
        {manages ? (
          <>
            <Link to={`/catalogue/${offer.id}/modifier`}>Modifier l'offre</Link>
            <Link to={`/catalogue/${offer.id}/tarifs`}>Tarifs</Link>
            <Link to={`/catalogue/${offer.id}/adherents`}>Adhérents</Link>
          </>
        ) : null}
      </div>
      {request && !request.allowed ? <p className="muted">{request.reason}</p> : null}

      <dl className="facts">
        <div>
          <dt>Membres adhérents en {year}</dt>
          <dd>{formatInteger(counts.thisYear)}</dd>
        </div>
        <div>
          <dt>Membres adhérents en {year - 1}</dt>
          <dd>{formatInteger(counts.lastYear)}</dd>
        </div>
      </dl>

      {offer.description ? (
        <section aria-labelledby="description">
          <h2 id="description">Description</h2>
          {offer.description.split(/\n{2,}/).map((paragraph) => (
            <p key={paragraph}>{paragraph}</p>
          ))}
        </section>
      ) : null}

      <section aria-labelledby="conditions">
        <h2 id="conditions">Conditions d'adhésion</h2>
        <dl className="facts">
          {terms.map((term) => (
            <div key={term.label}>
              <dt>{term.label}</dt>
              <dd>{term.text}</dd>
            </div>
          ))}
        </dl>
      </section>

      <section aria-labelledby="tarif">
        <h2 id="tarif">Tarif {year}</h2>
        {pricing ? (
          <p>
            {pricing.summary} <span className="muted">(tarification {pricing.years})</span>
          </p>
        ) : (
          <p className="muted">Aucune tarification n'est encore fixée pour {year}.</p>
        )}
      </section>

      {offer.options.length > 0 ? (
        <section aria-labelledby="options">
          <h2 id="options">Options à la carte</h2>
          <ul>
            {offer.options.map((option) => (
              <li key={option.key}>
                <strong>{option.label}</strong>
                {option.description ? ` — ${option.description}` : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="reglement">
        <h2 id="reglement">Règlement</h2>
        {rulebook ? (
          <details>
            <summary>
              Version {rulebook.version}, publiée le {rulebook.publishedOn}
            </summary>
            <div className="rulebook">
              {rulebook.body.split(/\n{2,}/).map((paragraph) => (
                <p key={paragraph}>{paragraph}</p>
              ))}
            </div>
          </details>
        ) : (
          <p className="muted">Pas encore de règlement publié.</p>
        )}
      </section>

      <section aria-labelledby="contact">
        <h2 id="contact">Contact</h2>
        {offer.contactName || offer.contactEmail ? (
          <p>
            {offer.contactName}
            {offer.contactName && offer.contactEmail ? " — " : null}
            {offer.contactEmail ? <a href={`mailto:${offer.contactEmail}`}>{offer.contactEmail}</a> : null}
          </p>
        ) : (
          <p className="muted">Pas de contact indiqué : adressez-vous à la mission mutualisation.</p>
        )}
      </section>
    </div>
  );
}
