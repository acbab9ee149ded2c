import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, openAgain, type TestDatabase } from "../../test/database.ts";
import { completeFixtureCostKey, seedStatementsYear } from "../../test/statements.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import { issueRun, StatementError } from "./statements.server.ts";

// Two admins issuing at the same moment, on two connection pools (two servers): the numbering of the cooperative's
// year is locked by the first, the second waits for it to commit, then sees what it wrote.

describe("statements under concurrency (postgres)", () => {
  let database: TestDatabase;
  let other: Database;
  let tenant: Tenant;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 4 });
    other = await openAgain(database);
    tenant = await seedTenant(database.owner, "A", "213400");
    await seedStatementsYear(database.owner, tenant, "213400");
    await completeFixtureCostKey(database.owner, tenant, 250);
  });
  afterAll(async () => {
    await other.close();
    await database.close();
  });

  const numbers = async () =>
    (
      await database.owner
        .selectFrom("statements")
        .select(["number", "sequence", "run_id"])
        .where("cooperative_id", "=", tenant.cooperativeId)
        .where("year", "=", 2026)
        .orderBy("sequence")
        .execute()
    ).map((row) => row.sequence);

  const issue = (app: Database, half: 1 | 2 | null) =>
    withRequestContext(app.app, tenant.context, (trx) =>
      issueRun(trx, {
        cooperativeId: tenant.cooperativeId,
        year: 2026,
        half,
        actorUserId: tenant.adminUserId,
        publicUrl: "https://portail.example.test",
      }),
    ).then(
      (result) => result.statements.length,
      (error: unknown) => (error instanceof StatementError ? error.message : Promise.reject(error)),
    );

  it("of two half-year runs issued at once, both are numbered one after the other, without gaps or duplicates", async () => {
    const [first, second] = await Promise.all([issue(database, 1), issue(other, 2)]);
    // Each half of the two cost keys: the operator (fixture key) and commune 22 (its 70 %).
    expect([first, second]).toEqual([2, 2]);
    expect(await numbers()).toEqual([1, 2, 3, 4]);
  });

  it("of two issues of the same year at once, exactly one is written; the other is refused in French", async () => {
    const outcomes = await Promise.all([issue(database, null), issue(other, null)]);
    const written = outcomes.filter((outcome) => typeof outcome === "number");
    const refused = outcomes.filter((outcome) => typeof outcome === "string");
    // The year leaves the cost keys to the half-year runs: the e-services' three subscribers.
    expect(written).toEqual([3]);
    expect(refused).toEqual([
      expect.stringMatching(/^Les appels de fonds de la période « Année 2026 » ont déjà été émis/),
    ]);
    const sequences = await numbers();
    expect(sequences).toEqual(Array.from({ length: 4 + (written[0] as number) }, (_, index) => index + 1));
  });
});
