import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { type NetworkFixture, seedNetworkFixture } from "../../test/networks.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import {
  listAttendance,
  listSheetInvitees,
  MeetingRefusal,
  networkIndicatorsOfYear,
  type RecordAttendanceInput,
  recordAttendance,
} from "./attendance.server.ts";

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof MeetingRefusal) return `${error.status} ${error.message}`;
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a refusal");
}

describe(`attendance at network meetings (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let fixture: NetworkFixture;
  /** The fixture meeting (2030-03-12, 10:00-12:00 in Paris), under way. */
  const during = new Date("2030-03-12T09:30:00Z");

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const record = (context: RequestContext, input: Partial<RecordAttendanceInput> = {}) =>
    as(context, (trx) =>
      recordAttendance(trx, {
        meetingId: a.meetingId,
        cooperativeId: a.cooperativeId,
        actorUserId: context.userId as string,
        inviteeIds: [],
        walkIns: [],
        now: during,
        ...input,
      }),
    );
  const attendanceOf = (meetingId: string) =>
    database.owner
      .selectFrom("meeting_attendance")
      .select(["person_name", "organisation_id", "invitee_id"])
      .where("meeting_id", "=", meetingId)
      .orderBy("person_name")
      .execute();
  const statusOf = async (meetingId: string) =>
    (await database.owner.selectFrom("meetings").select("status").where("id", "=", meetingId).executeTakeFirstOrThrow())
      .status;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    fixture = await seedNetworkFixture(database.owner, a, "213400");
  });
  afterAll(() => database.close());

  it("lists on the sign-in sheet the invitees who have not declined, for the network's managers only", async () => {
    const sheet = await as(a.context, (trx) => listSheetInvitees(trx, a.meetingId));
    expect(sheet.map((invitee) => [invitee.name, invitee.organisationName])).toEqual([
      [`${a.marker} referent`, `${a.marker} commune`],
      [`${a.marker} invitée`, null],
    ]);
    await database.owner
      .updateTable("meeting_invitees")
      .set({ response: "declined" })
      .where("meeting_id", "=", a.meetingId)
      .where("source", "=", "guest")
      .execute();
    expect(await as(fixture.leadContext, (trx) => listSheetInvitees(trx, a.meetingId))).toHaveLength(1);
    // Someone else of the cooperative sees only their own invitation (or their people's), never the guests'.
    const contactContext = { ...a.referentContext, userId: fixture.contactUserId, role: "agent" as const };
    expect(await as(contactContext, (trx) => listSheetInvitees(trx, a.meetingId))).toEqual([]);
  });

  it("records who came, invitees and walk-ins, replacing the previous list, marks the meeting held, audits it", async () => {
    const [invitee] = await as(a.context, (trx) => listSheetInvitees(trx, a.meetingId));
    const recorded = await record(fixture.leadContext, {
      inviteeIds: [invitee?.id as string],
      walkIns: [
        { name: "Léa Moreau", organisationId: fixture.otherCommuneId },
        { name: "Conseillère CNFPT", organisationId: null },
      ],
    });
    expect(recorded).toEqual({ present: 3, organisations: 2, markedHeld: true });
    expect(await attendanceOf(a.meetingId)).toEqual([
      { person_name: "Conseillère CNFPT", organisation_id: null, invitee_id: null },
      { person_name: "Léa Moreau", organisation_id: fixture.otherCommuneId, invitee_id: null },
      { person_name: `${a.marker} referent`, organisation_id: a.communeId, invitee_id: invitee?.id },
    ]);
    expect(await statusOf(a.meetingId)).toBe("held");
    // The whole cooperative reads who came.
    expect(await as(a.referentContext, (trx) => listAttendance(trx, a.meetingId))).toHaveLength(3);

    // Recorded again: the list is replaced, the meeting stays held.
    expect(
      await record(a.context, { walkIns: [{ name: "Léa Moreau", organisationId: fixture.otherCommuneId }] }),
    ).toEqual({ present: 1, organisations: 1, markedHeld: false });
    expect(await attendanceOf(a.meetingId)).toEqual([
      { person_name: "Léa Moreau", organisation_id: fixture.otherCommuneId, invitee_id: null },
    ]);
    const events = await database.owner
      .selectFrom("audit_events")
      .select(["actor_user_id", "details"])
      .where("action", "=", "meeting.attendance_recorded")
      .orderBy("created_at")
      .execute();
    expect(events.map((event) => [event.actor_user_id, (event.details as { present: number }).present])).toEqual([
      [fixture.leadUserId, 3],
      [a.adminUserId, 1],
    ]);
  });

  it("lets only the network's managers record: not a referent, not the lead of another network, not another cooperative", async () => {
    const before = await attendanceOf(a.meetingId);
    expect(await refusal(record(a.referentContext))).toBe("403 Réservé aux animateurs du réseau.");
    // The lead of A's network does not lead the other network of the cooperative.
    expect(await refusal(record(fixture.leadContext, { meetingId: fixture.otherMeetingId }))).toBe(
      "403 Réservé aux animateurs du réseau.",
    );
    // Nor can it write there behind the application's back.
    expect(
      await refusal(
        as(fixture.leadContext, (trx) =>
          trx
            .insertInto("meeting_attendance")
            .values({ cooperative_id: a.cooperativeId, meeting_id: fixture.otherMeetingId, person_name: "intrus" })
            .execute(),
        ),
      ),
    ).toBe("42501");
    expect(await refusal(record(b.context))).toBe("404 Réunion introuvable.");
    expect(await attendanceOf(a.meetingId)).toEqual(before);
    expect(await attendanceOf(fixture.otherMeetingId)).toEqual([]);
  });

  it("refuses a meeting not begun or cancelled, an invitee of another meeting, an organisation of another cooperative", async () => {
    expect(await refusal(record(a.context, { now: new Date("2030-03-12T08:59:00Z") }))).toBe(
      "400 La réunion n'a pas encore commencé.",
    );
    const [otherInvitee] = await as(a.context, (trx) => listSheetInvitees(trx, fixture.pastMeetingId));
    expect(await refusal(record(a.context, { inviteeIds: [otherInvitee?.id as string] }))).toBe(
      "400 Un des invités cochés est introuvable.",
    );
    expect(await refusal(record(a.context, { inviteeIds: ["pas-un-identifiant"] }))).toBe(
      "400 Un des invités cochés est introuvable.",
    );
    expect(await refusal(record(a.context, { walkIns: [{ name: "X", organisationId: b.communeId }] }))).toBe(
      "400 Organisation introuvable.",
    );
    expect(await refusal(record(a.context, { walkIns: [{ name: "  ", organisationId: null }] }))).toMatch(/^400 /);
    await database.owner
      .updateTable("meetings")
      .set({ status: "cancelled" })
      .where("id", "=", fixture.otherMeetingId)
      .execute();
    expect(await refusal(record(a.context, { meetingId: fixture.otherMeetingId }))).toBe(
      "400 Cette réunion a été annulée.",
    );
  });

  it("computes a year's indicators from the attendance rows, members without attendance at 0 %", async () => {
    const [invitee] = await as(a.context, (trx) => listSheetInvitees(trx, fixture.pastMeetingId));
    await record(a.context, {
      meetingId: fixture.pastMeetingId,
      inviteeIds: [invitee?.id as string],
      walkIns: [{ name: "Invité extérieur", organisationId: null }],
    });
    const indicators = await as(a.referentContext, (trx) => networkIndicatorsOfYear(trx, a.networkId, 2025));
    expect(indicators).toMatchObject({
      meetingsHeld: 1,
      organisationsPresent: 1,
      communesPresent: 1,
      averagePeople: 2,
      averageOrganisations: 1,
    });
    expect(indicators.organisations.map((row) => [row.id, row.meetingsAttended, row.rate])).toEqual([
      [a.communeId, 1, 1],
      [fixture.otherCommuneId, 0, 0],
    ]);
    // Another cooperative computes nothing from A's rows.
    expect(await as(b.context, (trx) => networkIndicatorsOfYear(trx, a.networkId, 2025))).toMatchObject({
      meetingsHeld: 0,
      organisations: [],
    });
  });
});
