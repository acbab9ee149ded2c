import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";
import type { PollAnswer } from "../../db/schema.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { addNetworkMember, refusal } from "../../test/networks.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { type NetworkAccess, networkAccess } from "./network-access.server.ts";
import { answerPoll, findPoll, openPoll, type PollDetails, PollError, pickSlot, pollTally } from "./polls.server.ts";

const PUBLIC_URL = "http://portail.test";

const failure = (work: Promise<unknown>) => refusal(work, PollError);

describe(`date polls: answers, tally, pick (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let commune2 = "";
  let referent2 = "";
  let referent2Context: RequestContext;
  let network: NetworkAccess;
  let pollId = "";
  /** The poll's three slots, in time order. */
  let slots: string[] = [];

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const poll = async (context: RequestContext = a.context): Promise<PollDetails> => {
    const found = await as(context, (trx) => findPoll(trx, a.networkId, pollId));
    if (!found) throw new Error("poll out of sight");
    return found;
  };
  const answer = async (context: RequestContext, organisationId: string, answers: Record<string, PollAnswer>) =>
    as(context, async (trx) =>
      answerPoll(trx, {
        poll: await findPoll(trx, a.networkId, pollId).then((found) => found as PollDetails),
        cooperativeId: a.cooperativeId,
        userId: context.userId as string,
        organisationId,
        answers,
      }),
    );
  const pick = (slotId: string, confirmRefused = false) =>
    as(a.context, (trx) =>
      pickSlot(trx, {
        network,
        pollId,
        slotId,
        confirmRefused,
        place: "Salle du conseil",
        visioUrl: "",
        actorUserId: a.adminUserId,
        publicUrl: PUBLIC_URL,
      }),
    );

  const inviteesOf = async (meetingId: string) =>
    (
      await database.owner
        .selectFrom("meeting_invitees")
        .select("user_id")
        .where("meeting_id", "=", meetingId)
        .execute()
    ).map((row) => row.user_id);

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    const owner = database.owner;
    ({
      communeId: commune2,
      referentUserId: referent2,
      referentContext: referent2Context,
    } = await addNetworkMember(owner, a, "213400"));
    await owner
      .insertInto("network_contacts")
      .values({
        network_id: a.networkId,
        organisation_id: commune2,
        user_id: referent2,
        cooperative_id: a.cooperativeId,
      })
      .execute();
    network = (await as(a.context, (trx) => networkAccess(trx, a.networkId))) as NetworkAccess;
    await owner.deleteFrom("outbox_emails").execute();
  });
  afterAll(() => database.close());

  it("opens a poll with its slots and tells the network's contacts", async () => {
    pollId = await as(a.context, (trx) =>
      openPoll(trx, PUBLIC_URL, {
        network,
        title: "Réunion de rentrée",
        description: "Ordre du jour à venir",
        slots: [
          { startsAt: new Date("2030-09-10T07:00:00Z"), endsAt: new Date("2030-09-10T09:00:00Z") },
          { startsAt: new Date("2030-09-12T12:00:00Z"), endsAt: new Date("2030-09-12T14:00:00Z") },
          { startsAt: new Date("2030-09-17T07:00:00Z"), endsAt: new Date("2030-09-17T09:00:00Z") },
        ],
        actorUserId: a.adminUserId,
      }),
    );
    const opened = await poll();
    slots = opened.slots.map((slot) => slot.id);
    expect(opened).toMatchObject({ status: "open", title: "Réunion de rentrée", answers: [] });
    expect(slots).toHaveLength(3);
    const mail = await database.owner
      .selectFrom("outbox_emails")
      .select("to_address")
      .where("kind", "=", "notification_networks")
      .orderBy("to_address")
      .execute();
    // The contacts; the lead who opened it is not told of it.
    expect(mail.map((row) => row.to_address)).toEqual(["referent-a@213400.test", "referent2@213400.test"]);
  });

  it("records each contact's answers for its organisation, and lets them change", async () => {
    const [s1, s2, s3] = slots as [string, string, string];
    await answer(a.referentContext, a.communeId, { [s1]: "yes", [s2]: "no", [s3]: "no" });
    await answer(referent2Context, commune2, { [s1]: "no", [s2]: "if_needed", [s3]: "no" });
    await answer(a.referentContext, a.communeId, { [s1]: "if_needed", [s2]: "yes" });
    const answers = (await poll()).answers
      .map(
        ({ slotId, userId, answer: value }) =>
          `${slots.indexOf(slotId) + 1}:${userId === referent2 ? "r2" : "r1"}:${value}`,
      )
      .sort();
    expect(answers).toEqual(["1:r1:if_needed", "1:r2:no", "2:r1:yes", "2:r2:if_needed", "3:r1:no", "3:r2:no"]);
  });

  it("refuses an answer from a person who is not a contact, or for another organisation", async () => {
    const [s1] = slots as [string];
    expect(await failure(answer(a.context, a.operatorId, { [s1]: "yes" }))).toBe(
      "Vous n'êtes pas contact du réseau pour cette organisation : ce sondage ne vous est pas adressé.",
    );
    expect(await failure(answer(a.referentContext, commune2, { [s1]: "yes" }))).toMatch(/pas contact du réseau/);
    // The policies refuse it too.
    expect(
      await failure(
        as(a.referentContext, (trx) =>
          trx
            .insertInto("date_poll_answers")
            .values({
              slot_id: s1,
              user_id: a.referentUserId,
              organisation_id: commune2,
              cooperative_id: a.cooperativeId,
              answer: "yes",
            })
            .onConflict((conflict) =>
              conflict.columns(["slot_id", "user_id"]).doUpdateSet({ organisation_id: commune2 }),
            )
            .execute(),
        ),
      ),
    ).toBe("42501");
  });

  it("tallies per slot and per organisation", async () => {
    const seen = await poll(a.referentContext);
    const tally = await as(a.referentContext, (trx) => pollTally(trx, seen));
    const [s1, s2, s3] = slots as [string, string, string];
    expect(tally.slots).toEqual([
      {
        slotId: s1,
        yes: 0,
        ifNeeded: 1,
        no: 1,
        pending: 0,
        organisationsYes: 0,
        organisationsIfNeeded: 1,
        everyoneRefused: false,
      },
      {
        slotId: s2,
        yes: 1,
        ifNeeded: 1,
        no: 0,
        pending: 0,
        organisationsYes: 1,
        organisationsIfNeeded: 1,
        everyoneRefused: false,
      },
      {
        slotId: s3,
        yes: 0,
        ifNeeded: 0,
        no: 2,
        pending: 0,
        organisationsYes: 0,
        organisationsIfNeeded: 0,
        everyoneRefused: true,
      },
    ]);
    expect(tally.organisations).toEqual([
      { organisationId: commune2, name: "Deuxième commune", bySlot: { [s1]: "no", [s2]: "if_needed", [s3]: "no" } },
      {
        organisationId: a.communeId,
        name: "MARKER-A-213400 commune",
        bySlot: { [s1]: "if_needed", [s2]: "yes", [s3]: "no" },
      },
    ]);
  });

  it("lets only the network's managers pick", async () => {
    const asReferent = (await as(a.referentContext, (trx) => networkAccess(trx, a.networkId))) as NetworkAccess;
    expect(asReferent.manages).toBe(false);
    // Row-level security: a referent who does not lead the network changes no poll.
    const closing = await as(a.referentContext, (trx) =>
      trx
        .updateTable("date_polls")
        .set({ status: "closed", closed_at: new Date() })
        .where("id", "=", pollId)
        .executeTakeFirst(),
    );
    expect(Number(closing.numUpdatedRows)).toBe(0);
    expect((await poll()).status).toBe("open");
  });

  it("asks to confirm a slot everyone refused, writing nothing until confirmed", async () => {
    const s3 = slots[2] as string;
    expect(await pick(s3)).toEqual({ picked: false, needsConfirmation: true });
    expect((await poll()).status).toBe("open");
    const meetings = await database.owner
      .selectFrom("meetings")
      .select("id")
      .where("network_id", "=", a.networkId)
      .execute();
    expect(meetings).toHaveLength(1);
  });

  it("picks a slot: creates the scheduled meeting and closes the poll on it, in one transaction", async () => {
    const s2 = slots[1] as string;
    const outcome = await pick(s2);
    if (!outcome.picked) throw new Error("not picked");
    const closed = await poll();
    expect(closed).toMatchObject({ status: "closed", pickedSlotId: s2, meetingId: outcome.meetingId });
    expect(closed.closedAt).toBeInstanceOf(Date);
    const meeting = await database.owner
      .selectFrom("meetings")
      .select(["network_id", "title", "place", "status", "starts_at", "ends_at"])
      .where("id", "=", outcome.meetingId)
      .executeTakeFirstOrThrow();
    expect(meeting).toEqual({
      network_id: a.networkId,
      title: "Réunion de rentrée",
      place: "Salle du conseil",
      status: "scheduled",
      starts_at: new Date("2030-09-12T12:00:00Z"),
      ends_at: new Date("2030-09-12T14:00:00Z"),
    });
    expect(await inviteesOf(outcome.meetingId)).toEqual(expect.arrayContaining([a.referentUserId, referent2]));
    expect(await failure(pick(s2))).toBe("Ce sondage est déjà clos : un créneau a été retenu.");
  });

  it("refuses any answer once the poll is closed, in the query and in the policies", async () => {
    const [s1] = slots as [string];
    expect(await failure(answer(a.referentContext, a.communeId, { [s1]: "yes" }))).toBe(
      "Ce sondage est clos : les réponses ne peuvent plus changer.",
    );
    expect(
      await failure(
        as(a.referentContext, (trx) =>
          trx
            .updateTable("date_poll_answers")
            .set({ answer: "yes" })
            .where("slot_id", "=", s1)
            .where("user_id", "=", a.referentUserId)
            .execute(),
        ),
      ),
    ).toBe("42501");
    // Nor deleted: the closed poll's answers stay the record of how the date was chosen.
    const mine = () =>
      database.owner
        .selectFrom("date_poll_answers")
        .select("slot_id")
        .where("user_id", "=", a.referentUserId)
        .where("slot_id", "in", slots)
        .execute();
    const before = await mine();
    expect(before.length).toBeGreaterThan(0);
    const deleted = await as(a.referentContext, (trx) =>
      trx
        .deleteFrom("date_poll_answers")
        .where("user_id", "=", a.referentUserId)
        .where("slot_id", "in", slots)
        .executeTakeFirst(),
    );
    expect(deleted.numDeletedRows).toBe(0n);
    expect(await mine()).toEqual(before);
  });

  it("lets a lead who is not an operator admin pick: every member organisation's contacts are invited", async () => {
    await database.owner
      .insertInto("network_leads")
      .values({ network_id: a.networkId, user_id: referent2, cooperative_id: a.cooperativeId })
      .execute();
    const led = (await as(referent2Context, (trx) => networkAccess(trx, a.networkId))) as NetworkAccess;
    expect(led.manages).toBe(true);
    const secondPoll = await as(referent2Context, (trx) =>
      openPoll(trx, PUBLIC_URL, {
        network: led,
        title: "Atelier",
        description: "",
        slots: [{ startsAt: new Date("2030-10-01T07:00:00Z"), endsAt: new Date("2030-10-01T09:00:00Z") }],
        actorUserId: referent2,
      }),
    );
    const slot = (await as(referent2Context, (trx) => findPoll(trx, a.networkId, secondPoll)))?.slots[0]?.id as string;
    const outcome = await as(referent2Context, (trx) =>
      pickSlot(trx, {
        network: led,
        pollId: secondPoll,
        slotId: slot,
        confirmRefused: false,
        place: "",
        visioUrl: "",
        actorUserId: referent2,
        publicUrl: PUBLIC_URL,
      }),
    );
    if (!outcome.picked) throw new Error("not picked");
    // The other commune's contact too, though its subscription is out of the lead's sight.
    expect(await inviteesOf(outcome.meetingId)).toEqual(expect.arrayContaining([a.referentUserId, referent2]));
  });

  it("shows another cooperative nothing of the poll", async () => {
    expect(await as(b.context, (trx) => findPoll(trx, a.networkId, pollId))).toBeNull();
    expect(
      await as(b.context, (trx) =>
        trx.selectFrom("date_poll_answers").select("slot_id").where("slot_id", "in", slots).execute(),
      ),
    ).toEqual([]);
  });
});
