import { randomUUID } from "node:crypto";
import { sql, type Transaction } from "kysely";
import { createElement } from "react";
import { anyOf } from "../../db/any.ts";
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

/** A meeting's facts as its columns. */
function meetingColumns(input: Omit<MeetingInput, "networkId" | "agenda">) {
  return {
    title: input.title,
    description: input.description,
    place: input.place,
    visio_url: input.visioUrl,
    starts_at: input.startsAt,
    ends_at: input.endsAt,
    capacity: input.capacity,
    reminder_days: input.reminderDays,
  };
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
      ...meetingColumns(input),
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

export interface MeetingRow {
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
  reminder_days: number[];
  series_id: string | null;
}

export async function meetingRow(trx: Trx, meetingId: string): Promise<MeetingRow> {
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
      "reminder_days",
      "series_id",
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
          .where("user_id", "=", anyOf(userIds, "uuid"))
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

/** A meeting's agenda, in order. */
async function agendaItems(trx: Trx, meetingId: string): Promise<AgendaItemInput[]> {
  const items = await trx
    .selectFrom("meeting_agenda_items")
    .select(["title", "duration_minutes", "presenter"])
    .where("meeting_id", "=", meetingId)
    .orderBy("position")
    .execute();
  return items.map((item) => ({
    title: item.title,
    durationMinutes: item.duration_minutes,
    presenter: item.presenter,
  }));
}

async function agendaLines(trx: Trx, meetingId: string): Promise<string[]> {
  const items = await agendaItems(trx, meetingId);
  return items.map((item) => {
    const details = [item.durationMinutes ? `${item.durationMinutes} min` : "", item.presenter]
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
export async function mailContext(trx: Trx, meeting: MeetingRow, publicUrl: string) {
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

export interface Recipient {
  id: string;
  email: string;
  name: string;
  response: InviteeResponse;
  responded_at: Date | null;
  sent_sequence: number | null;
  reminded_days: number[];
}

export async function recipients(trx: Trx, meetingId: string): Promise<Recipient[]> {
  const rows = await trx
    .selectFrom("meeting_invitees as i")
    .leftJoin("users as u", "u.id", "i.user_id")
    .select([
      "i.id",
      "i.guest_email",
      "i.guest_name",
      "u.email",
      "u.display_name",
      "u.disabled_at",
      "i.response",
      "i.responded_at",
      "i.sent_sequence",
      "i.reminded_days",
    ])
    .where("i.meeting_id", "=", meetingId)
    .orderBy("i.invited_at")
    .orderBy("i.id")
    .execute();
  return rows.flatMap((row) => {
    const email = row.guest_email ?? row.email;
    // A disabled account gets no more mail.
    if (!email || row.disabled_at) return [];
    return [
      {
        id: row.id,
        email,
        name: row.guest_name ?? row.display_name ?? email,
        response: row.response,
        responded_at: row.responded_at,
        sent_sequence: row.sent_sequence,
        reminded_days: row.reminded_days,
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

/** Creates one meeting, or a series (every occurrence at once, under one series id), each like createMeeting. */
export async function createMeetings(
  trx: Trx,
  input: Omit<CreateMeetingInput, "startsAt" | "endsAt" | "seriesId"> & {
    occurrences: { startsAt: Date; endsAt: Date }[];
  },
): Promise<{ ids: string[]; invited: number; seriesId: string | null }> {
  const { occurrences, ...common } = input;
  if (occurrences.length === 0) throw new MeetingError("Indiquez la date de la réunion.");
  const seriesId = occurrences.length > 1 ? randomUUID() : null;
  const ids: string[] = [];
  let invited = 0;
  for (const occurrence of occurrences) {
    const created = await createMeeting(trx, { ...common, ...occurrence, seriesId });
    ids.push(created.id);
    invited += created.invited;
  }
  return { ids, invited, seriesId };
}

async function requireManaged(trx: Trx, meeting: MeetingRow) {
  const access = await networkAccess(trx, meeting.network_id);
  if (!access?.manages) throw new MeetingError("Seuls les animateurs du réseau organisent ses réunions.");
}

async function acceptedCount(trx: Trx, meetingId: string): Promise<number> {
  const row = await trx
    .selectFrom("meeting_invitees")
    .select((eb) => eb.fn.countAll<string>().as("count"))
    .where("meeting_id", "=", meetingId)
    .where("response", "=", "accepted")
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/**
 * Changes a draft or an upcoming scheduled meeting. A scheduled meeting whose facts (title, description, time,
 * place, visio, agenda) change raises its SEQUENCE and mails the update (same UID) to every invitee who has not
 * declined; a new time also lets the reminders go again. A capacity below the people already accepted is refused;
 * a higher one promotes the waiting list, who are told.
 */
export async function updateMeeting(
  trx: Trx,
  input: Omit<MeetingInput, "networkId"> & { meetingId: string; publicUrl: string; now?: Date },
): Promise<{ mailed: number; promoted: number }> {
  const now = input.now ?? new Date();
  const meeting = await meetingRow(trx, input.meetingId);
  await requireManaged(trx, meeting);
  if (meeting.status !== "draft" && meeting.status !== "scheduled") {
    throw new MeetingError("Une réunion annulée ou tenue ne se modifie plus.");
  }
  if (meeting.status === "scheduled" && meeting.starts_at.getTime() <= now.getTime()) {
    throw new MeetingError("Une réunion commencée ne se modifie plus.");
  }
  checkTimes(input, now);
  const accepted = await acceptedCount(trx, meeting.id);
  if (input.capacity !== null && input.capacity < accepted) {
    throw new MeetingError(
      `${accepted} personnes sont déjà inscrites : la capacité ne peut pas descendre en dessous de ${accepted}.`,
    );
  }
  const agendaBefore = await agendaLines(trx, meeting.id);
  const moved =
    meeting.starts_at.getTime() !== input.startsAt.getTime() || meeting.ends_at.getTime() !== input.endsAt.getTime();
  await writeAgenda(trx, meeting.cooperative_id, meeting.id, input.agenda);
  const changed =
    moved ||
    meeting.title !== input.title ||
    meeting.description !== input.description ||
    meeting.place !== input.place ||
    meeting.visio_url !== input.visioUrl ||
    JSON.stringify(agendaBefore) !== JSON.stringify(await agendaLines(trx, meeting.id));
  const mails = meeting.status === "scheduled" && changed;
  await trx
    .updateTable("meetings")
    .set((eb) => ({
      ...meetingColumns(input),
      updated_at: now,
      ...(mails ? { ics_sequence: eb("ics_sequence", "+", 1) } : {}),
    }))
    .where("id", "=", meeting.id)
    .execute();
  if (moved) {
    await trx.updateTable("meeting_invitees").set({ reminded_days: [] }).where("meeting_id", "=", meeting.id).execute();
  }
  const promoted = await promoteWaiting(trx, meeting.id, input.capacity, accepted, input.publicUrl);
  const mailed = mails ? await mailInvitations(trx, meeting.id, input.publicUrl) : 0;
  return { mailed, promoted };
}

/** Places freed by a higher capacity go to the waiting list, first come first served; each is told. */
async function promoteWaiting(
  trx: Trx,
  meetingId: string,
  capacity: number | null,
  accepted: number,
  publicUrl: string,
): Promise<number> {
  const free = capacity === null ? Number.POSITIVE_INFINITY : capacity - accepted;
  if (free <= 0) return 0;
  const waiting = (await recipients(trx, meetingId))
    .filter((person) => person.response === "waitlisted")
    .sort((left, right) => (left.responded_at?.getTime() ?? 0) - (right.responded_at?.getTime() ?? 0))
    .slice(0, Number.isFinite(free) ? free : undefined);
  if (waiting.length === 0) return 0;
  const meeting = await meetingRow(trx, meetingId);
  const context = await mailContext(trx, meeting, publicUrl);
  const mail = await context.render("promoted", null);
  for (const person of waiting) {
    await trx
      .updateTable("meeting_invitees")
      .set({ response: "accepted", responded_at: new Date() })
      .where("id", "=", person.id)
      .execute();
    await enqueueEmail(trx, {
      kind: "meeting_promoted",
      to: person.email,
      cooperativeId: meeting.cooperative_id,
      replyTo: context.replyTo,
      ...mail,
    });
  }
  return waiting.length;
}

/** A new draft with the same facts and agenda as a meeting, at the date chosen (no invitees, no series). */
export async function copyMeeting(
  trx: Trx,
  input: {
    meetingId: string;
    startsAt: Date;
    endsAt: Date;
    actorUserId: string | null;
    publicUrl: string;
    now?: Date;
  },
): Promise<{ id: string }> {
  const meeting = await meetingRow(trx, input.meetingId);
  const { id } = await createMeeting(trx, {
    networkId: meeting.network_id,
    cooperativeId: meeting.cooperative_id,
    title: meeting.title,
    description: meeting.description,
    place: meeting.place,
    visioUrl: meeting.visio_url,
    startsAt: input.startsAt,
    endsAt: input.endsAt,
    capacity: meeting.capacity,
    reminderDays: meeting.reminder_days,
    agenda: await agendaItems(trx, meeting.id),
    status: "draft",
    actorUserId: input.actorUserId,
    publicUrl: input.publicUrl,
    now: input.now,
  });
  return { id };
}

/**
 * "Relancer ceux qui n'ont pas répondu": mails each invitee still pending (and already invited by mail) once per
 * call, with a fresh personal answer link (its hash replaces the previous one). Those who answered get nothing.
 */
export async function nudgeMeeting(
  trx: Trx,
  { meetingId, publicUrl, now = new Date() }: { meetingId: string; publicUrl: string; now?: Date },
): Promise<number> {
  const meeting = await meetingRow(trx, meetingId);
  await requireManaged(trx, meeting);
  if (meeting.status !== "scheduled" || meeting.starts_at.getTime() <= now.getTime()) {
    throw new MeetingError("Seule une réunion programmée et à venir se relance.");
  }
  const pending = (await recipients(trx, meetingId)).filter(
    (person) => person.response === "pending" && person.sent_sequence !== null,
  );
  if (pending.length === 0) return 0;
  const context = await mailContext(trx, meeting, publicUrl);
  for (const person of pending) {
    const token = generateToken();
    const mail = await context.render("nudge", new URL(`/invitation/${token}`, publicUrl).toString());
    await enqueueEmail(trx, {
      kind: "meeting_nudge",
      to: person.email,
      cooperativeId: meeting.cooperative_id,
      replyTo: context.replyTo,
      ...mail,
    });
    await trx
      .updateTable("meeting_invitees")
      .set({ rsvp_token_hash: hashToken(token) })
      .where("id", "=", person.id)
      .execute();
  }
  return pending.length;
}

export interface MeetingDetails {
  id: string;
  cooperativeId: string;
  networkId: string;
  networkName: string;
  title: string;
  description: string;
  place: string;
  visioUrl: string;
  startsAt: Date;
  endsAt: Date;
  capacity: number | null;
  status: MeetingStatus;
  reminderDays: number[];
  seriesId: string | null;
  icsSequence: number;
  agenda: AgendaItemInput[];
}

/** A meeting as its page shows it (row-level security decides whether it is visible: null otherwise). */
export async function findMeeting(trx: Trx, meetingId: string): Promise<MeetingDetails | null> {
  const meeting = await meetingRow(trx, meetingId).catch((error: unknown) => {
    if (error instanceof MeetingError) return null;
    throw error;
  });
  if (!meeting) return null;
  return {
    id: meeting.id,
    cooperativeId: meeting.cooperative_id,
    networkId: meeting.network_id,
    networkName: await networkName(trx, meeting.network_id),
    title: meeting.title,
    description: meeting.description,
    place: meeting.place,
    visioUrl: meeting.visio_url,
    startsAt: meeting.starts_at,
    endsAt: meeting.ends_at,
    capacity: meeting.capacity,
    status: meeting.status,
    reminderDays: meeting.reminder_days,
    seriesId: meeting.series_id,
    icsSequence: meeting.ics_sequence,
    agenda: await agendaItems(trx, meeting.id),
  };
}

export interface InviteeRow {
  id: string;
  name: string;
  email: string;
  organisationName: string | null;
  source: "contact" | "user" | "guest";
  response: InviteeResponse;
  respondedAt: Date | null;
  /** Place on the waiting list (1 = next), or null. */
  waitlistPosition: number | null;
}

/** Every invitee of a meeting, for its managers (row-level security shows others only their own people). */
export async function listInvitees(trx: Trx, meetingId: string): Promise<InviteeRow[]> {
  const rows = await trx
    .selectFrom("meeting_invitees as i")
    .leftJoin("users as u", "u.id", "i.user_id")
    .leftJoin("organisations as o", "o.id", "i.organisation_id")
    .select([
      "i.id",
      "i.guest_name",
      "i.guest_email",
      "u.display_name",
      "u.email",
      "o.name as organisation_name",
      "i.source",
      "i.response",
      "i.responded_at",
    ])
    .where("i.meeting_id", "=", meetingId)
    .orderBy("o.name")
    .orderBy("u.display_name")
    .orderBy("i.guest_name")
    .execute();
  const waiting = rows
    .filter((row) => row.response === "waitlisted")
    .sort(
      (left, right) =>
        (left.responded_at?.getTime() ?? 0) - (right.responded_at?.getTime() ?? 0) || left.id.localeCompare(right.id),
    )
    .map((row) => row.id);
  return rows.map((row) => ({
    id: row.id,
    name: row.guest_name ?? row.display_name ?? row.email ?? "",
    email: row.guest_email ?? row.email ?? "",
    organisationName: row.organisation_name,
    source: row.source,
    response: row.response,
    respondedAt: row.responded_at,
    waitlistPosition: row.response === "waitlisted" ? waiting.indexOf(row.id) + 1 : null,
  }));
}

export interface OwnInvitation {
  id: string;
  name: string;
  response: InviteeResponse;
  waitlistPosition: number | null;
}

async function invitationWhere(
  trx: Trx,
  filter: { meetingId: string; userId: string } | { tokenHash: string },
): Promise<OwnInvitation | null> {
  let query = trx
    .selectFrom("meeting_invitees as i")
    .leftJoin("users as u", "u.id", "i.user_id")
    .select([
      "i.id",
      "i.guest_name",
      "u.display_name",
      "i.response",
      sql<number | null>`meeting_waitlist_position(i.id)`.as("position"),
    ]);
  query =
    "tokenHash" in filter
      ? query.where("i.rsvp_token_hash", "=", filter.tokenHash)
      : query.where("i.meeting_id", "=", filter.meetingId).where("i.user_id", "=", filter.userId);
  const row = await query.executeTakeFirst();
  if (!row) return null;
  return {
    id: row.id,
    name: row.guest_name ?? row.display_name ?? "",
    response: row.response,
    waitlistPosition: row.position === null ? null : Number(row.position),
  };
}

/** The signed-in user's own invitation to a meeting, with its place on the waiting list; null when not invited. */
export function findOwnInvitation(trx: Trx, meetingId: string, userId: string): Promise<OwnInvitation | null> {
  return invitationWhere(trx, { meetingId, userId });
}

/**
 * Where an RSVP token leads (in a transaction presenting its hash, without any cooperative): the invitation's
 * meeting and cooperative, so that the page can then act in that cooperative's context; null for a forged token.
 */
export async function locateRsvpToken(
  trx: Trx,
  tokenHash: string,
): Promise<{ meetingId: string; cooperativeId: string } | null> {
  const row = await trx
    .selectFrom("meeting_invitees")
    .select(["meeting_id", "cooperative_id"])
    .where("rsvp_token_hash", "=", tokenHash)
    .executeTakeFirst();
  return row ? { meetingId: row.meeting_id, cooperativeId: row.cooperative_id } : null;
}

/** The invitation an RSVP token opens (the transaction presents its hash), with its place on the waiting list. */
export function findInvitationByToken(trx: Trx, tokenHash: string): Promise<OwnInvitation | null> {
  return invitationWhere(trx, { tokenHash });
}

/** The .ics of the user's own invitation (REQUEST, or CANCEL once cancelled); null when not invited or a draft. */
export async function ownInvitationIcs(
  trx: Trx,
  { meetingId, userId, publicUrl }: { meetingId: string; userId: string; publicUrl: string },
): Promise<string | null> {
  const person = await trx
    .selectFrom("meeting_invitees as i")
    .innerJoin("users as u", "u.id", "i.user_id")
    .select(["u.email", "u.display_name"])
    .where("i.meeting_id", "=", meetingId)
    .where("i.user_id", "=", userId)
    .executeTakeFirst();
  if (!person) return null;
  const meeting = await meetingRow(trx, meetingId);
  if (meeting.status === "draft") return null;
  const context = await mailContext(trx, meeting, publicUrl);
  return invitationIcs(context.ics({ name: person.display_name, email: person.email }));
}

/** People of the cooperative who may be invited to a meeting and are not yet (for its managers' form). */
export async function inviteCandidates(
  trx: Trx,
  meeting: { id: string; cooperativeId: string },
): Promise<{ userId: string; name: string; organisationName: string }[]> {
  const rows = await trx
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .select(["u.id", "u.display_name", "o.name"])
    .where("m.cooperative_id", "=", meeting.cooperativeId)
    .where("u.disabled_at", "is", null)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("meeting_invitees as i")
            .select("i.id")
            .whereRef("i.user_id", "=", "u.id")
            .where("i.meeting_id", "=", meeting.id),
        ),
      ),
    )
    .orderBy("o.name")
    .orderBy("u.display_name")
    .execute();
  const seen = new Set<string>();
  return rows.flatMap((row) => {
    if (seen.has(row.id)) return [];
    seen.add(row.id);
    return [{ userId: row.id, name: row.display_name, organisationName: row.name }];
  });
}
