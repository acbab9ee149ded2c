import { data, Form, Link } from "react-router";
import { clientMeta } from "~/auth/guards.server";
import { signedInRedirect } from "~/auth/responses.server";
import { isLinkUsable, signInWithLink } from "~/auth/sign-in.server";
import { requestScopeContext } from "~/context.server";
import type { Route } from "./+types/sign-in-link";

// Mail scanners open links before people do: opening the link only shows a
// button; the POST uses the token.

/** The token is in this page's address: no Referer carries it, no cache keeps it. */
export function headers() {
  return { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const token = new URL(request.url).searchParams.get("jeton") ?? "";
  const usable = token !== "" && (await isLinkUsable(context.get(requestScopeContext), token, "sign_in", new Date()));
  return { token: usable ? token : null };
}

export async function action({ request, context }: Route.ActionArgs) {
  const token = String((await request.formData()).get("jeton") ?? "");
  const result = await signInWithLink(
    context.get(requestScopeContext),
    token,
    clientMeta(context, request),
    new Date(),
  );
  if (result.ok) return signedInRedirect(context, result, "/accueil");
  return data({ error: "Ce lien n'est plus valable : il a déjà servi ou a expiré." }, { status: 400 });
}

export default function SignInLink({ loaderData, actionData }: Route.ComponentProps) {
  const valid = loaderData.token !== null && !actionData?.error;
  return (
    <div className="page page--narrow">
      <title>Connexion par lien — Coopérative de services</title>
      <h1>Connexion par lien</h1>
      {valid ? (
        <Form method="post" className="panel stacked-form">
          <input type="hidden" name="jeton" value={loaderData.token ?? ""} />
          <p>Confirmez pour ouvrir votre session sur ce navigateur.</p>
          <button type="submit">Me connecter</button>
        </Form>
      ) : (
        <div className="panel">
          <p className="form-error" role="alert">
            {actionData?.error ?? "Ce lien n'est plus valable : il a déjà servi ou a expiré."}
          </p>
          <p>
            <Link to="/connexion">Demander un nouveau lien</Link>
          </p>
        </div>
      )}
    </div>
  );
}
