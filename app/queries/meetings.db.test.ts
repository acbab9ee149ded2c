import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RequestContext } from "../../db/request-context.ts";
import { withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { meetingFacts } from "../../test/networks.ts";
import { seedTenant, sirenFrom, type Tenant } from "../../test/tenants.ts";
import { hashToken } from "../auth/tokens.server.ts";
import {
  addInvitees,
  answerInvitation,
  cancelMeeting,
  createMeeting,
  MeetingError,
  type MeetingInput,
  mailInvitations,
} from "./meetings.server.ts";

const PUBLIC_URL = "https://portail.example.test";
const NOW = new Date("2027-01-10T10:00:00Z");

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof MeetingError) return error.message;
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a refusal");
}

describe(`meetings (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  /** A second commune of A, member of the network, with its referent as contact. */
  let other: { organisationId: string; userId: string; context: RequestContext };

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const input = (overrides: Partial<MeetingInput> = {}): MeetingInput => ({
    networkId: a.networkId,
    ...meetingFacts(overrides),
  });
  const create = (context: RequestContext, overrides: Partial<MeetingInput> = {}, status = "scheduled" as const) =>
    as(context, (trx) =>
      createMeeting(trx, {
        ...input(overrides),
        cooperativeId: a.cooperativeId,
        actorUserId: context.userId,
        status,
        publicUrl: PUBLIC_URL,
        now: NOW,
      }),
    );
  const mails = (meetingId: string) =>
    database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "kind", "subject", "text_body", "attachments"])
      .where("kind", "like", "meeting_%")
      .where("text_body", "like", `%/reunions/${meetingId}%`)
      .orderBy("created_at")
      .orderBy("to_address")
      .execute();
  const invitees = (meetingId: string) =>
    database.owner
      .selectFrom("meeting_invitees")
      .select(["id", "user_id", "guest_email", "response", "sent_sequence", "rsvp_token_hash"])
      .where("meeting_id", "=", meetingId)
      .orderBy("invited_at")
      .orderBy("id")
      .execute();

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    const network = await database.owner
      .selectFrom("networks")
      .select("offer_id")
      .where("id", "=", a.networkId)
      .executeTakeFirstOrThrow();
    const organisation = await database.owner
      .insertInto("organisations")
      .values({
        cooperative_id: a.cooperativeId,
        kind: "commune",
        siren: sirenFrom("21340098"),
        insee_code: "34998",
        name: "Commune 98",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    const user = await database.owner
      .insertInto("users")
      .values({ email: "referent-98@213400.test", display_name: "Référente 98" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("memberships")
      .values({ cooperative_id: a.cooperativeId, organisation_id: organisation.id, user_id: user.id, role: "referent" })
      .execute();
    await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: organisation.id,
        offer_id: network.offer_id,
        starts_on: "2026-01-01",
      })
      .execute();
    await database.owner
      .insertInto("network_contacts")
      .values({
        cooperative_id: a.cooperativeId,
        network_id: a.networkId,
        organisation_id: organisation.id,
        user_id: user.id,
      })
      .execute();
    other = {
      organisationId: organisation.id,
      userId: user.id,
      context: { userId: user.id, cooperativeId: a.cooperativeId, organisationId: organisation.id, role: "referent" },
    };
  });
  afterAll(() => database.close());

  it("scheduling invites the contacts of the member organisations and the leads, each mailed once with an .ics", async () => {
    const { id, invited } = await create(a.context);
    // The two communes' contacts and the lead (the admin).
    expect(invited).toBe(3);
    const rows = await invitees(id);
    expect(new Set(rows.map((row) => row.user_id))).toEqual(new Set([a.referentUserId, other.userId, a.adminUserId]));
    expect(rows.every((row) => row.sent_sequence === 0)).toBe(true);
    const sent = await mails(id);
    expect(sent.map((mail) => mail.kind)).toEqual(["meeting_invitation", "meeting_invitation", "meeting_invitation"]);
    expect(new Set(sent.map((mail) => mail.to_address))).toEqual(
      new Set(["admin-a@213400.test", "referent-a@213400.test", "referent-98@213400.test"]),
    );
    const [first] = sent;
    expect(first?.subject).toBe(
      `Invitation : Réunion d'avril (${a.marker} réseau) — jeudi 1er avril 2027, 09:30 – 12:00`,
    );
    // Its personal link opens its own invitation: the token's hash is what the row keeps.
    const token = /\/invitation\/([A-Za-z0-9_-]{43})/.exec(first?.text_body ?? "")?.[1] ?? "";
    const mine = rows.find((row) => row.rsvp_token_hash === hashToken(token));
    expect(mine).toBeDefined();
    const ics = Buffer.from(first?.attachments[0]?.contentBase64 ?? "", "base64").toString("utf8");
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.getFirstPropertyValue("method")).toBe("REQUEST");
    const event = new ICAL.Event(calendar.getFirstSubcomponent("vevent") ?? undefined);
    expect(event.startDate.toJSDate().toISOString()).toBe("2027-04-01T07:30:00.000Z");
    expect(event.sequence).toBe(0);
    expect(event.description).toContain("Temps de travail (30 min, C. Martin)");

    // Mailing again sends nothing: each invitation leaves once.
    expect(await as(a.context, (trx) => mailInvitations(trx, id, PUBLIC_URL))).toBe(0);
    expect((await mails(id)).length).toBe(3);
  });

  it("refuses an end before the start, a start in the past, and a network one does not lead", async () => {
    expect(await refusal(create(a.context, { endsAt: new Date("2027-04-01T07:00:00Z") }))).toBe(
      "La fin de la réunion doit suivre son début.",
    );
    expect(await refusal(create(a.context, { startsAt: new Date("2027-01-01T07:00:00Z") }))).toBe(
      "La réunion ne peut pas commencer dans le passé.",
    );
    expect(await refusal(create(a.referentContext))).toBe("Seuls les animateurs du réseau organisent ses réunions.");
    expect(await refusal(create(b.context, { networkId: a.networkId }))).toBe("Réseau introuvable.");
  });

  it("adds users of the cooperative and guests; refuses a user of another cooperative, writing nothing", async () => {
    const { id } = await create(a.context, { title: "Avec invités" });
    const before = await invitees(id);
    expect(
      await refusal(
        as(a.context, (trx) =>
          addInvitees(trx, { meetingId: id, userIds: [b.referentUserId], guests: [], publicUrl: PUBLIC_URL }),
        ),
      ),
    ).toBe("Une personne choisie n'appartient pas à la coopérative.");
    expect(await invitees(id)).toEqual(before);
    const added = await as(a.context, (trx) =>
      addInvitees(trx, {
        meetingId: id,
        userIds: [],
        guests: [{ name: "Experte CNFPT", email: "experte@cnfpt.example" }],
        publicUrl: PUBLIC_URL,
      }),
    );
    expect(added).toBe(1);
    const guestMail = (await mails(id)).filter((mail) => mail.to_address === "experte@cnfpt.example");
    expect(guestMail.map((mail) => mail.kind)).toEqual(["meeting_invitation"]);
  });

  it("a yes beyond the capacity waits; a cancellation promotes the first waiting, who is told", async () => {
    const { id } = await create(a.context, { title: "Deux places", capacity: 2 });
    const rows = await invitees(id);
    const byUser = (userId: string) => rows.find((row) => row.user_id === userId)?.id ?? "";
    const answer = (context: RequestContext, userId: string, response: "accepted" | "declined" | "cancelled") =>
      as(context, (trx) => answerInvitation(trx, { inviteeId: byUser(userId), response, publicUrl: PUBLIC_URL }));
    expect((await answer(a.context, a.adminUserId, "accepted")).outcome).toBe("accepted");
    expect((await answer(a.referentContext, a.referentUserId, "accepted")).outcome).toBe("accepted");
    expect((await answer(other.context, other.userId, "accepted")).outcome).toBe("waitlisted");
    // Someone else's invitation is not one's own to answer.
    expect(
      await refusal(
        as(a.referentContext, (trx) =>
          answerInvitation(trx, { inviteeId: byUser(other.userId), response: "declined", publicUrl: PUBLIC_URL }),
        ),
      ),
    ).toBe("Invitation introuvable.");
    const cancelled = await answer(a.referentContext, a.referentUserId, "cancelled");
    expect(cancelled).toEqual({ outcome: "cancelled", promotedInviteeId: byUser(other.userId) });
    expect((await invitees(id)).find((row) => row.user_id === other.userId)?.response).toBe("accepted");
    const promoted = (await mails(id)).filter((mail) => mail.kind === "meeting_promoted");
    expect(promoted.map((mail) => mail.to_address)).toEqual(["referent-98@213400.test"]);
    // The database refuses a third yes whoever writes it.
    expect(
      await refusal(
        database.owner
          .updateTable("meeting_invitees")
          .set({ response: "accepted" })
          .where("id", "=", byUser(a.referentUserId))
          .execute(),
      ),
    ).toBe("23514");
  });

  it("a cancellation is mailed as METHOD:CANCEL with a higher SEQUENCE; answers are then refused", async () => {
    const { id } = await create(a.context, { title: "À annuler" });
    await as(a.context, (trx) => cancelMeeting(trx, { meetingId: id, publicUrl: PUBLIC_URL }));
    const cancellations = (await mails(id)).filter((mail) => mail.kind === "meeting_cancellation");
    expect(cancellations.length).toBe(3);
    const ics = Buffer.from(cancellations[0]?.attachments[0]?.contentBase64 ?? "", "base64").toString("utf8");
    const calendar = new ICAL.Component(ICAL.parse(ics));
    expect(calendar.getFirstPropertyValue("method")).toBe("CANCEL");
    expect(calendar.getFirstSubcomponent("vevent")?.getFirstPropertyValue("sequence")).toBe(1);
    const mine = (await invitees(id)).find((row) => row.user_id === a.referentUserId)?.id ?? "";
    expect(
      await refusal(
        as(a.referentContext, (trx) =>
          answerInvitation(trx, { inviteeId: mine, response: "accepted", publicUrl: PUBLIC_URL }),
        ),
      ),
    ).toBe("Cette réunion n'attend plus de réponse : elle est annulée ou passée.");
  });
});
