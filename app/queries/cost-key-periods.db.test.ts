import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { seedStatementsYear } from "../../test/statements.ts";
import { seedTenant, type Tenant } from "../../test/tenants.ts";
import {
  ActualCostError,
  type ActualCostInput,
  listCostKeysOfYear,
  saveActualCost,
} from "./cost-key-periods.server.ts";
import { issueRun } from "./statements.server.ts";

async function failure(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof ActualCostError) return error.message;
    return (error as { code?: string }).code ?? String(error);
  }
  throw new Error("expected a refusal");
}

describe(`actual costs of the cost keys (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let year: Awaited<ReturnType<typeof seedStatementsYear>>;

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const save = (context: RequestContext, input: Partial<ActualCostInput> = {}) =>
    as(context, (trx) =>
      saveActualCost(trx, {
        cooperativeId: a.cooperativeId,
        pricingId: a.pricingId,
        year: 2026,
        half: 2,
        directCents: 250_000,
        indirectCents: 12_345,
        actorUserId: a.adminUserId,
        ...input,
      }),
    );
  const secondHalf = () =>
    database.owner
      .selectFrom("cost_key_periods")
      .select(["cooperative_id", "direct_cents", "indirect_cents"])
      .where("pricing_id", "=", a.pricingId)
      .where("half", "=", 2)
      .execute();

  beforeAll(async () => {
    database = await createTestDatabase();
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    year = await seedStatementsYear(database.owner, a, "213400");
  });
  afterAll(() => database.close());

  it("lists the cost keys in force in the year with each half-year's actual cost; shares pricings are not listed", async () => {
    const listed = await as(a.context, (trx) =>
      listCostKeysOfYear(trx, { cooperativeId: a.cooperativeId, year: 2026 }),
    );
    expect(listed.map((costKey) => costKey.pricingId)).toEqual([a.pricingId, year.pricings.gis]);
    const fixture = listed[0];
    expect(fixture?.halves.map(({ enteredAt: _, ...half }) => half)).toEqual([
      { half: 1, directCents: 100, indirectCents: 0, issued: false },
      { half: 2, directCents: null, indirectCents: null, issued: false },
    ]);
    expect(
      await as(a.context, (trx) => listCostKeysOfYear(trx, { cooperativeId: a.cooperativeId, year: 2031 })),
    ).toEqual([]);
    // Another cooperative sees none of them.
    expect(
      await as(b.context, (trx) => listCostKeysOfYear(trx, { cooperativeId: a.cooperativeId, year: 2026 })),
    ).toEqual([]);
  });

  it("enters a half-year's actual cost, then corrects it, auditing both with the previous amounts", async () => {
    expect(await save(a.context)).toEqual({ issued: false });
    expect(await secondHalf()).toEqual([
      { cooperative_id: a.cooperativeId, direct_cents: 250_000, indirect_cents: 12_345 },
    ]);
    expect(await save(a.context, { directCents: 260_000, indirectCents: 0 })).toEqual({ issued: false });
    expect(await secondHalf()).toEqual([{ cooperative_id: a.cooperativeId, direct_cents: 260_000, indirect_cents: 0 }]);
    const audit = await database.owner
      .selectFrom("audit_events")
      .select(["subject", "details"])
      .where("action", "=", "cost_key.actual_cost_saved")
      .orderBy("created_at")
      .execute();
    expect(audit.map((event) => event.subject)).toEqual([
      `${a.marker} offre — 2d semestre 2026`,
      `${a.marker} offre — 2d semestre 2026`,
    ]);
    expect(audit.map((event) => (event.details as { previous: string | null }).previous)).toEqual([
      null,
      "2\u202f500,00\u00a0€ + 123,45\u00a0€",
    ]);
  });

  it("refuses a pricing that is not a cost key, one not in force that year, another cooperative's; writes nothing", async () => {
    expect(await failure(save(a.context, { pricingId: year.pricings.eServices }))).toBe(
      "« Plateforme e-services » n'est pas tarifée par clé de répartition : elle n'a pas de coût réel à saisir.",
    );
    expect(await failure(save(a.context, { year: 2027 }))).toBe(
      "Aucune tarification de la coopérative n'est en vigueur en 2027 sous ce nom.",
    );
    // B's admin naming A's pricing, under its own cooperative or A's: out of sight, or refused by RLS.
    expect(await failure(save(b.context, { cooperativeId: b.cooperativeId }))).toMatch(/^Aucune tarification/);
    expect(await failure(save(b.context))).toMatch(/^Aucune tarification|^42501$/);
    // A referent reads the cost keys but may not write them.
    expect(await failure(save(a.referentContext, { directCents: 1 }))).toBe("42501");
    expect(await secondHalf()).toEqual([{ cooperative_id: a.cooperativeId, direct_cents: 260_000, indirect_cents: 0 }]);
    expect(await database.owner.selectFrom("cost_key_periods").select("id").where("year", "=", 2027).execute()).toEqual(
      [],
    );
  });

  it("says when the half-year is already issued: the statements stay, a rectifying statement is due", async () => {
    await as(a.context, (trx) =>
      issueRun(trx, {
        cooperativeId: a.cooperativeId,
        year: 2026,
        half: 2,
        actorUserId: a.adminUserId,
        publicUrl: "https://portail.example.test",
      }),
    );
    const listed = await as(a.context, (trx) =>
      listCostKeysOfYear(trx, { cooperativeId: a.cooperativeId, year: 2026 }),
    );
    expect(listed[0]?.halves.map((half) => half.issued)).toEqual([false, true]);
    const statements = await database.owner.selectFrom("statements").selectAll().orderBy("sequence").execute();
    expect(await save(a.context, { directCents: 270_000 })).toEqual({ issued: true });
    expect(await database.owner.selectFrom("statements").selectAll().orderBy("sequence").execute()).toEqual(statements);
  });
});
