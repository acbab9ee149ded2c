import { createHash, randomUUID } from "node:crypto";
import { type Kysely, sql, type Transaction } from "kysely";
import { jsonb } from "../db/jsonb.ts";
import type { RequestContext } from "../db/request-context.ts";
import type { DB } from "../db/schema.ts";

/** A SIREN with a valid Luhn check digit, from its first eight digits. */
export function sirenFrom(prefix: string): string {
  for (let check = 0; check <= 9; check++) {
    const candidate = `${prefix}${check}`;
    let sum = 0;
    for (let index = 0; index < 9; index++) {
      let digit = Number(candidate[index]);
      if (index % 2 === 1) digit = digit * 2 > 9 ? digit * 2 - 9 : digit * 2;
      sum += digit;
    }
    if (sum % 10 === 0) return candidate;
  }
  throw new Error(`no check digit for ${prefix}`);
}

export interface Tenant {
  /** A string found in every text this tenant's rows carry. */
  marker: string;
  cooperativeId: string;
  operatorId: string;
  communeId: string;
  adminUserId: string;
  referentUserId: string;
  /** A published offer, its 2026 pricing (a cost key, not frozen) and the commune's subscription to it. */
  offerId: string;
  pricingId: string;
  /**
   * A thematic network (its offer subscribed by the commune) led by the admin, the referent its commune's contact;
   * a scheduled meeting in 2030 to which the referent and a guest are invited.
   */
  networkId: string;
  meetingId: string;
  /** The most privileged context of the tenant: its operator admin. */
  context: RequestContext;
  /** The commune's referent. */
  referentContext: RequestContext;
}

/** Seeds one cooperative with two organisations (operator, commune), two users and their memberships. */
export async function seedTenant(
  owner: Kysely<DB>,
  name: "A" | "B",
  sirenPrefix: string,
  { markPublicNames = true } = {},
): Promise<Tenant> {
  const marker = `MARKER-${name}-${sirenPrefix}`;
  // Names of cooperatives and organisations are public reference data: pages may show them.
  const publicName = markPublicNames ? marker : `Territoire ${name}`;
  return owner.transaction().execute(async (trx) => {
    const cooperative = await trx
      .insertInto("cooperatives")
      .values({
        siren: sirenFrom(`${sirenPrefix}00`),
        epci_name: `${publicName} EPCI`,
        display_name: `${publicName} coopérative`,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const [operator, commune] = await trx
      .insertInto("organisations")
      .values([
        {
          cooperative_id: cooperative.id,
          kind: "epci",
          is_operator: true,
          siren: sirenFrom(`${sirenPrefix}00`),
          name: `${publicName} opérateur`,
        },
        {
          cooperative_id: cooperative.id,
          kind: "commune",
          siren: sirenFrom(`${sirenPrefix}11`),
          insee_code: `${sirenPrefix.slice(0, 2)}001`,
          name: `${publicName} commune`,
        },
      ])
      .returning("id")
      .execute();
    if (!operator || !commune) throw new Error("fixture organisations not created");
    await trx
      .insertInto("population_figures")
      .values(
        [operator, commune].map((organisation) => ({
          organisation_id: organisation.id,
          cooperative_id: cooperative.id,
          year: 2026,
          basis: "total" as const,
          population: 1000,
          source: `${publicName} source`,
        })),
      )
      .execute();
    const [admin, referent] = await trx
      .insertInto("users")
      .values([
        { email: `admin-${name.toLowerCase()}@${sirenPrefix}.test`, display_name: `${marker} admin` },
        { email: `referent-${name.toLowerCase()}@${sirenPrefix}.test`, display_name: `${marker} referent` },
      ])
      .returning("id")
      .execute();
    if (!admin || !referent) throw new Error("fixture users not created");
    await trx
      .insertInto("memberships")
      .values([
        { user_id: admin.id, organisation_id: operator.id, cooperative_id: cooperative.id, role: "operator_admin" },
        { user_id: referent.id, organisation_id: commune.id, cooperative_id: cooperative.id, role: "referent" },
      ])
      .execute();
    await trx
      .insertInto("password_credentials")
      .values([admin, referent].map((user) => ({ user_id: user.id, hash: `$argon2id$${marker}` })))
      .execute();
    await trx.insertInto("totp_credentials").values({ user_id: admin.id, secret: ADMIN_TOTP_SECRET }).execute();
    await trx
      .insertInto("notification_preferences")
      .values({ user_id: referent.id, kind: "adhesions", delivery: "digest" })
      .execute();
    await trx
      .insertInto("notification_digest_items")
      .values({ cooperative_id: cooperative.id, user_id: admin.id, kind: "adhesions", title: `${marker} résumé` })
      .execute();
    await trx
      .insertInto("recovery_codes")
      .values({ user_id: admin.id, code_hash: createHash("sha256").update(`${marker}-recovery`).digest("hex") })
      .execute();
    await trx
      .insertInto("invitations")
      .values({
        cooperative_id: cooperative.id,
        organisation_id: commune.id,
        email: `invite-${name.toLowerCase()}@${sirenPrefix}.test`,
        display_name: `${marker} invité`,
        role: "agent",
        token_hash: createHash("sha256").update(`${marker}-invitation`).digest("hex"),
        expires_at: new Date(Date.now() + 7 * 86_400_000),
      })
      .execute();
    const offer = await trx
      .insertInto("offers")
      .values({ cooperative_id: cooperative.id, title: `${marker} offre`, kind: "platform", status: "published" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const pricing = await trx
      .insertInto("pricings")
      .values({
        cooperative_id: cooperative.id,
        offer_id: offer.id,
        year_from: 2026,
        year_to: 2026,
        definition: jsonb({
          kind: "costKey",
          keys: [{ siren: sirenFrom(`${sirenPrefix}00`), basisPoints: 10_000 }],
        }),
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const category = await trx
      .insertInto("offer_categories")
      .values({ cooperative_id: cooperative.id, name: `${marker} catégorie` })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx.updateTable("offers").set({ category_id: category.id }).where("id", "=", offer.id).execute();
    const rulebook = await trx
      .insertInto("rulebook_versions")
      .values({ cooperative_id: cooperative.id, offer_id: offer.id, version: 1, body: `${marker} règlement` })
      .returning("id")
      .executeTakeFirstOrThrow();
    const content = new TextEncoder().encode(`%PDF-1.4 ${marker}`);
    const document = await trx
      .insertInto("documents")
      .values({
        cooperative_id: cooperative.id,
        organisation_id: commune.id,
        filename: `${marker}.pdf`,
        content_type: "application/pdf",
        size_bytes: content.length,
        content,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const subscription = await trx
      .insertInto("subscriptions")
      .values({
        cooperative_id: cooperative.id,
        organisation_id: commune.id,
        offer_id: offer.id,
        starts_on: "2026-01-01",
        declared_units: jsonb({ agents: 3700 }),
        council_decision_number: `${marker} délibération`,
        council_decision_date: "2025-12-01",
        council_document_id: document.id,
        rulebook_version_id: rulebook.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("subscription_events")
      .values({
        cooperative_id: cooperative.id,
        organisation_id: commune.id,
        subscription_id: subscription.id,
        actor_user_id: admin.id,
        action: "approved",
      })
      .execute();
    await trx
      .insertInto("cost_key_periods")
      .values({
        cooperative_id: cooperative.id,
        pricing_id: pricing.id,
        year: 2026,
        half: 1,
        direct_cents: 100,
        indirect_cents: 0,
      })
      .execute();
    await trx
      .insertInto("audit_events")
      .values({
        cooperative_id: cooperative.id,
        actor_user_id: admin.id,
        action: "fixture.seeded",
        subject: `${marker} audit`,
      })
      .execute();
    await trx
      .insertInto("outbox_emails")
      .values({
        cooperative_id: cooperative.id,
        kind: "fixture",
        to_address: `admin-${name.toLowerCase()}@${sirenPrefix}.test`,
        subject: `${marker} courriel`,
        text_body: `${marker} texte`,
      })
      .execute();
    await trx
      .insertInto("sessions")
      .values(
        [admin, referent].map((user, index) => ({
          id: createHash("sha256").update(`${marker}-${index}`).digest("hex"),
          user_id: user.id,
          expires_at: new Date(Date.now() + 3_600_000),
          user_agent: `${marker} navigateur`,
        })),
      )
      .execute();
    // An issued statement run (2024) with the commune's statement and its line.
    const run = await trx
      .insertInto("statement_runs")
      .values({
        cooperative_id: cooperative.id,
        year: 2024,
        status: "issued",
        issued_at: new Date(),
        issued_by: admin.id,
        amount_to_share_cents: 100,
        gross_cents: 100,
        subsidy_cents: 0,
        net_cents: 100,
        operator_cost_key_cents: 0,
        proration_gap_cents: 0,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("statement_counters")
      .values({ cooperative_id: cooperative.id, year: 2024, last_sequence: 1 })
      .execute();
    const statement = await trx
      .insertInto("statements")
      .values({
        cooperative_id: cooperative.id,
        run_id: run.id,
        organisation_id: commune.id,
        year: 2024,
        sequence: 1,
        number: "2024-0001",
        kind: "statement",
        issued_on: "2024-12-01",
        due_on: "2024-12-31",
        budget_year: 2024,
        period: "Année 2024",
        payer_name: `${publicName} commune`,
        payer_siren: sirenFrom(`${sirenPrefix}11`),
        council_decisions: jsonb([`${marker} délibération`]),
        gross_cents: 100,
        subsidy_cents: 0,
        net_cents: 100,
        issued_by: admin.id,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("statement_lines")
      .values({
        cooperative_id: cooperative.id,
        statement_id: statement.id,
        organisation_id: commune.id,
        position: 1,
        offer_id: offer.id,
        pricing_id: pricing.id,
        item_key: "base",
        offer_title: `${marker} offre`,
        item_label: "Offre de base",
        model: "Forfait",
        gross_cents: 100,
        subsidy_cents: 0,
        net_cents: 100,
        explanation: `${marker} explication`,
      })
      .execute();
    const { networkId, meetingId } = await seedNetwork(trx, {
      marker,
      name,
      sirenPrefix,
      cooperativeId: cooperative.id,
      communeId: commune.id,
      adminUserId: admin.id,
      referentUserId: referent.id,
    });
    return {
      marker,
      networkId,
      meetingId,
      cooperativeId: cooperative.id,
      operatorId: operator.id,
      communeId: commune.id,
      adminUserId: admin.id,
      referentUserId: referent.id,
      offerId: offer.id,
      pricingId: pricing.id,
      context: {
        userId: admin.id,
        cooperativeId: cooperative.id,
        organisationId: operator.id,
        role: "operator_admin",
      },
      referentContext: {
        userId: referent.id,
        cooperativeId: cooperative.id,
        organisationId: commune.id,
        role: "referent",
      },
    };
  });
}

const hash = (text: string) => createHash("sha256").update(text).digest("hex");

/** One row in each table of the networks, for the isolation suite (see Tenant.networkId). */
async function seedNetwork(
  trx: Transaction<DB>,
  seed: {
    marker: string;
    name: string;
    sirenPrefix: string;
    cooperativeId: string;
    communeId: string;
    adminUserId: string;
    referentUserId: string;
  },
): Promise<{ networkId: string; meetingId: string }> {
  const { marker, cooperativeId } = seed;
  const offer = await trx
    .insertInto("offers")
    .values({ cooperative_id: cooperativeId, title: `${marker} réseau`, kind: "thematic_network", status: "published" })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("subscriptions")
    .values({
      cooperative_id: cooperativeId,
      organisation_id: seed.communeId,
      offer_id: offer.id,
      starts_on: "2026-01-01",
    })
    .execute();
  const network = await trx
    .insertInto("networks")
    .values({ cooperative_id: cooperativeId, offer_id: offer.id, description: `${marker} entraide` })
    .returning("id")
    .executeTakeFirstOrThrow();
  const ids = { cooperative_id: cooperativeId, network_id: network.id };
  await trx
    .insertInto("network_leads")
    .values({ ...ids, user_id: seed.adminUserId })
    .execute();
  await trx
    .insertInto("network_contacts")
    .values({ ...ids, organisation_id: seed.communeId, user_id: seed.referentUserId })
    .execute();
  const poll = await trx
    .insertInto("date_polls")
    .values({ ...ids, title: `${marker} sondage`, created_by: seed.adminUserId })
    .returning("id")
    .executeTakeFirstOrThrow();
  const slot = await trx
    .insertInto("date_poll_slots")
    .values({
      cooperative_id: cooperativeId,
      poll_id: poll.id,
      starts_at: "2030-03-05T09:00:00Z",
      ends_at: "2030-03-05T11:00:00Z",
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("date_poll_answers")
    .values({
      cooperative_id: cooperativeId,
      slot_id: slot.id,
      user_id: seed.referentUserId,
      organisation_id: seed.communeId,
      answer: "yes",
    })
    .execute();
  const meeting = await trx
    .insertInto("meetings")
    .values({
      ...ids,
      title: `${marker} réunion`,
      place: `${marker} salle`,
      starts_at: "2030-03-12T09:00:00Z",
      ends_at: "2030-03-12T11:00:00Z",
      status: "scheduled",
      ics_uid: `${hash(`${marker}-meeting`)}@portail.test`,
      created_by: seed.adminUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  const inMeeting = { cooperative_id: cooperativeId, meeting_id: meeting.id };
  await trx
    .insertInto("meeting_agenda_items")
    .values({ ...inMeeting, position: 1, title: `${marker} point` })
    .execute();
  const invitee = await trx
    .insertInto("meeting_invitees")
    .values({
      ...inMeeting,
      user_id: seed.referentUserId,
      organisation_id: seed.communeId,
      source: "contact",
      rsvp_token_hash: hash(`${marker}-rsvp-referent`),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("meeting_invitees")
    .values({
      ...inMeeting,
      guest_name: `${marker} invitée`,
      guest_email: `invitee-${seed.name.toLowerCase()}@${seed.sirenPrefix}.test`,
      source: "guest",
      rsvp_token_hash: hash(`${marker}-rsvp-guest`),
    })
    .execute();
  await trx
    .insertInto("meeting_attendance")
    .values({
      ...inMeeting,
      invitee_id: invitee.id,
      person_name: `${marker} présente`,
      organisation_id: seed.communeId,
      recorded_by: seed.adminUserId,
    })
    .execute();
  const file = await trx
    .insertInto("network_files")
    .values({
      ...ids,
      meeting_id: meeting.id,
      filename: `${marker}.pdf`,
      content_type: "application/pdf",
      size_bytes: 1,
      content: new Uint8Array([37]),
      uploaded_by: seed.adminUserId,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  await trx
    .insertInto("meeting_minutes")
    .values({
      ...inMeeting,
      version: 1,
      body: `${marker} compte rendu`,
      file_id: file.id,
      status: "published",
      published_at: new Date(),
      published_by: seed.adminUserId,
    })
    .execute();
  await trx
    .insertInto("calendar_feeds")
    .values({ cooperative_id: cooperativeId, user_id: seed.adminUserId, token_hash: hash(`${marker}-feed`) })
    .execute();
  return { networkId: network.id, meetingId: meeting.id };
}

/** The first row of a table in the victim's cooperative, as the attacker sees it (none: a made-up id). */
async function victimRowId(
  trx: Transaction<DB>,
  table: "date_poll_slots" | "meeting_invitees",
  victim: Tenant,
): Promise<string> {
  const row = await trx
    .selectFrom(table)
    .select("id")
    .where("cooperative_id", "=", victim.cooperativeId)
    .executeTakeFirst();
  return row?.id ?? "00000000-0000-4000-8000-000000000000";
}

/**
 * How the isolation suite attacks each table holding tenant data. Every table
 * with row-level security must be listed here (the catalog test checks).
 */
/** Another operator admin of the tenant's cooperative (same cooperative, another person); their user id. */
export async function addOperatorAdmin(owner: Kysely<DB>, tenant: Tenant, email: string): Promise<string> {
  const userId = randomUUID();
  await owner
    .insertInto("users")
    .values({ id: userId, email, display_name: `Autre admin (${email})` })
    .execute();
  await owner
    .insertInto("memberships")
    .values({
      user_id: userId,
      organisation_id: tenant.operatorId,
      cooperative_id: tenant.cooperativeId,
      role: "operator_admin",
    })
    .execute();
  return userId;
}

export interface TableSpec {
  /** The columns the app role may read, when it may not read them all (default: *). */
  readableColumns?: string;
  /** A column to rewrite with its own value in the UPDATE attack (default: id). */
  keyColumn?: string;
  /** Tries to insert a row belonging to `victim`, from the attacker's context. */
  insertInto(trx: Transaction<DB>, victim: Tenant): Promise<unknown>;
  /** For rows that belong to nobody in particular (users): the victim must not see them. */
  insertedRowStaysInvisible?: boolean;
  /** Tries to hand the attacker's own rows over to `victim` (what WITH CHECK prevents). */
  moveInto?(trx: Transaction<DB>, victim: Tenant): Promise<unknown>;
}

/** The authenticator key of every fixture operator admin (so tests can play the phone). */
export const ADMIN_TOTP_SECRET = "A".repeat(32);

export const TENANT_TABLE_SPECS: Record<string, TableSpec> = {
  networks: {
    moveInto: (trx, victim) => trx.updateTable("networks").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx.insertInto("networks").values({ cooperative_id: victim.cooperativeId, offer_id: victim.offerId }).execute(),
  },
  network_leads: {
    keyColumn: "user_id",
    moveInto: (trx, victim) =>
      trx
        .updateTable("network_leads")
        .set({ cooperative_id: victim.cooperativeId, network_id: victim.networkId })
        .execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("network_leads")
        .values({ cooperative_id: victim.cooperativeId, network_id: victim.networkId, user_id: victim.adminUserId })
        .execute(),
  },
  network_contacts: {
    keyColumn: "user_id",
    insertInto: (trx, victim) =>
      trx
        .insertInto("network_contacts")
        .values({
          cooperative_id: victim.cooperativeId,
          network_id: victim.networkId,
          organisation_id: victim.communeId,
          user_id: victim.adminUserId,
        })
        .execute(),
  },
  date_polls: {
    moveInto: (trx, victim) =>
      trx
        .updateTable("date_polls")
        .set({ cooperative_id: victim.cooperativeId, network_id: victim.networkId })
        .execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("date_polls")
        .values({ cooperative_id: victim.cooperativeId, network_id: victim.networkId, title: "intrus" })
        .execute(),
  },
  date_poll_slots: {
    insertInto: async (trx, victim) => {
      const poll = await trx
        .selectFrom("date_polls")
        .select("id")
        .where("cooperative_id", "=", victim.cooperativeId)
        .executeTakeFirst();
      return trx
        .insertInto("date_poll_slots")
        .values({
          cooperative_id: victim.cooperativeId,
          poll_id: poll?.id ?? "00000000-0000-4000-8000-000000000000",
          starts_at: "2030-04-01T09:00:00Z",
          ends_at: "2030-04-01T10:00:00Z",
        })
        .execute();
    },
  },
  date_poll_answers: {
    keyColumn: "answer",
    insertInto: async (trx, victim) =>
      trx
        .insertInto("date_poll_answers")
        .values({
          cooperative_id: victim.cooperativeId,
          slot_id: await victimRowId(trx, "date_poll_slots", victim),
          user_id: victim.referentUserId,
          organisation_id: victim.communeId,
          answer: "no",
        })
        .execute(),
  },
  meetings: {
    moveInto: (trx, victim) =>
      trx.updateTable("meetings").set({ cooperative_id: victim.cooperativeId, network_id: victim.networkId }).execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("meetings")
        .values({
          cooperative_id: victim.cooperativeId,
          network_id: victim.networkId,
          title: "intrus",
          starts_at: "2030-05-01T09:00:00Z",
          ends_at: "2030-05-01T10:00:00Z",
          ics_uid: "intrus@portail.test",
        })
        .execute(),
  },
  meeting_agenda_items: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("meeting_agenda_items")
        .values({ cooperative_id: victim.cooperativeId, meeting_id: victim.meetingId, position: 9, title: "intrus" })
        .execute(),
  },
  meeting_invitees: {
    keyColumn: "response",
    insertInto: (trx, victim) =>
      trx
        .insertInto("meeting_invitees")
        .values({
          cooperative_id: victim.cooperativeId,
          meeting_id: victim.meetingId,
          guest_name: "intrus",
          guest_email: "intrus@example.test",
          source: "guest",
          rsvp_token_hash: "f".repeat(64),
        })
        .execute(),
  },
  meeting_attendance: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("meeting_attendance")
        .values({ cooperative_id: victim.cooperativeId, meeting_id: victim.meetingId, person_name: "intrus" })
        .execute(),
  },
  network_files: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("network_files")
        .values({
          cooperative_id: victim.cooperativeId,
          network_id: victim.networkId,
          filename: "intrus.pdf",
          content_type: "application/pdf",
          size_bytes: 1,
          content: new Uint8Array([37]),
        })
        .execute(),
  },
  meeting_minutes: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("meeting_minutes")
        .values({ cooperative_id: victim.cooperativeId, meeting_id: victim.meetingId, version: 9, body: "intrus" })
        .execute(),
  },
  calendar_feeds: {
    moveInto: (trx, victim) =>
      trx.updateTable("calendar_feeds").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("calendar_feeds")
        .values({ cooperative_id: victim.cooperativeId, user_id: victim.referentUserId, token_hash: "e".repeat(64) })
        .execute(),
  },
  statement_runs: {
    moveInto: (trx, victim) =>
      trx.updateTable("statement_runs").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx.insertInto("statement_runs").values({ cooperative_id: victim.cooperativeId, year: 2030 }).execute(),
  },
  statement_counters: {
    keyColumn: "year",
    moveInto: (trx, victim) =>
      trx.updateTable("statement_counters").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("statement_counters")
        .values({ cooperative_id: victim.cooperativeId, year: 2030, last_sequence: 0 })
        .execute(),
  },
  statements: {
    insertInto: async (trx, victim) => {
      const run = await trx
        .selectFrom("statement_runs")
        .select("id")
        .where("cooperative_id", "=", victim.cooperativeId)
        .executeTakeFirst();
      return trx
        .insertInto("statements")
        .values({
          cooperative_id: victim.cooperativeId,
          // Unseen from the attacker's side: any id will do, the policy refuses first.
          run_id: run?.id ?? "00000000-0000-4000-8000-000000000000",
          organisation_id: victim.communeId,
          year: 2030,
          sequence: 1,
          number: "2030-0001",
          kind: "statement",
          issued_on: "2030-01-01",
          due_on: "2030-01-31",
          budget_year: 2030,
          period: "Année 2030",
          payer_name: "intrus",
          payer_siren: "000000000",
          gross_cents: 0,
          subsidy_cents: 0,
          net_cents: 0,
        })
        .execute();
    },
  },
  statement_lines: {
    keyColumn: "position",
    insertInto: async (trx, victim) => {
      const statement = await trx
        .selectFrom("statements")
        .select("id")
        .where("cooperative_id", "=", victim.cooperativeId)
        .executeTakeFirst();
      return trx
        .insertInto("statement_lines")
        .values({
          cooperative_id: victim.cooperativeId,
          statement_id: statement?.id ?? "00000000-0000-4000-8000-000000000000",
          organisation_id: victim.communeId,
          position: 9,
          offer_id: victim.offerId,
          pricing_id: victim.pricingId,
          item_key: "base",
          offer_title: "intrus",
          item_label: "intrus",
          model: "intrus",
          gross_cents: 1,
          subsidy_cents: 0,
          net_cents: 1,
          explanation: "intrus",
        })
        .execute();
    },
  },
  offer_categories: {
    moveInto: (trx, victim) =>
      trx.updateTable("offer_categories").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx.insertInto("offer_categories").values({ cooperative_id: victim.cooperativeId, name: "intrus" }).execute(),
  },
  rulebook_versions: {
    moveInto: (trx, victim) =>
      trx.updateTable("rulebook_versions").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("rulebook_versions")
        .values({ cooperative_id: victim.cooperativeId, offer_id: victim.offerId, version: 9, body: "intrus" })
        .execute(),
  },
  documents: {
    readableColumns: "id, cooperative_id, organisation_id, filename",
    insertInto: (trx, victim) =>
      trx
        .insertInto("documents")
        .values({
          cooperative_id: victim.cooperativeId,
          organisation_id: victim.communeId,
          filename: "intrus.pdf",
          content_type: "application/pdf",
          size_bytes: 1,
          content: new Uint8Array([37]),
        })
        .execute(),
  },
  subscription_events: {
    insertInto: async (trx, victim) => {
      const subscription = await trx
        .selectFrom("subscriptions")
        .select("id")
        .where("cooperative_id", "=", victim.cooperativeId)
        .executeTakeFirst();
      return trx
        .insertInto("subscription_events")
        .values({
          cooperative_id: victim.cooperativeId,
          organisation_id: victim.communeId,
          // Unseen from the attacker's side: any id will do, the policy refuses first.
          subscription_id: subscription?.id ?? "00000000-0000-4000-8000-000000000000",
          action: "intrusion",
        })
        .execute();
    },
  },
  offers: {
    moveInto: (trx, victim) => trx.updateTable("offers").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("offers")
        .values({ cooperative_id: victim.cooperativeId, title: "intrus", kind: "other" })
        .execute(),
  },
  pricings: {
    moveInto: (trx, victim) => trx.updateTable("pricings").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("pricings")
        .values({
          cooperative_id: victim.cooperativeId,
          offer_id: victim.offerId,
          year_from: 2030,
          year_to: 2030,
          definition: jsonb({ kind: "intrus" }),
        })
        .execute(),
  },
  subscriptions: {
    moveInto: (trx, victim) =>
      trx
        .updateTable("subscriptions")
        .set({ cooperative_id: victim.cooperativeId, organisation_id: victim.communeId })
        .execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("subscriptions")
        .values({
          cooperative_id: victim.cooperativeId,
          organisation_id: victim.communeId,
          offer_id: victim.offerId,
          starts_on: "2030-01-01",
        })
        .execute(),
  },
  cost_key_periods: {
    moveInto: (trx, victim) =>
      trx.updateTable("cost_key_periods").set({ cooperative_id: victim.cooperativeId }).execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("cost_key_periods")
        .values({
          cooperative_id: victim.cooperativeId,
          pricing_id: victim.pricingId,
          year: 2030,
          half: 2,
          direct_cents: 1,
          indirect_cents: 1,
        })
        .execute(),
  },
  invitations: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("invitations")
        .values({
          cooperative_id: victim.cooperativeId,
          organisation_id: victim.communeId,
          email: "intrus@example.test",
          display_name: "intrus",
          role: "agent",
          token_hash: "e".repeat(64),
          expires_at: new Date(Date.now() + 86_400_000),
        })
        .execute(),
  },
  audit_events: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("audit_events")
        .values({ cooperative_id: victim.cooperativeId, action: "intrusion.attempt", subject: "intrus" })
        .execute(),
  },
  outbox_emails: {
    readableColumns: "id, cooperative_id, kind, to_address, subject, status",
    insertInto: (trx, victim) =>
      trx
        .insertInto("outbox_emails")
        .values({
          cooperative_id: victim.cooperativeId,
          kind: "intrusion",
          to_address: "intrus@example.test",
          subject: "intrus",
          text_body: "intrus",
        })
        .execute(),
  },
  password_credentials: {
    keyColumn: "user_id",
    insertInto: (trx, victim) =>
      trx
        .insertInto("password_credentials")
        .values({ user_id: victim.referentUserId, hash: "$argon2id$intrus" })
        .onConflict((conflict) => conflict.column("user_id").doUpdateSet({ hash: "$argon2id$intrus" }))
        .execute(),
  },
  notification_preferences: {
    keyColumn: "user_id",
    insertInto: (trx, victim) =>
      trx
        .insertInto("notification_preferences")
        .values({ user_id: victim.referentUserId, kind: "statements", delivery: "none" })
        .execute(),
  },
  notification_digest_items: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("notification_digest_items")
        .values({
          cooperative_id: victim.cooperativeId,
          user_id: victim.referentUserId,
          kind: "adhesions",
          title: "intrus",
        })
        .execute(),
  },
  totp_credentials: {
    keyColumn: "user_id",
    insertInto: (trx, victim) =>
      trx
        .insertInto("totp_credentials")
        .values({ user_id: victim.referentUserId, secret: "B".repeat(32) })
        .onConflict((conflict) => conflict.column("user_id").doUpdateSet({ secret: "B".repeat(32) }))
        .execute(),
  },
  recovery_codes: {
    keyColumn: "user_id",
    insertInto: (trx, victim) =>
      trx
        .insertInto("recovery_codes")
        .values({ user_id: victim.adminUserId, code_hash: "c".repeat(64) })
        .execute(),
  },
  sessions: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("sessions")
        .values({ id: "f".repeat(64), user_id: victim.adminUserId, expires_at: new Date(Date.now() + 3_600_000) })
        .execute(),
  },
  cooperatives: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("cooperatives")
        .values({ siren: sirenFrom("99999900"), epci_name: `${victim.marker} x`, display_name: `${victim.marker} x` })
        .execute(),
  },
  organisations: {
    moveInto: (trx, victim) =>
      trx
        .updateTable("organisations")
        .set({ cooperative_id: victim.cooperativeId })
        .where("is_operator", "=", false)
        .execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("organisations")
        .values({
          cooperative_id: victim.cooperativeId,
          kind: "other",
          siren: sirenFrom("99999911"),
          name: `${victim.marker} intrus`,
        })
        .execute(),
  },
  population_figures: {
    insertInto: (trx, victim) =>
      trx
        .insertInto("population_figures")
        .values({
          organisation_id: victim.communeId,
          cooperative_id: victim.cooperativeId,
          year: 2030,
          basis: "municipal",
          population: 1,
          source: `${victim.marker} intrus`,
        })
        .execute(),
  },
  users: {
    insertedRowStaysInvisible: true,
    insertInto: (trx, victim) =>
      trx
        .insertInto("users")
        .values({ email: "intrus@example.test", display_name: `${victim.marker} intrus` })
        .execute(),
  },
  memberships: {
    moveInto: (trx, victim) =>
      trx
        .updateTable("memberships")
        .set({ cooperative_id: victim.cooperativeId, organisation_id: victim.communeId, role: "viewer" })
        .execute(),
    insertInto: (trx, victim) =>
      trx
        .insertInto("memberships")
        .values({
          user_id: victim.referentUserId,
          organisation_id: victim.operatorId,
          cooperative_id: victim.cooperativeId,
          role: "viewer",
        })
        .execute(),
  },
};

/** Whether rows (as returned by a query) show anything of the tenant. */
export function showsTenant(rows: unknown[], tenant: Tenant): boolean {
  const text = JSON.stringify(rows);
  return [tenant.marker, tenant.cooperativeId, tenant.adminUserId, tenant.referentUserId].some((mark) =>
    text.includes(mark),
  );
}

/** All rows of a table as JSON text, to look for markers. */
export async function tableText(trx: Transaction<DB> | Kysely<DB>, table: string): Promise<string> {
  const { rows } = await sql`SELECT * FROM ${sql.table(table)}`.execute(trx);
  return JSON.stringify(rows);
}
