import { data, Form } from "react-router";
import { z } from "zod";
import { formValues } from "~/auth/form-data";
import { clientMeta, requirePermission } from "~/auth/guards.server";
import { invite, resendInvitation } from "~/auth/invitations.server";
import { requestScopeContext, servicesContext } from "~/context.server";
import { ROLE_LABELS } from "~/domain/labels";
import { grantableRoles } from "~/domain/membership-rules";
import { listPendingInvitations, revokeInvitation } from "~/queries/invitations.server";
import type { Route } from "./+types/invitations";

const dateFormat = new Intl.DateTimeFormat("fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" });

const invitationForm = z.object({
  email: z.email("Saisissez une adresse électronique valide.").trim().toLowerCase(),
  displayName: z.string().trim().min(1, "Indiquez le nom de la personne.").max(200),
  organisationId: z.uuid("Choisissez l'organisation."),
  role: z.enum(["operator_admin", "referent", "agent", "viewer"], { error: "Choisissez le rôle." }),
});

async function organisationsFor(context: Route.LoaderArgs["context"], request: Request) {
  const auth = requirePermission(context, request, "people.invite");
  const organisations = await context.get(requestScopeContext).transaction((trx) =>
    trx
      .selectFrom("organisations")
      .select(["id", "name", "is_operator as isOperator"])
      .where("cooperative_id", "=", auth.context.cooperativeId as string)
      .where("inactive_since", "is", null)
      .$if(auth.context.role !== "operator_admin", (qb) => qb.where("id", "=", auth.context.organisationId as string))
      // Member organisations first: inviting their referents is the usual task; the operator last.
      .orderBy("is_operator", "asc")
      .orderBy("name")
      .execute(),
  );
  return { auth, organisations };
}

export async function loader({ request, context }: Route.LoaderArgs) {
  const { auth, organisations } = await organisationsFor(context, request);
  const pending = await context
    .get(requestScopeContext)
    .transaction((trx) => listPendingInvitations(trx, auth.context.cooperativeId as string, new Date()));
  return {
    organisations: organisations.map((organisation) => ({
      ...organisation,
      roles: grantableRoles(auth.context.role, organisation.isOperator).map((role) => ({
        role,
        label: ROLE_LABELS[role],
      })),
    })),
    pending: pending.map((invitation) => ({
      ...invitation,
      roleLabel: ROLE_LABELS[invitation.role],
      expiresAt: dateFormat.format(invitation.expiresAt),
    })),
  };
}

export async function action({ request, context }: Route.ActionArgs) {
  const { auth, organisations } = await organisationsFor(context, request);
  const scope = context.get(requestScopeContext);
  const services = context.get(servicesContext);
  const values = formValues(await request.formData());
  const now = new Date();

  if (values.intent === "revoke" || values.intent === "resend") {
    const id = z.uuid().safeParse(values.id);
    const done = id.success
      ? values.intent === "revoke"
        ? await scope.transaction((trx) => revokeInvitation(trx, id.data, now))
        : await resendInvitation(scope, services, auth, id.data, now)
      : false;
    if (!done) throw data({ message: "Invitation introuvable." }, { status: 404 });
    return { done: values.intent === "revoke" ? "Invitation annulée." : "Invitation renvoyée avec un nouveau lien." };
  }

  const parsed = invitationForm.safeParse(values);
  const errors: Record<string, string> = {};
  if (!parsed.success) {
    for (const issue of parsed.error.issues) errors[String(issue.path[0])] ??= issue.message;
    return data({ values, errors }, { status: 400 });
  }
  const organisation = organisations.find((candidate) => candidate.id === parsed.data.organisationId);
  if (!organisation) return data({ values, errors: { organisationId: "Choisissez l'organisation." } }, { status: 400 });
  if (!grantableRoles(auth.context.role, organisation.isOperator).includes(parsed.data.role)) {
    return data(
      { values, errors: { role: "Ce rôle ne peut pas être proposé pour cette organisation." } },
      { status: 400 },
    );
  }
  await invite(scope, services, auth, parsed.data, clientMeta(context, request), now);
  return { done: `Invitation envoyée à ${parsed.data.email}.` };
}

export default function Invitations({ loaderData: { organisations, pending }, actionData }: Route.ComponentProps) {
  const values = actionData && "values" in actionData ? actionData.values : {};
  const errors: Record<string, string> = actionData && "errors" in actionData ? actionData.errors : {};
  const error = (field: string) =>
    errors[field] ? (
      <p id={`${field}-erreur`} className="field-error">
        {errors[field]}
      </p>
    ) : null;
  return (
    <div className="page page--narrow">
      <title>Invitations — Coopérative de services</title>
      <h1>Invitations</h1>
      {actionData && "done" in actionData ? (
        <p className="form-success" role="status">
          {actionData.done}
        </p>
      ) : null}
      <Form
        method="post"
        className="panel stacked-form"
        noValidate
        key={actionData && "done" in actionData ? actionData.done : "form"}
      >
        <h2>Inviter une personne</h2>
        <input type="hidden" name="intent" value="invite" />
        <label htmlFor="email">Adresse électronique</label>
        <input
          id="email"
          name="email"
          type="email"
          defaultValue={values.email}
          aria-invalid={errors.email ? true : undefined}
          aria-describedby={errors.email ? "email-erreur" : undefined}
        />
        {error("email")}
        <label htmlFor="displayName">Prénom et nom</label>
        <input
          id="displayName"
          name="displayName"
          defaultValue={values.displayName}
          aria-invalid={errors.displayName ? true : undefined}
          aria-describedby={errors.displayName ? "displayName-erreur" : undefined}
        />
        {error("displayName")}
        <label htmlFor="organisationId">Organisation</label>
        <select id="organisationId" name="organisationId" defaultValue={values.organisationId}>
          {organisations.map((organisation) => (
            <option key={organisation.id} value={organisation.id}>
              {organisation.name}
            </option>
          ))}
        </select>
        {error("organisationId")}
        <label htmlFor="role">Rôle</label>
        <select id="role" name="role" defaultValue={values.role ?? "referent"}>
          {[
            ...new Map(
              organisations.flatMap((organisation) => organisation.roles).map((role) => [role.role, role]),
            ).values(),
          ].map((role) => (
            <option key={role.role} value={role.role}>
              {role.label}
            </option>
          ))}
        </select>
        {error("role")}
        <button type="submit">Envoyer l'invitation</button>
      </Form>
      <section className="panel" aria-labelledby="en-attente">
        <h2 id="en-attente">Invitations en attente</h2>
        {pending.length === 0 ? (
          <p className="muted">Aucune invitation en attente.</p>
        ) : (
          <ul className="session-list">
            {pending.map((invitation) => (
              <li key={invitation.id}>
                <div>
                  <strong>{invitation.displayName}</strong> — {invitation.email}
                  <br />
                  <span className="muted">
                    {invitation.roleLabel}, {invitation.organisationName} ; valable jusqu'au {invitation.expiresAt}
                  </span>
                </div>
                <div className="inline-actions">
                  <Form method="post">
                    <input type="hidden" name="intent" value="resend" />
                    <input type="hidden" name="id" value={invitation.id} />
                    <button type="submit" className="button--secondary">
                      Renvoyer
                    </button>
                  </Form>
                  <Form method="post">
                    <input type="hidden" name="intent" value="revoke" />
                    <input type="hidden" name="id" value={invitation.id} />
                    <button type="submit" className="button--secondary">
                      Annuler
                    </button>
                  </Form>
                </div>
              </li>
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
