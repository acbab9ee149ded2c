import { data, Form, Link } from "react-router";
import { z } from "zod";
import { clientMeta } from "~/auth/guards.server";
import { LINK_SENT_MESSAGE, throttledResponse } from "~/auth/responses.server";
import { requestEmailLink } from "~/auth/sign-in.server";
import { requestScopeContext, servicesContext } from "~/context.server";
import type { Route } from "./+types/password-forgotten";

const schema = z.object({ email: z.email({ error: "Saisissez une adresse électronique valide." }) });

export async function action({ request, context }: Route.ActionArgs) {
  const email = String((await request.formData()).get("email") ?? "").trim();
  const parsed = schema.safeParse({ email });
  if (!parsed.success) return data({ email, error: parsed.error.issues[0]?.message }, { status: 400 });
  const { throttled } = await requestEmailLink(
    context.get(requestScopeContext),
    context.get(servicesContext),
    { email: parsed.data.email, purpose: "password_reset" },
    clientMeta(context, request),
    new Date(),
  );
  if (throttled) return throttledResponse({ email });
  return { email, sent: LINK_SENT_MESSAGE };
}

export default function PasswordForgotten({ actionData }: Route.ComponentProps) {
  return (
    <div className="page page--narrow">
      <title>Mot de passe oublié — Coopérative de services</title>
      <h1>Mot de passe oublié</h1>
      <Form method="post" className="panel stacked-form">
        <p className="muted">Recevez par courriel un lien pour choisir un nouveau mot de passe.</p>
        {actionData && "error" in actionData && actionData.error ? (
          <p className="form-error" role="alert">
            {actionData.error}
          </p>
        ) : null}
        {actionData && "sent" in actionData ? (
          <p className="form-success" role="status">
            {actionData.sent}
          </p>
        ) : null}
        <label htmlFor="email">Adresse électronique</label>
        <input id="email" name="email" type="email" autoComplete="email" required defaultValue={actionData?.email} />
        <button type="submit">Recevoir le lien</button>
        <p>
          <Link to="/connexion">Retour à la connexion</Link>
        </p>
      </Form>
    </div>
  );
}
