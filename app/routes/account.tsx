import { data, Form, Link, redirect } from "react-router";
import { recordEvent } from "~/audit.server";
import { clearedSessionCookie } from "~/auth/cookie.server";
import { clientMeta, requireAuthentication } from "~/auth/guards.server";
import { verifyPassword } from "~/auth/password.server";
import { checkNewPassword } from "~/auth/password-policy.server";
import { setPassword } from "~/auth/sign-in.server";
import { NewPasswordFields } from "~/components/new-password-fields";
import { requestScopeContext } from "~/context.server";
import { formatParisDateTime } from "~/domain/format";
import { deleteSession, deleteSessionsOfUser, listSessionsOfUser } from "~/queries/sessions.server";
import type { Route } from "./+types/account";

export async function loader({ request, context }: Route.LoaderArgs) {
  const { user, sessionId, secondFactor } = requireAuthentication(context, request);
  const { sessions, hasPassword } = await context.get(requestScopeContext).transaction(async (trx) => ({
    sessions: await listSessionsOfUser(trx, user.id),
    hasPassword:
      (await trx
        .selectFrom("password_credentials")
        .select("user_id")
        .where("user_id", "=", user.id)
        .executeTakeFirst()) !== undefined,
  }));
  return {
    user: { email: user.email, displayName: user.displayName },
    secondFactor,
    hasPassword,
    sessions: sessions.map((session) => ({
      id: session.id,
      current: session.id === sessionId,
      device: describeDevice(session.userAgent),
      lastUsed: formatParisDateTime(session.lastUsedAt),
      started: formatParisDateTime(session.createdAt),
    })),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { user, sessionId, context: who } = requireAuthentication(context, request);
  const scope = context.get(requestScopeContext);
  const form = await request.formData();
  const audit = (trx: Parameters<typeof recordEvent>[0], action: "session.revoked" | "session.revoked_others") =>
    recordEvent(trx, {
      action,
      cooperativeId: who.cooperativeId,
      actorUserId: user.id,
      ipAddress: clientMeta(context, request).ipAddress,
    });
  const intent = form.get("intent");

  if (intent === "password") {
    const current = String(form.get("current") ?? "");
    const next = String(form.get("password") ?? "");
    const stored = await scope.transaction((trx) =>
      trx.selectFrom("password_credentials").select("hash").where("user_id", "=", user.id).executeTakeFirst(),
    );
    // Someone who signed in by link and never had a password sets one without a current one.
    if (stored && !(await verifyPassword(stored.hash, current))) {
      return data({ intent, error: "Le mot de passe actuel est incorrect." }, { status: 400 });
    }
    if (next !== String(form.get("confirmation") ?? "")) {
      return data(
        { intent, error: "Les deux saisies du nouveau mot de passe ne sont pas identiques." },
        { status: 400 },
      );
    }
    const check = checkNewPassword(next);
    if (!check.ok) return data({ intent, error: check.message }, { status: 400 });
    await setPassword(scope, user.id, next, sessionId);
    return { intent, done: "Mot de passe enregistré. Vos autres sessions ont été fermées." };
  }

  if (intent === "revoke") {
    const target = String(form.get("session") ?? "");
    const deleted = await scope.transaction(async (trx) => {
      const result = await trx
        .deleteFrom("sessions")
        .where("id", "=", target)
        .where("user_id", "=", user.id)
        .executeTakeFirst();
      if (Number(result.numDeletedRows) > 0) await audit(trx, "session.revoked");
      return result;
    });
    if (target === sessionId) return redirect("/", { headers: { "Set-Cookie": clearedSessionCookie() } });
    if (Number(deleted.numDeletedRows) === 0) {
      return data({ intent, error: "Cette session n'existe plus." }, { status: 404 });
    }
    return { intent, done: "Session fermée." };
  }

  if (intent === "revoke-others") {
    const count = await scope.transaction(async (trx) => {
      const deleted = await deleteSessionsOfUser(trx, user.id, sessionId);
      if (deleted > 0) await audit(trx, "session.revoked_others");
      return deleted;
    });
    return { intent, done: count > 0 ? `${count} autre(s) session(s) fermée(s).` : "Aucune autre session ouverte." };
  }
  if (intent === "sign-out") {
    await scope.transaction((trx) => deleteSession(trx, sessionId));
    return redirect("/", { headers: { "Set-Cookie": clearedSessionCookie() } });
  }
  throw data({ message: "Action inconnue." }, { status: 400 });
}

/** "Firefox sur Windows" rather than a raw User-Agent string. */
function describeDevice(userAgent: string | null): string {
  if (!userAgent) return "Navigateur inconnu";
  const browser =
    [
      ["Edg/", "Edge"],
      ["Firefox/", "Firefox"],
      ["Chrome/", "Chrome"],
      ["Safari/", "Safari"],
    ].find(([token]) => userAgent.includes(token as string))?.[1] ?? "Navigateur";
  const system =
    [
      ["Windows", "Windows"],
      ["Android", "Android"],
      ["iPhone", "iPhone"],
      ["iPad", "iPad"],
      ["Mac OS", "macOS"],
      ["Linux", "Linux"],
    ].find(([token]) => userAgent.includes(token as string))?.[1] ?? null;
  return system ? `${browser} sur ${system}` : browser;
}

export default function Account({
  loaderData: { user, sessions, hasPassword, secondFactor },
  actionData,
}: Route.ComponentProps) {
  const message = (intent: string) =>
    actionData?.intent === intent ? (
      "error" in actionData && actionData.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : "done" in actionData ? (
        <p className="form-success" role="status">
          {actionData.done}
        </p>
      ) : null
    ) : null;
  return (
    <div className="page page--narrow">
      <title>Mon compte — Coopérative de services</title>
      <h1>Mon compte</h1>
      <p>
        {user.displayName} — {user.email}
      </p>
      <section aria-labelledby="mot-de-passe" className="panel">
        <h2 id="mot-de-passe">Mot de passe</h2>
        <Form
          method="post"
          className="stacked-form"
          key={actionData?.intent === "password" && "done" in actionData ? "saved" : "editing"}
        >
          <input type="hidden" name="intent" value="password" />
          {message("password")}
          {hasPassword ? (
            <>
              <label htmlFor="current">Mot de passe actuel</label>
              <input id="current" name="current" type="password" autoComplete="current-password" required />
            </>
          ) : (
            <p className="muted">Vous vous connectez par lien : vous pouvez aussi choisir un mot de passe.</p>
          )}
          <NewPasswordFields label="Nouveau mot de passe (12 caractères au moins)" />
          <button type="submit">Changer le mot de passe</button>
        </Form>
      </section>
      <section aria-labelledby="double-authentification" className="panel">
        <h2 id="double-authentification">Double authentification</h2>
        <p>
          {secondFactor.enrolled
            ? "Activée : un code de votre application vous est demandé à chaque connexion."
            : secondFactor.required
              ? "Obligatoire pour votre rôle."
              : "Non activée : vous pouvez protéger votre compte par un code à usage unique en plus du mot de passe."}{" "}
          <Link to="/compte/double-authentification">
            {secondFactor.enrolled ? "Gérer la double authentification" : "Activer la double authentification"}
          </Link>
        </p>
      </section>
      <section aria-labelledby="notifications" className="panel">
        <h2 id="notifications">Notifications</h2>
        <p>
          Choisissez, sujet par sujet, un courriel immédiat, un résumé quotidien ou rien :{" "}
          <Link to="/compte/notifications">mes notifications</Link>.
        </p>
      </section>
      <section aria-labelledby="agenda" className="panel">
        <h2 id="agenda">Mon agenda</h2>
        <p>
          Les réunions auxquelles vous êtes invité(e), dans votre logiciel d'agenda :{" "}
          <Link to="/compte/agenda">mon agenda des réunions</Link>.
        </p>
      </section>
      <section aria-labelledby="sessions" className="panel">
        <h2 id="sessions">Sessions ouvertes</h2>
        {message("revoke")}
        {message("revoke-others")}
        <ul className="session-list">
          {sessions.map((session) => (
            <li key={session.id}>
              <div>
                <strong>{session.current ? "Cette session" : session.device}</strong>
                <br />
                <span className="muted">
                  Ouverte le {session.started}, dernière activité le {session.lastUsed}
                </span>
              </div>
              <Form method="post">
                <input type="hidden" name="intent" value="revoke" />
                <input type="hidden" name="session" value={session.id} />
                <button type="submit" className="button--secondary">
                  {session.current ? "Me déconnecter" : "Fermer cette session"}
                </button>
              </Form>
            </li>
          ))}
        </ul>
        {sessions.length > 1 ? (
          <Form method="post">
            <input type="hidden" name="intent" value="revoke-others" />
            <button type="submit" className="button--secondary">
              Fermer toutes les autres sessions
            </button>
          </Form>
        ) : null}
      </section>
    </div>
  );
}
