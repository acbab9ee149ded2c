import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonb } from "../../db/jsonb.ts";
import { withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../../test/tenants.ts";
import { AllocationError } from "../domain/allocation/errors.ts";
import type { PricingInput } from "../domain/allocation/pricing-schema.ts";
import { computeSharesReport } from "../domain/shares-report.ts";
import { listPricings, loadPricingsInYear, PriceBookError, savePricing } from "./price-book.server.ts";

const perCapita = (totalCents: number): PricingInput => ({
  kind: "shares",
  population: { basis: "total", year: 2026 },
  proration: "day",
  base: { parts: [{ kind: "split", totalCents, weight: { kind: "population" } }], subsidyBasisPoints: 5_000 },
});

/** The PostgreSQL error code of a refused statement. */
async function errorCode(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return undefined;
}

describe(`price book (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let offerId: string;
  /** Communes of tenant A besides its fixture commune: joining on 1 July, left last year, without figure... */
  const extra = {
    joining: "",
    leftLastYear: "",
    leavingInOctober: "",
    withoutFigure: "",
  };

  const asAdmin = <T>(work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, a.context, work);
  const pricingCount = async () =>
    (
      await database.owner
        .selectFrom("pricings")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where("offer_id", "=", offerId)
        .executeTakeFirstOrThrow()
    ).n;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 2 });
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    const inserted = await database.owner
      .insertInto("organisations")
      .values(
        (["22", "33", "44", "55"] as const).map((suffix, index) => ({
          cooperative_id: a.cooperativeId,
          kind: "commune" as const,
          siren: sirenFrom(`213400${suffix}`),
          insee_code: `3400${index + 2}`,
          name: `Commune ${suffix}`,
        })),
      )
      .returning(["id"])
      .execute();
    [extra.joining, extra.leftLastYear, extra.leavingInOctober, extra.withoutFigure] = inserted.map(
      (row) => row.id,
    ) as [string, string, string, string];
    await database.owner
      .insertInto("population_figures")
      .values(
        [extra.joining, extra.leftLastYear, extra.leavingInOctober].map((organisation, index) => ({
          organisation_id: organisation,
          cooperative_id: a.cooperativeId,
          year: 2026,
          basis: "total" as const,
          population: [3_000, 500, 2_000][index] as number,
          source: "test",
        })),
      )
      .execute();
    const offer = await database.owner
      .insertInto("offers")
      .values({ cooperative_id: a.cooperativeId, title: "Plateforme e-services", kind: "platform" })
      .returning("id")
      .executeTakeFirstOrThrow();
    offerId = offer.id;
  });
  afterAll(() => database.close());

  it("an operator admin saves a pricing: validated, stored normalised, listed by year", async () => {
    const saved = await asAdmin((trx) =>
      savePricing(trx, { offerId, yearFrom: 2026, yearTo: 2026, definition: perCapita(100_000) }),
    );
    expect(saved.definition).toMatchObject({ kind: "shares", options: [] });
    const earlier = await asAdmin((trx) =>
      savePricing(trx, {
        offerId,
        yearFrom: 2024,
        yearTo: 2025,
        definition: { kind: "shares", base: { parts: [{ kind: "free" }] } },
      }),
    );
    const listed = await asAdmin((trx) => listPricings(trx, offerId));
    expect(listed.map((pricing) => [pricing.id, pricing.yearFrom, pricing.yearTo])).toEqual([
      [earlier.id, 2024, 2025],
      [saved.id, 2026, 2026],
    ]);
    // Stored as a JSON object (not a JSON string) on both engines, with the schema's defaults applied.
    const { rows } = await sql<{ type: string; proration: string }>`
      SELECT jsonb_typeof(definition) AS type, definition->>'proration' AS proration
      FROM pricings WHERE id = ${earlier.id}`.execute(database.owner);
    expect(rows[0]).toEqual({ type: "object", proration: "none" });
  });

  it("refuses a pricing whose years overlap another of the offer, in French, writing nothing; the database refuses it too", async () => {
    const before = await pricingCount();
    await expect(
      asAdmin((trx) => savePricing(trx, { offerId, yearFrom: 2025, yearTo: 2027, definition: perCapita(1) })),
    ).rejects.toThrow(
      "L'offre « Plateforme e-services » a déjà une tarification pour 2024 à 2025 : une tarification pour 2025 à 2027 la chevaucherait.",
    );
    expect(await pricingCount()).toBe(before);
    // Past the app: the trigger refuses an overlapping row, even from the owner.
    const code = await errorCode(
      database.owner
        .insertInto("pricings")
        .values({
          cooperative_id: a.cooperativeId,
          offer_id: offerId,
          year_from: 2026,
          year_to: 2030,
          definition: jsonb({ kind: "shares" }),
        })
        .execute(),
    );
    expect(code).toBe("23P01");
    expect(await pricingCount()).toBe(before);
    // Adjacent years are fine.
    await asAdmin((trx) => savePricing(trx, { offerId, yearFrom: 2027, yearTo: 2028, definition: perCapita(1) }));
    expect(await pricingCount()).toBe(before + 1);
  });

  it("refuses invalid definitions and years with French messages, writing nothing", async () => {
    const before = await pricingCount();
    const refusal = async (definition: unknown, years = { yearFrom: 2040, yearTo: 2040 }) => {
      try {
        await asAdmin((trx) => savePricing(trx, { offerId, ...years, definition }));
      } catch (error) {
        expect(error).toBeInstanceOf(PriceBookError);
        return (error as PriceBookError).problems;
      }
      throw new Error("accepted");
    };
    expect(await refusal({ kind: "shares", base: { parts: [{ kind: "flat", amountCents: -100 }] } })).toEqual([
      "Le forfait ne peut pas être négatif.",
    ]);
    expect(
      await refusal({
        kind: "costKey",
        keys: [
          { siren: sirenFrom("21340000"), basisPoints: 5_776 },
          { siren: sirenFrom("21340011"), basisPoints: 4_200 },
        ],
      }),
    ).toEqual(["Les pourcentages de la clé de répartition totalisent 99,76\u00a0% au lieu de 100,00\u00a0%."]);
    expect(
      await refusal({
        kind: "shares",
        population: { basis: "municipal", year: 2026 },
        base: {
          parts: [
            {
              kind: "bands",
              bands: [
                { minInhabitants: 0, maxInhabitants: 5_000, amountCents: 100 },
                { minInhabitants: 4_000, maxInhabitants: null, amountCents: 200 },
              ],
            },
          ],
        },
      }),
    ).toEqual(["Les tranches [0 ; 5\u202f000) et [4\u202f000 ; ∞) se chevauchent."]);
    expect(
      await refusal({
        kind: "shares",
        population: { basis: "total", year: 2026 },
        base: { parts: [{ kind: "perCapitaRate", rateMillicents: 110_000, floorCents: 50_000, capCents: 10_000 }] },
      }),
    ).toEqual(["Le plafond (100,00\u00a0€) est inférieur au plancher (500,00\u00a0€)."]);
    expect(await refusal(perCapita(1), { yearFrom: 2041, yearTo: 2040 })).toEqual([
      "L'année de fin (2040) précède l'année de début (2041).",
    ]);
    expect(
      await refusal({
        kind: "shares",
        population: { basis: "total", year: 2026 },
        base: {
          parts: [
            {
              kind: "split",
              totalCents: 100,
              weight: { kind: "equal" },
              namedContributors: [{ siren: sirenFrom("21570000"), amountCents: 10 }],
            },
          ],
        },
      }),
    ).toEqual([
      `Tarification refusée : aucune organisation de la coopérative n'a le SIREN ${sirenFrom("21570000")} (contributeur nommé).`,
    ]);
    expect(await pricingCount()).toBe(before);
  });

  it("lets only operator admins of the offer's cooperative write pricings", async () => {
    const before = await pricingCount();
    const asReferent = withRequestContext(database.app, a.referentContext, (trx) =>
      savePricing(trx, { offerId, yearFrom: 2050, yearTo: 2050, definition: perCapita(1) }),
    );
    expect(await errorCode(asReferent)).toBe("42501");
    // The other cooperative's admin does not even see the offer.
    await expect(
      withRequestContext(database.app, b.context, (trx) =>
        savePricing(trx, { offerId, yearFrom: 2050, yearTo: 2050, definition: perCapita(1) }),
      ),
    ).rejects.toThrow("Offre introuvable.");
    expect(await pricingCount()).toBe(before);
  });

  it("a frozen pricing never changes: refused by the app in French and by the database to everyone", async () => {
    const frozen = await asAdmin((trx) =>
      savePricing(trx, { offerId, yearFrom: 2030, yearTo: 2030, definition: perCapita(500) }),
    );
    await asAdmin((trx) =>
      trx.updateTable("pricings").set({ frozen_at: new Date() }).where("id", "=", frozen.id).execute(),
    );
    await expect(
      asAdmin((trx) =>
        savePricing(trx, { id: frozen.id, offerId, yearFrom: 2030, yearTo: 2030, definition: perCapita(600) }),
      ),
    ).rejects.toThrow("La tarification 2030 de « Plateforme e-services » est figée");
    for (const statement of [
      () => database.owner.updateTable("pricings").set({ year_to: 2031 }).where("id", "=", frozen.id).execute(),
      () => database.owner.updateTable("pricings").set({ frozen_at: null }).where("id", "=", frozen.id).execute(),
      () => database.owner.deleteFrom("pricings").where("id", "=", frozen.id).execute(),
      () => asAdmin((trx) => trx.deleteFrom("pricings").where("id", "=", frozen.id).execute()),
    ]) {
      expect(await errorCode(statement())).toBe("23001");
    }
    const [stored] = (await asAdmin((trx) => listPricings(trx, offerId))).filter((p) => p.id === frozen.id);
    expect(stored?.definition).toMatchObject({ base: { parts: [{ totalCents: 500 }] } });
    expect(stored?.frozenAt).not.toBeNull();

    // Not frozen: it may change, and be deleted.
    const open = await asAdmin((trx) =>
      savePricing(trx, { offerId, yearFrom: 2031, yearTo: 2031, definition: perCapita(500) }),
    );
    const changed = await asAdmin((trx) =>
      savePricing(trx, { id: open.id, offerId, yearFrom: 2031, yearTo: 2032, definition: perCapita(700) }),
    );
    expect([changed.yearTo, changed.definition]).toMatchObject([2032, { base: { parts: [{ totalCents: 700 }] } }]);
    await asAdmin((trx) => trx.deleteFrom("pricings").where("id", "=", open.id).execute());
  });

  it("an organisation subscribes to an offer once at a time (refused by the database)", async () => {
    const subscribe = (startsOn: string, endsOn: string | null) =>
      database.owner
        .insertInto("subscriptions")
        .values({
          cooperative_id: a.cooperativeId,
          organisation_id: extra.leftLastYear,
          offer_id: a.offerId,
          starts_on: startsOn,
          ends_on: endsOn,
        })
        .execute();
    await subscribe("2024-01-01", "2024-12-31");
    expect(await errorCode(subscribe("2024-06-01", null))).toBe("23P01");
    await subscribe("2025-01-01", "2025-03-31");
  });

  it("loads a year: pricings in force, subscriptions active that year clipped to it, populations as they exist", async () => {
    await database.owner
      .insertInto("subscriptions")
      .values(
        [
          {
            organisation_id: a.communeId,
            starts_on: "2025-03-01",
            ends_on: null,
            // What a subscription's fields may hold, read back as written (they travel joined by control characters).
            council_decision_number: `DCM "7" \\ n°12\u001f\u001e`,
            council_decision_date: "2025-02-14",
            option_keys: jsonb(["sig", "géo"]),
            declared_units: jsonb({ m2: 143_950 }),
          },
          { organisation_id: extra.joining, starts_on: "2026-07-01", ends_on: null },
          { organisation_id: extra.leftLastYear, starts_on: "2025-01-01", ends_on: "2025-12-31" },
          { organisation_id: extra.leavingInOctober, starts_on: "2020-01-01", ends_on: "2026-10-15" },
        ].map((row) => ({ ...row, cooperative_id: a.cooperativeId, offer_id: offerId })),
      )
      .execute();

    const loaded = await asAdmin((trx) => loadPricingsInYear(trx, { cooperativeId: a.cooperativeId, year: 2026 }));
    // The offer's 2026 pricing and the fixture's cost key; not 2024-2025 nor 2027-2028.
    expect(loaded.map((entry) => [entry.offer.id, entry.pricing.yearFrom])).toEqual([
      [a.offerId, 2026],
      [offerId, 2026],
    ]);
    const [costKey, shares] = loaded as [(typeof loaded)[0], (typeof loaded)[0]];
    expect(costKey.members.map((member) => member.organisationId)).toEqual([a.operatorId]);
    expect(costKey.actualCosts).toEqual([{ half: 1, directCents: 100, indirectCents: 0 }]);
    expect(
      shares.members.map((member) => [member.organisationId, member.presence, member.populations?.[0]?.inhabitants]),
    ).toEqual([
      [a.communeId, { from: undefined, to: undefined }, 1_000],
      [extra.joining, { from: "2026-07-01", to: undefined }, 3_000],
      [extra.leavingInOctober, { from: undefined, to: "2026-10-15" }, 2_000],
    ]);

    expect(shares.members.map((member) => [member.options, member.units])).toEqual([
      [["sig", "géo"], { m2: 143_950 }],
      [[], {}],
      [[], {}],
    ]);
    expect(shares.councilDecisions).toEqual([
      { organisationId: a.communeId, number: `DCM "7" \\ n°12\u001f\u001e`, date: "2025-02-14" },
    ]);

    // Computed: 1 000,00 € by population (1 000 / 3 000 / 2 000 of 6 000), prorated by day, half subsidised.
    // (The options and units read above are not this pricing's: left out of its computation.)
    const priced = { ...shares, members: shares.members.map((member) => ({ ...member, options: [], units: {} })) };
    const report = computeSharesReport([priced], 2026, { operator: "la métropole" });
    expect(report.rows.map((row) => [row.organisationId, row.grossCents, row.subsidyCents, row.netCents])).toEqual([
      [a.communeId, 16_667, 8_334, 8_333],
      // 50 000 × 184/365 = 25 205,48 -> 25 205
      [extra.joining, 25_205, 12_603, 12_602],
      // 33 333 × 288/365 = 26 301,04 -> 26 301
      [extra.leavingInOctober, 26_301, 13_151, 13_150],
    ]);
    expect(report.rows[1]?.explanation).toContain("présent 184 jours sur 365");

    // Another cooperative's admin loads nothing of it.
    expect(
      await withRequestContext(database.app, b.context, (trx) =>
        loadPricingsInYear(trx, { cooperativeId: a.cooperativeId, year: 2026 }),
      ),
    ).toEqual([]);
  });

  it("a subscriber without the pricing's population figure makes the computation fail naming it, never a zero", async () => {
    await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: extra.withoutFigure,
        offer_id: offerId,
        starts_on: "2026-01-01",
      })
      .execute();
    const loaded = await asAdmin((trx) =>
      loadPricingsInYear(trx, { cooperativeId: a.cooperativeId, year: 2026, offerId }),
    );
    expect(loaded).toHaveLength(1);
    const member = loaded[0]?.members.find((m) => m.organisationId === extra.withoutFigure);
    expect(member?.populations).toEqual([]);
    expect(() => computeSharesReport(loaded, 2026)).toThrow(AllocationError);
    expect(() => computeSharesReport(loaded, 2026)).toThrow(
      `« Plateforme e-services » : Population totale 2026 inconnue pour Commune 55 (SIREN ${sirenFrom("21340055")}).`,
    );
  });

  it("gives each pricing the figures of the population it names, when pricings name different ones", async () => {
    const roads = await database.owner
      .insertInto("offers")
      .values({ cooperative_id: a.cooperativeId, title: "Voirie", kind: "platform" })
      .returning("id")
      .executeTakeFirstOrThrow();
    await database.owner
      .insertInto("population_figures")
      .values({
        organisation_id: extra.joining,
        cooperative_id: a.cooperativeId,
        year: 2025,
        basis: "municipal",
        population: 2_900,
        source: "test",
      })
      .execute();
    await asAdmin((trx) =>
      savePricing(trx, {
        offerId: roads.id,
        yearFrom: 2026,
        yearTo: 2026,
        definition: { ...perCapita(10_000), population: { basis: "municipal", year: 2025 } },
      }),
    );
    await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: extra.joining,
        offer_id: roads.id,
        starts_on: "2026-01-01",
      })
      .execute();

    const loaded = await asAdmin((trx) => loadPricingsInYear(trx, { cooperativeId: a.cooperativeId, year: 2026 }));
    const populationOf = (offer: string) =>
      loaded
        .find((entry) => entry.offer.id === offer)
        ?.members.find((member) => member.organisationId === extra.joining)?.populations;
    expect(populationOf(offerId)).toEqual([{ basis: "total", year: 2026, inhabitants: 3_000 }]);
    expect(populationOf(roads.id)).toEqual([{ basis: "municipal", year: 2025, inhabitants: 2_900 }]);
  });
});
