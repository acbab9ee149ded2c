import { sql, type Transaction } from "kysely";
import type { DB, MeetingStatus, MembershipRole } from "../../db/schema.ts";
import { recordEvent } from "../audit.server.ts";
import { notify } from "../notifications/notify.server.tsx";
import type { NetworkAccess } from "./network-access.server.ts";

type Trx = Transaction<DB>;

/** A refusal about a network's leads or contacts, in French: nothing was written. */
export class NetworkError extends Error {
  override readonly name = "NetworkError";
}

// ---------------------------------------------------------------------------------------------
// Networks

/**
 * Opens the network of every thematic network offer of the cooperative that has none yet (not archived offers):
 * an operator admin's listing does it (row-level security lets only them insert), audited. Returns the names opened.
 */
export async function ensureNetworks(
  trx: Trx,
  input: { cooperativeId: string; actorUserId: string; ipAddress?: string | null },
): Promise<string[]> {
  const missing = await trx
    .selectFrom("offers as o")
    .leftJoin("networks as n", "n.offer_id", "o.id")
    .select(["o.id", "o.title"])
    .where("o.cooperative_id", "=", input.cooperativeId)
    .where("o.kind", "=", "thematic_network")
    .where("o.status", "<>", "archived")
    .where("n.id", "is", null)
    .execute();
  for (const offer of missing) {
    const created = await trx
      .insertInto("networks")
      .values({ cooperative_id: input.cooperativeId, offer_id: offer.id })
      .onConflict((conflict) => conflict.column("offer_id").doNothing())
      .returning("id")
      .executeTakeFirst();
    if (created) {
      await recordEvent(trx, {
        action: "network.created",
        cooperativeId: input.cooperativeId,
        actorUserId: input.actorUserId,
        subject: offer.title,
        details: { networkId: created.id, offerId: offer.id },
        ipAddress: input.ipAddress ?? null,
      });
    }
  }
  return missing.map((offer) => offer.title);
}

export interface NetworkListRow {
  id: string;
  name: string;
  members: number;
  nextMeeting: { id: string; title: string; startsAt: Date; endsAt: Date } | null;
  /** The asking user is one of its leads. */
  leads: boolean;
}

/** The cooperative's networks by name: members today, the next scheduled meeting, whether the user leads it. */
export async function listNetworks(
  trx: Trx,
  input: { cooperativeId: string; userId: string; now: Date },
): Promise<NetworkListRow[]> {
  const rows = await trx
    .selectFrom("networks as n")
    .innerJoin("offers as o", "o.id", "n.offer_id")
    .select([
      "n.id",
      "o.title as name",
      sql<number>`(select count(*) from network_members(n.id))::integer`.as("members"),
      sql<boolean>`exists (select 1 from network_leads l where l.network_id = n.id and l.user_id = ${input.userId})`.as(
        "leads",
      ),
    ])
    .where("n.cooperative_id", "=", input.cooperativeId)
    .orderBy(sql`o.title COLLATE "C"`)
    .execute();
  const meetings = await trx
    .selectFrom("meetings")
    .select(["id", "network_id", "title", "starts_at", "ends_at"])
    .distinctOn("network_id")
    .where("cooperative_id", "=", input.cooperativeId)
    .where("status", "=", "scheduled")
    .where("ends_at", ">", input.now)
    .orderBy("network_id")
    .orderBy("starts_at")
    .execute();
  const next = new Map(meetings.map((meeting) => [meeting.network_id, meeting]));
  return rows.map((row) => {
    const meeting = next.get(row.id);
    return {
      id: row.id,
      name: row.name,
      members: Number(row.members),
      leads: row.leads,
      nextMeeting: meeting
        ? { id: meeting.id, title: meeting.title, startsAt: meeting.starts_at, endsAt: meeting.ends_at }
        : null,
    };
  });
}

/** The network's member organisations today, as a table `n` (network_members: subscriptions stay private). */
const members = (networkId: string) => sql<{ organisation_id: string }>`network_members(${networkId})`.as("n");

export interface NetworkMember {
  id: string;
  name: string;
}

/** The member organisations of a network today (active subscribers of its offer), by name. */
export function listMembers(trx: Trx, networkId: string): Promise<NetworkMember[]> {
  return trx
    .selectFrom(members(networkId))
    .innerJoin("organisations as o", "o.id", "n.organisation_id")
    .select(["o.id", "o.name"])
    .orderBy(sql`o.search_name COLLATE "C"`)
    .execute();
}

async function isMember(trx: Trx, networkId: string, organisationId: string): Promise<boolean> {
  const row = await trx
    .selectFrom(members(networkId))
    .select("n.organisation_id")
    .where("n.organisation_id", "=", organisationId)
    .executeTakeFirst();
  return row !== undefined;
}

// ---------------------------------------------------------------------------------------------
// Meetings as the network page lists them

export interface NetworkMeetingRow {
  id: string;
  title: string;
  startsAt: Date;
  endsAt: Date;
  place: string;
  status: MeetingStatus;
}

/** The network's meetings the user may see (drafts: its managers), upcoming first by date, past latest first. */
export async function listNetworkMeetings(
  trx: Trx,
  networkId: string,
  now: Date,
): Promise<{ upcoming: NetworkMeetingRow[]; past: NetworkMeetingRow[] }> {
  const rows = await trx
    .selectFrom("meetings")
    .select(["id", "title", "starts_at as startsAt", "ends_at as endsAt", "place", "status"])
    .where("network_id", "=", networkId)
    .orderBy("starts_at")
    .execute();
  const upcoming = rows.filter((row) => row.endsAt.getTime() > now.getTime() && row.status !== "held");
  const past = rows.filter((row) => !upcoming.includes(row)).reverse();
  return { upcoming, past };
}

export interface NetworkDocument {
  id: string;
  filename: string;
  sizeBytes: number;
  meetingId: string | null;
  meetingTitle: string | null;
  createdAt: Date;
}

/** The network's files (meeting documents, minutes' attachments), latest first. */
export function listNetworkDocuments(trx: Trx, networkId: string): Promise<NetworkDocument[]> {
  return trx
    .selectFrom("network_files as f")
    .leftJoin("meetings as m", "m.id", "f.meeting_id")
    .select([
      "f.id",
      "f.filename",
      "f.size_bytes as sizeBytes",
      "f.meeting_id as meetingId",
      "m.title as meetingTitle",
      "f.created_at as createdAt",
    ])
    .where("f.network_id", "=", networkId)
    .orderBy("f.created_at", "desc")
    .execute();
}

// ---------------------------------------------------------------------------------------------
// Leads

export interface Person {
  userId: string;
  displayName: string;
  email: string;
}

export function listLeads(trx: Trx, networkId: string): Promise<Person[]> {
  return trx
    .selectFrom("network_leads as l")
    .innerJoin("users as u", "u.id", "l.user_id")
    .select(["u.id as userId", "u.display_name as displayName", "u.email"])
    .where("l.network_id", "=", networkId)
    .orderBy("u.display_name")
    .execute();
}

/** The people of the cooperative an operator admin may make a lead: every active user with a membership in it. */
export async function listLeadCandidates(trx: Trx, cooperativeId: string): Promise<Person[]> {
  return trx
    .selectFrom("users as u")
    .select(["u.id as userId", "u.display_name as displayName", "u.email"])
    .where("u.disabled_at", "is", null)
    .where(({ exists, selectFrom }) =>
      exists(
        selectFrom("memberships as m")
          .select("m.id")
          .whereRef("m.user_id", "=", "u.id")
          .where("m.cooperative_id", "=", cooperativeId),
      ),
    )
    .orderBy("u.display_name")
    .execute();
}

interface LeadChange {
  network: NetworkAccess;
  userId: string;
  actorUserId: string;
  ipAddress?: string | null;
}

/** Makes a user of the cooperative a lead of the network (operator admins: row-level security), audited. */
export async function grantLead(trx: Trx, change: LeadChange): Promise<void> {
  const person = await trx
    .selectFrom("users as u")
    .innerJoin("memberships as m", "m.user_id", "u.id")
    .select(["u.id", "u.display_name"])
    .where("u.id", "=", change.userId)
    .where("m.cooperative_id", "=", change.network.cooperativeId)
    .where("u.disabled_at", "is", null)
    .executeTakeFirst();
  if (!person) throw new NetworkError("Cette personne n'appartient pas à la coopérative.");
  const inserted = await trx
    .insertInto("network_leads")
    .values({
      network_id: change.network.id,
      user_id: change.userId,
      cooperative_id: change.network.cooperativeId,
      granted_by: change.actorUserId,
    })
    .onConflict((conflict) => conflict.columns(["network_id", "user_id"]).doNothing())
    .returning("user_id")
    .executeTakeFirst();
  if (!inserted) {
    throw new NetworkError(`${person.display_name} anime déjà ce réseau.`);
  }
  await recordEvent(trx, {
    action: "network.lead_granted",
    cooperativeId: change.network.cooperativeId,
    actorUserId: change.actorUserId,
    subject: `${change.network.name} — ${person.display_name}`,
    details: { networkId: change.network.id, userId: change.userId },
    ipAddress: change.ipAddress ?? null,
  });
}

export async function removeLead(trx: Trx, change: LeadChange): Promise<void> {
  const removed = await trx
    .deleteFrom("network_leads")
    .where("network_id", "=", change.network.id)
    .where("user_id", "=", change.userId)
    .returning("user_id")
    .executeTakeFirst();
  if (!removed) throw new NetworkError("Cette personne n'anime pas ce réseau.");
  const person = await trx
    .selectFrom("users")
    .select("display_name")
    .where("id", "=", change.userId)
    .executeTakeFirst();
  await recordEvent(trx, {
    action: "network.lead_removed",
    cooperativeId: change.network.cooperativeId,
    actorUserId: change.actorUserId,
    subject: `${change.network.name} — ${person?.display_name ?? change.userId}`,
    details: { networkId: change.network.id, userId: change.userId },
    ipAddress: change.ipAddress ?? null,
  });
}

// ---------------------------------------------------------------------------------------------
// Contacts

export interface ContactRow extends Person {
  organisationId: string;
  organisationName: string;
}

/** The network's contacts, by organisation then name. */
export function listContacts(trx: Trx, networkId: string): Promise<ContactRow[]> {
  return trx
    .selectFrom("network_contacts as c")
    .innerJoin("users as u", "u.id", "c.user_id")
    .innerJoin("organisations as o", "o.id", "c.organisation_id")
    .select([
      "c.organisation_id as organisationId",
      "o.name as organisationName",
      "u.id as userId",
      "u.display_name as displayName",
      "u.email",
    ])
    .where("c.network_id", "=", networkId)
    .orderBy(sql`o.search_name COLLATE "C"`)
    .orderBy("u.display_name")
    .execute();
}

export interface ContactCandidate extends Person {
  organisationId: string;
  organisationName: string;
  role: MembershipRole;
}

/**
 * Who may become a contact: the referents and agents of the member organisations (of one organisation only when
 * given, a referent's own), not contacts yet.
 */
export async function listContactCandidates(
  trx: Trx,
  networkId: string,
  organisationId: string | null,
): Promise<ContactCandidate[]> {
  return trx
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .innerJoin("organisations as o", "o.id", "m.organisation_id")
    .innerJoin(members(networkId), "n.organisation_id", "m.organisation_id")
    .select([
      "u.id as userId",
      "u.display_name as displayName",
      "u.email",
      "m.organisation_id as organisationId",
      "o.name as organisationName",
      "m.role",
    ])
    .where("m.role", "in", ["referent", "agent"])
    .where("u.disabled_at", "is", null)
    .$if(organisationId !== null, (qb) => qb.where("m.organisation_id", "=", organisationId as string))
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom("network_contacts as c")
            .select("c.user_id")
            .where("c.network_id", "=", networkId)
            .whereRef("c.user_id", "=", "m.user_id")
            .whereRef("c.organisation_id", "=", "m.organisation_id"),
        ),
      ),
    )
    .orderBy(sql`o.search_name COLLATE "C"`)
    .orderBy("u.display_name")
    .execute();
}

/** Who changes a network's contacts: its managers (any member), or a referent (its own organisation only). */
export interface ContactActor {
  manages: boolean;
  role: MembershipRole | null;
  organisationId: string | null;
}

export function mayManageContactsOf(actor: ContactActor, organisationId: string): boolean {
  return actor.manages || (actor.role === "referent" && actor.organisationId === organisationId);
}

function refuseUnlessAllowed(actor: ContactActor, organisationId: string): void {
  if (!mayManageContactsOf(actor, organisationId)) {
    throw new NetworkError("Vous ne gérez que les contacts de votre organisation.");
  }
}

/**
 * Adds a contact: a referent or an agent of a member organisation. Refused in French (NetworkError) to a referent
 * for another organisation, for a non-member organisation, for someone else than its referents and agents.
 */
export async function addContact(
  trx: Trx,
  input: { network: NetworkAccess; organisationId: string; userId: string; actor: ContactActor },
): Promise<{ displayName: string }> {
  refuseUnlessAllowed(input.actor, input.organisationId);
  if (!(await isMember(trx, input.network.id, input.organisationId))) {
    throw new NetworkError("Cette organisation n'est pas membre du réseau : elle doit d'abord y adhérer.");
  }
  const person = await trx
    .selectFrom("memberships as m")
    .innerJoin("users as u", "u.id", "m.user_id")
    .select(["u.display_name"])
    .where("m.user_id", "=", input.userId)
    .where("m.organisation_id", "=", input.organisationId)
    .where("m.role", "in", ["referent", "agent"])
    .where("u.disabled_at", "is", null)
    .executeTakeFirst();
  if (!person) {
    throw new NetworkError("Seuls les référents et les agents de l'organisation peuvent être contacts du réseau.");
  }
  const inserted = await trx
    .insertInto("network_contacts")
    .values({
      network_id: input.network.id,
      organisation_id: input.organisationId,
      user_id: input.userId,
      cooperative_id: input.network.cooperativeId,
    })
    .onConflict((conflict) => conflict.columns(["network_id", "organisation_id", "user_id"]).doNothing())
    .returning("user_id")
    .executeTakeFirst();
  if (!inserted) {
    throw new NetworkError(`${person.display_name} est déjà contact du réseau.`);
  }
  return { displayName: person.display_name };
}

export async function removeContact(
  trx: Trx,
  input: { network: NetworkAccess; organisationId: string; userId: string; actor: ContactActor },
): Promise<void> {
  refuseUnlessAllowed(input.actor, input.organisationId);
  const removed = await trx
    .deleteFrom("network_contacts")
    .where("network_id", "=", input.network.id)
    .where("organisation_id", "=", input.organisationId)
    .where("user_id", "=", input.userId)
    .returning("user_id")
    .executeTakeFirst();
  if (!removed) throw new NetworkError("Cette personne n'est pas contact du réseau pour cette organisation.");
}

/** The people the network's mail goes to: the contacts of its member organisations today. */
export async function contactRecipients(trx: Trx, networkId: string): Promise<string[]> {
  const rows = await trx
    .selectFrom("network_contacts as c")
    .innerJoin(members(networkId), "n.organisation_id", "c.organisation_id")
    .select("c.user_id")
    .distinct()
    .where("c.network_id", "=", networkId)
    .execute();
  return rows.map((row) => row.user_id);
}

/**
 * "Écrire au réseau": a lead's message to every contact of the member organisations, through notify (kind
 * "networks": each person's preference applies), in the caller's transaction. Returns how many were reached.
 */
export async function writeToNetwork(
  trx: Trx,
  publicUrl: string,
  input: { network: NetworkAccess; subject: string; message: string; authorName: string },
): Promise<number> {
  const recipients = await contactRecipients(trx, input.network.id);
  const outcome = await notify(trx, publicUrl, {
    cooperativeId: input.network.cooperativeId,
    kind: "networks",
    recipients,
    title: `${input.network.name} : ${input.subject}`,
    body: `${input.message}\n\n— ${input.authorName}, pour le réseau ${input.network.name}`,
    path: `/reseaux/${input.network.id}`,
  });
  return Object.values(outcome).filter((delivery) => delivery !== "none").length;
}
