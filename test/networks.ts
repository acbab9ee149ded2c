import { createHash, randomUUID } from "node:crypto";
import type { Kysely } from "kysely";
import type { MeetingInput } from "../app/queries/meetings.server.ts";
import type { RequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";
import { sirenFrom, type Tenant } from "./tenants.ts";

export interface NetworkFixture {
  /** A second commune of the tenant, member of the tenant's network, with its own contact (an agent). */
  otherCommuneId: string;
  contactUserId: string;
  contactEmail: string;
  /** A lead of the tenant's network only: an agent of the operator, not an operator admin. */
  leadUserId: string;
  leadContext: RequestContext;
  /** A held meeting of the tenant's network in 2025, the referent invited, no minutes yet. */
  pastMeetingId: string;
  /** Another network of the same cooperative (its meeting held in 2025), which the lead does not lead. */
  otherNetworkId: string;
  otherMeetingId: string;
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

/** Adds to a tenant (seedTenant) what the networks' tests need beyond its one network and meeting. */
export async function seedNetworkFixture(owner: Kysely<DB>, tenant: Tenant, sirenPrefix: string) {
  return owner.transaction().execute(async (trx): Promise<NetworkFixture> => {
    const ids = { cooperative_id: tenant.cooperativeId };
    const commune = await trx
      .insertInto("organisations")
      .values({
        ...ids,
        kind: "commune",
        siren: sirenFrom(`${sirenPrefix}22`),
        insee_code: `${sirenPrefix.slice(0, 2)}002`,
        name: `${tenant.marker} seconde commune`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const leadUserId = randomUUID();
    const contactUserId = randomUUID();
    const contactEmail = `contact@${sirenPrefix}.test`;
    await trx
      .insertInto("users")
      .values([
        { id: leadUserId, email: `animatrice@${sirenPrefix}.test`, display_name: `${tenant.marker} animatrice` },
        { id: contactUserId, email: contactEmail, display_name: `${tenant.marker} contact` },
      ])
      .execute();
    await trx
      .insertInto("memberships")
      .values([
        { ...ids, user_id: leadUserId, organisation_id: tenant.operatorId, role: "agent" },
        { ...ids, user_id: contactUserId, organisation_id: commune.id, role: "agent" },
      ])
      .execute();
    const network = await trx
      .selectFrom("networks")
      .select(["id", "offer_id"])
      .where("id", "=", tenant.networkId)
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("subscriptions")
      .values({ ...ids, organisation_id: commune.id, offer_id: network.offer_id, starts_on: "2026-01-01" })
      .execute();
    await trx
      .insertInto("network_leads")
      .values({ ...ids, network_id: network.id, user_id: leadUserId })
      .execute();
    await trx
      .insertInto("network_contacts")
      .values({ ...ids, network_id: network.id, organisation_id: commune.id, user_id: contactUserId })
      .execute();

    const meeting = async (networkId: string, name: string) => {
      const row = await trx
        .insertInto("meetings")
        .values({
          ...ids,
          network_id: networkId,
          title: `${tenant.marker} ${name}`,
          starts_at: "2025-06-12T07:30:00Z",
          ends_at: "2025-06-12T10:00:00Z",
          status: "held",
          ics_uid: `${hash(`${tenant.marker}-${name}`)}@portail.test`,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      return row.id;
    };
    const pastMeetingId = await meeting(network.id, "réunion passée");
    await trx
      .insertInto("meeting_invitees")
      .values({
        ...ids,
        meeting_id: pastMeetingId,
        user_id: tenant.referentUserId,
        organisation_id: tenant.communeId,
        source: "contact",
        rsvp_token_hash: hash(`${tenant.marker}-past-referent`),
      })
      .execute();

    const offer = await trx
      .insertInto("offers")
      .values({ ...ids, title: `${tenant.marker} autre réseau`, kind: "thematic_network", status: "published" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const other = await trx
      .insertInto("networks")
      .values({ ...ids, offer_id: offer.id })
      .returning("id")
      .executeTakeFirstOrThrow();
    return {
      otherCommuneId: commune.id,
      contactUserId,
      contactEmail,
      leadUserId,
      leadContext: {
        userId: leadUserId,
        cooperativeId: tenant.cooperativeId,
        organisationId: tenant.operatorId,
        role: "agent",
      },
      pastMeetingId,
      otherNetworkId: other.id,
      otherMeetingId: await meeting(other.id, "réunion d'un autre réseau"),
    };
  });
}

/**
 * A second commune of the tenant that joins its thematic network (an active subscription since 2026), with a
 * referent, "Référente deux" (referent2@<prefix>.test): its id, its user and the referent's request context.
 */
export async function addNetworkMember(
  owner: Kysely<DB>,
  tenant: Tenant,
  sirenPrefix: string,
): Promise<{ communeId: string; referentUserId: string; referentContext: RequestContext }> {
  const commune = await owner
    .insertInto("organisations")
    .values({
      cooperative_id: tenant.cooperativeId,
      kind: "commune",
      siren: sirenFrom(`${sirenPrefix}22`),
      insee_code: `${sirenPrefix.slice(0, 2)}002`,
      name: "Deuxième commune",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const referent = await owner
    .insertInto("users")
    .values({ email: `referent2@${sirenPrefix}.test`, display_name: "Référente deux" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("memberships")
    .values({
      user_id: referent.id,
      organisation_id: commune.id,
      cooperative_id: tenant.cooperativeId,
      role: "referent",
    })
    .execute();
  const { offer_id } = await owner
    .selectFrom("networks")
    .select("offer_id")
    .where("id", "=", tenant.networkId)
    .executeTakeFirstOrThrow();
  await owner
    .insertInto("subscriptions")
    .values({
      cooperative_id: tenant.cooperativeId,
      organisation_id: commune.id,
      offer_id,
      starts_on: "2026-01-01",
    })
    .execute();
  return {
    communeId: commune.id,
    referentUserId: referent.id,
    referentContext: {
      userId: referent.id,
      cooperativeId: tenant.cooperativeId,
      organisationId: commune.id,
      role: "referent",
    },
  };
}

/** What a refused call said: the French message of an error of `refusal`'s class, or the SQLSTATE of another. */
export async function refusal(work: Promise<unknown>, expected: new (...args: never[]) => Error): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof expected) return error.message;
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a refusal");
}

/** A meeting's facts as a lead types them (1 April 2027, 09:30–12:00 in Paris), for the meetings' tests. */
export function meetingFacts(overrides: Partial<MeetingInput> = {}): Omit<MeetingInput, "networkId"> {
  return {
    title: "Réunion d'avril",
    description: "",
    place: "Salle 3",
    visioUrl: "",
    startsAt: new Date("2027-04-01T07:30:00Z"),
    endsAt: new Date("2027-04-01T10:00:00Z"),
    capacity: null,
    reminderDays: [7, 1],
    agenda: [{ title: "Temps de travail", durationMinutes: 30, presenter: "C. Martin" }],
    ...overrides,
  };
}
