import { data, Form, Link } from "react-router";
import { clientMeta } from "~/auth/guards.server";
import { checkNewPassword } from "~/auth/password-policy.server";
import { signedInRedirect } from "~/auth/responses.server";
import { isLinkUsable, resetPassword } from "~/auth/sign-in.server";
import { NewPasswordFields } from "~/components/new-password-fields";
import { requestScopeContext } from "~/context.server";
import type { Route } from "./+types/password-reset";

/** The token is in this page's address: no Referer carries it, no cache keeps it. */
export function headers() {
  return { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get("jeton") ?? "";
  const usable =
    token !== "" && (await isLinkUsable(context.get(requestScopeContext), token, "password_reset", new Date()));
  return { token: usable ? token : null };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const token = String(form.get("jeton") ?? "");
  const password = String(form.get("password") ?? "");
  if (password !== String(form.get("confirmation") ?? "")) {
    return data({ error: "Les deux saisies du mot de passe ne sont pas identiques." }, { status: 400 });
  }
  const check = checkNewPassword(password);
  if (!check.ok) return data({ error: check.message }, { status: 400 });
  const result = await resetPassword(
    context.get(requestScopeContext),
    token,
    password,
    clientMeta(context, request),
    new Date(),
  );
  if (result.ok) return signedInRedirect(context, result, "/accueil");
  return data({ error: "Ce lien n'est plus valable : il a déjà servi ou a expiré.", expired: true }, { status: 400 });
}

export default function PasswordReset({ loaderData, actionData }: Route.ComponentProps) {
  const expired = loaderData.token === null || (actionData && "expired" in actionData);
  return (
    <div className="page page--narrow">
      <title>Nouveau mot de passe — Coopérative de services</title>
      <h1>Choisir un nouveau mot de passe</h1>
      {expired ? (
        <div className="panel">
          <p className="form-error" role="alert">
            Ce lien n'est plus valable : il a déjà servi ou a expiré.
          </p>
          <p>
            <Link to="/mot-de-passe/oubli">Demander un nouveau lien</Link>
          </p>
        </div>
      ) : (
        <Form method="post" className="panel stacked-form">
          <input type="hidden" name="jeton" value={loaderData.token ?? ""} />
          <p className="muted">
            Au moins 12 caractères, sans autre règle : une phrase de plusieurs mots est un bon choix. Vos autres
            sessions seront fermées.
          </p>
          {actionData?.error ? (
            <p className="form-error" role="alert">
              {actionData.error}
            </p>
          ) : null}
          <NewPasswordFields />
          <button type="submit">Enregistrer et me connecter</button>
        </Form>
      )}
    </div>
  );
}
