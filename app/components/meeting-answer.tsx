import { Form } from "react-router";
import { describeOwnResponse, type RESPONSE_LABELS } from "~/domain/meeting-form";

/** An invitee's answer and the buttons to change it (Je viens / Je ne viens pas / Annuler ma venue). */
export function MeetingAnswer({
  response,
  waitlistPosition,
  open,
  hidden,
}: {
  response: keyof typeof RESPONSE_LABELS;
  waitlistPosition: number | null;
  /** Whether the meeting still takes answers (scheduled, not ended). */
  open: boolean;
  /** Fields the form carries along (the RSVP page's token is in its address, not here). */
  hidden?: Record<string, string>;
}) {
  const coming = response === "accepted" || response === "waitlisted";
  return (
    <section className="panel" aria-labelledby="reponse">
      <h2 id="reponse">Votre réponse</h2>
      <p>{describeOwnResponse(response, waitlistPosition)}</p>
      {open ? (
        <Form method="post" className="inline-actions">
          <input type="hidden" name="intent" value="answer" />
          {Object.entries(hidden ?? {}).map(([name, value]) => (
            <input key={name} type="hidden" name={name} value={value} />
          ))}
          {coming ? null : (
            <button type="submit" name="response" value="accepted">
              Je viens
            </button>
          )}
          {coming ? (
            <button type="submit" name="response" value="cancelled">
              Annuler ma venue
            </button>
          ) : response === "declined" ? null : (
            <button type="submit" name="response" value="declined" className="button--secondary">
              Je ne viens pas
            </button>
          )}
        </Form>
      ) : (
        <p className="muted">Cette réunion n'attend plus de réponse.</p>
      )}
    </section>
  );
}
