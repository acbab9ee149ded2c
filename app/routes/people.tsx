import { data, Form, Link, redirect } from "react-router";
import { z } from "zod";
import { recordEvent } from "~/audit.server";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { requestScopeContext } from "~/context.server";
import { formatParisDate } from "~/domain/format";
import { ROLE_LABELS } from "~/domain/labels";
import { grantableRoles } from "~/domain/membership-rules";
import { changeMembershipRole, findMembership, removeMembership } from "~/queries/memberships.server";
import { disableUser, listPeople } from "~/queries/users.server";
import type { Route } from "./+types/people";

const NOT_FOUND = "Personne introuvable.";

/** Operator admins see the people of the cooperative; referents, those of their organisation. */
export async function loader({ request, context }: Route.LoaderArgs) {
  const { context: who, user } = requirePermission(context, request, "people.invite");
  const admin = who.role === "operator_admin";
  const params = new URL(request.url).searchParams;
  const { people, managed } = await context.get(requestScopeContext).transaction(async (trx) => {
    const membershipId = z.uuid().safeParse(params.get("membre"));
    return {
      people: await listPeople(trx, who.cooperativeId as string, admin ? null : who.organisationId),
      managed: membershipId.success ? await findMembership(trx, membershipId.data, who.cooperativeId as string) : null,
    };
  });
  const manageable = (membership: { role: (typeof people)[number]["role"]; userId: string }, isOperator: boolean) =>
    membership.userId !== user.id && grantableRoles(who.role, isOperator).includes(membership.role);
  const confirming = params.get("desactiver");
  return {
    admin,
    people: people.map((person) => ({
      ...person,
      roleLabel: ROLE_LABELS[person.role],
      disabledSince: person.disabledAt ? formatParisDate(person.disabledAt) : null,
      isMe: person.userId === user.id,
      manageable: manageable(person, person.organisationIsOperator),
    })),
    managed:
      managed && manageable(managed, managed.organisationIsOperator)
        ? {
            ...managed,
            roleLabel: ROLE_LABELS[managed.role],
            roles: grantableRoles(who.role, managed.organisationIsOperator).map((role) => ({
              role,
              label: ROLE_LABELS[role],
            })),
            removing: params.get("retirer") === "1",
          }
        : null,
    confirming: admin ? (people.find((person) => person.userId === confirming && !person.disabledAt) ?? null) : null,
  };
}

const roleForm = z.object({
  membershipId: z.uuid(),
  role: z.enum(["operator_admin", "referent", "agent", "viewer"], { error: "Choisissez un rôle." }),
});

export async function action({ request, context }: Route.ActionArgs) {
  const form = await request.formData();
  const intent = form.get("intent") ?? "disable";
  if (intent === "role" || intent === "remove") return changeMembership(request, context, form, intent);

  const { context: who, user } = requirePermission(context, request, "organisations.manage");
  const parsed = z.object({ userId: z.uuid() }).safeParse({ userId: form.get("userId") });
  if (!parsed.success || parsed.data.userId === user.id) throw data({ message: NOT_FOUND }, { status: 404 });
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

/**
 * Changes a person's role in an organisation, or removes them from it: only
 * what the manager may grant, and never their own membership (so a
 * cooperative always keeps the admin acting). Audited, in one transaction.
 */
async function changeMembership(
  request: Request,
  context: Route.ActionArgs["context"],
  form: FormData,
  intent: "role" | "remove",
) {
  const { context: who, user } = requirePermission(context, request, "people.invite");
  const cooperativeId = who.cooperativeId as string;
  const parsed = roleForm.safeParse({
    membershipId: form.get("membershipId"),
    role: intent === "remove" ? "viewer" : form.get("role"),
  });
  if (!parsed.success) {
    const membershipOk = z.uuid().safeParse(form.get("membershipId")).success;
    if (!membershipOk) throw data({ message: NOT_FOUND }, { status: 404 });
    return data({ error: parsed.error.issues[0]?.message ?? "Formulaire incomplet." }, { status: 400 });
  }
  const outcome = await context.get(requestScopeContext).transaction(async (trx) => {
    const membership = await findMembership(trx, parsed.data.membershipId, cooperativeId);
    const grantable = membership ? grantableRoles(who.role, membership.organisationIsOperator) : [];
    if (!membership || membership.userId === user.id || !grantable.includes(membership.role)) return "not_found";
    if (intent === "role" && !grantable.includes(parsed.data.role)) return "role_refused";
    if (intent === "role") {
      if (parsed.data.role === membership.role) return "unchanged";
      await changeMembershipRole(trx, membership.id, parsed.data.role);
    } else {
      await removeMembership(trx, membership.id);
    }
    await recordEvent(trx, {
      action: intent === "role" ? "membership.role_changed" : "membership.removed",
      cooperativeId,
      actorUserId: user.id,
      subject: `${membership.email} (${membership.organisationName})`,
      details: intent === "role" ? { from: membership.role, to: parsed.data.role } : { role: membership.role },
      ipAddress: clientMeta(context, request).ipAddress,
    });
    return intent === "role" ? "changed" : "removed";
  });
  switch (outcome) {
    case "not_found":
      throw data({ message: NOT_FOUND }, { status: 404 });
    case "role_refused":
      return data({ error: "Votre rôle ne permet pas d'attribuer ce rôle dans cette organisation." }, { status: 400 });
    case "unchanged":
      return redirect("/personnes");
    case "changed":
      return { done: "Rôle modifié." };
    case "removed":
      return { done: "La personne a été retirée de l'organisation. Son compte reste, avec ses autres rattachements." };
  }
}

export default function People({
  loaderData: { admin, people, confirming, managed },
  actionData,
}: Route.ComponentProps) {
  const done = actionData && "done" in actionData;
  return (
    <div className="page">
      <title>Personnes — Coopérative de services</title>
      <h1>{admin ? "Personnes de la coopérative" : "Personnes de votre organisation"}</h1>
      <p>
        <Link to="/invitations">Inviter une personne</Link>
      </p>
      {done ? (
        <p className="form-success" role="status">
          {actionData.done}
        </p>
      ) : null}
      {actionData && "error" in actionData ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : null}
      {confirming && !done ? (
        <Form method="post" className="panel">
          <p>
            Désactiver le compte de <strong>{confirming.displayName}</strong> ({confirming.email}) ? Ses sessions seront
            fermées et la personne ne pourra plus se connecter. Le compte n'est pas supprimé.
          </p>
          <input type="hidden" name="intent" value="disable" />
          <input type="hidden" name="userId" value={confirming.userId} />
          <button type="submit">Confirmer la désactivation</button> <Link to="/personnes">Annuler</Link>
        </Form>
      ) : null}
      {managed && !done ? (
        <section className="panel" aria-labelledby="rattachement">
          <h2 id="rattachement">
            {managed.displayName} — {managed.organisationName}
          </h2>
          {managed.removing ? (
            <Form method="post">
              <p>
                Retirer <strong>{managed.displayName}</strong> de {managed.organisationName} ? La personne n'y aura plus
                accès ; son compte et ses autres rattachements restent.
              </p>
              <input type="hidden" name="intent" value="remove" />
              <input type="hidden" name="membershipId" value={managed.id} />
              <button type="submit">Confirmer le retrait</button> <Link to="/personnes">Annuler</Link>
            </Form>
          ) : (
            <>
              <Form method="post" className="stacked-form">
                <input type="hidden" name="intent" value="role" />
                <input type="hidden" name="membershipId" value={managed.id} />
                <label htmlFor="role">Rôle (actuellement : {managed.roleLabel})</label>
                <select id="role" name="role" defaultValue={managed.role}>
                  {managed.roles.map((role) => (
                    <option key={role.role} value={role.role}>
                      {role.label}
                    </option>
                  ))}
                </select>
                <div className="inline-actions">
                  <button type="submit">Enregistrer le rôle</button>
                  <Link to="/personnes">Annuler</Link>
                </div>
              </Form>
              <p>
                <Link to={`?membre=${managed.id}&retirer=1`}>Retirer de l'organisation…</Link>
              </p>
            </>
          )}
        </section>
      ) : null}
      {people.length === 0 ? (
        <div className="empty-state">
          <p>Personne pour l'instant : invitez les premières personnes.</p>
        </div>
      ) : (
        <div className="table-scroll">
          <table className="data-table">
            <caption>{people.length} rattachement(s) de personnes</caption>
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
                <tr key={person.membershipId}>
                  <th scope="row">{person.displayName}</th>
                  <td>{person.email}</td>
                  <td>{person.organisationName}</td>
                  <td>
                    {person.roleLabel}
                    {person.manageable && !person.disabledSince ? (
                      <>
                        {" "}
                        <Link
                          to={`?membre=${person.membershipId}`}
                          aria-label={`Modifier le rattachement de ${person.displayName}`}
                        >
                          Modifier…
                        </Link>
                      </>
                    ) : null}
                  </td>
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
