import { data, Form, Link } from "react-router";
import { z } from "zod";
import { requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { formatEuros } from "~/domain/allocation/format-fr";
import { eurosField } from "~/domain/euros-input";
import { formatCalendarDate, parisToday } from "~/domain/format";
import { periodLabel, yearField } from "~/domain/statements";
import { ActualCostError, listCostKeysOfYear, saveActualCost } from "~/queries/cost-key-periods.server";
import type { Route } from "./+types/cost-key-costs";

const costSchema = z.object({
  pricingId: z.uuid({ error: "Tarification introuvable." }),
  annee: yearField,
  semestre: z.enum(["1", "2"], { error: "Le semestre est le 1er ou le 2d." }).transform((v) => Number(v) as 1 | 2),
  direct: eurosField,
  indirect: eurosField,
});

const thisYear = () => Number(parisToday().slice(0, 4));

/** Operator admins: the actual cost of each cost key's half-years, from which the half-year runs are computed. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "statements.issue");
  const requested = new URL(request.url).searchParams.get("annee");
  const parsed = yearField.safeParse(requested || thisYear());
  const year = parsed.success ? parsed.data : thisYear();
  const costKeys = await context
    .get(requestScopeContext)
    .transaction((trx) => listCostKeysOfYear(trx, { cooperativeId: who.cooperativeId as string, year }));
  return {
    year,
    yearError: parsed.success ? null : (parsed.error.issues[0]?.message ?? "Année invalide."),
    costKeys: costKeys.map((costKey) => ({
      ...costKey,
      halves: costKey.halves.map((half) => ({
        half: half.half,
        label: periodLabel(year, half.half),
        direct: half.directCents === null ? "" : formatEuros(half.directCents).replace(/\u00a0€$/, ""),
        indirect: half.indirectCents === null ? "" : formatEuros(half.indirectCents).replace(/\u00a0€$/, ""),
        totalCents: half.directCents === null ? null : half.directCents + (half.indirectCents ?? 0),
        enteredOn: half.enteredAt ? formatCalendarDate(parisToday(half.enteredAt)) : null,
        issued: half.issued,
      })),
    })),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "statements.issue");
  const form = await request.formData();
  const values = {
    pricingId: String(form.get("pricingId") ?? ""),
    annee: String(form.get("annee") ?? ""),
    semestre: String(form.get("semestre") ?? ""),
    direct: String(form.get("direct") ?? ""),
    indirect: String(form.get("indirect") ?? ""),
  };
  const target = `${values.pricingId}|${values.semestre}`;
  const parsed = costSchema.safeParse(values);
  if (!parsed.success) {
    const errors: Record<string, string> = {};
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0] ?? "form");
      errors[field] ??= issue.message;
    }
    return data({ target, values, errors }, { status: 400 });
  }
  const input = parsed.data;
  try {
    const { issued } = await context.get(requestScopeContext).transaction((trx) =>
      saveActualCost(trx, {
        cooperativeId: who.cooperativeId as string,
        pricingId: input.pricingId,
        year: input.annee,
        half: input.semestre,
        directCents: input.direct,
        indirectCents: input.indirect,
        actorUserId: who.userId,
      }),
    );
    return {
      target,
      done: `Coût réel du ${periodLabel(input.annee, input.semestre)} enregistré : ${formatEuros(input.direct + input.indirect)}.`,
      rectify: issued ? `/appels-de-fonds?annee=${input.annee}&semestre=${input.semestre}&confirmer=rectifier` : null,
    };
  } catch (error) {
    if (error instanceof ActualCostError)
      return data({ target, values, errors: { form: error.message } as Record<string, string> }, { status: 400 });
    throw error;
  }
}

export default function CostKeyCosts({ loaderData, actionData }: Route.ComponentProps) {
  const { year, costKeys } = loaderData;
  const failed = actionData && "errors" in actionData ? actionData : null;
  const done = actionData && "done" in actionData ? actionData : null;
  return (
    <div className="page">
      <title>Coûts réels des clés de répartition — Coopérative de services</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to={`/appels-de-fonds?annee=${year}`}>Appels de fonds</Link> <span aria-hidden="true">›</span>{" "}
        <span>Coûts réels</span>
      </nav>
      <h1>Coûts réels des clés de répartition — {year}</h1>
      <p>
        Les services partagés par clé de répartition sont appelés chaque semestre, au coût réel : saisissez ici les
        coûts directs et indirects du semestre, puis émettez le semestre depuis{" "}
        <Link to={`/appels-de-fonds?annee=${year}`}>Appels de fonds</Link>.
      </p>
      <Form method="get" className="inline-form">
        <label htmlFor="annee">Année</label>{" "}
        <input id="annee" name="annee" type="number" min={2000} max={2100} defaultValue={year} />{" "}
        <button type="submit">Afficher</button>
      </Form>
      {loaderData.yearError ? (
        <p className="form-error" role="alert">
          {loaderData.yearError}
        </p>
      ) : null}
      {done ? (
        <p className="form-success" role="status">
          {done.done}
          {done.rectify ? (
            <>
              {" "}
              Ce semestre est déjà émis : les appels de fonds émis ne changent pas,{" "}
              <Link to={done.rectify}>émettez les rectificatifs</Link>.
            </>
          ) : null}
        </p>
      ) : null}
      {failed?.errors.form ? (
        <p className="form-error" role="alert">
          {failed.errors.form}
        </p>
      ) : null}
      {costKeys.length === 0 ? (
        <div className="empty-state">
          <p>Aucune offre n'est tarifée par clé de répartition en {year}.</p>
        </div>
      ) : (
        costKeys.map((costKey) => (
          <section key={costKey.pricingId} aria-labelledby={`cle-${costKey.pricingId}`} className="panel">
            <h2 id={`cle-${costKey.pricingId}`}>
              <Link to={`/catalogue/${costKey.offerId}/tarifs`}>{costKey.offerTitle}</Link>
            </h2>
            {costKey.halves.map((half) => {
              const target = `${costKey.pricingId}|${half.half}`;
              const mine = failed && failed.target === target ? failed : null;
              const id = `${costKey.pricingId}-${half.half}`;
              return (
                <Form method="post" key={half.half} className="cost-half" aria-labelledby={`${id}-titre`}>
                  <h3 id={`${id}-titre`}>
                    {half.label}
                    {" — "}
                    {half.totalCents === null
                      ? "non saisi"
                      : `${formatEuros(half.totalCents)}, saisi le ${half.enteredOn}`}
                    {half.issued ? " (émis)" : ""}
                  </h3>
                  <input type="hidden" name="pricingId" value={costKey.pricingId} />
                  <input type="hidden" name="annee" value={year} />
                  <input type="hidden" name="semestre" value={half.half} />
                  {(["direct", "indirect"] as const).map((field) => (
                    <p key={field}>
                      <label htmlFor={`${id}-${field}`}>
                        {field === "direct" ? "Coûts directs (€)" : "Coûts indirects (€)"}
                      </label>{" "}
                      <input
                        id={`${id}-${field}`}
                        name={field}
                        inputMode="decimal"
                        autoComplete="off"
                        defaultValue={mine ? mine.values[field] : half[field]}
                        aria-invalid={mine?.errors[field] ? true : undefined}
                        aria-describedby={mine?.errors[field] ? `${id}-${field}-erreur` : undefined}
                      />
                      {mine?.errors[field] ? (
                        <span id={`${id}-${field}-erreur`} className="field-error">
                          {" "}
                          {mine.errors[field]}
                        </span>
                      ) : null}
                    </p>
                  ))}
                  {half.issued ? (
                    <p className="muted">
                      Semestre émis : une correction du coût réel ne modifie pas les appels de fonds émis, elle appelle
                      un rectificatif.
                    </p>
                  ) : null}
                  <button type="submit">Enregistrer le {half.half === 1 ? "1er" : "2d"} semestre</button>
                </Form>
              );
            })}
          </section>
        ))
      )}
    </div>
  );
}
