import { sql, type Transaction } from "kysely";
import { anyOf } from "../../db/any.ts";
import type { DB, PollAnswer } from "../../db/schema.ts";
import { formatParisRange } from "../domain/paris-time.ts";
import { tallyPoll } from "../domain/polls.ts";
import { notify } from "../notifications/notify.server.tsx";
import { createMeeting } from "./meetings.server.ts";
import type { NetworkAccess } from "./network-access.server.ts";
import { contactRecipients, listLeads } from "./networks.server.ts";

type Trx = Transaction<DB>;

/** A refusal about a poll, in French: nothing was written. */
export class PollError extends Error {
  override readonly name = "PollError";
}

// ---------------------------------------------------------------------------------------------
// Opening a poll

export interface NewPoll {
  network: NetworkAccess;
  title: string;
  description: string;
  slots: { startsAt: Date; endsAt: Date }[];
  actorUserId: string;
}

/**
 * Opens a poll with its slots (the network's managers: row-level security) and tells the network's contacts and
 * leads (notify, kind "networks"), in the caller's transaction. Returns its id.
 */
export async function openPoll(trx: Trx, publicUrl: string, poll: NewPoll): Promise<string> {
  const { id } = await trx
    .insertInto("date_polls")
    .values({
      cooperative_id: poll.network.cooperativeId,
      network_id: poll.network.id,
      title: poll.title,
      description: poll.description,
      created_by: poll.actorUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("date_poll_slots")
    .values(
      poll.slots.map((slot) => ({
        cooperative_id: poll.network.cooperativeId,
        poll_id: id,
        starts_at: slot.startsAt,
        ends_at: slot.endsAt,
      })),
    )
    .execute();
  const leads = await listLeads(trx, poll.network.id);
  const recipients = [...(await contactRecipients(trx, poll.network.id)), ...leads.map((lead) => lead.userId)];
  await notify(trx, publicUrl, {
    cooperativeId: poll.network.cooperativeId,
    kind: "networks",
    recipients: recipients.filter((userId) => userId !== poll.actorUserId),
    title: `${poll.network.name} : sondage de dates « ${poll.title} »`,
    body: `Indiquez vos disponibilités pour ${poll.slots.length === 1 ? "le créneau proposé" : `les ${poll.slots.length} créneaux proposés`} : ${poll.slots
      .map((slot) => formatParisRange(slot.startsAt, slot.endsAt))
      .join(" ; ")}.`,
    path: `/reseaux/${poll.network.id}/sondages/${id}`,
  });
  return id;
}

export interface PollSummary {
  id: string;
  title: string;
  slots: number;
  createdAt: Date;
}

/** The network's open polls, newest first. */
export function listOpenPolls(trx: Trx, networkId: string): Promise<PollSummary[]> {
  return trx
    .selectFrom("date_polls as p")
    .select([
      "p.id",
      "p.title",
      "p.created_at as createdAt",
      sql<number>`(select count(*) from date_poll_slots s where s.poll_id = p.id)::integer`.as("slots"),
    ])
    .where("p.network_id", "=", networkId)
    .where("p.status", "=", "open")
    .orderBy("p.created_at", "desc")
    .execute();
}

// ---------------------------------------------------------------------------------------------
// A poll, its answers and its tally

export interface PollDetails {
  id: string;
  networkId: string;
  title: string;
  description: string;
  status: "open" | "closed";
  pickedSlotId: string | null;
  meetingId: string | null;
  closedAt: Date | null;
  slots: { id: string; startsAt: Date; endsAt: Date }[];
  answers: {
    slotId: string;
    userId: string;
    displayName: string;
    organisationId: string;
    answer: PollAnswer;
  }[];
}

/** A poll of the network (null: none of this network in sight), its slots in time order and every answer. */
export async function findPoll(trx: Trx, networkId: string, pollId: string): Promise<PollDetails | null> {
  const poll = await trx
    .selectFrom("date_polls")
    .select(["id", "network_id", "title", "description", "status", "picked_slot_id", "meeting_id", "closed_at"])
    .where("id", "=", pollId)
    .where("network_id", "=", networkId)
    .executeTakeFirst();
  if (!poll) return null;
  const slots = await trx
    .selectFrom("date_poll_slots")
    .select(["id", "starts_at as startsAt", "ends_at as endsAt"])
    .where("poll_id", "=", pollId)
    .orderBy("starts_at")
    .orderBy("ends_at")
    .execute();
  const answers = await trx
    .selectFrom("date_poll_answers as a")
    .innerJoin("date_poll_slots as s", "s.id", "a.slot_id")
    .innerJoin("users as u", "u.id", "a.user_id")
    .select([
      "a.slot_id as slotId",
      "a.user_id as userId",
      "u.display_name as displayName",
      "a.organisation_id as organisationId",
      "a.answer",
    ])
    .where("s.poll_id", "=", pollId)
    .orderBy("u.display_name")
    .execute();
  return {
    id: poll.id,
    networkId: poll.network_id,
    title: poll.title,
    description: poll.description,
    status: poll.status,
    pickedSlotId: poll.picked_slot_id,
    meetingId: poll.meeting_id,
    closedAt: poll.closed_at,
    slots,
    answers,
  };
}

/** The organisations a user is a network contact for (answering for the first, or the active one when among them). */
export async function contactOrganisationsOf(trx: Trx, networkId: string, userId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("network_contacts as c")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select("c.organisation_id")
    .where("c.network_id", "=", networkId)
    .where("c.user_id", "=", userId)
    .orderBy(sql`o.search_name COLLATE "C"`)
    .execute();
  return rows.map((row) => row.organisation_id);
}

/** The tally of a poll over the network's contacts (people asked), per slot and per organisation. */
export async function pollTally(trx: Trx, poll: PollDetails) {
  const contacts = await trx
    .selectFrom("network_contacts as c")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select(["c.user_id", "c.organisation_id", "o.name"])
    .where("c.network_id", "=", poll.networkId)
    .orderBy(sql`o.search_name COLLATE "C"`)
    .execute();
  const names = new Map(contacts.map((contact) => [contact.organisation_id, contact.name]));
  const missing = poll.answers.map((answer) => answer.organisationId).filter((id) => !names.has(id));
  if (missing.length > 0) {
    for (const row of await trx
      .selectFrom("organisations")
      .select(["id", "name"])
      .where("id", "=", anyOf(missing, "uuid"))
      .execute()) {
      names.set(row.id, row.name);
    }
  }
  const tally = tallyPoll({
    slotIds: poll.slots.map((slot) => slot.id),
    answers: poll.answers,
    invitees: new Set(contacts.map((contact) => contact.user_id)).size,
    organisationIds: [...new Set(contacts.map((contact) => contact.organisation_id))],
  });
  return {
    ...tally,
    organisations: tally.organisations.map((organisation) => ({
      ...organisation,
      name: names.get(organisation.organisationId) ?? "—",
    })),
  };
}

/**
 * Records (or changes) a user's answers, for the organisation it is a network contact of, while the poll is open.
 * Refused in French when the poll is closed, when the user is not a contact, or for a slot of another poll. The
 * policies refuse the same (an answer is one's own, while the poll is open, as a contact of that organisation).
 */
export async function answerPoll(
  trx: Trx,
  input: {
    poll: PollDetails;
    cooperativeId: string;
    userId: string;
    organisationId: string;
    answers: Record<string, PollAnswer>;
  },
): Promise<void> {
  // Not locked (FOR UPDATE would need the managers' update policy): a pick committed meanwhile is caught by the
  // policy, which lets an answer in only while the poll is open.
  const status = await trx.selectFrom("date_polls").select("status").where("id", "=", input.poll.id).executeTakeFirst();
  if (status?.status !== "open") throw new PollError("Ce sondage est clos : les réponses ne peuvent plus changer.");
  const organisations = await contactOrganisationsOf(trx, input.poll.networkId, input.userId);
  if (!organisations.includes(input.organisationId)) {
    throw new PollError(
      "Vous n'êtes pas contact du réseau pour cette organisation : ce sondage ne vous est pas adressé.",
    );
  }
  const slotIds = new Set(input.poll.slots.map((slot) => slot.id));
  const entries = Object.entries(input.answers);
  if (entries.some(([slotId]) => !slotIds.has(slotId))) throw new PollError("Ce créneau n'est pas dans ce sondage.");
  if (entries.length === 0) throw new PollError("Répondez pour au moins un créneau.");
  const now = new Date();
  await trx
    .insertInto("date_poll_answers")
    .values(
      entries.map(([slotId, answer]) => ({
        slot_id: slotId,
        user_id: input.userId,
        organisation_id: input.organisationId,
        cooperative_id: input.cooperativeId,
        answer,
        answered_at: now,
      })),
    )
    .onConflict((conflict) =>
      conflict.columns(["slot_id", "user_id"]).doUpdateSet((eb) => ({
        answer: eb.ref("excluded.answer"),
        organisation_id: eb.ref("excluded.organisation_id"),
        answered_at: eb.ref("excluded.answered_at"),
      })),
    )
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Picking the final slot

export interface Pick {
  network: NetworkAccess;
  pollId: string;
  slotId: string;
  /** The lead confirmed a slot that everyone refused. */
  confirmRefused: boolean;
  place: string;
  visioUrl: string;
  actorUserId: string;
  publicUrl: string;
}

export type PickOutcome =
  | { picked: true; meetingId: string; invited: number }
  | { picked: false; needsConfirmation: true };

/**
 * Picks a poll's final slot: creates the meeting (scheduled: the network's contacts invited and mailed) and closes
 * the poll on it, in one transaction. A slot that everyone refused needs `confirmRefused`. Refused in French when the
 * poll is already closed or the slot is not one of its own.
 */
export async function pickSlot(trx: Trx, pick: Pick): Promise<PickOutcome> {
  const locked = await trx
    .selectFrom("date_polls")
    .select("status")
    .where("id", "=", pick.pollId)
    .where("network_id", "=", pick.network.id)
    .forUpdate()
    .executeTakeFirst();
  if (!locked) throw new PollError("Sondage introuvable.");
  if (locked.status !== "open") throw new PollError("Ce sondage est déjà clos : un créneau a été retenu.");
  const poll = await findPoll(trx, pick.network.id, pick.pollId);
  const slot = poll?.slots.find((candidate) => candidate.id === pick.slotId);
  if (!poll || !slot) throw new PollError("Choisissez un des créneaux du sondage.");
  const tally = await pollTally(trx, poll);
  const refused = tally.slots.find((candidate) => candidate.slotId === slot.id)?.everyoneRefused ?? false;
  if (refused && !pick.confirmRefused) return { picked: false, needsConfirmation: true };
  const meeting = await createMeeting(trx, {
    networkId: pick.network.id,
    title: poll.title,
    description: poll.description,
    place: pick.place,
    visioUrl: pick.visioUrl,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    capacity: null,
    reminderDays: [7, 1],
    agenda: [],
    cooperativeId: pick.network.cooperativeId,
    actorUserId: pick.actorUserId,
    status: "scheduled",
    publicUrl: pick.publicUrl,
  });
  await trx
    .updateTable("date_polls")
    .set({ status: "closed", closed_at: new Date(), picked_slot_id: slot.id, meeting_id: meeting.id })
    .where("id", "=", poll.id)
    .where("status", "=", "open")
    .execute();
  return { picked: true, meetingId: meeting.id, invited: meeting.invited };
}
