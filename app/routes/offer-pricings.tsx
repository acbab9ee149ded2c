import { data, Form, Link, useSearchParams } from "react-router";
import { recordEvent } from "~/audit.server";
import { clientMeta } from "~/auth/guards.server";
import { catalogueViewer, requireOffer } from "~/catalogue.server";
import { requestScopeContext } from "~/context.server";
import { pricingSchema } from "~/domain/allocation/pricing-schema";
import { summarisePricingFr } from "~/domain/catalogue";
import { formatParisDate } from "~/domain/format";
import { describeYears, listPricings, PriceBookError, savePricing } from "~/queries/price-book.server";
import type { Route } from "./+types/offer-pricings";

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  const offer = await requireOffer(context, viewer, params.id);
  const pricings = await context
    .get(requestScopeContext)
    .transaction((trx) => listPricings(trx, offer.id, { validate: false }));
  return {
    offer: { id: offer.id, title: offer.title },
    year: viewer.year,
    pricings: pricings.map((pricing) => {
      const parsed = pricingSchema.safeParse(pricing.definition);
      return {
        id: pricing.id,
        yearFrom: pricing.yearFrom,
        yearTo: pricing.yearTo,
        years: describeYears(pricing.yearFrom, pricing.yearTo),
        summary: parsed.success ? summarisePricingFr(parsed.data) : "Tarification enregistrée invalide : corrigez-la.",
        json: JSON.stringify(pricing.definition, null, 2),
        frozenOn: pricing.frozenAt ? formatParisDate(pricing.frozenAt) : null,
      };
    }),
  };
}

const yearOf = (value: FormDataEntryValue | null) =>
  typeof value === "string" && /^\d{4}$/.test(value.trim()) ? Number(value) : Number.NaN;

export async function action({ request, params, context }: Route.ActionArgs) {
  const viewer = catalogueViewer(context, request, "catalogue.manage");
  const offer = await requireOffer(context, viewer, params.id);
  const form = await request.formData();
  const values = {
    id: typeof form.get("id") === "string" ? String(form.get("id")) : "",
    yearFrom: String(form.get("yearFrom") ?? ""),
    yearTo: String(form.get("yearTo") ?? ""),
    definition: String(form.get("definition") ?? ""),
  };
  let definition: unknown;
  try {
    definition = JSON.parse(values.definition);
  } catch (error) {
    return data(
      { values, problems: [`Le document n'est pas du JSON valide : ${(error as Error).message}`] },
      { status: 400 },
    );
  }
  try {
    const saved = await context.get(requestScopeContext).transaction(async (trx) => {
      const pricing = await savePricing(trx, {
        ...(values.id ? { id: values.id } : {}),
        offerId: offer.id,
        yearFrom: yearOf(values.yearFrom),
        yearTo: yearOf(values.yearTo),
        definition,
      });
      await recordEvent(trx, {
        action: "offer.pricing_saved",
        cooperativeId: viewer.cooperativeId,
        actorUserId: viewer.userId,
        subject: offer.title,
        details: { offerId: offer.id, pricingId: pricing.id, years: describeYears(pricing.yearFrom, pricing.yearTo) },
        ipAddress: clientMeta(context, request).ipAddress,
      });
      return pricing;
    });
    return { done: `Tarification ${describeYears(saved.yearFrom, saved.yearTo)} enregistrée.` };
  } catch (error) {
    if (error instanceof PriceBookError) return data({ values, problems: error.problems }, { status: 400 });
    throw error;
  }
}

const EXAMPLE = JSON.stringify(
  {
    kind: "shares",
    population: { basis: "total", year: 2026 },
    proration: "month",
    base: { parts: [{ kind: "split", totalCents: 1_000_000, weight: { kind: "population" } }], subsidyBasisPoints: 0 },
    options: [],
  },
  null,
  2,
);

export default function OfferPricings({ loaderData, actionData }: Route.ComponentProps) {
  const { offer, pricings, year } = loaderData;
  const [search] = useSearchParams();
  const editing = pricings.find((pricing) => pricing.id === search.get("modifier") && pricing.frozenOn === null);
  const failed = actionData && "problems" in actionData ? actionData : null;
  const done = actionData && "done" in actionData ? actionData.done : null;
  const values =
    failed?.values ??
    (editing
      ? { id: editing.id, yearFrom: String(editing.yearFrom), yearTo: String(editing.yearTo), definition: editing.json }
      : { id: "", yearFrom: String(year + 1), yearTo: String(year + 1), definition: EXAMPLE });
  return (
    <div className="page">
      <title>{`Tarifs : ${offer.title} — Catalogue`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/catalogue">Catalogue</Link> <span aria-hidden="true">›</span>{" "}
        <Link to={`/catalogue/${offer.id}`}>{offer.title}</Link> <span aria-hidden="true">›</span> <span>Tarifs</span>
      </nav>
      <h1>Tarifs : {offer.title}</h1>
      {done ? (
        <p className="form-success" role="status">
          {done}
        </p>
      ) : null}
      {pricings.length === 0 ? (
        <div className="empty-state">
          <p>Aucune tarification : ajoutez celle de la première année ci-dessous.</p>
        </div>
      ) : (
        <table className="data-table">
          <caption>Tarifications par années</caption>
          <thead>
            <tr>
              <th scope="col">Années</th>
              <th scope="col">En résumé</th>
              <th scope="col">État</th>
            </tr>
          </thead>
          <tbody>
            {pricings.map((pricing) => (
              <tr key={pricing.id}>
                <th scope="row">{pricing.years}</th>
                <td>
                  {pricing.summary}
                  <details>
                    <summary>Document JSON</summary>
                    <pre>{pricing.json}</pre>
                  </details>
                </td>
                <td>
                  {pricing.frozenOn ? (
                    <span className="badge badge--inactive">Figée le {pricing.frozenOn}</span>
                  ) : (
                    <Link to={`?modifier=${pricing.id}`}>Modifier</Link>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Form method="post" className="panel stacked-form" noValidate key={values.id || "new"}>
        <h2>{values.id ? "Modifier la tarification" : "Nouvelle tarification"}</h2>
        {failed ? (
          <div className="form-error" role="alert" id="definition-erreur">
            <p>Tarification refusée :</p>
            <ul>
              {failed.problems.map((problem) => (
                <li key={problem}>{problem}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {values.id ? <input type="hidden" name="id" value={values.id} /> : null}
        <label htmlFor="yearFrom">Première année</label>
        <input id="yearFrom" name="yearFrom" inputMode="numeric" defaultValue={values.yearFrom} />
        <label htmlFor="yearTo">Dernière année (incluse)</label>
        <input id="yearTo" name="yearTo" inputMode="numeric" defaultValue={values.yearTo} />
        <label htmlFor="definition">Document de tarification (JSON)</label>
        <p className="muted field-hint">
          Montants en centimes, pourcentages en points de base (50 % = 5000), tarifs unitaires en millièmes de centime
          (1,10 € = 110000).
        </p>
        <textarea
          id="definition"
          name="definition"
          rows={18}
          defaultValue={values.definition}
          spellCheck={false}
          aria-invalid={failed ? true : undefined}
          aria-describedby={failed ? "definition-erreur" : undefined}
        />
        <div className="inline-actions">
          <button type="submit">Enregistrer la tarification</button>
          {values.id ? <Link to={`/catalogue/${offer.id}/tarifs`}>Annuler</Link> : null}
        </div>
      </Form>
    </div>
  );
}
