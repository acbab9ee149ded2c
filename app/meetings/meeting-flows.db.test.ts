import ICAL from "ical.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { meetingFacts } from "../../test/networks.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { hashToken } from "../auth/tokens.server.ts";
import {
  addInvitees,
  cancelMeeting,
  copyMeeting,
  createMeetings,
  MeetingError,
  type MeetingInput,
  nudgeMeeting,
  updateMeeting,
} from "../queries/meetings.server.ts";
import { dueReminderDays, sendDueReminders } from "./reminders.server.ts";

const PUBLIC_URL = "https://portail.example.test";
const NOW = new Date("2027-01-10T10:00:00Z");
const DAY = 24 * 60 * 60 * 1000;

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof MeetingError) return error.message;
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a refusal");
}

describe(`meetings: changes, copies, series, nudges and reminders (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;

  const facts = meetingFacts;
  const asLead = <T>(work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, a.context, work);
  /** A scheduled meeting with the network's two people (the referent, the lead) and two guests, each mailed. */
  async function scheduled(overrides: Partial<MeetingInput> = {}) {
    return asLead(async (trx) => {
      const { ids } = await createMeetings(trx, {
        ...facts(overrides),
        networkId: a.networkId,
        cooperativeId: a.cooperativeId,
        actorUserId: a.adminUserId,
        status: "scheduled",
        publicUrl: PUBLIC_URL,
        now: NOW,
        occurrences: [
          {
            startsAt: overrides.startsAt ?? facts().startsAt,
            endsAt: overrides.endsAt ?? facts().endsAt,
          },
        ],
      });
      const id = ids[0] as string;
      await addInvitees(trx, {
        meetingId: id,
        userIds: [],
        guests: [
          { name: "Invitée Une", email: "une@exterieur.example" },
          { name: "Invité Deux", email: "deux@exterieur.example" },
        ],
        publicUrl: PUBLIC_URL,
      });
      return id;
    });
  }
  const mails = (meetingId: string, kind?: string) =>
    database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "kind", "subject", "text_body", "attachments"])
      .where("kind", kind ? "=" : "like", kind ?? "meeting_%")
      .where("text_body", "like", `%/reunions/${meetingId}%`)
      .orderBy("created_at")
      .orderBy("to_address")
      .execute();
  const invitee = async (meetingId: string, email: string) => {
    const rows = await database.owner
      .selectFrom("meeting_invitees as i")
      .leftJoin("users as u", "u.id", "i.user_id")
      .select(["i.id", "i.response", "i.rsvp_token_hash", "i.reminded_days", "i.guest_email", "u.email"])
      .where("i.meeting_id", "=", meetingId)
      .execute();
    const row = rows.find((candidate) => (candidate.guest_email ?? candidate.email) === email);
    if (!row) throw new Error(`no invitee ${email}`);
    return row;
  };
  const setResponse = async (meetingId: string, email: string, response: "declined" | "cancelled" | "accepted") => {
    const { id } = await invitee(meetingId, email);
    await database.owner
      .updateTable("meeting_invitees")
      .set({ response, responded_at: new Date() })
      .where("id", "=", id)
      .execute();
  };
  const icsOf = (mail: { attachments: { contentBase64: string }[] }) => {
    const calendar = new ICAL.Component(
      ICAL.parse(Buffer.from(mail.attachments[0]?.contentBase64 ?? "", "base64").toString("utf8")),
    );
    const event = calendar.getFirstSubcomponent("vevent");
    return {
      method: calendar.getFirstPropertyValue("method"),
      uid: event?.getFirstPropertyValue("uid"),
      sequence: event?.getFirstPropertyValue("sequence"),
      start: (event?.getFirstPropertyValue("dtstart") as ICAL.Time | undefined)?.toJSDate().toISOString(),
    };
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
  });
  afterAll(() => database.close());

  it("a change of time is mailed as an update with the same UID and SEQUENCE + 1, not to those who declined", async () => {
    const id = await scheduled({ title: "À déplacer" });
    await setResponse(id, "deux@exterieur.example", "declined");
    const [invitation] = await mails(id, "meeting_invitation");
    const first = icsOf(invitation as never);
    expect(first.sequence).toBe(0);

    // Only the capacity and the reminders: nothing to tell.
    const quiet = await asLead((trx) =>
      updateMeeting(trx, {
        ...facts({ title: "À déplacer", capacity: 10, reminderDays: [2] }),
        meetingId: id,
        publicUrl: PUBLIC_URL,
        now: NOW,
      }),
    );
    expect(quiet.mailed).toBe(0);

    const moved = await asLead((trx) =>
      updateMeeting(trx, {
        ...facts({
          title: "À déplacer",
          startsAt: new Date("2027-04-08T07:30:00Z"),
          endsAt: new Date("2027-04-08T10:00:00Z"),
        }),
        meetingId: id,
        publicUrl: PUBLIC_URL,
        now: NOW,
      }),
    );
    // The referent, the lead and the guest who has not declined.
    expect(moved.mailed).toBe(3);
    const updates = await mails(id, "meeting_update");
    expect(updates.map((mail) => mail.to_address)).not.toContain("deux@exterieur.example");
    for (const mail of updates) {
      expect(mail.subject).toContain("Modification : À déplacer");
      expect(icsOf(mail as never)).toEqual({
        method: "REQUEST",
        uid: first.uid,
        sequence: 1,
        start: "2027-04-08T07:30:00.000Z",
      });
    }

    const cancelled = await asLead((trx) => cancelMeeting(trx, { meetingId: id, publicUrl: PUBLIC_URL }));
    expect(cancelled.mailed).toBe(3);
    for (const mail of await mails(id, "meeting_cancellation")) {
      expect(icsOf(mail as never)).toMatchObject({ method: "CANCEL", uid: first.uid, sequence: 2 });
    }
  });

  it("refuses a capacity below the people already accepted, in French, writing nothing", async () => {
    const id = await scheduled({ title: "Petite salle" });
    await setResponse(id, "une@exterieur.example", "accepted");
    await setResponse(id, "deux@exterieur.example", "accepted");
    expect(
      await refusal(
        asLead((trx) =>
          updateMeeting(trx, {
            ...facts({ title: "Renommée", capacity: 1 }),
            meetingId: id,
            publicUrl: PUBLIC_URL,
            now: NOW,
          }),
        ),
      ),
    ).toBe("2 personnes sont déjà inscrites : la capacité ne peut pas descendre en dessous de 2.");
    const row = await database.owner
      .selectFrom("meetings")
      .select(["title", "capacity", "ics_sequence"])
      .where("id", "=", id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ title: "Petite salle", capacity: null, ics_sequence: 0 });
    // The referent may not change it at all.
    expect(
      await refusal(
        withRequestContext(database.app, a.referentContext, (trx) =>
          updateMeeting(trx, { ...facts(), meetingId: id, publicUrl: PUBLIC_URL, now: NOW }),
        ),
      ),
    ).toBe("Seuls les animateurs du réseau organisent ses réunions.");
  });

  it("a series is created at once under one series id; a copy is a new draft with the same agenda", async () => {
    const { ids, seriesId } = await asLead((trx) =>
      createMeetings(trx, {
        ...facts({ title: "Série" }),
        networkId: a.networkId,
        cooperativeId: a.cooperativeId,
        actorUserId: a.adminUserId,
        status: "draft",
        publicUrl: PUBLIC_URL,
        now: NOW,
        occurrences: [
          { startsAt: new Date("2027-04-15T07:30:00Z"), endsAt: new Date("2027-04-15T10:00:00Z") },
          { startsAt: new Date("2027-05-20T07:30:00Z"), endsAt: new Date("2027-05-20T10:00:00Z") },
          { startsAt: new Date("2027-06-17T07:30:00Z"), endsAt: new Date("2027-06-17T10:00:00Z") },
        ],
      }),
    );
    expect(ids).toHaveLength(3);
    const series = await database.owner
      .selectFrom("meetings")
      .select(["series_id", "status", "ics_uid"])
      .where("id", "in", ids)
      .execute();
    expect(series.every((row) => row.series_id === seriesId && row.status === "draft")).toBe(true);
    expect(new Set(series.map((row) => row.ics_uid)).size).toBe(3);

    const { id: copy } = await asLead((trx) =>
      copyMeeting(trx, {
        meetingId: ids[0] as string,
        startsAt: new Date("2027-09-16T07:30:00Z"),
        endsAt: new Date("2027-09-16T10:00:00Z"),
        actorUserId: a.adminUserId,
        publicUrl: PUBLIC_URL,
        now: NOW,
      }),
    );
    const copied = await database.owner
      .selectFrom("meetings")
      .select(["title", "status", "series_id", "ics_sequence", "starts_at"])
      .where("id", "=", copy)
      .executeTakeFirstOrThrow();
    expect(copied).toEqual({
      title: "Série",
      status: "draft",
      series_id: null,
      ics_sequence: 0,
      starts_at: new Date("2027-09-16T07:30:00Z"),
    });
    const agenda = await database.owner
      .selectFrom("meeting_agenda_items")
      .select(["position", "title", "duration_minutes"])
      .where("meeting_id", "=", copy)
      .execute();
    expect(agenda).toEqual([{ position: 1, title: "Temps de travail", duration_minutes: 30 }]);
    expect(
      await database.owner.selectFrom("meeting_invitees").select("id").where("meeting_id", "=", copy).execute(),
    ).toEqual([]);
  });

  it("a nudge mails those who have not answered, once per click, with a fresh link; never those who answered", async () => {
    const id = await scheduled({ title: "À relancer" });
    await setResponse(id, "une@exterieur.example", "accepted");
    await setResponse(id, "referent-a@213400.test", "declined");
    const before = await invitee(id, "deux@exterieur.example");
    expect(await asLead((trx) => nudgeMeeting(trx, { meetingId: id, publicUrl: PUBLIC_URL, now: NOW }))).toBe(2);
    const nudges = await mails(id, "meeting_nudge");
    expect(nudges.map((mail) => mail.to_address).sort()).toEqual(["admin-a@213400.test", "deux@exterieur.example"]);
    const mail = nudges.find((candidate) => candidate.to_address === "deux@exterieur.example");
    const token = /\/invitation\/([A-Za-z0-9_-]{43})/.exec(mail?.text_body ?? "")?.[1] ?? "";
    const after = await invitee(id, "deux@exterieur.example");
    expect(after.rsvp_token_hash).toBe(hashToken(token));
    expect(after.rsvp_token_hash).not.toBe(before.rsvp_token_hash);
    // A second click, a second nudge to the same two.
    expect(await asLead((trx) => nudgeMeeting(trx, { meetingId: id, publicUrl: PUBLIC_URL, now: NOW }))).toBe(2);
    expect((await mails(id, "meeting_nudge")).length).toBe(4);
    // Not the referent's to send.
    expect(
      await refusal(
        withRequestContext(database.app, a.referentContext, (trx) =>
          nudgeMeeting(trx, { meetingId: id, publicUrl: PUBLIC_URL, now: NOW }),
        ),
      ),
    ).toBe("Seuls les animateurs du réseau organisent ses réunions.");
  });

  it("reminders go once per day count, never to those who declined or cancelled; two runs send one mail", async () => {
    const startsAt = new Date("2028-06-01T07:30:00Z");
    const id = await scheduled({ title: "Avec rappels", startsAt, endsAt: new Date("2028-06-01T10:00:00Z") });
    await setResponse(id, "deux@exterieur.example", "declined");
    await setResponse(id, "une@exterieur.example", "accepted");
    await setResponse(id, "une@exterieur.example", "cancelled");
    await setResponse(id, "referent-a@213400.test", "accepted");
    const reminded = async () => (await mails(id, "meeting_reminder")).map((mail) => mail.to_address).sort();

    // Eight days before: nothing due.
    await sendDueReminders(database.owner, PUBLIC_URL, new Date(startsAt.getTime() - 8 * DAY));
    expect(await reminded()).toEqual([]);
    // Six days before: the 7-day reminder, to the referent (coming) and the lead (no answer yet), by two workers.
    const sixDays = new Date(startsAt.getTime() - 6 * DAY);
    await Promise.all([
      sendDueReminders(database.owner, PUBLIC_URL, sixDays),
      sendDueReminders(database.owner, PUBLIC_URL, sixDays),
    ]);
    expect(await reminded()).toEqual(["admin-a@213400.test", "referent-a@213400.test"]);
    await sendDueReminders(database.owner, PUBLIC_URL, sixDays);
    expect((await reminded()).length).toBe(2);
    expect((await invitee(id, "referent-a@213400.test")).reminded_days).toEqual([7]);
    const [mail] = await mails(id, "meeting_reminder");
    expect(mail?.subject).toBe(`Rappel : Avec rappels (${a.marker} réseau) — jeudi 1er juin 2028, 09:30 – 12:00`);
    expect(mail?.text_body).toContain("Salle 3");
    expect(mail?.text_body).toContain(`${PUBLIC_URL}/reunions/${id}`);

    // Twelve hours before: the 1-day reminder, once.
    const halfDay = new Date(startsAt.getTime() - DAY / 2);
    await sendDueReminders(database.owner, PUBLIC_URL, halfDay);
    await sendDueReminders(database.owner, PUBLIC_URL, halfDay);
    expect(await reminded()).toEqual([
      "admin-a@213400.test",
      "admin-a@213400.test",
      "referent-a@213400.test",
      "referent-a@213400.test",
    ]);
    // Started: nothing more.
    await sendDueReminders(database.owner, PUBLIC_URL, new Date(startsAt.getTime() + 60_000));
    expect((await reminded()).length).toBe(4);
  });

  it("sends one reminder, the closest, when several have come at once", () => {
    const startsAt = new Date("2028-06-01T07:30:00Z");
    expect(dueReminderDays([7, 1], startsAt, new Date(startsAt.getTime() - 3 * DAY))).toEqual([7]);
    expect(dueReminderDays([1, 7], startsAt, new Date(startsAt.getTime() - DAY / 2))).toEqual([1, 7]);
    expect(dueReminderDays([7, 1], startsAt, startsAt)).toEqual([]);
  });
});
