import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase } from "../database.ts";
import { seedTenant, type Tenant } from "../tenants.ts";
import { servePortal, sessionCookieFor } from "./server.ts";

// Meetings over HTTP: a lead schedules one, the invitees answer on the portal or through the personal link of their
// mail (no sign-in), download their .ics, follow a personal calendar feed; forged and revoked tokens find nothing.

const MEETING = {
  title: "Réunion de mars",
  description: "",
  place: "Salle du conseil",
  visioUrl: "",
  date: "2027-03-04",
  startTime: "09:30",
  endTime: "12:00",
  capacity: "",
  reminders: "7, 1",
  agendaRows: "3",
  "agenda-0-title": "Tour de table",
  "agenda-0-duration": "20",
  repeat: "none",
  intent: "schedule",
};
const FORGED = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

describe("meetings over HTTP", () => {
  let database: TestDatabase;
  let portal: Awaited<ReturnType<typeof servePortal>>;
  let a: Tenant;
  let b: Tenant;
  let lead = "";
  let referent = "";
  let meetingId = "";
  let guestToken = "";

  const get = (path: string, cookie?: string) =>
    fetch(`${portal.url}${path}`, { redirect: "manual", headers: cookie ? { Cookie: cookie } : {} });
  const post = (path: string, form: Record<string, string>, cookie?: string) =>
    fetch(`${portal.url}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: {
        Origin: portal.url,
        "Content-Type": "application/x-www-form-urlencoded",
        ...(cookie ? { Cookie: cookie } : {}),
      },
      body: new URLSearchParams(form).toString(),
    });
  const tokenMailedTo = async (email: string) => {
    const mails = (await portal.mails()).filter((mail) => mail.to === email);
    return /\/invitation\/([A-Za-z0-9_-]{43})/.exec(mails.at(-1)?.text ?? "")?.[1] ?? "";
  };
  const responseOf = async (email: string) =>
    (
      await database.owner
        .selectFrom("meeting_invitees")
        .select("response")
        .where("meeting_id", "=", meetingId)
        .where("guest_email", "=", email)
        .executeTakeFirstOrThrow()
    ).response;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    portal = await servePortal(database);
    lead = await sessionCookieFor(database, a.adminUserId);
    referent = await sessionCookieFor(database, a.referentUserId);
  });
  afterAll(async () => {
    await portal?.close();
    await database?.close();
  });

  it("refuses a bad form in French, keeping what was typed", async () => {
    const response = await post(
      `/reseaux/${a.networkId}/reunions/nouvelle`,
      { ...MEETING, title: "Réunion tapée", endTime: "09:00", visioUrl: "visio.example" },
      lead,
    );
    expect(response.status).toBe(400);
    const body = await response.text();
    expect(body).toContain("L&#x27;heure de fin doit suivre l&#x27;heure de début.");
    expect(body).toContain("Le lien de visio est une adresse web complète");
    expect(body).toContain('value="Réunion tapée"');
  });

  it("a lead schedules a meeting; an invited guest answers through the link of the mail, seeing only its own invitation", async () => {
    const created = await post(`/reseaux/${a.networkId}/reunions/nouvelle`, MEETING, lead);
    expect(created.status).toBe(302);
    meetingId = /\/reunions\/([0-9a-f-]{36})/.exec(created.headers.get("Location") ?? "")?.[1] ?? "";
    const invited = await post(
      `/reunions/${meetingId}`,
      { intent: "invite", guestName: "Experte CNFPT", guestEmail: "experte@cnfpt.example" },
      lead,
    );
    expect(invited.status).toBe(200);
    const token = await tokenMailedTo("experte@cnfpt.example");
    expect(token).toHaveLength(43);
    guestToken = token;

    const page = await get(`/invitation/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get("Referrer-Policy")).toBe("no-referrer");
    const body = await page.text();
    expect(body).toContain("Réunion de mars");
    expect(body).toContain("Experte CNFPT");
    expect(body).toContain("Tour de table");
    // Nobody else's invitation: not the referent, not the lead.
    for (const other of ["referent-a@213400.test", `${a.marker} referent`, "admin-a@213400.test"]) {
      expect(body).not.toContain(other);
    }

    const answered = await post(`/invitation/${token}`, { response: "accepted" });
    expect(answered.status).toBe(200);
    expect(await answered.text()).toContain("Votre réponse est enregistrée.");
    expect(await responseOf("experte@cnfpt.example")).toBe("accepted");

    // A forged or malformed token opens nothing, nor writes anything.
    expect((await get(`/invitation/${FORGED}`)).status).toBe(404);
    expect((await post(`/invitation/${FORGED}`, { response: "declined" })).status).toBe(404);
    expect((await get("/invitation/pas-un-jeton")).status).toBe(404);
    expect(await responseOf("experte@cnfpt.example")).toBe("accepted");
  });

  it("an invited referent answers on the meeting page and downloads its .ics; a calendar feed lists only its owner's meetings", async () => {
    const page = await get(`/reunions/${meetingId}`, referent);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain("Je viens");
    // The invitees' list is for the managers.
    expect(body).not.toContain("experte@cnfpt.example");
    expect((await post(`/reunions/${meetingId}`, { intent: "answer", response: "declined" }, referent)).status).toBe(
      200,
    );

    const ics = await get(`/reunions/${meetingId}/invitation.ics`, referent);
    expect(ics.status).toBe(200);
    expect(ics.headers.get("Content-Type")).toContain("text/calendar");
    const calendar = await ics.text();
    expect(calendar).toContain("METHOD:REQUEST");
    expect(calendar).toContain("mailto:referent-a@213400.test");

    // The referent's feed: the fixture's meeting (invited, no answer), not this one (declined), nothing of B.
    const created = await post("/compte/agenda", { intent: "create" }, referent);
    const feedUrl = /(http:\/\/[^"<\s]+\/agenda\/[A-Za-z0-9_-]{43}\.ics)/.exec(await created.text())?.[1] ?? "";
    expect(feedUrl).not.toBe("");
    const feed = await fetch(feedUrl);
    expect(feed.status).toBe(200);
    const events = await feed.text();
    expect(events).toContain(`${a.marker} réunion`);
    expect(events).not.toContain("Réunion de mars");
    expect(events).not.toContain(b.marker);
    // The lead's own feed lists this meeting (the lead is invited and has not declined).
    const leadFeed = /(http:\/\/[^"<\s]+\.ics)/.exec(
      await (await post("/compte/agenda", { intent: "create" }, lead)).text(),
    )?.[1];
    const leadEvents = await (await fetch(leadFeed ?? "")).text();
    expect(leadEvents).toContain("Réunion de mars");
    expect(leadEvents).not.toContain("mailto:referent-a@213400.test");

    // Revoked: the address gives nothing any more; a forged one never did.
    expect((await post("/compte/agenda", { intent: "revoke" }, referent)).status).toBe(200);
    expect((await fetch(feedUrl)).status).toBe(404);
    expect((await get(`/agenda/${FORGED}.ics`)).status).toBe(404);
  });

  it("a capacity below those accepted is refused; cancelling sends the CANCEL and closes the personal link", async () => {
    await post(`/reunions/${meetingId}`, { intent: "answer", response: "accepted" }, lead);
    const refused = await post(`/reunions/${meetingId}/modifier`, { ...MEETING, capacity: "1", intent: "save" }, lead);
    // The guest and the lead accepted.
    expect(refused.status).toBe(400);
    expect(await refused.text()).toContain("2 personnes sont déjà inscrites");

    const unconfirmed = await post(`/reunions/${meetingId}`, { intent: "cancel" }, lead);
    expect(unconfirmed.status).toBe(400);
    expect((await post(`/reunions/${meetingId}`, { intent: "cancel", confirm: "oui" }, lead)).status).toBe(200);
    const ics = await (await get(`/reunions/${meetingId}/invitation.ics`, lead)).text();
    expect(ics).toContain("METHOD:CANCEL");

    // The cancellation mail carries no link: the guest's link is still the invitation's.
    const token = guestToken;
    const page = await get(`/invitation/${token}`);
    expect(page.status).toBe(200);
    const body = await page.text();
    expect(body).toContain("Cette réunion est annulée");
    expect(body).not.toContain("Je viens");
    const late = await post(`/invitation/${token}`, { response: "declined" });
    expect(late.status).toBe(400);
    expect(await responseOf("experte@cnfpt.example")).toBe("accepted");
  });

  it("the network page lists past meetings ten at a time, latest first, other pages a link away", async () => {
    const months = Array.from({ length: 12 }, (_, index) => index + 1);
    await database.owner
      .insertInto("meetings")
      .values(
        months.map((month) => {
          const day = `2024-${String(month).padStart(2, "0")}-10`;
          return {
            cooperative_id: a.cooperativeId,
            network_id: a.networkId,
            title: `Passée n° ${month} de 2024`,
            starts_at: `${day}T08:00:00Z`,
            ends_at: `${day}T10:00:00Z`,
            status: "held" as const,
            ics_uid: `passee-${month}-2024@portail.test`,
          };
        }),
      )
      .execute();
    // The page's text, without the markers React puts between adjacent texts.
    const page = async (query: string) =>
      (await (await get(`/reseaux/${a.networkId}${query}`, referent)).text()).replaceAll("<!-- -->", "");
    const shown = (html: string) => months.filter((month) => html.includes(`Passée n° ${month} de 2024<`));

    const first = await page("");
    expect(shown(first)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    expect(first.indexOf("Passée n° 12 de 2024")).toBeLessThan(first.indexOf("Passée n° 11 de 2024"));
    expect(first).toContain("12 réunions, les plus récentes d&#x27;abord.");
    expect(first).toContain('aria-label="Pagination des réunions passées"');
    expect(first).toContain("Page 1 sur 2");
    expect(first).toContain("?passees=2");

    const second = await page("?passees=2");
    expect(shown(second)).toEqual([1, 2]);
    expect(second).toContain("Page 2 sur 2");
    // Past the end: the last page; not a number: the first.
    expect(shown(await page("?passees=40"))).toEqual([1, 2]);
    expect(shown(await page("?passees=abc"))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });
});
