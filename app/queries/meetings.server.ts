import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { createElement } from "react";
import type { DB, InviteeResponse, MeetingStatus } from "../../db/schema.ts";
import { MeetingEmail, type MeetingMailKind, meetingMailSubject } from "../../emails/meeting.tsx";
import { renderEmail } from "../../emails/render.tsx";
import { generateToken, hashToken } from "../auth/tokens.server.ts";
import { type IcsEvent, invitationIcs } from "../domain/ics.ts";
import { formatParisRange } from "../domain/paris-time.ts";
import { enqueueEmail } from "../email/outbox.server.ts";
import { brandOf } from "../notifications/notify.server.tsx";
import { networkAccess } from "./network-access.server.ts";

type Trx = Transaction<DB>;

/** A refusal about a meeting, in French: nothing was written. */
export class MeetingError extends Error {
  override readonly name = "MeetingError";
}

export interface AgendaItemInput {
  title: string;
  durationMinutes: number | null;
  presenter: string;
}

export interface MeetingInput {
  networkId: string;
  title: string;
  description: string;
  place: string;
  visioUrl: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number | null;
  reminderDays: number[];
  agenda: AgendaItemInput[];
}

export interface CreateMeetingInput extends MeetingInput {
  cooperativeId: string;
  actorUserId: string | null;
  status: "draft" | "scheduled";
  seriesId?: string | null;
  publicUrl: string;
  /** The clock (tests); default: now. */
  now?: Date;
}

function checkTimes(input: Pick<MeetingInput, "startsAt" | "endsAt">, now: Date) {
  if (input.endsAt.getTime() <= input.startsAt.getTime()) {
    throw new MeetingError("La fin de la réunion doit suivre son début.");
  }
  if (input.startsAt.getTime() <= now.getTime()) {
    throw new MeetingError("La réunion ne peut pas commencer dans le passé.");
  }
}

async function writeAgenda(trx: Trx, cooperativeId: string, meetingId: string, agenda: AgendaItemInput[]) {
  await trx.deleteFrom("meeting_agenda_items").where("meeting_id", "=", meetingId).execute();
  if (agenda.length === 0) return;
  await trx
    .insertInto("meeting_agenda_items")
    .values(
      agenda.map((item, index) => ({
        cooperative_id: cooperativeId,
        meeting_id: meetingId,
        position: index + 1,
        title: item.title,
        duration_minutes: item.durationMinutes,
        presenter: item.presenter,
      })),
    )
    .execute();
}

/**
 * Creates a meeting of a network the asking user manages, as a draft or scheduled at once: scheduling invites the
 * network contacts of every member organisation (and the leads) and mails each its invitation with the .ics, once.
 */
export async function createMeeting(trx: Trx, input: CreateMeetingInput): Promise<{ id: string; invited: number }> {
  const access = await networkAccess(trx, input.networkId);
  if (!access) throw new MeetingError("Réseau introuvable.");
  if (!access.manages) throw new MeetingError("Seuls les animateurs du réseau organisent ses réunions.");
  checkTimes(input, input.now ?? new Date());
  const meeting = await trx
    .insertInto("meetings")
    .values({
      cooperative_id: input.cooperativeId,
      network_id: input.networkId,
      title: input.title,
      description: input.description,
      place: input.place,
      visio_url: input.visioUrl,
      starts_at: input.startsAt,
      ends_at: input.endsAt,
      capacity: input.capacity,
      reminder_days: input.reminderDays,
      status: "draft",
      ics_uid: `${randomUUID()}@${new URL(input.publicUrl).hostname}`,
      series_id: input.seriesId ?? null,
      created_by: input.actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await writeAgenda(trx, input.cooperativeId, meeting.id, input.agenda);
  if (input.status === "draft") return { id: meeting.id, invited: 0 };
  const { invited } = await scheduleMeeting(trx, { meetingId: meeting.id, publicUrl: input.publicUrl });
  return { id: meeting.id, invited };
}

interface MeetingRow {
  id: string;
  cooperative_id: string;
  network_id: string;
  title: string;
  description: string;
  place: string;
  visio_url: string;
  starts_at: Date;
  ends_at: Date;
  capacity: number | null;
  status: MeetingStatus;
  ics_uid: string;
  ics_sequence: number;
}

async function meetingRow(trx: Trx, meetingId: string): Promise<MeetingRow> {
  const row = await trx
    .selectFrom("meetings")
    .select([
      "id",
      "cooperative_id",
      "network_id",
      "title",
      "description",
      "place",
      "visio_url",
      "starts_at",
      "ends_at",
      "capacity",
      "status",
      "ics_uid",
      "ics_sequence",
    ])
    .where("id", "=", meetingId)
    .executeTakeFirst();
  if (!row) throw new MeetingError("Réunion introuvable.");
  return row;
}

/**
 * Invites the network contacts of every member organisation (an active subscription to the network's offer today)
 * and the network's leads, who are not invited yet. Returns how many were added.
 */
export async function inviteNetwork(trx: Trx, meeting: Pick<MeetingRow, "id" | "cooperative_id" | "network_id">) {
  // network_members(): the member organisations today (Paris), past the subscriptions' privacy, which would hide the
  // other organisations from a lead who is not an operator admin.
  const contacts = await trx
    .selectFrom("network_contacts as c")
    .innerJoin(
      sql<{ organisation_id: string }>`network_members(${meeting.network_id})`.as("members"),
      "members.organisation_id",
      "c.organisation_id",
    )
    .select(["c.user_id", "c.organisation_id"])
    .where("c.network_id", "=", meeting.network_id)
    .orderBy("c.added_at")
    .execute();
  const leads = await trx
    .selectFrom("network_leads")
    .select("user_id")
    .where("network_id", "=", meeting.network_id)
    .execute();
  const already = new Set(
    (
      await trx
        .selectFrom("meeting_invitees")
        .select("user_id")
        .where("meeting_id", "=", meeting.id)
        .where("user_id", "is not", null)
        .execute()
    ).map((row) => row.user_id),
  );
  const rows: { user_id: string; organisation_id: string | null; source: "contact" | "user" }[] = [];
  for (const contact of contacts) {
    if (already.has(contact.user_id)) continue;
    already.add(contact.user_id);
    rows.push({ user_id: contact.user_id, organisation_id: contact.organisation_id, source: "contact" });
  }
  for (const lead of leads) {
    if (already.has(lead.user_id)) continue;
    already.add(lead.user_id);
    rows.push({ user_id: lead.user_id, organisation_id: null, source: "user" });
  }
  if (rows.length === 0) return 0;
  await trx
    .insertInto("meeting_invitees")
    .values(
      rows.map((row) => ({
        cooperative_id: meeting.cooperative_id,
        meeting_id: meeting.id,
        ...row,
        // A placeholder never disclosed: the real token is made when the invitation is mailed.
        rsvp_token_hash: hashToken(generateToken()),
      })),
    )
    .execute();
  return rows.length;
}

/** Schedules a draft: invites the network and mails every invitation. */
export async function scheduleMeeting(
  trx: Trx,
  { meetingId, publicUrl, now = new Date() }: { meetingId: string; publicUrl: string; now?: Date },
): Promise<{ invited: number }> {
  const meeting = await meetingRow(trx, meetingId);
  if (meeting.status !== "draft") throw new MeetingError("Seul un brouillon peut être programmé.");
  checkTimes({ startsAt: meeting.starts_at, endsAt: meeting.ends_at }, now);
  await trx
    .updateTable("meetings")
    .set({ status: "scheduled", updated_at: new Date() })
    .where("id", "=", meetingId)
    .execute();
  const invited = await inviteNetwork(trx, meeting);
  await mailInvitations(trx, meetingId, publicUrl);
  return { invited };
}

export interface GuestInput {
  name: string;
  email: string;
}

/**
 * Adds invitees beyond the network's contacts: users of the cooperative (refused, naming none, when one is not a
 * member of it) and guests known by name and email; a scheduled meeting mails them at once.
 */
export async function addInvitees(
  trx: Trx,
  input: { meetingId: string; userIds: string[]; guests: GuestInput[]; publicUrl: string },
): Promise<number> {
  const meeting = await meetingRow(trx, input.meetingId);
  if (meeting.status === "cancelled" || meeting.status === "held") {
    throw new MeetingError("Cette réunion n'accepte plus d'invités.");
  }
  const userIds = [...new Set(input.userIds)];
  const members =
    userIds.length === 0
      ? []
      : await trx
          .selectFrom("memberships")
          .select(["user_id", "organisation_id"])
          .where("cooperative_id", "=", meeting.cooperative_id)
          .where("user_id", "in", userIds)
          .execute();
  const known = new Map(members.map((member) => [member.user_id, member.organisation_id]));
  if (userIds.some((id) => !known.has(id))) {
    throw new MeetingError("Une personne choisie n'appartient pas à la coopérative.");
  }
  const existing = await trx
    .selectFrom("meeting_invitees")
    .select(["user_id", "guest_email"])
    .where("meeting_id", "=", meeting.id)
    .execute();
  const invitedUsers = new Set(existing.map((row) => row.user_id));
  const invitedGuests = new Set(existing.map((row) => row.guest_email?.toLowerCase()));
  const rows = [
    ...userIds
      .filter((id) => !invitedUsers.has(id))
      .map((id) => ({
        user_id: id,
        organisation_id: known.get(id) ?? null,
        guest_name: null,
        guest_email: null,
        source: "user" as const,
      })),
    ...input.guests
      .filter((guest) => !invitedGuests.has(guest.email.toLowerCase()))
      .map((guest) => ({
        user_id: null,
        organisation_id: null,
        guest_name: guest.name,
        guest_email: guest.email,
        source: "guest" as const,
      })),
  ];
  if (rows.length === 0) return 0;
  await trx
    .insertInto("meeting_invitees")
    .values(
      rows.map((row) => ({
        ...row,
        cooperative_id: meeting.cooperative_id,
        meeting_id: meeting.id,
        rsvp_token_hash: hashToken(generateToken()),
      })),
    )
    .execute();
  if (meeting.status === "scheduled") await mailInvitations(trx, meeting.id, input.publicUrl);
  return rows.length;
}

async function agendaLines(trx: Trx, meetingId: string): Promise<string[]> {
  const items = await trx
    .selectFrom("meeting_agenda_items")
    .select(["title", "duration_minutes", "presenter"])
    .where("meeting_id", "=", meetingId)
    .orderBy("position")
    .execute();
  return items.map((item) => {
    const details = [item.duration_minutes ? `${item.duration_minutes} min` : "", item.presenter]
      .filter(Boolean)
      .join(", ");
    return details ? `${item.title} (${details})` : item.title;
  });
}

async function networkName(trx: Trx, networkId: string): Promise<string> {
  const row = await trx
    .selectFrom("networks as n")
    .innerJoin("offers as o", "o.id", "n.offer_id")
    .select("o.title")
    .where("n.id", "=", networkId)
    .executeTakeFirstOrThrow();
  return row.title;
}

/** Everything a meeting's mails share: its facts, in words, and how to build its .ics. */
async function mailContext(trx: Trx, meeting: MeetingRow, publicUrl: string) {
  const { brand, replyTo } = await brandOf(trx, meeting.cooperative_id);
  const name = await networkName(trx, meeting.network_id);
  const agenda = await agendaLines(trx, meeting.id);
  const meetingLink = new URL(`/reunions/${meeting.id}`, publicUrl).toString();
  const organizer = { name: brand.name, email: replyTo ?? `ne-pas-repondre@${new URL(publicUrl).hostname}` };
  const when = formatParisRange(meeting.starts_at, meeting.ends_at);
  const ics = (attendee: { name: string; email: string }): IcsEvent => ({
    uid: meeting.ics_uid,
    sequence: meeting.ics_sequence,
    startsAt: meeting.starts_at,
    endsAt: meeting.ends_at,
    summary: `${meeting.title} (${name})`,
    description: [meeting.description, agenda.length > 0 ? `Ordre du jour :\n${agenda.join("\n")}` : "", meetingLink]
      .filter(Boolean)
      .join("\n\n"),
    location: [meeting.place, meeting.visio_url].filter(Boolean).join(" — "),
    url: meetingLink,
    cancelled: meeting.status === "cancelled",
    organizer,
    attendees: [attendee],
  });
  const render = (kind: MeetingMailKind, rsvpLink: string | null) => {
    const props = {
      kind,
      networkName: name,
      title: meeting.title,
      when,
      place: meeting.place,
      visioUrl: meeting.visio_url,
      agenda,
      rsvpLink,
      meetingLink,
      brand,
    };
    return renderEmail(meetingMailSubject(props), createElement(MeetingEmail, props));
  };
  return { replyTo, ics, render };
}

interface Recipient {
  id: string;
  email: string;
  name: string;
  response: InviteeResponse;
  sent_sequence: number | null;
}

async function recipients(trx: Trx, meetingId: string): Promise<Recipient[]> {
  const rows = await trx
    .selectFrom("meeting_invitees as i")
    .leftJoin("users as u", "u.id", "i.user_id")
    .select(["i.id", "i.guest_email", "i.guest_name", "u.email", "u.display_name", "i.response", "i.sent_sequence"])
    .where("i.meeting_id", "=", meetingId)
    .orderBy("i.invited_at")
    .orderBy("i.id")
    .execute();
  return rows.flatMap((row) => {
    const email = row.guest_email ?? row.email;
    if (!email) return [];
    return [
      {
        id: row.id,
        email,
        name: row.guest_name ?? row.display_name ?? email,
        response: row.response,
        sent_sequence: row.sent_sequence,
      },
    ];
  });
}

/**
 * Mails every invitee what it has not received of the meeting's current state: the invitation (with its personal
 * answer link: a fresh token, whose hash replaces the placeholder), an update (same UID, higher SEQUENCE) or the
 * cancellation (METHOD:CANCEL), each with its .ics; people who declined get nothing more. Returns how many mails.
 */
export async function mailInvitations(trx: Trx, meetingId: string, publicUrl: string): Promise<number> {
  const meeting = await meetingRow(trx, meetingId);
  if (meeting.status === "draft") return 0;
  const cancelled = meeting.status === "cancelled";
  const due = (await recipients(trx, meetingId)).filter(
    (person) =>
      (person.sent_sequence === null || person.sent_sequence < meeting.ics_sequence) &&
      person.response !== "declined" &&
      // A cancellation goes to those who knew of the meeting.
      (!cancelled || person.sent_sequence !== null),
  );
  if (due.length === 0) return 0;
  const context = await mailContext(trx, meeting, publicUrl);
  for (const person of due) {
    const first = person.sent_sequence === null;
    const token = first ? generateToken() : null;
    const kind: MeetingMailKind = cancelled ? "cancellation" : first ? "invitation" : "update";
    const mail = await context.render(kind, token ? new URL(`/invitation/${token}`, publicUrl).toString() : null);
    const ics = invitationIcs(context.ics({ name: person.name, email: person.email }));
    await enqueueEmail(trx, {
      kind: `meeting_${kind}`,
      to: person.email,
      cooperativeId: meeting.cooperative_id,
      replyTo: context.replyTo,
      ...mail,
      attachments: [
        {
          filename: cancelled ? "annulation.ics" : "invitation.ics",
          contentType: `text/calendar; charset=utf-8; method=${cancelled ? "CANCEL" : "REQUEST"}`,
          contentBase64: Buffer.from(ics, "utf8").toString("base64"),
        },
      ],
    });
    await trx
      .updateTable("meeting_invitees")
      .set({ sent_sequence: meeting.ics_sequence, ...(token ? { rsvp_token_hash: hashToken(token) } : {}) })
      .where("id", "=", person.id)
      .execute();
  }
  return due.length;
}

/** Cancels a scheduled (or draft) meeting: invitees who knew of it get the cancellation with its .ics. */
export async function cancelMeeting(trx: Trx, { meetingId, publicUrl }: { meetingId: string; publicUrl: string }) {
  const meeting = await meetingRow(trx, meetingId);
  if (meeting.status === "cancelled") throw new MeetingError("Cette réunion est déjà annulée.");
  if (meeting.status === "held") throw new MeetingError("Une réunion qui a eu lieu ne s'annule plus.");
  await trx
    .updateTable("meetings")
    .set((eb) => ({ status: "cancelled", ics_sequence: eb("ics_sequence", "+", 1), updated_at: new Date() }))
    .where("id", "=", meetingId)
    .execute();
  return { mailed: await mailInvitations(trx, meetingId, publicUrl) };
}

/** What an answer did: the outcome (a yes may wait on the list) and whom it promoted from the waiting list. */
export interface AnswerResult {
  outcome: InviteeResponse;
  promotedInviteeId: string | null;
}

/**
 * An invitee answers (under its own user, or its RSVP token in the lookup): yes, no, or cancels its yes. Through
 * meeting_answer() (decision 018): a yes beyond the capacity waits; a place freed promotes the first waiting, who
 * is told by mail. Refused in French for a cancelled or past meeting.
 */
export async function answerInvitation(
  trx: Trx,
  input: { inviteeId: string; response: "accepted" | "declined" | "cancelled"; publicUrl: string },
): Promise<AnswerResult> {
  let row: { outcome: InviteeResponse; promoted_invitee: string | null; promoted_email: string | null } | undefined;
  try {
    await sql`SAVEPOINT answer`.execute(trx);
    const result = await sql<{
      outcome: InviteeResponse;
      promoted_invitee: string | null;
      promoted_email: string | null;
    }>`SELECT * FROM meeting_answer(${input.inviteeId}, ${input.response})`.execute(trx);
    row = result.rows[0];
  } catch (error) {
    await sql`ROLLBACK TO SAVEPOINT answer`.execute(trx);
    const code = (error as { code?: string }).code;
    if (code === "55000")
      throw new MeetingError("Cette réunion n'attend plus de réponse : elle est annulée ou passée.");
    if (code === "42501") throw new MeetingError("Invitation introuvable.");
    throw error;
  }
  if (!row) throw new MeetingError("Invitation introuvable.");
  if (row.promoted_invitee && row.promoted_email) {
    const meeting = await trx
      .selectFrom("meeting_invitees as i")
      .innerJoin("meetings as m", "m.id", "i.meeting_id")
      .select("m.id")
      .where("i.id", "=", input.inviteeId)
      .executeTakeFirstOrThrow();
    const full = await meetingRow(trx, meeting.id);
    const context = await mailContext(trx, full, input.publicUrl);
    await enqueueEmail(trx, {
      kind: "meeting_promoted",
      to: row.promoted_email,
      cooperativeId: full.cooperative_id,
      replyTo: context.replyTo,
      ...(await context.render("promoted", null)),
    });
  }
  return { outcome: row.outcome, promotedInviteeId: row.promoted_invitee };
}
