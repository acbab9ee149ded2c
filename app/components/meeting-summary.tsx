import { describeReminders, MEETING_STATUS_LABELS } from "~/domain/meeting-form";
import { formatParisRange } from "~/domain/paris-time";

export interface MeetingSummaryData {
  title: string;
  description: string;
  networkName: string;
  status: keyof typeof MEETING_STATUS_LABELS;
  startsAt: Date;
  endsAt: Date;
  place: string;
  visioUrl: string;
  capacity: number | null;
  reminderDays: number[];
  agenda: { title: string; durationMinutes: number | null; presenter: string }[];
}

/** A meeting's facts in Paris time, and its agenda. */
export function MeetingSummary({ meeting }: { meeting: MeetingSummaryData }) {
  return (
    <>
      <dl className="facts">
        <dt>Statut</dt>
        <dd>{MEETING_STATUS_LABELS[meeting.status]}</dd>
        <dt>Quand</dt>
        <dd>{formatParisRange(meeting.startsAt, meeting.endsAt)} (heure de Paris)</dd>
        {meeting.place ? (
          <>
            <dt>Lieu</dt>
            <dd>{meeting.place}</dd>
          </>
        ) : null}
        {meeting.visioUrl ? (
          <>
            <dt>Visio</dt>
            <dd>
              <a href={meeting.visioUrl} rel="noreferrer noopener">
                {meeting.visioUrl}
              </a>
            </dd>
          </>
        ) : null}
        <dt>Places</dt>
        <dd>{meeting.capacity === null ? "Sans limite" : meeting.capacity}</dd>
        <dt>Rappels</dt>
        <dd>{describeReminders(meeting.reminderDays)}</dd>
      </dl>
      {meeting.description ? <p className="lead">{meeting.description}</p> : null}
      <h2>Ordre du jour</h2>
      {meeting.agenda.length === 0 ? (
        <p className="muted">Pas d'ordre du jour.</p>
      ) : (
        <ol>
          {meeting.agenda.map((item, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: agenda items are positions
            <li key={index}>
              {item.title}
              {item.durationMinutes || item.presenter ? (
                <span className="muted">
                  {" "}
                  (
                  {[item.durationMinutes ? `${item.durationMinutes} min` : "", item.presenter]
                    .filter(Boolean)
                    .join(", ")}
                  )
                </span>
              ) : null}
            </li>
          ))}
        </ol>
      )}
    </>
  );
}
