import { data, Form, Link } from "react-router";
import { formValues } from "~/auth/form-data";
import { clientMeta } from "~/auth/guards.server";
import { acceptInvitation } from "~/auth/invitations.server";
import { checkNewPassword } from "~/auth/password-policy.server";
import { signedInRedirect } from "~/auth/responses.server";
import { hashToken } from "~/auth/tokens.server";
import { NewPasswordFields } from "~/components/new-password-fields";
import { requestScopeContext, servicesContext } from "~/context.server";
import { ROLE_LABELS } from "~/domain/labels";
import { findOpenInvitation } from "~/queries/invitations.server";
import type { Route } from "./+types/invitation-accept";

/** The token is in this page's address: no Referer carries it, no cache keeps it. */
export function headers() {
  return { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get("jeton") ?? "";
  const tokenHash = hashToken(token);
  const invitation = token
    ? await context
        .get(requestScopeContext)
        .withLookup({ tokenHash }, (trx) => findOpenInvitation(trx, tokenHash, new Date()))
    : undefined;
  return {
    token: invitation ? token : null,
    invitation: invitation
      ? {
          email: invitation.email,
          displayName: invitation.displayName,
          organisationName: invitation.organisationName,
          cooperativeName: invitation.cooperativeName,
          roleLabel: ROLE_LABELS[invitation.role],
        }
      : null,
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const values = formValues(await request.formData());
  const displayName = (values.displayName ?? "").trim();
  const password = values.password ?? "";
  if (!displayName) return data({ values, error: "Indiquez votre nom." }, { status: 400 });
  if (password) {
    if (password !== values.confirmation) {
      return data({ values, error: "Les deux saisies du mot de passe ne sont pas identiques." }, { status: 400 });
    }
    const check = checkNewPassword(password);
    if (!check.ok) return data({ values, error: check.message }, { status: 400 });
  }
  const result = await acceptInvitation(
    context.get(requestScopeContext),
    context.get(servicesContext),
    values.jeton ?? "",
    { displayName, password: password || null },
    clientMeta(context, request),
    new Date(),
  );
  if (result.ok) return signedInRedirect(context, result, "/accueil");
  return data(
    {
      values,
      error: "Cette invitation n'est plus valable : elle a déjà servi, a expiré ou a été annulée.",
      expired: true,
    },
    { status: 400 },
  );
}

export default function AcceptInvitation({ loaderData, actionData }: Route.ComponentProps) {
  const { invitation, token } = loaderData;
  if (!invitation || (actionData && "expired" in actionData)) {
    return (
      <div className="page page--narrow">
        <title>Invitation — Coopérative de services</title>
        <h1>Invitation</h1>
        <div className="panel">
          <p className="form-error" role="alert">
            Cette invitation n'est plus valable : elle a déjà servi, a expiré ou a été annulée.
          </p>
          <p>
            Demandez une nouvelle invitation à la personne qui vous a invité, ou{" "}
            <Link to="/connexion">connectez-vous</Link> si vous avez déjà un compte.
          </p>
        </div>
      </div>
    );
  }
  const values = actionData?.values ?? {};
  return (
    <div className="page page--narrow">
      <title>Invitation — Coopérative de services</title>
      <h1>Rejoindre le portail</h1>
      <p className="lead">
        Vous êtes invité(e) en tant que <strong>{invitation.roleLabel}</strong> pour{" "}
        <strong>{invitation.organisationName}</strong>, dans la coopérative {invitation.cooperativeName}.
      </p>
      <Form method="post" className="panel stacked-form">
        <input type="hidden" name="jeton" value={token ?? ""} />
        {actionData?.error ? (
          <p className="form-error" role="alert">
            {actionData.error}
          </p>
        ) : null}
        <p>Adresse : {invitation.email}</p>
        <label htmlFor="displayName">Prénom et nom</label>
        <input
          id="displayName"
          name="displayName"
          defaultValue={values.displayName ?? invitation.displayName}
          required
        />
        <NewPasswordFields
          label="Mot de passe (facultatif : sans mot de passe, vous vous connecterez par lien)"
          required={false}
        />
        <button type="submit">Accepter l'invitation</button>
      </Form>
    </div>
  );
}
