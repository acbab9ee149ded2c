import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, type Tenant } from "../test/tenants.ts";
import type { Database } from "./engine.ts";
import { withRequestContext } from "./request-context.ts";

/** The database, not only the app, keeps approving and rejecting to operator admins. */
describe(`subscription moves by role (${testEngine})`, () => {
  let database: Database;
  let a: Tenant;
  let freeOffer = "";

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    freeOffer = (
      await database.owner
        .insertInto("offers")
        .values({
          cooperative_id: a.cooperativeId,
          title: "Réseau RH",
          kind: "thematic_network",
          requires_approval: false,
        })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => database.close());

  const asReferent = <T>(work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, a.referentContext, work);
  const asAdmin = <T>(work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, a.context, work);
  const request = (offerId: string, status: "requested" | "active" = "requested") =>
    asReferent((trx) =>
      trx
        .insertInto("subscriptions")
        .values({
          cooperative_id: a.cooperativeId,
          organisation_id: a.communeId,
          offer_id: offerId,
          status,
          starts_on: status === "active" ? "2026-12-01" : null,
        })
        .returning("id")
        .executeTakeFirstOrThrow(),
    );
  const setStatus = (who: typeof asAdmin, id: string, status: "active" | "rejected" | "withdrawn") =>
    who((trx) =>
      trx
        .updateTable("subscriptions")
        .set({
          status,
          ...(status === "active" ? { starts_on: "2026-12-01" } : {}),
          ...(status === "rejected" ? { rejection_reason: "Hors périmètre" } : {}),
        })
        .where("id", "=", id)
        .execute(),
    );

  const newOffer = async (title: string) =>
    (
      await database.owner
        .insertInto("offers")
        .values({ cooperative_id: a.cooperativeId, title, kind: "platform" })
        .returning("id")
        .executeTakeFirstOrThrow()
    ).id;

  it("lets a referent request, never approve: only an operator admin does", async () => {
    const { id } = await request(await newOffer("E-services"));
    await expect(setStatus(asReferent, id, "active")).rejects.toMatchObject({ code: "42501" });
    await setStatus(asAdmin, id, "active");
    const row = await database.owner
      .selectFrom("subscriptions")
      .select("status")
      .where("id", "=", id)
      .executeTakeFirst();
    expect(row?.status).toBe("active");
  });

  it("lets a referent withdraw its request, not reject it, and not join directly an offer that needs approval", async () => {
    const offer = await newOffer("Plateforme");
    await expect(request(offer, "active")).rejects.toMatchObject({ code: "42501" });
    const { id } = await request(offer);
    await expect(setStatus(asReferent, id, "rejected")).rejects.toMatchObject({ code: "42501" });
    await setStatus(asReferent, id, "withdrawn");
  });

  it("lets a referent join at once an offer that needs no approval", async () => {
    const { id } = await request(freeOffer, "active");
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("allows one open request per organisation and offer", async () => {
    const offer = await newOffer("SIG");
    await request(offer);
    await expect(request(offer)).rejects.toMatchObject({ code: "23505" });
  });

  it("never lets a referent rewrite its own subscription's offer, start or decision", async () => {
    const other = await newOffer("Autre plateforme");
    for (const change of [
      { offer_id: other },
      { starts_on: "2020-01-01" },
      { decided_by: a.referentUserId },
      { council_decision_number: "falsifiée" },
    ]) {
      await expect(
        asReferent((trx) => trx.updateTable("subscriptions").set(change).where("offer_id", "=", a.offerId).execute()),
        JSON.stringify(change),
      ).rejects.toMatchObject({ code: "42501" });
    }
  });

  it("lets a referent give notice once, not move the end date afterwards, nor rejoin through a successor of an ended subscription", async () => {
    const offer = await newOffer("Plateforme à quitter");
    const { id } = await request(offer);
    await asAdmin((trx) =>
      trx
        .updateTable("subscriptions")
        .set({ status: "active", starts_on: "2020-01-01" })
        .where("id", "=", id)
        .execute(),
    );
    const end = (endsOn: string) =>
      asReferent((trx) =>
        trx
          .updateTable("subscriptions")
          .set({ ends_on: endsOn, notice_given_at: new Date() })
          .where("id", "=", id)
          .execute(),
      );
    await end("2021-12-31");
    await expect(end("2030-12-31")).rejects.toMatchObject({ code: "42501" });
    await expect(
      asReferent((trx) =>
        trx
          .insertInto("subscriptions")
          .values({
            cooperative_id: a.cooperativeId,
            organisation_id: a.communeId,
            offer_id: offer,
            status: "active",
            starts_on: "2022-01-01",
            replaces_id: id,
          })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: "42501" });
  });

  it("keeps a subscription's history to its own organisation", async () => {
    const { id } = await request(await newOffer("Historique"));
    const bCommune = await database.owner
      .insertInto("organisations")
      .values({ cooperative_id: a.cooperativeId, kind: "other", siren: "356000000", name: "Autre organisme" })
      .returning("id")
      .executeTakeFirstOrThrow();
    // An admin writing A's subscription's event under another organisation: refused.
    await expect(
      asAdmin((trx) =>
        trx
          .insertInto("subscription_events")
          .values({
            cooperative_id: a.cooperativeId,
            organisation_id: bCommune.id,
            subscription_id: id,
            action: "intrusion",
          })
          .execute(),
      ),
    ).rejects.toMatchObject({ code: "42501" });
  });
});
