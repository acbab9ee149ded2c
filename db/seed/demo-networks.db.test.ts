import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { networkIndicatorsOfYear } from "../../app/queries/attendance.server.ts";
import { listMinutesVersions } from "../../app/queries/minutes.server.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import type { Database } from "../engine.ts";
import { withRequestContext } from "../request-context.ts";
import { seedDemo } from "./demo.ts";
import { seedDemoNetworks } from "./demo-networks.ts";

describe(`demo networks of Montpellier Méditerranée Métropole (${testEngine})`, () => {
  let database: Database;
  let referent: Parameters<typeof withRequestContext>[1];
  let rhNetworkId: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemo(database.owner);
    const castelnau = await database.owner
      .selectFrom("memberships as m")
      .innerJoin("users as u", "u.id", "m.user_id")
      .select(["m.user_id", "m.organisation_id", "m.cooperative_id"])
      .where("u.email", "=", "referent.castelnau@example.org")
      .executeTakeFirstOrThrow();
    referent = {
      userId: castelnau.user_id,
      cooperativeId: castelnau.cooperative_id,
      organisationId: castelnau.organisation_id,
      role: "referent",
    };
    rhNetworkId = (
      await database.owner
        .selectFrom("networks as n")
        .innerJoin("offers as o", "o.id", "n.offer_id")
        .select("n.id")
        .where("o.title", "=", "Réseau thématique RH")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => database.close());

  it("gives the RH network's 2017 indicators of the report, computed from the attendance rows: 5 meetings, 18 communes, 12 per meeting", async () => {
    const indicators = await withRequestContext(database.app, referent, (trx) =>
      networkIndicatorsOfYear(trx, rhNetworkId, 2017),
    );
    expect(indicators).toMatchObject({
      meetingsHeld: 5,
      organisationsPresent: 18,
      communesPresent: 18,
      averageCommunes: 12,
      averageOrganisations: 12,
    });
  });

  it("has three thematic networks, the RH one led by its animatrice, with published minutes (one corrected), a poll in progress and an upcoming meeting", async () => {
    const networks = await database.owner
      .selectFrom("networks as n")
      .innerJoin("offers as o", "o.id", "n.offer_id")
      .select(["o.title", "o.kind"])
      .orderBy("o.title")
      .execute();
    expect(networks).toEqual([
      { title: "Réseau thématique RH", kind: "thematic_network" },
      { title: "Réseau thématique achats", kind: "thematic_network" },
      { title: "Réseau thématique affaires juridiques", kind: "thematic_network" },
    ]);
    const leads = await database.owner
      .selectFrom("network_leads as l")
      .innerJoin("users as u", "u.id", "l.user_id")
      .select("u.email")
      .where("l.network_id", "=", rhNetworkId)
      .execute();
    expect(leads).toEqual([{ email: "animatrice.rh@example.org" }]);
    const contacts = await database.owner
      .selectFrom("network_contacts as c")
      .innerJoin("users as u", "u.id", "c.user_id")
      .select("u.email")
      .where("c.network_id", "=", rhNetworkId)
      .orderBy("u.email")
      .execute();
    expect(contacts.map((contact) => contact.email)).toContain("referent.castelnau@example.org");

    const meetings = await database.owner
      .selectFrom("meetings")
      .select(["id", "status", "starts_at"])
      .where("network_id", "=", rhNetworkId)
      .orderBy("starts_at")
      .execute();
    expect(meetings.map((meeting) => meeting.status)).toEqual(["held", "held", "held", "held", "held", "scheduled"]);
    expect(meetings[5]?.starts_at.getTime()).toBeGreaterThan(Date.now());
    const corrected = await withRequestContext(database.app, referent, (trx) =>
      listMinutesVersions(trx, meetings[2]?.id as string),
    );
    expect(corrected.map((version) => [version.version, version.status])).toEqual([
      [2, "published"],
      [1, "published"],
    ]);
    const slots = await database.owner
      .selectFrom("date_poll_slots as s")
      .innerJoin("date_polls as p", "p.id", "s.poll_id")
      .select("s.starts_at")
      .where("p.network_id", "=", rhNetworkId)
      .where("p.status", "=", "open")
      .execute();
    expect(slots).toHaveLength(3);
    expect(slots.every((slot) => slot.starts_at.getTime() > Date.now())).toBe(true);
  });

  it("adds nothing when run again, and sends no mail", async () => {
    const count = async () =>
      Promise.all(
        (
          [
            "networks",
            "meetings",
            "meeting_invitees",
            "meeting_attendance",
            "meeting_minutes",
            "date_polls",
            "date_poll_slots",
            "network_contacts",
          ] as const
        ).map(
          async (table) =>
            (
              await database.owner
                .selectFrom(table)
                .select((eb) => eb.fn.countAll<number>().as("n"))
                .executeTakeFirstOrThrow()
            ).n,
        ),
      );
    const before = await count();
    await seedDemoNetworks(database.owner);
    expect(await count()).toEqual(before);
    const mails = await database.owner
      .selectFrom("outbox_emails")
      .select("id")
      .where("kind", "like", "notification_networks%")
      .execute();
    expect(mails).toEqual([]);
  });
});
