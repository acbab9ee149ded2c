import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { type NetworkFixture, seedNetworkFixture } from "../../test/networks.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { MeetingRefusal } from "./attendance.server.ts";
import {
  findNetworkFile,
  listMinutesVersions,
  type MinutesDraftInput,
  publishMinutes,
  saveMinutesDraft,
} from "./minutes.server.ts";

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof MeetingRefusal) return `${error.status} ${error.field ?? "-"} ${error.message}`;
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a refusal");
}

const PUBLIC_URL = "https://portail.test";
const pdf = new TextEncoder().encode("%PDF-1.4 compte rendu");

describe(`minutes of network meetings (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let fixture: NetworkFixture;

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const save = (context: RequestContext, input: Partial<MinutesDraftInput> = {}) =>
    as(context, (trx) =>
      saveMinutesDraft(trx, {
        meetingId: fixture.pastMeetingId,
        cooperativeId: a.cooperativeId,
        actorUserId: context.userId as string,
        body: "Tour de table des communes.\n\nPoint sur les formations en union.",
        decisions: "Prochaine réunion en septembre.",
        file: null,
        keepFile: true,
        ...input,
      }),
    );
  const publish = (context: RequestContext, meetingId = fixture.pastMeetingId) =>
    as(context, (trx) =>
      publishMinutes(trx, {
        meetingId,
        cooperativeId: a.cooperativeId,
        actorUserId: context.userId as string,
        publicUrl: PUBLIC_URL,
      }),
    );
  const networkMails = () =>
    database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "subject", "text_body"])
      .where("kind", "=", "notification_networks")
      .orderBy("to_address")
      .execute();

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    fixture = await seedNetworkFixture(database.owner, a, "213400");
    // The second commune's contact reads the networks' news in the daily digest.
    await database.owner
      .insertInto("notification_preferences")
      .values({ user_id: fixture.contactUserId, kind: "networks", delivery: "digest" })
      .execute();
  });
  afterAll(() => database.close());

  it("keeps the draft to the network's managers, then publishes it to the contacts of every member organisation", async () => {
    expect(await save(fixture.leadContext, { file: { name: "CR juin.pdf", bytes: pdf } })).toEqual({ version: 1 });
    expect(await save(fixture.leadContext, { body: "Tour de table.", keepFile: true })).toEqual({ version: 1 });
    expect(await as(a.referentContext, (trx) => listMinutesVersions(trx, fixture.pastMeetingId))).toEqual([]);
    const [draft] = await as(fixture.leadContext, (trx) => listMinutesVersions(trx, fixture.pastMeetingId));
    expect(draft).toMatchObject({
      version: 1,
      status: "draft",
      body: "Tour de table.",
      file: { filename: "CR juin.pdf" },
    });

    expect(await publish(fixture.leadContext)).toEqual({ version: 1, notified: 2 });
    // The referent (present or not, it does not matter) by mail at once; the second commune's contact, who was
    // neither invited nor present, in its digest.
    const mails = await networkMails();
    expect(mails.map((mail) => mail.to_address)).toEqual(["referent-a@213400.test"]);
    expect(mails[0]?.subject).toContain(
      `Compte rendu de la réunion « ${a.marker} réunion passée » du jeudi 12 juin 2025`,
    );
    expect(mails[0]?.text_body).toContain(`${PUBLIC_URL}/reunions/${fixture.pastMeetingId}/compte-rendu`);
    const digest = await database.owner
      .selectFrom("notification_digest_items")
      .select(["user_id", "kind", "link"])
      .where("kind", "=", "networks")
      .execute();
    expect(digest).toEqual([
      {
        user_id: fixture.contactUserId,
        kind: "networks",
        link: `${PUBLIC_URL}/reunions/${fixture.pastMeetingId}/compte-rendu`,
      },
    ]);
    // Now the whole cooperative reads it, and its attachment.
    const [published] = await as(a.referentContext, (trx) => listMinutesVersions(trx, fixture.pastMeetingId));
    expect(published).toMatchObject({ version: 1, status: "published", body: "Tour de table." });
    const file = await as(a.referentContext, (trx) =>
      findNetworkFile(trx, published?.file?.id as string, a.cooperativeId),
    );
    expect(file).toMatchObject({ filename: "CR juin.pdf", contentType: "application/pdf", sizeBytes: pdf.length });
    expect(
      await as(b.referentContext, (trx) => findNetworkFile(trx, published?.file?.id as string, b.cooperativeId)),
    ).toBeNull();
    const events = await database.owner
      .selectFrom("audit_events")
      .select(["actor_user_id", "details"])
      .where("action", "=", "meeting.minutes_published")
      .execute();
    expect(events).toEqual([
      { actor_user_id: fixture.leadUserId, details: { meetingId: fixture.pastMeetingId, version: 1, notified: 2 } },
    ]);
  });

  it("makes a correction a new version, the published one unchanged and still listed, its attachment kept", async () => {
    expect(await save(a.context, { body: "Tour de table (corrigé).", keepFile: true })).toEqual({ version: 2 });
    expect(await publish(a.context)).toEqual({ version: 2, notified: 2 });
    const versions = await as(a.referentContext, (trx) => listMinutesVersions(trx, fixture.pastMeetingId));
    expect(versions.map((version) => [version.version, version.status, version.body])).toEqual([
      [2, "published", "Tour de table (corrigé)."],
      [1, "published", "Tour de table."],
    ]);
    expect(versions[0]?.file?.id).toBe(versions[1]?.file?.id);
    expect((await networkMails()).map((mail) => mail.subject)).toEqual([
      expect.stringContaining("Compte rendu de la réunion"),
      expect.stringContaining("Compte rendu corrigé (version 2)"),
    ]);
  });

  it("refuses in the database any change to a published version, whoever asks", async () => {
    const change = (context: RequestContext) =>
      as(context, (trx) =>
        trx
          .updateTable("meeting_minutes")
          .set({ body: "réécrit" })
          .where("meeting_id", "=", fixture.pastMeetingId)
          .where("version", "=", 1)
          .execute(),
      );
    expect(await refusal(change(a.context))).toBe("42501");
    expect(await refusal(change(fixture.leadContext))).toBe("42501");
    expect(
      await refusal(
        as(a.context, (trx) =>
          trx.deleteFrom("meeting_minutes").where("meeting_id", "=", fixture.pastMeetingId).execute(),
        ),
      ),
    ).toBe("42501");
    expect(
      await refusal(
        database.owner
          .updateTable("meeting_minutes")
          .set({ body: "réécrit" })
          .where("status", "=", "published")
          .execute(),
      ),
    ).toBe("42501");
  });

  it("lets only the network's managers write and publish, and refuses a bad file or an empty text", async () => {
    expect(await refusal(save(a.referentContext))).toBe("403 - Réservé aux animateurs du réseau.");
    expect(await refusal(save(fixture.leadContext, { meetingId: fixture.otherMeetingId }))).toBe(
      "403 - Réservé aux animateurs du réseau.",
    );
    expect(await refusal(publish(fixture.leadContext, fixture.otherMeetingId))).toBe(
      "403 - Réservé aux animateurs du réseau.",
    );
    expect(await refusal(save(b.context))).toBe("404 - Réunion introuvable.");
    // The fixture meeting takes place in 2030.
    expect(await refusal(save(a.context, { meetingId: a.meetingId }))).toBe(
      "400 - La réunion n'a pas encore commencé.",
    );
    expect(await refusal(save(a.context, { file: { name: "cr.pdf", bytes: new Uint8Array([80, 75, 3, 4]) } }))).toBe(
      "400 file Joignez un fichier PDF, ODT ou DOCX.",
    );
    expect(await refusal(publish(a.context))).toBe("400 - Il n'y a pas de brouillon à publier.");
    await save(a.context, { body: "   " });
    expect(await refusal(publish(a.context))).toBe("400 body Écrivez le compte rendu avant de le publier.");
    const versions = await database.owner
      .selectFrom("meeting_minutes")
      .select(["version", "status"])
      .where("meeting_id", "=", fixture.pastMeetingId)
      .orderBy("version")
      .execute();
    expect(versions).toEqual([
      { version: 1, status: "published" },
      { version: 2, status: "published" },
      { version: 3, status: "draft" },
    ]);
  });
});
