import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import { clientMeta, safeReturnPath } from "~/auth/guards.server";
import { throttledResponse } from "~/auth/responses.server";
import { verifySecondFactor } from "~/auth/second-factor.server";
import { authenticationContext, pendingSecondFactorContext, requestScopeContext } from "~/context.server";
import type { Route } from "./+types/sign-in-verification";

const codeForm = z.object({
  intent: z.enum(["totp", "recovery"]),
  code: z.string().trim().min(1, { error: "Saisissez le code." }).max(40),
});

/** Who may be here: a session whose password or link was accepted and which owes a code. */
function pendingVerification(context: Route.LoaderArgs["context"], retour: string) {
  if (context.get(authenticationContext)) throw redirect(retour);
  const pending = context.get(pendingSecondFactorContext);
  if (!pending) throw redirect(`/connexion?retour=${encodeURIComponent(retour)}`);
  if (pending.need === "enrol") throw redirect(`/compte/double-authentification?retour=${encodeURIComponent(retour)}`);
  return pending.authentication;
}

export function loader({ request, context }: Route.LoaderArgs) {
  const retour = safeReturnPath(new URL(request.url).searchParams.get("retour"));
  const authentication = pendingVerification(context, retour);
  return { retour, email: authentication.user.email };
}

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const retour = safeReturnPath(String(form.get("retour") ?? ""));
  const authentication = pendingVerification(context, retour);
  const parsed = codeForm.safeParse({ intent: form.get("intent"), code: form.get("code") ?? "" });
  const intent = parsed.success ? parsed.data.intent : "totp";
  if (!parsed.success) return data({ intent, error: parsed.error.issues[0]?.message }, { status: 400 });
  const result = await verifySecondFactor(
    context.get(requestScopeContext),
    {
      userId: authentication.user.id,
      sessionId: authentication.sessionId,
      code: parsed.data.code,
      kind: parsed.data.intent,
    },
    clientMeta(context, request),
    new Date(),
  );
  if (result.ok) return redirect(retour);
  if (result.reason === "throttled") return throttledResponse({ intent }, result.retryAfterSeconds);
  return data(
    {
      intent,
      error:
        intent === "totp"
          ? "Code incorrect ou expiré. Saisissez le code affiché maintenant par votre application."
          : "Ce code de secours est incorrect ou a déjà servi.",
    },
    { status: 400 },
  );
}

export default function SignInVerification({ loaderData, actionData }: Route.ComponentProps) {
  const error = (intent: string) =>
    actionData?.intent === intent && "error" in actionData ? (
      <p className="form-error" role="alert">
        {actionData.error}
      </p>
    ) : null;
  return (
    <div className="page page--narrow">
      <title>Double authentification — Coopérative de services</title>
      <h1>Double authentification</h1>
      <p>
        Mot de passe accepté pour <strong>{loaderData.email}</strong>. Saisissez le code à 6 chiffres affiché par votre
        application d'authentification.
      </p>
      <section aria-labelledby="code-application" className="panel">
        <h2 id="code-application">Code de l'application</h2>
        <Form method="post" className="stacked-form">
          <input type="hidden" name="intent" value="totp" />
          <input type="hidden" name="retour" value={loaderData.retour} />
          {error("totp")}
          <label htmlFor="code">Code à 6 chiffres</label>
          <input
            id="code"
            name="code"
            inputMode="numeric"
            autoComplete="one-time-code"
            pattern="[0-9 ]{6,7}"
            maxLength={7}
            required
            // biome-ignore lint/a11y/noAutofocus: the one field of the page, reached right after the password
            autoFocus
          />
          <button type="submit">Vérifier</button>
        </Form>
      </section>
      <details className="panel" open={actionData?.intent === "recovery"}>
        <summary>Je n'ai pas mon téléphone : utiliser un code de secours</summary>
        <Form method="post" className="stacked-form">
          <input type="hidden" name="intent" value="recovery" />
          <input type="hidden" name="retour" value={loaderData.retour} />
          {error("recovery")}
          <label htmlFor="recovery-code">Code de secours (chaque code ne sert qu'une fois)</label>
          <input id="recovery-code" name="code" autoComplete="off" spellCheck={false} required />
          <button type="submit" className="button--secondary">
            Utiliser ce code de secours
          </button>
        </Form>
      </details>
      <Form method="post" action="/deconnexion">
        <p>
          Ce n'est pas vous ou vous n'avez plus accès à vos codes ?{" "}
          <button type="submit" className="text-button">
            Se déconnecter
          </button>{" "}
          et contactez un administrateur de la coopérative. <Link to="/">Retour à l'accueil</Link>
        </p>
      </Form>
    </div>
  );
}
