import { data, Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext, servicesContext } from "~/context.server";
import { formatEuros, formatUnits } from "~/domain/allocation/format-fr";
import { parisToday } from "~/domain/format";
import { parseUnits, unitFields } from "~/domain/subscription-rules";
import { listPricings } from "~/queries/price-book.server";
import { estimateShares } from "~/queries/share-estimates.server";
import type { Route } from "./+types/offer-simulator";

const dateTime = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeStyle: "short", timeZone: "Europe/Paris" });

/**
 * What an organisation would pay for an offer, with the options and units it chooses, for a year: computed on the
 * current subscribers plus itself, each line explained; printable, to join to the council paper.
 */
export async function loader({ request, context, params }: Route.LoaderArgs) {
  const auth = requirePermission(context, request, "costs.simulate");
  if (!z.uuid().safeParse(params.id).success) throw data({ message: "Offre introuvable." }, { status: 404 });
  const cooperativeId = auth.context.cooperativeId as string;
  const admin = auth.context.role === "operator_admin";
  const url = new URL(request.url);
  const scope = context.get(requestScopeContext);

  const { offer, pricings, organisations } = await scope.transaction(async (trx) => {
    const offer = await trx
      .selectFrom("offers")
      .select(["id", "title", "status", "summary"])
      .where("id", "=", params.id)
      .where("cooperative_id", "=", cooperativeId)
      .executeTakeFirst();
    if (!offer || (offer.status !== "published" && !admin)) return { offer: null, pricings: [], organisations: [] };
    const organisations = admin
      ? await trx
          .selectFrom("organisations")
          .select(["id", "name"])
          .where("cooperative_id", "=", cooperativeId)
          .where("is_operator", "=", false)
          .where("inactive_since", "is", null)
          .orderBy("name")
          .execute()
      : [];
    return { offer, pricings: await listPricings(trx, offer.id), organisations };
  });
  if (!offer) throw data({ message: "Offre introuvable." }, { status: 404 });

  const currentYear = Number(parisToday().slice(0, 4));
  const shareYears = pricings
    .filter((pricing) => pricing.definition.kind === "shares")
    .flatMap((pricing) =>
      Array.from({ length: pricing.yearTo - pricing.yearFrom + 1 }, (_, index) => pricing.yearFrom + index),
    );
  const requestedYear = Number(url.searchParams.get("annee"));
  const year = shareYears.includes(requestedYear)
    ? requestedYear
    : shareYears.includes(currentYear)
      ? currentYear
      : (shareYears.find((candidate) => candidate > currentYear) ?? shareYears.at(-1) ?? null);
  const pricing = pricings.find((entry) => year !== null && entry.yearFrom <= year && year <= entry.yearTo);
  const definition = pricing?.definition.kind === "shares" ? pricing.definition : null;
  const options = definition?.options.map((option) => ({ key: option.key, label: option.label })) ?? [];
  const units = unitFields(definition).map((unit) => ({ key: unit.key, label: unit.label }));

  const requestedOrganisation = url.searchParams.get("organisation");
  const organisationId = admin
    ? (organisations.find((organisation) => organisation.id === requestedOrganisation) ?? organisations[0])?.id
    : auth.context.organisationId;
  const chosenOptions = url.searchParams.getAll("option").filter((key) => options.some((option) => option.key === key));
  const typedUnits = Object.fromEntries(
    units.map((unit) => [unit.key, url.searchParams.get(`unite_${unit.key}`) ?? ""]),
  );
  const form = { year, organisationId: organisationId ?? null, options: chosenOptions, units: typedUnits };
  const base = {
    offer: { id: offer.id, title: offer.title, summary: offer.summary },
    years: [...new Set(shareYears)].sort(),
    organisations,
    options,
    units,
    form,
  };
  if (url.searchParams.get("calculer") !== "1" || !definition || year === null || !organisationId) {
    return { ...base, errors: {} as Record<string, string>, result: null };
  }

  const errors: Record<string, string> = {};
  const declared: Record<string, number> = {};
  for (const unit of units) {
    const parsed = parseUnits(typedUnits[unit.key] ?? "");
    if (parsed.ok) declared[unit.key] = parsed.value;
    else errors[unit.key] = parsed.message;
  }
  if (Object.keys(errors).length > 0) return data({ ...base, errors, result: null }, { status: 400 });

  const estimate = await estimateShares(context.get(servicesContext).scopes, {
    cooperativeId,
    organisationId,
    year,
    revealOtherMembers: admin,
    simulate: { offerId: offer.id, options: chosenOptions, units: declared },
  });
  return {
    ...base,
    errors,
    result: estimate.ok
      ? {
          ok: true as const,
          computedAt: dateTime.format(new Date()),
          organisationName:
            organisations.find((organisation) => organisation.id === organisationId)?.name ??
            auth.active?.organisationName ??
            "",
          declared: units.map((unit) => ({ label: unit.label, value: formatUnits(declared[unit.key] ?? 0) })),
          rows: estimate.rows.map((row) => ({
            label: row.itemLabel,
            gross: formatEuros(row.grossCents),
            subsidy: formatEuros(row.subsidyCents),
            net: formatEuros(row.netCents),
            explanation: row.explanation,
          })),
          totals: {
            gross: formatEuros(estimate.totals.grossCents),
            subsidy: formatEuros(estimate.totals.subsidyCents),
            net: formatEuros(estimate.totals.netCents),
          },
        }
      : { ok: false as const, error: estimate.error },
  };
}

export default function OfferSimulator({ loaderData }: Route.ComponentProps) {
  const { offer, years, organisations, options, units, form, errors, result } = loaderData;
  return (
    <div className="page page--narrow simulator">
      <title>{`Simulation — ${offer.title} — Coopérative de services`}</title>
      <p className="no-print">
        <Link to={`/catalogue/${offer.id}`}>← {offer.title}</Link>
      </p>
      <h1>Simuler le coût : {offer.title}</h1>
      {years.length === 0 ? (
        <div className="empty-state">
          <p>Cette offre n'a pas encore de tarification répartie entre les membres : rien à simuler.</p>
        </div>
      ) : (
        <Form method="get" className="panel stacked-form no-print">
          <input type="hidden" name="calculer" value="1" />
          {organisations.length > 0 ? (
            <>
              <label htmlFor="organisation">Organisation</label>
              <select id="organisation" name="organisation" defaultValue={form.organisationId ?? undefined}>
                {organisations.map((organisation) => (
                  <option key={organisation.id} value={organisation.id}>
                    {organisation.name}
                  </option>
                ))}
              </select>
            </>
          ) : null}
          <label htmlFor="annee">Année</label>
          <select id="annee" name="annee" defaultValue={form.year ?? undefined}>
            {years.map((year) => (
              <option key={year} value={year}>
                {year}
              </option>
            ))}
          </select>
          {options.length > 0 ? (
            <fieldset className="choice-group">
              <legend>Options</legend>
              {options.map((option) => (
                <label key={option.key} className="choice">
                  <input
                    type="checkbox"
                    name="option"
                    value={option.key}
                    defaultChecked={form.options.includes(option.key)}
                  />{" "}
                  {option.label}
                </label>
              ))}
            </fieldset>
          ) : null}
          {units.map((unit) => (
            <div key={unit.key} className="field">
              <label htmlFor={`unite_${unit.key}`}>Nombre d'{unit.label} (ex. « 37 » ou « 1 439,50 »)</label>
              <input
                id={`unite_${unit.key}`}
                name={`unite_${unit.key}`}
                inputMode="decimal"
                defaultValue={form.units[unit.key]}
                aria-invalid={errors[unit.key] ? true : undefined}
                aria-describedby={errors[unit.key] ? `unite_${unit.key}-erreur` : undefined}
              />
              {errors[unit.key] ? (
                <p className="field-error" id={`unite_${unit.key}-erreur`}>
                  {errors[unit.key]}
                </p>
              ) : null}
            </div>
          ))}
          <button type="submit">Calculer</button>
        </Form>
      )}
      {result?.ok === false ? (
        <p className="form-error" role="alert">
          Le calcul est impossible : {result.error}
        </p>
      ) : null}
      {result?.ok ? (
        <section aria-labelledby="estimation" className="panel">
          <h2 id="estimation">
            Estimation {form.year} pour {result.organisationName}
          </h2>
          <p className="muted">
            Calculée le {result.computedAt} sur les adhésions connues à ce jour, en ajoutant {result.organisationName}
            {result.declared.length > 0
              ? ` (${result.declared.map((unit) => `${unit.value} ${unit.label}`).join(", ")})`
              : ""}
            . Le montant appelé dépendra des adhésions de l'année.
          </p>
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">Ligne</th>
                  <th scope="col">Montant brut</th>
                  <th scope="col">Prise en charge</th>
                  <th scope="col">Reste à payer</th>
                </tr>
              </thead>
              <tbody>
                {result.rows.map((row) => (
                  <tr key={row.label}>
                    <th scope="row">
                      {row.label}
                      <br />
                      <span className="muted">{row.explanation}</span>
                    </th>
                    <td className="number">{row.gross}</td>
                    <td className="number">{row.subsidy}</td>
                    <td className="number">{row.net}</td>
                  </tr>
                ))}
              </tbody>
              <tfoot>
                <tr>
                  <th scope="row">Total</th>
                  <td className="number">{result.totals.gross}</td>
                  <td className="number">{result.totals.subsidy}</td>
                  <td className="number">
                    <strong>{result.totals.net}</strong>
                  </td>
                </tr>
              </tfoot>
            </table>
          </div>
          <p className="no-print">
            <button type="button" onClick={() => window.print()}>
              Imprimer pour la délibération
            </button>
          </p>
        </section>
      ) : null}
    </div>
  );
}
