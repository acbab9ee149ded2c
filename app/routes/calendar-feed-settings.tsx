import { data, Form, Link } from "react-router";
import { requireAuthentication } from "~/auth/guards.server";
import { requestScopeContext, servicesContext } from "~/context.server";
import { formatParisDateTime } from "~/domain/format";
import { activeFeed, createFeed, revokeFeed } from "~/queries/calendar-feeds.server";
import type { Route } from "./+types/calendar-feed-settings";

/** The active membership's cooperative: a feed lists one cooperative's meetings. */
function feedOwner(context: Route.LoaderArgs["context"], request: Request) {
  const { context: who, active } = requireAuthentication(context, request);
  if (!who.userId || !who.cooperativeId) {
    throw data({ message: "Choisissez d'abord un espace de travail." }, { status: 403 });
  }
  return { userId: who.userId, cooperativeId: who.cooperativeId, cooperativeName: active?.cooperativeName ?? "" };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const owner = feedOwner(context, request);
  const feed = await context.get(requestScopeContext).transaction((trx) => activeFeed(trx, owner));
  return { cooperativeName: owner.cooperativeName, createdAt: feed?.createdAt ?? null };
}

export async function action({ request, context }: Route.ActionArgs) {
  const owner = feedOwner(context, request);
  const intent = String((await request.formData()).get("intent") ?? "");
  const scope = context.get(requestScopeContext);
  if (intent === "create") {
    const { token } = await scope.transaction((trx) => createFeed(trx, owner));
    // Shown once: only its hash is kept.
    return { url: new URL(`/agenda/${token}.ics`, context.get(servicesContext).publicUrl).toString(), done: null };
  }
  if (intent === "revoke") {
    const revoked = await scope.transaction((trx) => revokeFeed(trx, owner));
    return {
      url: null,
      done: revoked ? "L'adresse est révoquée : elle ne donne plus rien." : "Aucune adresse à révoquer.",
    };
  }
  return data({ url: null, done: null }, { status: 400 });
}

/** The URL is shown once, in this response only: no cache keeps it. */
export function headers() {
  return { "Cache-Control": "no-store" };
}

export default function CalendarFeedSettings({ loaderData, actionData }: Route.ComponentProps) {
  const url = actionData?.url ?? null;
  return (
    <div className="page page--narrow">
      <title>Mon agenda des réunions — Coopérative de services</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to="/compte">Mon compte</Link> <span aria-hidden="true">›</span> <span>Agenda des réunions</span>
      </nav>
      <h1>Agenda des réunions</h1>
      <p className="lead">
        Une adresse secrète à ajouter à votre agenda (Outlook, Thunderbird, Google Agenda, téléphone…) : il y affiche
        les réunions de {loaderData.cooperativeName || "votre coopérative"} auxquelles vous êtes invité(e) et que vous
        n'avez pas déclinées, et les tient à jour.
      </p>
      {actionData?.done ? (
        <p className="form-success" role="status">
          {actionData.done}
        </p>
      ) : null}
      {url ? (
        <div className="panel">
          <p>
            <strong>Votre adresse, affichée une seule fois</strong> : copiez-la maintenant dans votre agenda («
            s'abonner à un calendrier »). Qui la connaît voit vos réunions : ne la partagez pas.
          </p>
          <p>
            <input readOnly value={url} aria-label="Adresse de votre agenda" size={60} />
          </p>
        </div>
      ) : loaderData.createdAt ? (
        <p>
          Une adresse est active depuis le {formatParisDateTime(new Date(loaderData.createdAt))}. Elle n'est plus
          affichable : pour en obtenir une, créez-en une nouvelle (l'ancienne cesse alors de fonctionner).
        </p>
      ) : (
        <p>Vous n'avez pas d'adresse d'agenda active.</p>
      )}
      <div className="inline-actions">
        <Form method="post">
          <button type="submit" name="intent" value="create">
            {loaderData.createdAt || url ? "Créer une nouvelle adresse" : "Créer mon adresse d'agenda"}
          </button>
        </Form>
        {loaderData.createdAt || url ? (
          <Form method="post">
            <button type="submit" name="intent" value="revoke" className="button--secondary">
              Révoquer l'adresse
            </button>
          </Form>
        ) : null}
      </div>
    </div>
  );
}
