import { data, Form, Link, redirect, useNavigation } from "react-router";
import { z } from "zod";
import { clientMeta, safeReturnPath } from "~/auth/guards.server";
import { LINK_SENT_MESSAGE, signedInRedirect, throttledResponse } from "~/auth/responses.server";
import { requestEmailLink, signInWithPassword } from "~/auth/sign-in.server";
import { authenticationContext, requestScopeContext, servicesContext } from "~/context.server";
import type { Route } from "./+types/sign-in";

const passwordForm = z.object({
  email: z.email({ error: "Saisissez une adresse électronique valide." }),
  password: z.string().min(1, { error: "Saisissez votre mot de passe." }),
});
const linkForm = z.object({ email: z.email({ error: "Saisissez une adresse électronique valide." }) });

export function loader({ request, context }: Route.LoaderArgs) {
  const retour = safeReturnPath(new URL(request.url).searchParams.get("retour"));
  if (context.get(authenticationContext)) throw redirect(retour);
  return { retour };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "password");
  const email = String(form.get("email") ?? "");
  const retour = safeReturnPath(String(form.get("retour") ?? ""));
  const scope = context.get(requestScopeContext);
  const client = clientMeta(context, request);

  if (intent === "link") {
    const parsed = linkForm.safeParse({ email: email.trim() });
    if (!parsed.success) return data({ intent, email, error: parsed.error.issues[0]?.message }, { status: 400 });
    const { throttled } = await requestEmailLink(
      scope,
      context.get(servicesContext),
      { email: parsed.data.email, purpose: "sign_in" },
      client,
      new Date(),
    );
    if (throttled) return throttledResponse({ intent, email });
    return { intent, email, sent: LINK_SENT_MESSAGE };
  }

  const parsed = passwordForm.safeParse({ email: email.trim(), password: form.get("password") ?? "" });
  if (!parsed.success) return data({ intent, email, error: parsed.error.issues[0]?.message }, { status: 400 });
  const result = await signInWithPassword(scope, parsed.data, client, new Date());
  if (result.ok) return signedInRedirect(context, result, retour);
  if (result.reason === "throttled") return throttledResponse({ intent, email }, result.retryAfterSeconds);
  return data({ intent, email, error: "Adresse ou mot de passe incorrect." }, { status: 400 });
}

export default function SignIn({ loaderData, actionData }: Route.ComponentProps) {
  const busy = useNavigation().state === "submitting";
  const error = actionData && "error" in actionData ? actionData.error : undefined;
  const passwordError = actionData?.intent !== "link" ? error : undefined;
  const linkError = actionData?.intent === "link" ? error : undefined;
  const sent = actionData && "sent" in actionData ? actionData.sent : undefined;
  return (
    <div className="page page--narrow">
      <title>Connexion — Coopérative de services</title>
      <h1>Connexion</h1>
      <section aria-labelledby="par-mot-de-passe" className="panel">
        <h2 id="par-mot-de-passe">Avec votre mot de passe</h2>
        <Form method="post" className="stacked-form">
          <input type="hidden" name="intent" value="password" />
          <input type="hidden" name="retour" value={loaderData.retour} />
          {passwordError ? (
            <p className="form-error" role="alert">
              {passwordError}
            </p>
          ) : null}
          <label htmlFor="email">Adresse électronique</label>
          <input
            id="email"
            name="email"
            type="email"
            autoComplete="username"
            required
            defaultValue={actionData?.intent !== "link" ? actionData?.email : undefined}
          />
          <label htmlFor="password">Mot de passe</label>
          <input id="password" name="password" type="password" autoComplete="current-password" required />
          <button type="submit" disabled={busy}>
            Se connecter
          </button>
          <p>
            <Link to="/mot-de-passe/oubli">Mot de passe oublié ?</Link>
          </p>
        </Form>
      </section>
      <section aria-labelledby="par-lien" className="panel">
        <h2 id="par-lien">Sans mot de passe</h2>
        <Form method="post" className="stacked-form">
          <input type="hidden" name="intent" value="link" />
          <p className="muted">Recevez par courriel un lien de connexion valable 10 minutes.</p>
          {linkError ? (
            <p className="form-error" role="alert">
              {linkError}
            </p>
          ) : null}
          {sent ? (
            <p className="form-success" role="status">
              {sent}
            </p>
          ) : null}
          <label htmlFor="link-email">Adresse électronique pour recevoir le lien</label>
          <input
            id="link-email"
            name="email"
            type="email"
            autoComplete="email"
            required
            defaultValue={actionData?.intent === "link" ? actionData?.email : undefined}
          />
          <button type="submit" className="button--secondary" disabled={busy}>
            Recevoir un lien de connexion
          </button>
        </Form>
      </section>
    </div>
  );
}
