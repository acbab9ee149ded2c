import { data } from "react-router";
import { MeetingAnswer } from "~/components/meeting-answer";
import { MeetingSummary } from "~/components/meeting-summary";
import { servicesContext } from "~/context.server";
import { rsvpScope } from "~/meetings/tokens.server";
import { answerInvitation, findInvitationByToken, findMeeting, MeetingError } from "~/queries/meetings.server";
import type { Route } from "./+types/meeting-rsvp";

// The personal answer page of an invitation mail: no sign-in, the token in the address opens this invitation (and
// its meeting) only, until the meeting ends.

const GONE = "Ce lien n'est plus valable : il ne correspond à aucune invitation en cours.";

/** The token is in this page's address: no Referer carries it, no cache keeps it. */
export function headers() {
  return { "Referrer-Policy": "no-referrer", "Cache-Control": "no-store" };
}

async function invitationPage(context: Route.LoaderArgs["context"], token: string) {
  const scope = await rsvpScope(context.get(servicesContext), token);
  const page = scope
    ? await scope.run(async (trx) => {
        const meeting = await findMeeting(trx, scope.meetingId);
        const invitation = await findInvitationByToken(trx, scope.tokenHash);
        return meeting && invitation ? { meeting, invitation } : null;
      })
    : null;
  if (!scope || !page || page.meeting.status === "draft" || page.meeting.endsAt.getTime() <= Date.now()) {
    throw data({ message: GONE }, { status: 404 });
  }
  return { scope, ...page };
}

export async function loader({ params, context }: Route.LoaderArgs) {
  const { meeting, invitation } = await invitationPage(context, params.token);
  return {
    meeting,
    invitation: { name: invitation.name, response: invitation.response, waitlistPosition: invitation.waitlistPosition },
  };
}

export async function action({ params, request, context }: Route.ActionArgs) {
  const { scope, invitation } = await invitationPage(context, params.token);
  const response = String((await request.formData()).get("response") ?? "");
  if (response !== "accepted" && response !== "declined" && response !== "cancelled") {
    return data({ ok: null, error: "Choisissez une réponse." }, { status: 400 });
  }
  try {
    const { outcome } = await scope.run((trx) =>
      answerInvitation(trx, { inviteeId: invitation.id, response, publicUrl: context.get(servicesContext).publicUrl }),
    );
    return {
      ok:
        outcome === "waitlisted"
          ? "La réunion est complète : vous êtes en liste d'attente."
          : "Votre réponse est enregistrée.",
      error: null,
    };
  } catch (error) {
    if (error instanceof MeetingError) return data({ ok: null, error: error.message }, { status: 400 });
    throw error;
  }
}

export default function MeetingRsvp({ loaderData, actionData }: Route.ComponentProps) {
  const { meeting, invitation } = loaderData;
  const cancelled = meeting.status === "cancelled";
  return (
    <div className="page page--narrow">
      <title>{`Invitation : ${meeting.title}`}</title>
      <p className="muted">Réseau {meeting.networkName}</p>
      <h1>{meeting.title}</h1>
      <p>Invitation de {invitation.name}.</p>
      {cancelled ? (
        <p className="form-error" role="alert">
          Cette réunion est annulée : elle n'attend plus de réponse.
        </p>
      ) : null}
      {actionData?.error ? (
        <p className="form-error" role="alert">
          {actionData.error}
        </p>
      ) : actionData?.ok ? (
        <p className="form-success" role="status">
          {actionData.ok}
        </p>
      ) : null}
      <MeetingSummary meeting={meeting} />
      {cancelled ? null : (
        <MeetingAnswer response={invitation.response} waitlistPosition={invitation.waitlistPosition} open />
      )}
    </div>
  );
}
