import { data, Form, Link, redirect } from "react-router";
import { formValues } from "~/auth/form-data";
import { requirePermission } from "~/auth/guards.server";
import { MeetingAnswer } from "~/components/meeting-answer";
import { MeetingSummary } from "~/components/meeting-summary";
import { requestScopeContext, servicesContext } from "~/context.server";
import { isoDateFrom, RESPONSE_LABELS } from "~/domain/meeting-form";
import { parisToUtc } from "~/domain/paris-time";
import {
  addInvitees,
  answerInvitation,
  cancelMeeting,
  copyMeeting,
  findMeeting,
  findOwnInvitation,
  inviteCandidates,
  listInvitees,
  MeetingError,
  nudgeMeeting,
  scheduleMeeting,
} from "~/queries/meetings.server";
import { meetingAccess } from "~/queries/network-access.server";
import type { Route } from "./+types/meeting";

const NOT_FOUND = "Réunion introuvable.";
const MANAGER_INTENTS = ["invite", "schedule", "cancel", "copy", "nudge"] as const;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

const NOTICES: Record<string, (count: string) => string> = {
  programmee: (count) =>
    count === "1"
      ? "La réunion est programmée : les invitations partent."
      : `${count} réunions programmées : les invitations partent.`,
  brouillon: (count) => (count === "1" ? "Brouillon enregistré." : `${count} brouillons enregistrés (une série).`),
  modifiee: () => "Modifications enregistrées.",
  copiee: () => "Copie créée en brouillon : vérifiez-la, puis programmez-la.",
};

export async function loader({ params, request, context }: Route.LoaderArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  const url = new URL(request.url);
  const result = await context.get(requestScopeContext).transaction(async (trx) => {
    const access = await meetingAccess(trx, params.id);
    const meeting = access ? await findMeeting(trx, access.id) : null;
    if (!access || !meeting) return null;
    const own = await findOwnInvitation(trx, meeting.id, who.userId as string);
    return {
      meeting,
      manages: access.manages,
      own,
      invitees: access.manages ? await listInvitees(trx, meeting.id) : [],
      candidates: access.manages ? await inviteCandidates(trx, meeting) : [],
    };
  });
  if (!result) throw data({ message: NOT_FOUND }, { status: 404 });
  const notice = Object.entries(NOTICES).find(([key]) => url.searchParams.has(key));
  return {
    ...result,
    open: result.meeting.status === "scheduled" && result.meeting.endsAt.getTime() > Date.now(),
    notice: notice ? notice[1](url.searchParams.get(notice[0]) ?? "1") : null,
  };
}

type ActionResult = { ok: string | null; error: string | null; intent: string; values: Record<string, string> };

export async function action({ params, request, context }: Route.ActionArgs) {
  const { context: who } = requirePermission(context, request, "networks.read");
  const form = await request.formData();
  const values = formValues(form);
  const intent = values.intent ?? "";
  const { publicUrl } = context.get(servicesContext);
  const reply = (status: number, result: Partial<ActionResult>) =>
    data<ActionResult>({ ok: null, error: null, intent, values, ...result }, { status });
  try {
    return await context.get(requestScopeContext).transaction(async (trx) => {
      const access = await meetingAccess(trx, params.id);
      if (!access) throw data({ message: NOT_FOUND }, { status: 404 });
      if ((MANAGER_INTENTS as readonly string[]).includes(intent) && !access.manages) {
        throw data({ message: "Seuls les animateurs du réseau organisent ses réunions." }, { status: 403 });
      }
      const meetingId = access.id;
      switch (intent) {
        case "answer": {
          const own = await findOwnInvitation(trx, meetingId, who.userId as string);
          if (!own) return reply(400, { error: "Vous n'êtes pas invité(e) à cette réunion." });
          const response = values.response;
          if (response !== "accepted" && response !== "declined" && response !== "cancelled") {
            return reply(400, { error: "Choisissez une réponse." });
          }
          const { outcome } = await answerInvitation(trx, { inviteeId: own.id, response, publicUrl });
          return reply(200, {
            ok:
              outcome === "waitlisted"
                ? "La réunion est complète : vous êtes en liste d'attente."
                : "Votre réponse est enregistrée.",
          });
        }
        case "invite": {
          const userIds = form.getAll("userId").map(String).filter(Boolean);
          const guestName = (values.guestName ?? "").trim();
          const guestEmail = (values.guestEmail ?? "").trim();
          if (guestName || guestEmail) {
            if (!guestName) return reply(400, { error: "Indiquez le nom de la personne invitée." });
            if (!EMAIL.test(guestEmail))
              return reply(400, { error: "L'adresse de la personne invitée n'est pas valide." });
          }
          if (userIds.length === 0 && !guestEmail) return reply(400, { error: "Choisissez qui inviter." });
          const added = await addInvitees(trx, {
            meetingId,
            userIds,
            guests: guestEmail ? [{ name: guestName, email: guestEmail }] : [],
            publicUrl,
          });
          return reply(200, {
            ok:
              added === 0
                ? "Ces personnes étaient déjà invitées."
                : `${added} invitation${added > 1 ? "s" : ""} ajoutée${added > 1 ? "s" : ""}.`,
            values: {},
          });
        }
        case "schedule": {
          const { invited } = await scheduleMeeting(trx, { meetingId, publicUrl });
          return reply(200, {
            ok: `Réunion programmée : ${invited} personne${invited > 1 ? "s" : ""} invitée${invited > 1 ? "s" : ""}.`,
          });
        }
        case "cancel": {
          if (values.confirm !== "oui") {
            return reply(400, { error: "Cochez la case pour confirmer l'annulation." });
          }
          const { mailed } = await cancelMeeting(trx, { meetingId, publicUrl });
          return reply(200, {
            ok: `Réunion annulée : ${mailed} personne${mailed > 1 ? "s" : ""} prévenue${mailed > 1 ? "s" : ""}.`,
          });
        }
        case "nudge": {
          const mailed = await nudgeMeeting(trx, { meetingId, publicUrl });
          return reply(200, {
            ok:
              mailed === 0
                ? "Tout le monde a répondu : personne à relancer."
                : `${mailed} relance${mailed > 1 ? "s" : ""} envoyée${mailed > 1 ? "s" : ""}.`,
          });
        }
        case "copy": {
          const date = isoDateFrom(values.copyDate ?? "");
          const start = parisToUtc(date, values.copyStart ?? "");
          const end = parisToUtc(date, values.copyEnd ?? "");
          if (!start.ok) return reply(400, { error: start.message });
          if (!end.ok) return reply(400, { error: end.message });
          const { id } = await copyMeeting(trx, {
            meetingId,
            startsAt: start.instant,
            endsAt: end.instant,
            actorUserId: who.userId,
            publicUrl,
          });
          return redirect(`/reunions/${id}/modifier?copiee=1`);
        }
        default:
          return reply(400, { error: "Action inconnue." });
      }
    });
  } catch (error) {
    if (error instanceof MeetingError) return reply(400, { error: error.message });
    throw error;
  }
}

export default function Meeting({ loaderData, actionData }: Route.ComponentProps) {
  const { meeting, manages, own, invitees, candidates, open } = loaderData;
  const base = `/reunions/${meeting.id}`;
  const byOrganisation = new Map<string, Record<string, number>>();
  for (const invitee of invitees) {
    const key =
      invitee.organisationName ?? (invitee.source === "guest" ? "Personnes extérieures" : "Sans organisation");
    const counts = byOrganisation.get(key) ?? {};
    counts[invitee.response] = (counts[invitee.response] ?? 0) + 1;
    byOrganisation.set(key, counts);
  }
  const message = actionData?.error ?? actionData?.ok ?? loaderData.notice;
  return (
    <div className="page">
      <title>{`${meeting.title} — ${meeting.networkName}`}</title>
      <nav aria-label="Fil d'Ariane" className="breadcrumb">
        <Link to={`/reseaux/${meeting.networkId}`}>{meeting.networkName}</Link> <span aria-hidden="true">›</span>{" "}
        <span>{meeting.title}</span>
      </nav>
      <h1>{meeting.title}</h1>
      {message ? (
        <p className={actionData?.error ? "form-error" : "form-success"} role={actionData?.error ? "alert" : "status"}>
          {message}
        </p>
      ) : null}
      <MeetingSummary meeting={meeting} />
      <p className="inline-actions">
        {own && meeting.status !== "draft" ? (
          <a href={`${base}/invitation.ics`} download>
            Ajouter à mon agenda (.ics)
          </a>
        ) : null}
        {manages ? <Link to={`${base}/emargement`}>Feuille d'émargement</Link> : null}
        {meeting.status !== "draft" ? <Link to={`${base}/compte-rendu`}>Compte rendu</Link> : null}
        <Link to={`${base}/documents`}>Documents</Link>
      </p>

      {own ? <MeetingAnswer response={own.response} waitlistPosition={own.waitlistPosition} open={open} /> : null}

      {manages ? (
        <>
          <section className="panel" aria-labelledby="gerer">
            <h2 id="gerer">Gérer la réunion</h2>
            <div className="inline-actions">
              {meeting.status === "draft" || (meeting.status === "scheduled" && open) ? (
                <Link to={`${base}/modifier`}>Modifier</Link>
              ) : null}
              {meeting.status === "draft" ? (
                <Form method="post">
                  <button type="submit" name="intent" value="schedule">
                    Programmer et inviter
                  </button>
                </Form>
              ) : null}
              {meeting.status === "scheduled" && open ? (
                <Form method="post">
                  <button type="submit" name="intent" value="nudge" className="button--secondary">
                    Relancer ceux qui n'ont pas répondu
                  </button>
                </Form>
              ) : null}
            </div>
            <details>
              <summary>Copier la réunion (nouveau brouillon, même ordre du jour)</summary>
              <Form method="post" className="stacked-form">
                <input type="hidden" name="intent" value="copy" />
                <label htmlFor="copyDate">Date</label>
                <input id="copyDate" name="copyDate" type="date" required defaultValue={actionData?.values.copyDate} />
                <label htmlFor="copyStart">Début</label>
                <input
                  id="copyStart"
                  name="copyStart"
                  type="time"
                  required
                  defaultValue={actionData?.values.copyStart ?? "09:30"}
                />
                <label htmlFor="copyEnd">Fin</label>
                <input
                  id="copyEnd"
                  name="copyEnd"
                  type="time"
                  required
                  defaultValue={actionData?.values.copyEnd ?? "12:00"}
                />
                <button type="submit">Copier</button>
              </Form>
            </details>
            {meeting.status === "draft" || meeting.status === "scheduled" ? (
              <details>
                <summary>Annuler la réunion</summary>
                <Form method="post" className="stacked-form">
                  <input type="hidden" name="intent" value="cancel" />
                  <label className="checkbox">
                    <input type="checkbox" name="confirm" value="oui" required /> Je confirme l'annulation : les invités
                    reçoivent l'annulation, qui retire la réunion de leur agenda.
                  </label>
                  <button type="submit">Annuler la réunion</button>
                </Form>
              </details>
            ) : null}
          </section>

          <section aria-labelledby="invites">
            <h2 id="invites">Invités ({invitees.length})</h2>
            {byOrganisation.size > 0 ? (
              <div className="table-scroll">
                <table className="data-table">
                  <caption>Réponses par organisation</caption>
                  <thead>
                    <tr>
                      <th scope="col">Organisation</th>
                      {Object.values(RESPONSE_LABELS).map((label) => (
                        <th scope="col" key={label} className="number">
                          {label}
                        </th>
                      ))}
                    </tr>
                  </thead>
                  <tbody>
                    {[...byOrganisation.entries()].map(([organisation, counts]) => (
                      <tr key={organisation}>
                        <th scope="row">{organisation}</th>
                        {Object.keys(RESPONSE_LABELS).map((response) => (
                          <td key={response} className="number">
                            {counts[response] ?? 0}
                          </td>
                        ))}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            ) : null}
            {invitees.length === 0 ? (
              <p className="muted">
                Personne n'est encore invité : la programmation invite les contacts du réseau de chaque membre.
              </p>
            ) : (
              <div className="table-scroll">
                <table className="data-table">
                  <caption>Réponses par personne</caption>
                  <thead>
                    <tr>
                      <th scope="col">Personne</th>
                      <th scope="col">Organisation</th>
                      <th scope="col">Adresse</th>
                      <th scope="col">Réponse</th>
                    </tr>
                  </thead>
                  <tbody>
                    {invitees.map((invitee) => (
                      <tr key={invitee.id}>
                        <th scope="row">{invitee.name}</th>
                        <td>
                          {invitee.organisationName ?? (invitee.source === "guest" ? "Invité(e) extérieur(e)" : "—")}
                        </td>
                        <td>{invitee.email}</td>
                        <td>
                          {RESPONSE_LABELS[invitee.response]}
                          {invitee.waitlistPosition ? ` (position ${invitee.waitlistPosition})` : ""}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {meeting.status === "draft" || meeting.status === "scheduled" ? (
              <Form method="post" className="panel stacked-form">
                <h3>Inviter d'autres personnes</h3>
                <input type="hidden" name="intent" value="invite" />
                <label htmlFor="userId">Personnes de la coopérative</label>
                <select id="userId" name="userId" multiple size={Math.min(8, Math.max(3, candidates.length))}>
                  {candidates.map((candidate) => (
                    <option key={candidate.userId} value={candidate.userId}>
                      {candidate.name} — {candidate.organisationName}
                    </option>
                  ))}
                </select>
                <p className="muted field-hint">Ou une personne extérieure (une experte, un conseiller du CNFPT) :</p>
                <label htmlFor="guestName">Nom</label>
                <input id="guestName" name="guestName" defaultValue={actionData?.values.guestName ?? ""} />
                <label htmlFor="guestEmail">Adresse électronique</label>
                <input
                  id="guestEmail"
                  name="guestEmail"
                  type="email"
                  defaultValue={actionData?.values.guestEmail ?? ""}
                />
                <button type="submit">Inviter</button>
              </Form>
            ) : null}
          </section>
        </>
      ) : null}
    </div>
  );
}
