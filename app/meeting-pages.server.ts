import { data } from "react-router";
import { formatParisRange } from "./domain/paris-time.ts";
import { MeetingRefusal, type MeetingSummary } from "./queries/attendance.server.ts";

/** What a meeting's pages show of it in their heading (times in Paris). */
export function meetingHeading(meeting: MeetingSummary) {
  return {
    id: meeting.id,
    networkId: meeting.networkId,
    networkName: meeting.networkName,
    title: meeting.title,
    when: formatParisRange(meeting.startsAt, meeting.endsAt),
    place: meeting.place,
    visioUrl: meeting.visioUrl,
    status: meeting.status,
  };
}

/**
 * An action's answer to a refusal: a meeting out of sight (404) or not managed (403) is thrown as such; anything
 * else is a 400 with its French message and what the form held. Other errors are thrown again.
 */
export function refusalData<T extends object>(error: unknown, form: T) {
  if (!(error instanceof MeetingRefusal)) throw error;
  if (error.status !== 400) throw data({ message: error.message }, { status: error.status });
  return data({ ...form, error: error.message, field: error.field }, { status: 400 });
}
