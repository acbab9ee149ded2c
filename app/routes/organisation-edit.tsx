import { data, Form, Link, redirect } from "react-router";
import { recordEvent } from "~/audit.server";
import { formValues } from "~/auth/form-data";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { OrganisationFields } from "~/components/organisation-fields";
import { requestScopeContext } from "~/context.server";
import { fieldErrors, organisationForm } from "~/domain/organisation-form";
import { findOrganisation, updateOrganisation } from "~/queries/organisations.server";
import type { Route } from "./+types/organisation-edit";

function notFound(): never {
  throw data(null, { status: 404 });
}

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { active } = requirePermission(context, request, "organisations.manage");
  if (!/^[0-9a-f-]{36}$/.test(params.id)) notFound();
  const organisation = await context
    .get(requestScopeContext)
    .transaction((trx) => findOrganisation(trx, active?.cooperativeId as string, params.id));
  if (!organisation) notFound();
  return { organisation, cooperativeSiren: active?.cooperativeSiren ?? "" };
}

export async function action({ request, params, context }: Route.ActionArgs) {
  const { active, user } = requirePermission(context, request, "organisations.manage");
  if (!/^[0-9a-f-]{36}$/.test(params.id)) notFound();
  const cooperativeId = active?.cooperativeId as string;
  const scope = context.get(requestScopeContext);
  const existing = await scope.transaction((trx) => findOrganisation(trx, cooperativeId, params.id));
  if (!existing) notFound();
  const submitted = formValues(await request.formData());
  // The territory import keeps name, type and codes of the EPCI's communes and of the operator.
  const locked = existing.territoryMember || existing.isOperator;
  const values = locked
    ? {
        ...submitted,
        name: existing.name,
        kind: existing.kind,
        siren: existing.siren,
        inseeCode: existing.inseeCode ?? "",
      }
    : submitted;
  const parsed = organisationForm.safeParse(values);
  if (!parsed.success) return data({ values, errors: fieldErrors(parsed.error) }, { status: 400 });
  const outcome = await scope.transaction(async (trx) => {
    const result = await updateOrganisation(trx, cooperativeId, params.id, parsed.data);
    if (result === "updated") {
      await recordEvent(trx, {
        action: "organisation.updated",
        cooperativeId,
        actorUserId: user.id,
        subject: `${parsed.data.name} (${parsed.data.siren})`,
        details: { inactiveSince: parsed.data.inactiveSince ?? null },
        ipAddress: clientMeta(context, request).ipAddress,
      });
    }
    return result;
  });
  if (outcome === "missing") notFound();
  if (outcome === "duplicate") {
    return data(
      { values, errors: { siren: "Une autre organisation de la coopérative a déjà ce SIREN." } },
      { status: 400 },
    );
  }
  return redirect(`/cooperatives/${active?.cooperativeSiren}?q=${encodeURIComponent(parsed.data.siren)}`);
}

export default function EditOrganisation({ loaderData, actionData }: Route.ComponentProps) {
  const { organisation, cooperativeSiren } = loaderData;
  return (
    <div className="page page--narrow">
      <title>{`${organisation.name} — Coopérative de services`}</title>
      <h1>Modifier : {organisation.name}</h1>
      <Form method="post" className="panel stacked-form" noValidate>
        {actionData ? (
          <p className="form-error" role="alert">
            Le formulaire contient des erreurs : corrigez les champs signalés.
          </p>
        ) : null}
        <OrganisationFields
          values={actionData?.values ?? organisation}
          errors={actionData?.errors ?? {}}
          identityLocked={organisation.territoryMember || organisation.isOperator}
        />
        <button type="submit">Enregistrer</button>
        <Link to={`/cooperatives/${cooperativeSiren}`}>Annuler</Link>
      </Form>
    </div>
  );
}
