import { data, Form, Link } from "react-router";
import { z } from "zod";
import { requireAuthentication } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import {
  DEFAULT_DELIVERY,
  DELIVERY_LABELS,
  mayTurnOff,
  NOTIFICATION_KIND_CODES,
  NOTIFICATION_KINDS,
  type NotificationKind,
} from "~/domain/notifications";
import { preferencesOf, savePreferences } from "~/queries/notification-preferences.server";
import type { Route } from "./+types/notification-preferences";

const deliverySchema = z.enum(["immediate", "digest", "none"], { error: "Choisissez une façon d'être prévenu." });
const preferencesForm = z.object(
  Object.fromEntries(NOTIFICATION_KIND_CODES.map((kind) => [kind, deliverySchema])) as Record<
    NotificationKind,
    typeof deliverySchema
  >,
);

export async function loader({ request, context }: Route.LoaderArgs) {
  const { user, memberships } = requireAuthentication(context, request);
  const chosen = await context.get(requestScopeContext).transaction((trx) => preferencesOf(trx, user.id));
  const roles = memberships.map((membership) => membership.role);
  return {
    kinds: NOTIFICATION_KIND_CODES.map((kind) => ({
      kind,
      label: NOTIFICATION_KINDS[kind].label,
      description: NOTIFICATION_KINDS[kind].description,
      delivery: chosen[kind] ?? DEFAULT_DELIVERY,
      mayTurnOff: mayTurnOff(kind, roles),
    })),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { user, memberships } = requireAuthentication(context, request);
  const form = await request.formData();
  const values = Object.fromEntries(NOTIFICATION_KIND_CODES.map((kind) => [kind, String(form.get(kind) ?? "")]));
  const parsed = preferencesForm.safeParse(values);
  if (!parsed.success) {
    return data({ values, error: parsed.error.issues[0]?.message ?? "Formulaire incomplet." }, { status: 400 });
  }
  const roles = memberships.map((membership) => membership.role);
  const refused = NOTIFICATION_KIND_CODES.find((kind) => parsed.data[kind] === "none" && !mayTurnOff(kind, roles));
  if (refused) {
    return data(
      {
        values,
        error: `« ${NOTIFICATION_KINDS[refused].label} » : votre rôle de référent ne permet pas de ne jamais être prévenu ; choisissez l'envoi immédiat ou le résumé quotidien.`,
      },
      { status: 400 },
    );
  }
  await context.get(requestScopeContext).transaction((trx) => savePreferences(trx, user.id, parsed.data, new Date()));
  return { values, done: "Vos préférences sont enregistrées." };
}

export default function NotificationPreferences({ loaderData, actionData }: Route.ComponentProps) {
  const chosen = (kind: string, fallback: string) => actionData?.values[kind] || fallback;
  return (
    <div className="page page--narrow">
      <title>Mes notifications — Coopérative de services</title>
      <h1>Mes notifications</h1>
      <p>
        Pour chaque sujet, choisissez comment être prévenu : un courriel à chaque fois, un résumé quotidien (envoyé
        chaque matin à 7 h avec ce qui s'est passé la veille), ou jamais. Les messages de sécurité (liens de connexion,
        mots de passe, invitations) partent toujours immédiatement.
      </p>
      <Form method="post" className="stacked-form" key={actionData && "done" in actionData ? "saved" : "editing"}>
        {actionData && "error" in actionData ? (
          <p className="form-error" role="alert">
            {actionData.error}
          </p>
        ) : null}
        {actionData && "done" in actionData ? (
          <p className="form-success" role="status">
            {actionData.done}
          </p>
        ) : null}
        {loaderData.kinds.map((entry) => (
          <fieldset key={entry.kind} className="panel choice-group">
            <legend>{entry.label}</legend>
            <p className="muted">{entry.description}</p>
            {(["immediate", "digest", "none"] as const).map((delivery) => (
              <label key={delivery} className="choice">
                <input
                  type="radio"
                  name={entry.kind}
                  value={delivery}
                  defaultChecked={chosen(entry.kind, entry.delivery) === delivery}
                  disabled={delivery === "none" && !entry.mayTurnOff}
                />{" "}
                {DELIVERY_LABELS[delivery]}
                {delivery === "none" && !entry.mayTurnOff ? " (impossible pour un référent)" : ""}
              </label>
            ))}
          </fieldset>
        ))}
        <button type="submit">Enregistrer mes préférences</button>
      </Form>
      <p>
        <Link to="/compte">Retour à mon compte</Link>
      </p>
    </div>
  );
}
