import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import { requestScopeFactory } from "../context.server.ts";
import { computeSharesReport } from "../domain/shares-report.ts";
import { loadPricingsInYear } from "./price-book.server.ts";
import { estimateShares } from "./share-estimates.server.ts";

const YEAR = new Date().getFullYear();

describe(`share estimates and the simulator's figures (${testEngine})`, () => {
  let database: Database;
  let cooperativeId = "";
  let offerId = "";
  const idOf = async (siren: string) =>
    (
      await database.owner
        .selectFrom("organisations")
        .select("id")
        .where("siren", "=", siren)
        .where("cooperative_id", "=", cooperativeId)
        .executeTakeFirstOrThrow()
    ).id;
  /** What the statement would say: the year's shares computed on the subscriptions as stored, read as the owner. */
  const statementRows = async (organisationId: string) => {
    const pricings = await database.owner
      .transaction()
      .execute((trx) => loadPricingsInYear(trx, { cooperativeId, year: YEAR, offerId }));
    return computeSharesReport(pricings, YEAR).rows.filter((row) => row.organisationId === organisationId);
  };
  const referentOf = (organisationId: string) => ({
    userId: null,
    cooperativeId,
    organisationId,
    role: "referent" as const,
  });

  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemo(database.owner);
    cooperativeId = (
      await database.owner
        .selectFrom("cooperatives")
        .select("id")
        .where("siren", "=", "243400017")
        .executeTakeFirstOrThrow()
    ).id;
    offerId = (
      await database.owner
        .selectFrom("offers")
        .select("id")
        .where("cooperative_id", "=", cooperativeId)
        .where("title", "=", "Plateforme e-services")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => database.close());

  it("gives a subscriber, in its own context, its share computed on every subscriber (which it cannot read)", async () => {
    const castelnau = await idOf("213400575");
    const scopes = requestScopeFactory(database.app);
    const visible = await scopes(referentOf(castelnau)).transaction((trx) =>
      trx.selectFrom("subscriptions").select("organisation_id").where("offer_id", "=", offerId).execute(),
    );
    expect(visible.map((row) => row.organisation_id)).toEqual([castelnau]);

    const estimate = await estimateShares(scopes, { cooperativeId, organisationId: castelnau, year: YEAR, offerId });
    expect(estimate.ok).toBe(true);
    if (!estimate.ok) return;
    const expected = await statementRows(castelnau);
    expect(expected.length).toBeGreaterThan(0);
    expect(estimate.rows).toEqual(expected);
    // 58 032 € split among 21 communes: Castelnau pays a share, not the whole.
    expect(estimate.totals.grossCents).toBeLessThan(5_803_200 / 2);
    expect(new Set(estimate.rows.map((row) => row.organisationId))).toEqual(new Set([castelnau]));
  });

  it("simulates a commune joining: the figures equal the statement's once the subscription exists", async () => {
    const montaud = await idOf("213401649");
    const scopes = requestScopeFactory(database.app);
    const simulated = await estimateShares(scopes, {
      cooperativeId,
      organisationId: montaud,
      year: YEAR,
      simulate: { offerId, options: [], units: {} },
    });
    expect(simulated.ok).toBe(true);
    if (!simulated.ok) return;
    expect(simulated.rows.length).toBeGreaterThan(0);
    expect(await statementRows(montaud)).toEqual([]);

    await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: cooperativeId,
        organisation_id: montaud,
        offer_id: offerId,
        starts_on: `${YEAR}-01-01`,
      })
      .execute();
    expect(await statementRows(montaud)).toEqual(simulated.rows);
  });

  it("names what is missing when a share cannot be computed (a CCAS has no population figure)", async () => {
    const ccas = await database.owner
      .insertInto("organisations")
      .values({ cooperative_id: cooperativeId, kind: "ccas", siren: "263400103", name: "CCAS de Test" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const estimate = await estimateShares(requestScopeFactory(database.app), {
      cooperativeId,
      organisationId: ccas.id,
      year: YEAR,
      simulate: { offerId, options: [], units: {} },
    });
    expect(estimate).toMatchObject({ ok: false, error: expect.stringContaining("CCAS de Test") });
  });

  it("never names another member to a commune when that member stops the computation; an operator admin is told which", async () => {
    const other = await database.owner
      .insertInto("organisations")
      .values({ cooperative_id: cooperativeId, kind: "other", siren: "356000000", name: "Organisme sans population" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: cooperativeId,
        organisation_id: other.id,
        offer_id: offerId,
        starts_on: `${YEAR}-01-01`,
      })
      .execute();
    const castelnau = await idOf("213400575");
    const scopes = requestScopeFactory(database.app);
    const asked = { cooperativeId, organisationId: castelnau, year: YEAR, offerId };
    const forTheCommune = await estimateShares(scopes, asked);
    expect(forTheCommune).toMatchObject({ ok: false, error: expect.stringContaining("un autre membre") });
    expect(JSON.stringify(forTheCommune)).not.toContain("Organisme sans population");
    expect(JSON.stringify(forTheCommune)).not.toContain("356000000");
    expect(await estimateShares(scopes, { ...asked, revealOtherMembers: true })).toMatchObject({
      ok: false,
      error: expect.stringContaining("Organisme sans population"),
    });
  });
});
