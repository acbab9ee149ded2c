import { data, Form } from "react-router";
import { z } from "zod";
import { NetworkBreadcrumb } from "~/components/network-sections";
import { requestScopeContext } from "~/context.server";
import { ROLE_LABELS } from "~/domain/labels";
import { type NetworkViewer, requireNetwork } from "~/network-viewer.server";
import type { NetworkAccess } from "~/queries/network-access.server";
import {
  addContact,
  grantLead,
  listContactCandidates,
  listContacts,
  listLeadCandidates,
  listLeads,
  mayManageContactsOf,
  NetworkError,
  removeContact,
  removeLead,
} from "~/queries/networks.server";
import type { Route } from "./+types/network-contacts";

/** The network's managers manage every contact (and operator admins the leads); a referent its organisation's. */
async function requireContactsManager(request: Request, context: Route.LoaderArgs["context"], id: string) {
  const { viewer, network } = await requireNetwork(context, request, id);
  if (!network.manages && viewer.role !== "referent") {
    throw data({ message: "Seuls les référents et les animateurs gèrent les contacts du réseau." }, { status: 403 });
  }
  return { viewer, network };
}

const actorOf = (viewer: NetworkViewer, network: NetworkAccess) => ({
  manages: network.manages,
  role: viewer.role,
  organisationId: viewer.organisationId,
});

export async function loader({ request, params, context }: Route.LoaderArgs) {
  const { viewer, network } = await requireContactsManager(request, context, params.id);
  const actor = actorOf(viewer, network);
  return context.get(requestScopeContext).transaction(async (trx) => {
    const contacts = await listContacts(trx, network.id);
    const candidates = await listContactCandidates(trx, network.id, network.manages ? null : viewer.organisationId);
    const adminTools = viewer.isOperatorAdmin;
    const leads = await listLeads(trx, network.id);
    const leadIds = new Set(leads.map((lead) => lead.userId));
    return {
      network: { id: network.id, name: network.name },
      manages: network.manages,
      managesLeads: adminTools,
      contacts: contacts.map((contact) => ({
        ...contact,
        removable: mayManageContactsOf(actor, contact.organisationId),
      })),
      candidates: candidates.map((candidate) => ({
        value: `${candidate.organisationId}:${candidate.userId}`,
        label: `${candidate.displayName} — ${ROLE_LABELS[candidate.role]}, ${candidate.organisationName}`,
      })),
      leads,
      leadCandidates: adminTools
        ? (await listLeadCandidates(trx, viewer.cooperativeId))
            .filter((person) => !leadIds.has(person.userId))
            .map((person) => ({ value: person.userId, label: `${person.displayName} (${person.email})` }))
        : [],
    };
  });
}

const uuid = z.uuid();
const pair = z
  .string()
  .regex(/^[0-9a-f-]{36}:[0-9a-f-]{36}$/i, "Choisissez une personne.")
  .transform((value) => {
    const [organisationId, userId] = value.split(":") as [string, string];
    return { organisationId, userId };
  });

export async function action({ request, params, context }: Route.ActionArgs) {
  const { viewer, network } = await requireContactsManager(request, context, params.id);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const actor = actorOf(viewer, network);
  const refuse = (message: string, status = 400) => data({ intent, error: message }, { status });
  const scope = context.get(requestScopeContext);
  try {
    if (intent === "add-contact" || intent === "remove-contact") {
      const parsed = pair.safeParse(
        intent === "add-contact" ? form.get("contact") : `${form.get("organisationId")}:${form.get("userId")}`,
      );
      if (!parsed.success) return refuse("Choisissez une personne.");
      const target = { network, actor, ...parsed.data };
      if (intent === "add-contact") {
        const added = await scope.transaction((trx) => addContact(trx, target));
        return { done: `${added.displayName} est désormais contact du réseau.` };
      }
      await scope.transaction((trx) => removeContact(trx, target));
      return { done: "Contact retiré du réseau." };
    }
    if (intent === "add-lead" || intent === "remove-lead") {
      if (!viewer.isOperatorAdmin) return refuse("Seuls les administrateurs désignent les animateurs.", 403);
      const userId = uuid.safeParse(form.get("userId"));
      if (!userId.success) return refuse("Choisissez une personne.");
      const change = { network, userId: userId.data, actorUserId: viewer.userId, ipAddress: viewer.ipAddress };
      await scope.transaction((trx) => (intent === "add-lead" ? grantLead(trx, change) : removeLead(trx, change)));
      return { done: intent === "add-lead" ? "Animateur ajouté." : "Animateur retiré." };
    }
  } catch (error) {
    if (error instanceof NetworkError) return refuse(error.message);
    throw error;
  }
  return refuse("Action inconnue.");
}

export default function NetworkContacts({ loaderData, actionData }: Route.ComponentProps) {
  const { network, manages, managesLeads, contacts, candidates, leads, leadCandidates } = loaderData;
  const failed = actionData && "error" in actionData ? actionData : null;
  const done = actionData && "done" in actionData ? actionData.done : null;
  const path = `/reseaux/${network.id}/contacts`;
  return (
    <div className="page page--narrow">
      <title>{`Contacts — ${network.name}`}</title>
      <NetworkBreadcrumb network={network} page="Contacts" />
      <h1>Contacts du réseau</h1>
      <p className="muted">
        Les contacts reçoivent les sondages, convocations et messages du réseau.{" "}
        {manages
          ? "Vous gérez les contacts de toutes les organisations membres."
          : "Vous gérez les contacts de votre organisation : ses référents et ses agents."}
      </p>
      {done ? (
        <p className="form-success" role="status">
          {done}
        </p>
      ) : null}
      {failed ? (
        <p className="form-error" role="alert">
          {failed.error}
        </p>
      ) : null}
      {contacts.length === 0 ? (
        <div className="empty-state">
          <p>Aucun contact pour l'instant.</p>
        </div>
      ) : (
        <table className="data-table">
          <caption>Contacts par organisation</caption>
          <thead>
            <tr>
              <th scope="col">Organisation</th>
              <th scope="col">Contact</th>
              <th scope="col">
                <span className="visually-hidden">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {contacts.map((contact) => (
              <tr key={`${contact.organisationId}:${contact.userId}`}>
                <td>{contact.organisationName}</td>
                <td>
                  {contact.displayName} <span className="muted">({contact.email})</span>
                </td>
                <td>
                  {contact.removable ? (
                    <Form method="post" action={path}>
                      <input type="hidden" name="intent" value="remove-contact" />
                      <input type="hidden" name="organisationId" value={contact.organisationId} />
                      <input type="hidden" name="userId" value={contact.userId} />
                      <button type="submit" className="link-button">
                        Retirer
                      </button>
                    </Form>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <Form method="post" action={path} className="panel stacked-form">
        <input type="hidden" name="intent" value="add-contact" />
        <label htmlFor="contact">Ajouter un contact</label>
        {candidates.length === 0 ? (
          <p className="muted">Tous les référents et agents des organisations membres sont déjà contacts.</p>
        ) : (
          <>
            <select id="contact" name="contact" defaultValue="">
              <option value="" disabled>
                Choisir une personne…
              </option>
              {candidates.map((candidate) => (
                <option key={candidate.value} value={candidate.value}>
                  {candidate.label}
                </option>
              ))}
            </select>
            <button type="submit">Ajouter</button>
          </>
        )}
      </Form>

      {managesLeads ? (
        <section aria-labelledby="animateurs">
          <h2 id="animateurs">Animateurs du réseau</h2>
          <p className="muted">
            Les animateurs proposent des dates, convoquent les réunions et écrivent au réseau. Chaque désignation est
            inscrite au journal.
          </p>
          {leads.length === 0 ? (
            <p className="muted">Aucun animateur désigné.</p>
          ) : (
            <ul>
              {leads.map((lead) => (
                <li key={lead.userId} className="inline-actions">
                  <span>
                    {lead.displayName} <span className="muted">({lead.email})</span>
                  </span>
                  <Form method="post" action={path}>
                    <input type="hidden" name="intent" value="remove-lead" />
                    <input type="hidden" name="userId" value={lead.userId} />
                    <button type="submit" className="link-button">
                      Retirer
                    </button>
                  </Form>
                </li>
              ))}
            </ul>
          )}
          <Form method="post" action={path} className="panel stacked-form">
            <input type="hidden" name="intent" value="add-lead" />
            <label htmlFor="lead">Désigner un animateur</label>
            <select id="lead" name="userId" defaultValue="">
              <option value="" disabled>
                Choisir une personne de la coopérative…
              </option>
              {leadCandidates.map((person) => (
                <option key={person.value} value={person.value}>
                  {person.label}
                </option>
              ))}
            </select>
            <button type="submit">Désigner</button>
          </Form>
        </section>
      ) : null}
    </div>
  );
}
