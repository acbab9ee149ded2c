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
          starts_on: "2026-12-01",
          rejection_reason: status === "rejected" ? "Hors périmètre" : null,
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
});
