import { data, Form, Link, redirect } from "react-router";
import { recordEvent } from "~/audit.server";
import { formValues } from "~/auth/form-data";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { OrganisationFields } from "~/components/organisation-fields";
import { requestScopeContext } from "~/context.server";
import { fieldErrors, organisationForm } from "~/domain/organisation-form";
import { addOrganisation } from "~/queries/organisations.server";
import type { Route } from "./+types/organisation-new";

export function loader({ request, context }: Route.LoaderArgs) {
  const { active } = requirePermission(context, request, "organisations.manage");
  return { cooperative: { name: active?.cooperativeName ?? "", siren: active?.cooperativeSiren ?? "" } };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { active, user } = requirePermission(context, request, "organisations.manage");
  const values = formValues(await request.formData());
  const parsed = organisationForm.safeParse(values);
  if (!parsed.success) return data({ values, errors: fieldErrors(parsed.error) }, { status: 400 });
  const cooperativeId = active?.cooperativeId as string;
  const added = await context.get(requestScopeContext).transaction(async (trx) => {
    const result = await addOrganisation(trx, cooperativeId, parsed.data);
    if (result !== "duplicate") {
      await recordEvent(trx, {
        action: "organisation.added",
        cooperativeId,
        actorUserId: user.id,
        subject: `${parsed.data.name} (${parsed.data.siren})`,
        ipAddress: clientMeta(context, request).ipAddress,
      });
    }
    return result;
  });
  if (added === "duplicate") {
    return data({ values, errors: { siren: "Une organisation de la coopérative a déjà ce SIREN." } }, { status: 400 });
  }
  return redirect(`/cooperatives/${active?.cooperativeSiren}?q=${encodeURIComponent(parsed.data.siren)}`);
}

export default function NewOrganisation({ loaderData: { cooperative }, actionData }: Route.ComponentProps) {
  return (
    <div className="page page--narrow">
      <title>Ajouter une organisation — Coopérative de services</title>
      <h1>Ajouter une organisation</h1>
      <p className="lead">
        Une organisation membre de {cooperative.name} que l'import du territoire n'apporte pas : un CCAS, un organisme
        partenaire.
      </p>
      <Form method="post" className="panel stacked-form" noValidate>
        {actionData ? (
          <p className="form-error" role="alert">
            Le formulaire contient des erreurs : corrigez les champs signalés.
          </p>
        ) : null}
        <OrganisationFields values={actionData?.values ?? {}} errors={actionData?.errors ?? {}} />
        <button type="submit">Ajouter l'organisation</button>
        <Link to={`/cooperatives/${cooperative.siren}`}>Annuler</Link>
      </Form>
    </div>
  );
}
