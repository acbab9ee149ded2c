import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeSharesReport, type ShareRow } from "../../app/domain/shares-report.ts";
import { loadPricingsInYear } from "../../app/queries/price-book.server.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import type { Database } from "../engine.ts";
import { importTerritories } from "../territory/import.ts";
import { loadTerritoryReference } from "../territory/reference.ts";
import { DEMO_OFFERS, seedDemoPriceBook } from "./demo-price-book.ts";

const YEAR = 2026;
const sum = (rows: ShareRow[], pick: (row: ShareRow) => number) => rows.reduce((total, row) => total + pick(row), 0);

describe(`demo price book of Montpellier Méditerranée Métropole (${testEngine})`, () => {
  let database: Database;
  let cooperativeId: string;
  beforeAll(async () => {
    database = await createTestDatabase();
    const reference = loadTerritoryReference();
    await importTerritories(database.owner, ["243400017"], reference);
    await seedDemoPriceBook(database.owner, { year: YEAR, populationYear: reference.year });
    cooperativeId = (
      await database.owner
        .selectFrom("cooperatives")
        .select("id")
        .where("siren", "=", "243400017")
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(() => database.close());

  const counts = async () =>
    Promise.all(
      (["offers", "pricings", "subscriptions", "cost_key_periods"] as const).map(async (table) =>
        Number(
          (
            await database.owner
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<number>().as("n"))
              .executeTakeFirstOrThrow()
          ).n,
        ),
      ),
    );

  it("is idempotent: a second start adds nothing", async () => {
    const before = await counts();
    expect(before[0]).toBe(DEMO_OFFERS.length);
    expect(before[1]).toBe(DEMO_OFFERS.length * 2);
    await seedDemoPriceBook(database.owner, { year: YEAR, populationYear: loadTerritoryReference().year });
    expect(await counts()).toEqual(before);
  });

  it("computes the report's models to the cent for the current year", async () => {
    const pricings = await database.owner
      .transaction()
      .execute((trx) => loadPricingsInYear(trx, { cooperativeId, year: YEAR }));
    expect(pricings).toHaveLength(DEMO_OFFERS.length);
    const report = computeSharesReport(pricings, YEAR);
    const of = (title: string) => report.rows.filter((row) => row.offerTitle === title);

    // e-administration: Montpellier 9 333,00 € of 13 422,00 €, the others share exactly 4 089,00 €.
    const eAdministration = of("Plateforme e-administration");
    const montpellier = eAdministration.filter((row) => row.siren === "213401722");
    expect(montpellier.map((row) => row.netCents)).toEqual([933_300]);
    expect(sum(eAdministration, (row) => row.netCents) - 933_300).toBe(408_900);

    // e-services: 58 032,00 € by population, each net = gross - half; the commune joining on 1 July pays 184/365,
    // the gap borne by the metropolis.
    const eServices = of("Plateforme e-services");
    expect(eServices).toHaveLength(21);
    for (const row of eServices) {
      expect(row.subsidyCents).toBe(Math.floor((row.grossCents + 1) / 2));
      expect(row.netCents).toBe(row.grossCents - row.subsidyCents);
    }
    const joiner = eServices.find((row) => row.siren === "213400880");
    expect(joiner?.explanation).toContain("présent 184 jours sur 365");
    const full = pricings.find((entry) => entry.offer.title === "Plateforme e-services");
    expect(full?.members.find((member) => member.siren === "213400880")?.presence).toEqual({
      from: `${YEAR}-07-01`,
      to: undefined,
    });

    // Occupational medicine: 100,00 € per agent declared (Castelnau-le-Lez: 37 agents).
    expect(of("Médecine professionnelle et préventive").find((row) => row.siren === "213400575")?.netCents).toBe(
      370_000,
    );

    // The DDADT cost key on the first half-year's actual cost: 57,76 % for the metropolis (not invoiced), 42,24 %.
    const ddadt = report.rows.filter((row) => row.item.kind === "costKey");
    const total = 374_821_540 + 41_230_369;
    expect(sum(ddadt, (row) => row.grossCents)).toBe(total);
    expect(ddadt.map((row) => [row.siren, row.invoiced])).toEqual([
      ["213401722", true],
      ["243400017", false],
    ]);
    expect(Math.abs((ddadt[0]?.grossCents ?? 0) - Math.round((total * 4_224) / 10_000))).toBeLessThanOrEqual(1);
    expect(report.notes).toEqual([expect.stringContaining(`2d semestre ${YEAR} non saisi`)]);

    // The previous year: the 20 communes present all year share exactly 58 032,00 €; both half-years invoiced.
    const previous = computeSharesReport(
      await database.owner.transaction().execute((trx) => loadPricingsInYear(trx, { cooperativeId, year: YEAR - 1 })),
      YEAR - 1,
    );
    const previousEServices = previous.rows.filter((row) => row.offerTitle === "Plateforme e-services");
    expect(previousEServices).toHaveLength(20);
    expect(sum(previousEServices, (row) => row.grossCents)).toBe(5_803_200);
    expect(previous.rows.filter((row) => row.item.kind === "costKey")).toHaveLength(4);
    expect(previous.notes).toEqual([]);

    // Open data is free.
    expect(sum(of("Plateforme open data"), (row) => row.grossCents)).toBe(0);
  });
});
