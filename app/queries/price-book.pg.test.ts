import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase } from "../../test/database.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { PriceBookError, savePricing } from "./price-book.server.ts";

// Two admins saving overlapping pricings at the same moment, on two connections: the first has written but not
// committed when the second checks, so the app's check cannot see it; the trigger's advisory lock makes the
// second wait for the first to commit, see its row and refuse.

describe("price book under concurrency (postgres)", () => {
  let database: TestDatabase;
  let tenant: Tenant;
  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    tenant = await seedTenant(database.owner, "A", "213400");
  });
  afterAll(() => database.close());

  it("of two simultaneous overlapping pricings, exactly one is written", async () => {
    const offer = await database.owner
      .insertInto("offers")
      .values({ cooperative_id: tenant.cooperativeId, title: "Plateforme e-marchés", kind: "platform" })
      .returning("id")
      .executeTakeFirstOrThrow();
    const definition = { kind: "shares", base: { parts: [{ kind: "flat", amountCents: 100 }] } };
    let firstWritten = () => {};
    const firstHasWritten = new Promise<void>((resolve) => {
      firstWritten = resolve;
    });
    let commitFirst = () => {};
    const firstMayCommit = new Promise<void>((resolve) => {
      commitFirst = resolve;
    });
    const first = withRequestContext(database.app, tenant.context, async (trx) => {
      await savePricing(trx, { offerId: offer.id, yearFrom: 2026, yearTo: 2027, definition });
      firstWritten();
      await firstMayCommit;
    });
    await firstHasWritten;
    const second = withRequestContext(database.app, tenant.context, (trx) =>
      savePricing(trx, { offerId: offer.id, yearFrom: 2027, yearTo: 2028, definition }),
    ).then(
      () => "written",
      (error: unknown) => (error instanceof PriceBookError ? error.message : Promise.reject(error)),
    );
    // Let the second pass the app's check and wait on the lock, then commit the first.
    await new Promise((resolve) => setTimeout(resolve, 300));
    commitFirst();
    await first;
    expect(await second).toBe("L'offre « Plateforme e-marchés » a déjà une tarification qui chevauche 2027 à 2028.");
    const rows = await database.owner
      .selectFrom("pricings")
      .select(["year_from", "year_to"])
      .where("offer_id", "=", offer.id)
      .execute();
    expect(rows).toEqual([{ year_from: 2026, year_to: 2027 }]);
  });
});
