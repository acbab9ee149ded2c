import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { withRequestContext } from "../../db/request-context.ts";
import type { NotificationDelivery } from "../../db/schema.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import type { NotificationKind } from "../domain/notifications.ts";
import { savePreferences } from "../queries/notification-preferences.server.ts";
import { sendDueDigests } from "./digest.server.tsx";
import { audienceOf, type Notification, notify, notifyMany } from "./notify.server.tsx";

const PUBLIC_URL = "https://portail.test";
// Winter: 07:00 in Paris is 06:00 UTC.
const EVENING = new Date("2026-11-26T18:00:00Z");
const BEFORE_SEVEN = new Date("2026-11-27T05:59:00Z");
const AFTER_SEVEN = new Date("2026-11-27T06:01:00Z");

describe(`notifications and their delivery (${testEngine})`, () => {
  let database: Database;
  let a: Tenant;
  let b: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
  });
  afterAll(() => database.close());
  beforeEach(async () => {
    await database.owner.deleteFrom("outbox_emails").execute();
    await database.owner.deleteFrom("notification_digest_items").execute();
    await database.owner.deleteFrom("notification_preferences").execute();
  });

  const prefer = (tenant: Tenant, userId: string, kind: NotificationKind, delivery: NotificationDelivery) =>
    withRequestContext(database.app, { ...tenant.referentContext, userId }, (trx) =>
      savePreferences(trx, userId, { [kind]: delivery }, EVENING),
    );
  /** The admin of A notifies, as a change in their cooperative would. */
  const send = (notification: Partial<Notification> & Pick<Notification, "recipients">) =>
    withRequestContext(database.app, a.context, (trx) =>
      notify(trx, PUBLIC_URL, {
        cooperativeId: a.cooperativeId,
        kind: "adhesions",
        title: "Demande d'adhésion de la commune A.",
        body: "À examiner.",
        path: "/adhesions/1",
        ...notification,
      }),
    );
  const outbox = () =>
    database.owner
      .selectFrom("outbox_emails")
      .select(["to_address", "kind", "subject", "text_body", "cooperative_id"])
      .orderBy("created_at")
      .execute();
  const pendingDigestItems = () =>
    database.owner.selectFrom("notification_digest_items").select("title").where("digested_at", "is", null).execute();

  it("is mailed at once by default, in the cooperative's name, with the link and a way to change it", async () => {
    expect(await send({ recipients: [a.referentUserId] })).toEqual({ [a.referentUserId]: "immediate" });
    const [mail, ...others] = await outbox();
    expect(others).toEqual([]);
    expect(mail).toMatchObject({
      to_address: "referent-a@213400.test",
      kind: "notification_adhesions",
      subject: "Demande d'adhésion de la commune A.",
      cooperative_id: a.cooperativeId,
    });
    expect(mail?.text_body).toContain(`${a.marker}`);
    expect(mail?.text_body).toContain("https://portail.test/adhesions/1");
    expect(mail?.text_body).toContain("https://portail.test/compte/notifications");
    expect(await pendingDigestItems()).toEqual([]);
  });

  it("sends nothing when the change that causes it rolls back", async () => {
    await expect(
      withRequestContext(database.app, a.context, async (trx) => {
        await notify(trx, PUBLIC_URL, {
          cooperativeId: a.cooperativeId,
          kind: "adhesions",
          title: "Annulé",
          recipients: [a.referentUserId],
        });
        throw new Error("the change failed");
      }),
    ).rejects.toThrow("the change failed");
    expect(await outbox()).toEqual([]);
  });

  it("gathers digest notifications into one mail after 07:00 Paris time, once", async () => {
    await prefer(a, a.referentUserId, "adhesions", "digest");
    await send({ recipients: [a.referentUserId], title: "Première nouvelle." });
    await send({ recipients: [a.referentUserId], title: "Deuxième nouvelle.", path: undefined });
    await send({ recipients: [a.referentUserId], kind: "catalogue", title: "Une offre publiée." });
    // Catalogue stays immediate (no choice made for it); adhesions wait for the digest.
    expect((await outbox()).map((mail) => mail.subject)).toEqual(["Une offre publiée."]);
    expect(await pendingDigestItems()).toHaveLength(2);

    // The items were written "now", after these clocks' 07:00: the digest of the next morning takes them.
    const now = new Date();
    const nextMorning = new Date(now.getTime() + 24 * 60 * 60 * 1000);
    expect(await sendDueDigests(database.owner, PUBLIC_URL, now)).toBe(0);
    expect(await sendDueDigests(database.owner, PUBLIC_URL, nextMorning)).toBe(1);
    const digest = (await outbox()).at(-1);
    expect(digest).toMatchObject({ to_address: "referent-a@213400.test", kind: "digest" });
    expect(digest?.subject).toBe(`Votre résumé du jour : 2 nouvelles — ${a.marker} coopérative`);
    expect(digest?.text_body).toContain("Première nouvelle.");
    expect(digest?.text_body).toContain("Deuxième nouvelle.");
    expect(digest?.text_body).not.toContain("Une offre publiée.");
    expect(await pendingDigestItems()).toEqual([]);
    expect(await sendDueDigests(database.owner, PUBLIC_URL, nextMorning)).toBe(0);
    expect(await outbox()).toHaveLength(2);
  });

  it("waits for 07:00: items of the evening are not sent at 06:59, then are", async () => {
    await database.owner
      .insertInto("notification_digest_items")
      .values({
        cooperative_id: a.cooperativeId,
        user_id: a.referentUserId,
        kind: "adhesions",
        title: "Arrivée hier soir.",
        created_at: EVENING,
      })
      .execute();
    expect(await sendDueDigests(database.owner, PUBLIC_URL, BEFORE_SEVEN)).toBe(0);
    expect(await sendDueDigests(database.owner, PUBLIC_URL, AFTER_SEVEN)).toBe(1);
  });

  it("sends nothing to someone who chose none, except statements to a referent", async () => {
    await prefer(a, a.referentUserId, "adhesions", "none");
    await prefer(a, a.referentUserId, "statements", "none");
    expect(await send({ recipients: [a.referentUserId] })).toEqual({ [a.referentUserId]: "none" });
    expect(await send({ recipients: [a.referentUserId], kind: "statements", title: "Appel de fonds émis." })).toEqual({
      [a.referentUserId]: "immediate",
    });
    expect((await outbox()).map((mail) => mail.subject)).toEqual(["Appel de fonds émis."]);
    expect(await pendingDigestItems()).toEqual([]);
  });

  it("reaches only people of the notifying cooperative, never the other's", async () => {
    expect(await send({ recipients: [a.adminUserId, b.referentUserId] })).toEqual({ [a.adminUserId]: "immediate" });
    expect((await outbox()).map((mail) => mail.to_address)).toEqual(["admin-a@213400.test"]);
    // Nor can a digest item be slipped into the other cooperative's member's digest.
    await expect(
      withRequestContext(database.app, a.context, (trx) =>
        trx
          .insertInto("notification_digest_items")
          .values({ cooperative_id: a.cooperativeId, user_id: b.referentUserId, kind: "adhesions", title: "intrus" })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: "42501" });
  });

  it("many at once reach each recipient as one by one would: their choice, one mail each, the right link", async () => {
    await prefer(a, a.referentUserId, "adhesions", "digest");
    await prefer(a, a.referentUserId, "statements", "none");
    const notifications: Notification[] = [
      {
        cooperativeId: a.cooperativeId,
        kind: "adhesions",
        title: "Adhésion 1.",
        path: "/adhesions/1",
        recipients: [a.referentUserId, a.adminUserId],
      },
      {
        cooperativeId: a.cooperativeId,
        kind: "statements",
        title: "Appel de fonds 1.",
        body: "Net : 10,00 €.",
        path: "/appels-de-fonds/1",
        recipients: [a.referentUserId],
      },
      {
        cooperativeId: a.cooperativeId,
        kind: "statements",
        title: "Appel de fonds 2.",
        path: "/appels-de-fonds/2",
        recipients: [a.referentUserId, a.referentUserId, b.referentUserId],
      },
      { cooperativeId: a.cooperativeId, kind: "catalogue", title: "Personne.", recipients: [] },
    ];
    const written = async () => ({
      mails: (
        await database.owner
          .selectFrom("outbox_emails")
          .select(["to_address", "kind", "subject", "text_body", "html_body", "reply_to", "cooperative_id"])
          .execute()
      ).sort((x, y) => `${x.subject}${x.to_address}`.localeCompare(`${y.subject}${y.to_address}`)),
      digest: await database.owner
        .selectFrom("notification_digest_items")
        .select(["user_id", "cooperative_id", "kind", "title", "body", "link"])
        .orderBy("title")
        .execute(),
    });

    const oneByOne = await withRequestContext(database.app, a.context, async (trx) => {
      const outcomes = [];
      for (const notification of notifications) outcomes.push(await notify(trx, PUBLIC_URL, notification));
      return outcomes;
    });
    const expected = await written();
    await database.owner.deleteFrom("outbox_emails").execute();
    await database.owner.deleteFrom("notification_digest_items").execute();
    const atOnce = await withRequestContext(database.app, a.context, (trx) =>
      notifyMany(trx, PUBLIC_URL, notifications),
    );

    expect(atOnce).toEqual([
      { [a.referentUserId]: "digest", [a.adminUserId]: "immediate" },
      // A referent cannot silence statements; the other cooperative's referent is never reached.
      { [a.referentUserId]: "immediate" },
      { [a.referentUserId]: "immediate" },
      {},
    ]);
    expect(atOnce).toEqual(oneByOne);
    const actual = await written();
    expect(actual).toEqual(expected);
    expect(actual.mails.map((mail) => [mail.subject, mail.to_address])).toEqual([
      ["Adhésion 1.", "admin-a@213400.test"],
      ["Appel de fonds 1.", "referent-a@213400.test"],
      ["Appel de fonds 2.", "referent-a@213400.test"],
    ]);
    expect(actual.mails[2]?.text_body).toContain("https://portail.test/appels-de-fonds/2");
    expect(actual.mails[2]?.text_body).not.toContain("Net : 10,00 €.");
    expect(actual.digest.map((item) => [item.title, item.link])).toEqual([
      ["Adhésion 1.", "https://portail.test/adhesions/1"],
    ]);
  });

  it("reaches by organisation and role the same people as by their ids, reading them once", async () => {
    const disabled = await database.owner
      .insertInto("users")
      .values({ email: "parti@213400.test", display_name: "Parti", disabled_at: new Date() })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("memberships")
      .values({ user_id: disabled.id, organisation_id: a.communeId, cooperative_id: a.cooperativeId, role: "referent" })
      .execute();
    const notification = (recipients: string[]): Notification => ({
      cooperativeId: a.cooperativeId,
      kind: "statements",
      title: "Appel de fonds 3.",
      recipients,
    });
    const byOrganisation = await withRequestContext(database.app, a.context, async (trx) => {
      const referents = await audienceOf(trx, a.cooperativeId, "statements", {
        organisationIds: [a.communeId, a.operatorId, b.communeId],
        role: "referent",
      });
      // The disabled referent is no one to reach; the operator has no referent; another cooperative's, none here.
      expect(referents.recipientsOf(a.communeId)).toEqual([a.referentUserId]);
      expect(referents.recipientsOf(a.operatorId)).toEqual([]);
      expect(referents.recipientsOf(b.communeId)).toEqual([]);
      return notifyMany(trx, PUBLIC_URL, [notification(referents.recipientsOf(a.communeId))], {
        audiences: [referents],
      });
    });
    const mailsByOrganisation = await outbox();
    await database.owner.deleteFrom("outbox_emails").execute();
    const byIds = await withRequestContext(database.app, a.context, (trx) =>
      notifyMany(trx, PUBLIC_URL, [notification([a.referentUserId, disabled.id])]),
    );
    expect(byOrganisation).toEqual([{ [a.referentUserId]: "immediate" }]);
    expect(byIds).toEqual(byOrganisation);
    expect(await outbox()).toEqual(mailsByOrganisation);
    await database.owner.deleteFrom("memberships").where("user_id", "=", disabled.id).execute();
  });
});
