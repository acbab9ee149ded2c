// A thematic network's indicators for a year, as the annual report counts them by hand: meetings held, distinct
// organisations (and communes) present, each organisation's attendance rate, average attendees per meeting.
// Pure: computed from the meetings and the attendance rows a query hands over.

import type { MeetingStatus, OrganisationKind } from "../../db/schema.ts";
import { parisParts } from "./paris-time.ts";

export interface IndicatorMeeting {
  id: string;
  startsAt: Date;
  status: MeetingStatus;
}

export interface IndicatorOrganisation {
  id: string;
  name: string;
  kind: OrganisationKind;
}

/** One person recorded present (an invitee or a walk-in); organisation null for someone from outside. */
export interface IndicatorAttendance {
  meetingId: string;
  organisation: IndicatorOrganisation | null;
}

export interface OrganisationAttendance extends IndicatorOrganisation {
  /** Held meetings of the year it was present at. */
  meetingsAttended: number;
  /** meetingsAttended / meetingsHeld, 0 to 1 (0 when no meeting was held). */
  rate: number;
}

export interface NetworkIndicators {
  year: number;
  meetingsHeld: number;
  /** Distinct organisations present at least once at a held meeting of the year. */
  organisationsPresent: number;
  /** Among them, the communes (what the reports count). */
  communesPresent: number;
  /** Present people per held meeting (null when none was held). */
  averagePeople: number | null;
  /** Distinct organisations present per held meeting. */
  averageOrganisations: number | null;
  averageCommunes: number | null;
  /** Every member and every organisation present, the most assiduous first, then by name. */
  organisations: OrganisationAttendance[];
}

/** The year a meeting belongs to: its start's calendar year in Paris. */
export function parisYear(instant: Date): number {
  return Number(parisParts(instant).date.slice(0, 4));
}

/**
 * Indicators of a year. Only meetings held (status `held`) that started in the year (Paris time) count, and only
 * the attendance of those meetings. `members` (the network's member organisations) appear with a rate of 0 when
 * they never came.
 */
export function computeNetworkIndicators(input: {
  year: number;
  meetings: IndicatorMeeting[];
  attendance: IndicatorAttendance[];
  members?: IndicatorOrganisation[];
}): NetworkIndicators {
  const held = new Set(
    input.meetings
      .filter((meeting) => meeting.status === "held" && parisYear(meeting.startsAt) === input.year)
      .map((meeting) => meeting.id),
  );
  const meetingsHeld = held.size;
  const organisations = new Map<string, IndicatorOrganisation>();
  for (const member of input.members ?? []) organisations.set(member.id, member);
  /** Per organisation, the held meetings it attended. */
  const attended = new Map<string, Set<string>>();
  /** Per held meeting, its people and its distinct organisations. */
  const people = new Map<string, number>();
  const present = new Map<string, Set<string>>();
  for (const row of input.attendance) {
    if (!held.has(row.meetingId)) continue;
    people.set(row.meetingId, (people.get(row.meetingId) ?? 0) + 1);
    if (!row.organisation) continue;
    organisations.set(row.organisation.id, row.organisation);
    const meetings = attended.get(row.organisation.id) ?? new Set<string>();
    meetings.add(row.meetingId);
    attended.set(row.organisation.id, meetings);
    const here = present.get(row.meetingId) ?? new Set<string>();
    here.add(row.organisation.id);
    present.set(row.meetingId, here);
  }
  const isCommune = (id: string) => organisations.get(id)?.kind === "commune";
  const sum = (values: Iterable<number>) => [...values].reduce((total, value) => total + value, 0);
  const average = (total: number) => (meetingsHeld === 0 ? null : total / meetingsHeld);
  const presentIds = [...attended.keys()];
  return {
    year: input.year,
    meetingsHeld,
    organisationsPresent: presentIds.length,
    communesPresent: presentIds.filter(isCommune).length,
    averagePeople: average(sum(people.values())),
    averageOrganisations: average(sum([...present.values()].map((ids) => ids.size))),
    averageCommunes: average(sum([...present.values()].map((ids) => [...ids].filter(isCommune).length))),
    organisations: [...organisations.values()]
      .map((organisation) => {
        const meetingsAttended = attended.get(organisation.id)?.size ?? 0;
        return { ...organisation, meetingsAttended, rate: meetingsHeld === 0 ? 0 : meetingsAttended / meetingsHeld };
      })
      .sort((a, b) => b.meetingsAttended - a.meetingsAttended || a.name.localeCompare(b.name, "fr")),
  };
}

const oneDecimal = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const percent = new Intl.NumberFormat("fr-FR", { style: "percent", maximumFractionDigits: 0 });

/** "12", "11,4", or "—" when there is nothing to average. */
export function formatAverage(value: number | null): string {
  return value === null ? "—" : oneDecimal.format(value);
}

/** "80 %" (French spacing). */
export function formatRate(rate: number): string {
  return percent.format(rate);
}
