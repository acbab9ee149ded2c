import { sql, type Transaction } from "kysely";
import { anyOf } from "../../db/any.ts";
import type { DB, InviteeResponse, MeetingStatus, OrganisationKind } from "../../db/schema.ts";
import { recordEvent } from "../audit.server.ts";
import {
  computeNetworkIndicators,
  type IndicatorOrganisation,
  type NetworkIndicators,
} from "../domain/network-indicators.ts";
import { parisToUtc } from "../domain/paris-time.ts";
import { isUuid, meetingAccess } from "./network-access.server.ts";

type Trx = Transaction<DB>;

/**
 * A refusal in French, nothing written: 404 for a meeting out of sight, 403 for someone who does not manage it, 400
 * otherwise (on a field of the form when `field` says which).
 */
export class MeetingRefusal extends Error {
  override readonly name = "MeetingRefusal";
  constructor(
    message: string,
    readonly status: 400 | 403 | 404 = 400,
    readonly field: string | null = null,
  ) {
    super(message);
  }
}

export interface MeetingSummary {
  id: string;
  networkId: string;
  networkName: string;
  title: string;
  place: string;
  visioUrl: string;
  startsAt: Date;
  endsAt: Date;
  status: MeetingStatus;
  manages: boolean;
}

/** The meeting as the asking user sees it (RLS: drafts for its managers only), or null (answer 404). */
export async function findMeetingSummary(trx: Trx, meetingId: string): Promise<MeetingSummary | null> {
  const access = await meetingAccess(trx, meetingId);
  if (!access) return null;
  const row = await trx
    .selectFrom("meetings")
    .select(["title", "place", "visio_url", "starts_at", "ends_at"])
    .where("id", "=", access.id)
    .executeTakeFirstOrThrow();
  return {
    id: access.id,
    networkId: access.networkId,
    networkName: access.networkName,
    title: row.title,
    place: row.place,
    visioUrl: row.visio_url,
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: access.status,
    manages: access.manages,
  };
}

/**
 * A meeting the asking user manages and that has taken place (or is under way): what recording attendance and
 * writing minutes need. Refuses otherwise.
 */
export async function requireManagedMeeting(trx: Trx, meetingId: string, now: Date): Promise<MeetingSummary> {
  const meeting = await findMeetingSummary(trx, meetingId);
  if (!meeting) throw new MeetingRefusal("Réunion introuvable.", 404);
  if (!meeting.manages) throw new MeetingRefusal("Réservé aux animateurs du réseau.", 403);
  if (meeting.status === "cancelled") throw new MeetingRefusal("Cette réunion a été annulée.");
  if (meeting.status === "draft") throw new MeetingRefusal("Cette réunion n'a pas encore été convoquée.");
  if (meeting.startsAt > now) throw new MeetingRefusal("La réunion n'a pas encore commencé.");
  return meeting;
}

/** Whether the meeting has begun and is neither a draft nor cancelled: attendance and minutes may be written. */
export function hasTakenPlace(meeting: Pick<MeetingSummary, "status" | "startsAt">, now: Date): boolean {
  return (meeting.status === "scheduled" || meeting.status === "held") && meeting.startsAt <= now;
}

export interface SheetInvitee {
  id: string;
  name: string;
  organisationId: string | null;
  organisationName: string | null;
  response: InviteeResponse;
}

/**
 * The invitees who have not declined nor withdrawn, by organisation then name: the sign-in sheet's rows. Invitees are
 * personal data: only the meeting's managers see them all (RLS).
 */
export async function listSheetInvitees(trx: Trx, meetingId: string): Promise<SheetInvitee[]> {
  const rows = await trx
    .selectFrom("meeting_invitees as i")
    .leftJoin("users as u", "u.id", "i.user_id")
    .leftJoin("organisations as o", "o.id", "i.organisation_id")
    .select([
      "i.id",
      "i.organisation_id",
      "i.response",
      "o.name as organisation_name",
      sql<string>`coalesce(u.display_name, i.guest_name, '')`.as("name"),
    ])
    .where("i.meeting_id", "=", meetingId)
    .where("i.response", "not in", ["declined", "cancelled"])
    .execute();
  return rows
    .map((row) => ({
      id: row.id,
      name: row.name,
      organisationId: row.organisation_id,
      organisationName: row.organisation_name,
      response: row.response,
    }))
    .sort(
      (a, b) =>
        (a.organisationName ?? "\uffff").localeCompare(b.organisationName ?? "\uffff", "fr") ||
        a.name.localeCompare(b.name, "fr"),
    );
}

export interface AttendanceRow {
  id: string;
  inviteeId: string | null;
  personName: string;
  organisationId: string | null;
  organisationName: string | null;
}

/** Who was recorded present (read in the whole cooperative), by organisation then name. */
export async function listAttendance(trx: Trx, meetingId: string): Promise<AttendanceRow[]> {
  const rows = await trx
    .selectFrom("meeting_attendance as a")
    .leftJoin("organisations as o", "o.id", "a.organisation_id")
    .select(["a.id", "a.invitee_id", "a.person_name", "a.organisation_id", "o.name as organisation_name"])
    .where("a.meeting_id", "=", meetingId)
    .orderBy(sql`o.name IS NULL`)
    .orderBy("o.name")
    .orderBy("a.person_name")
    .execute();
  return rows.map((row) => ({
    id: row.id,
    inviteeId: row.invitee_id,
    personName: row.person_name,
    organisationId: row.organisation_id,
    organisationName: row.organisation_name,
  }));
}

/** The cooperative's active organisations, for a walk-in's organisation (public reference data). */
export function listOrganisationChoices(trx: Trx, cooperativeId: string) {
  return trx
    .selectFrom("organisations")
    .select(["id", "name"])
    .where("cooperative_id", "=", cooperativeId)
    .where("inactive_since", "is", null)
    .orderBy("name")
    .execute();
}

export interface WalkIn {
  name: string;
  organisationId: string | null;
}

export interface RecordAttendanceInput {
  meetingId: string;
  cooperativeId: string;
  actorUserId: string;
  /** Invitees who came. */
  inviteeIds: string[];
  walkIns: WalkIn[];
  ipAddress?: string | null;
  now?: Date;
}

/**
 * Records who came to a meeting, replacing what was recorded before, in the caller's transaction: the invitees
 * ticked and the walk-ins (a name, and an organisation of the cooperative when from a member). Only the network's
 * managers may (RLS says so too). A scheduled meeting that has started becomes held. Audited.
 */
export async function recordAttendance(
  trx: Trx,
  input: RecordAttendanceInput,
): Promise<{ present: number; organisations: number; markedHeld: boolean }> {
  const now = input.now ?? new Date();
  const meeting = await requireManagedMeeting(trx, input.meetingId, now);

  const inviteeIds = [...new Set(input.inviteeIds)];
  if (inviteeIds.some((id) => !isUuid(id))) throw new MeetingRefusal("Un des invités cochés est introuvable.");
  const invitees =
    inviteeIds.length === 0
      ? []
      : await trx
          .selectFrom("meeting_invitees as i")
          .leftJoin("users as u", "u.id", "i.user_id")
          .select(["i.id", "i.organisation_id", sql<string>`coalesce(u.display_name, i.guest_name, '')`.as("name")])
          .where("i.meeting_id", "=", meeting.id)
          .where("i.id", "=", anyOf(inviteeIds, "uuid"))
          .execute();
  if (invitees.length !== inviteeIds.length) throw new MeetingRefusal("Un des invités cochés est introuvable.");

  const walkInOrganisations = [
    ...new Set(input.walkIns.map((walkIn) => walkIn.organisationId).filter((id): id is string => id !== null)),
  ];
  if (walkInOrganisations.some((id) => !isUuid(id))) throw new MeetingRefusal("Organisation introuvable.");
  if (walkInOrganisations.length > 0) {
    const known = await trx
      .selectFrom("organisations")
      .select("id")
      .where("cooperative_id", "=", input.cooperativeId)
      .where("id", "=", anyOf(walkInOrganisations, "uuid"))
      .execute();
    if (known.length !== walkInOrganisations.length) throw new MeetingRefusal("Organisation introuvable.");
  }
  for (const walkIn of input.walkIns) {
    if (walkIn.name.trim().length === 0 || walkIn.name.trim().length > 200) {
      throw new MeetingRefusal("Chaque personne venue sans invitation a un nom (200 caractères au plus).");
    }
  }

  await trx.deleteFrom("meeting_attendance").where("meeting_id", "=", meeting.id).execute();
  const rows = [
    ...invitees.map((invitee) => ({
      invitee_id: invitee.id,
      person_name: invitee.name.slice(0, 200) || "Invité",
      organisation_id: invitee.organisation_id,
    })),
    ...input.walkIns.map((walkIn) => ({
      invitee_id: null,
      person_name: walkIn.name.trim(),
      organisation_id: walkIn.organisationId,
    })),
  ];
  if (rows.length > 0) {
    await trx
      .insertInto("meeting_attendance")
      .values(
        rows.map((row) => ({
          ...row,
          cooperative_id: input.cooperativeId,
          meeting_id: meeting.id,
          recorded_by: input.actorUserId,
          recorded_at: now,
        })),
      )
      .execute();
  }
  const markedHeld = meeting.status === "scheduled";
  if (markedHeld) {
    await trx.updateTable("meetings").set({ status: "held", updated_at: now }).where("id", "=", meeting.id).execute();
  }
  const organisations = new Set(rows.map((row) => row.organisation_id).filter(Boolean)).size;
  await recordEvent(trx, {
    action: "meeting.attendance_recorded",
    cooperativeId: input.cooperativeId,
    actorUserId: input.actorUserId,
    subject: meeting.title,
    details: {
      meetingId: meeting.id,
      present: rows.length,
      walkIns: input.walkIns.length,
      organisations,
      markedHeld,
    },
    ipAddress: input.ipAddress ?? null,
  });
  return { present: rows.length, organisations, markedHeld };
}

// ---------------------------------------------------------------------------------------------
// Indicators

const yearStart = (year: number) => {
  const start = parisToUtc(`${String(year).padStart(4, "0")}-01-01`, "00:00");
  if (!start.ok) throw new Error(`no start for ${year}`);
  return start.instant;
};

/**
 * A network's indicators for a year, computed from its meetings and their attendance rows (read in the whole
 * cooperative). The members listed at 0 % are the organisations with a network contact: subscriptions themselves
 * are private to each organisation.
 */
export async function networkIndicatorsOfYear(trx: Trx, networkId: string, year: number): Promise<NetworkIndicators> {
  const meetings = await trx
    .selectFrom("meetings")
    .select(["id", "starts_at", "status"])
    .where("network_id", "=", networkId)
    .where("starts_at", ">=", yearStart(year))
    .where("starts_at", "<", yearStart(year + 1))
    .execute();
  const attendance =
    meetings.length === 0
      ? []
      : await trx
          .selectFrom("meeting_attendance as a")
          .leftJoin("organisations as o", "o.id", "a.organisation_id")
          .select(["a.meeting_id", "o.id", "o.name", "o.kind"])
          .where(
            "a.meeting_id",
            "=",
            anyOf(
              meetings.map((meeting) => meeting.id),
              "uuid",
            ),
          )
          .execute();
  const members = await trx
    .selectFrom("network_contacts as c")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select(["o.id", "o.name", "o.kind"])
    .distinct()
    .where("c.network_id", "=", networkId)
    .execute();
  return computeNetworkIndicators({
    year,
    meetings: meetings.map((meeting) => ({ id: meeting.id, startsAt: meeting.starts_at, status: meeting.status })),
    attendance: attendance.map((row) => ({
      meetingId: row.meeting_id,
      organisation: row.id ? ({ id: row.id, name: row.name, kind: row.kind } as IndicatorOrganisation) : null,
    })),
    members: members.map((member) => ({ id: member.id, name: member.name, kind: member.kind as OrganisationKind })),
  });
}

/** The years in which the network has meetings (Paris time), most recent first. */
export async function networkMeetingYears(trx: Trx, networkId: string): Promise<number[]> {
  const rows = await trx
    .selectFrom("meetings")
    .select(sql<number>`DISTINCT extract(year FROM starts_at AT TIME ZONE 'Europe/Paris')::integer`.as("year"))
    .where("network_id", "=", networkId)
    .execute();
  return rows.map((row) => Number(row.year)).sort((a, b) => b - a);
}
