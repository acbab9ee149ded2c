import { data, Form, Link } from "react-router";
import { z } from "zod";
import { recordEvent } from "~/audit.server";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { ROLE_LABELS } from "~/domain/labels";
import { disableUser, listPeople } from "~/queries/users.server";
import type { Route } from "./+types/people";

const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });

/** Operator admins see the people of the cooperative; referents, those of their organisation. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who, user } = requirePermission(context, request, "people.invite");
  const admin = who.role === "operator_admin";
  const people = await context
    .get(requestScopeContext)
    .transaction((trx) => listPeople(trx, who.cooperativeId as string, admin ? null : who.organisationId));
  const confirming = new URL(request.url).searchParams.get("desactiver");
  return {
    admin,
    people: people.map((person) => ({
      ...person,
      roleLabel: ROLE_LABELS[person.role],
      disabledSince: person.disabledAt ? dateFormat.format(person.disabledAt) : null,
      isMe: person.userId === user.id,
    })),
    confirming: admin ? (people.find((person) => person.userId === confirming && !person.disabledAt) ?? null) : null,
  };
}

/** Disables an account (an operator admin): its sessions end, it can no longer sign in; never deleted. */
export async function action({ request, context }: Route.ActionArgs) {
  const { context: who, user } = requirePermission(context, request, "organisations.manage");
  const parsed = z.object({ userId: z.uuid() }).safeParse({ userId: (await request.formData()).get("userId") });
  if (!parsed.success || parsed.data.userId === user.id)
    throw data({ message: "Personne introuvable." }, { status: 404 });
  const disabled = await context.get(requestScopeContext).transaction(async (trx) => {
    const done = await disableUser(trx, parsed.data.userId, new Date()).catch((error: { code?: string }) => {
      if (error.code === "42501") return false; // a member of another cooperative too: not this cooperative's to disable
      throw error;
    });
    if (done) {
      await recordEvent(trx, {
        action: "user.disabled",
        cooperativeId: who.cooperativeId,
        actorUserId: user.id,
        subject: parsed.data.userId,
        ipAddress: clientMeta(context, request).ipAddress,
      });
    }
    return done;
  });
  if (!disabled) {
    return data(
      {
        error:
          "Ce compte ne peut pas être désactivé ici : seule la coopérative à laquelle il appartient entièrement le peut.",
      },
      { status: 400 },
    );
  }
  return { done: "Compte désactivé : ses sessions sont fermées." };
}

export default function People({ loaderData: { admin, people, confirming }, actionData }: Route.ComponentProps) {
  return (
    <div className="page">
      <title>Personnes — Coopérative de services</title>
      <h1>{admin ? "Personnes de la coopérative" : "Personnes de votre organisation"}</h1>
      <p>
        <Link to="/invitations">Inviter une personne</Link>
      </p>
      {actionData && "done" in actionData ? (
        <p className="form-success" role="status">
          {actionData.done}
        </p>
      ) : null}
      {actionData && "error" in actionData ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {confirming && !(actionData && "done" in actionData) ? (
        <Form method="post" className="panel">
          <p>
            Désactiver le compte de <strong>{confirming.displayName}</strong> ({confirming.email}) ? Ses sessions seront
            fermées et la personne ne pourra plus se connecter. Le compte n'est pas supprimé.
          </p>
          <input type="hidden" name="userId" value={confirming.userId} />
          <button type="submit">Confirmer la désactivation</button> <Link to="/personnes">Annuler</Link>
        </Form>
      ) : null}
      {people.length === 0 ? (
        <div className="empty-state">
          <p>Personne pour l'instant : invitez les premières personnes.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption>{people.length} adhésion(s) de personnes</caption>
            <thead>
              <tr>
                <th scope="col">Nom</th>
                <th scope="col">Adresse</th>
                <th scope="col">Organisation</th>
                <th scope="col">Rôle</th>
                <th scope="col">Compte</th>
              </tr>
            </thead>
            <tbody>
              {people.map((person) => (
                <tr key={`${person.userId}-${person.organisationName}`}>
                  <th scope="row">{person.displayName}</th>
                  <td>{person.email}</td>
                  <td>{person.organisationName}</td>
                  <td>{person.roleLabel}</td>
                  <td>
                    {person.disabledSince ? (
                      <span className="badge badge--inactive">Désactivé le {person.disabledSince}</span>
                    ) : admin && !person.isMe ? (
                      <Link to={`?desactiver=${person.userId}`}>Désactiver…</Link>
                    ) : (
                      <span className="badge badge--active">Actif</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
