import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import type { Database } from "../engine.ts";
import { DEMO_COOPERATIVES } from "../seed/demo.ts";
import { importTerritories, UnknownEpciError } from "./import.ts";
import { loadTerritoryReference, type ReferenceEpci, type TerritoryReference } from "./reference.ts";

const MONTPELLIER = DEMO_COOPERATIVES.montpellier;

async function snapshot(database: Database) {
  const owner = database.owner;
  return {
    cooperatives: await owner.selectFrom("cooperatives").selectAll().orderBy("siren").execute(),
    organisations: await owner.selectFrom("organisations").selectAll().orderBy("siren").execute(),
    figures: await owner.selectFrom("population_figures").selectAll().orderBy("id").execute(),
  };
}

/** The same reference data, one year later: a commune renamed, one gone, populations grown. */
function nextYear(reference: TerritoryReference, edit: (epci: ReferenceEpci) => ReferenceEpci): TerritoryReference {
  const epcis = new Map(reference.epcis);
  const montpellier = epcis.get(MONTPELLIER);
  if (!montpellier) throw new Error("Montpellier missing from the reference data");
  epcis.set(MONTPELLIER, edit(montpellier));
  return { year: reference.year + 1, source: `${reference.source} (next year)`, epcis };
}

describe(`territory import (${testEngine})`, () => {
  let reference: TerritoryReference;
  let database: Database;
  beforeAll(() => {
    reference = loadTerritoryReference();
  });
  afterEach(() => database?.close());

  it("imports the four metropolises with their member communes and the package's populations", async () => {
    database = await createTestDatabase();
    const reports = await importTerritories(database.owner, Object.values(DEMO_COOPERATIVES), reference);
    expect(reports.map((report) => [report.name, report.plan.added.length])).toEqual([
      ["Montpellier Méditerranée Métropole", 31],
      ["Metz Métropole", 46],
      ["CU Le Mans Métropole", 20],
      ["Saint-Étienne Métropole", 53],
    ]);

    const counts = await database.owner
      .selectFrom("organisations as o")
      .innerJoin("cooperatives as c", "c.id", "o.cooperative_id")
      .select(["c.siren", (eb) => eb.fn.countAll<number>().as("communes")])
      .where("o.kind", "=", "commune")
      .groupBy("c.siren")
      .orderBy("c.siren")
      .execute();
    expect(counts).toEqual([
      { siren: "200039865", communes: 46 },
      { siren: "243400017", communes: 31 },
      { siren: "244200770", communes: 53 },
      { siren: "247200132", communes: 20 },
    ]);

    const operator = await database.owner
      .selectFrom("organisations")
      .select(["kind", "is_operator", "name"])
      .where("siren", "=", MONTPELLIER)
      .executeTakeFirstOrThrow();
    expect(operator).toEqual({ kind: "epci", is_operator: true, name: "Montpellier Méditerranée Métropole" });

    // Every commune's two figures are the package's, with year and source.
    const figures = await database.owner
      .selectFrom("population_figures as pf")
      .innerJoin("organisations as o", "o.id", "pf.organisation_id")
      .select(["o.siren", "o.insee_code", "pf.basis", "pf.population", "pf.year", "pf.source"])
      .where("o.kind", "=", "commune")
      .execute();
    const expected = Object.values(DEMO_COOPERATIVES).flatMap((siren) =>
      (reference.epcis.get(siren)?.members ?? []).flatMap((member) => [
        [member.siren, member.inseeCode, "total", member.populationTotal],
        [member.siren, member.inseeCode, "municipal", member.populationMunicipal],
      ]),
    );
    expect(figures.map((figure) => [figure.siren, figure.insee_code, figure.basis, figure.population])).toEqual(
      expect.arrayContaining(expected),
    );
    expect(figures).toHaveLength(expected.length);
    expect(new Set(figures.map((figure) => figure.year))).toEqual(new Set([2026]));
    expect(figures[0]?.source).toContain("@etalab/decoupage-administratif 6.0.0");
    const castelnau = figures.find((figure) => figure.insee_code === "34057" && figure.basis === "total");
    expect(castelnau?.population).toBe(25843);
  });

  it("is idempotent: a second run writes nothing and reports no change", async () => {
    database = await createTestDatabase();
    await importTerritories(database.owner, [MONTPELLIER], reference);
    const before = await snapshot(database);
    const [report] = await importTerritories(database.owner, [MONTPELLIER], reference);
    expect(report).toMatchObject({ created: false, figuresAdded: 0 });
    expect(report?.renamedFrom).toBeNull();
    expect(report?.plan).toEqual({ added: [], updated: [], adopted: [], reactivated: [], deactivated: [] });
    expect(await snapshot(database)).toEqual(before);
  });

  it("adds a newer year, renames, and marks communes no longer listed inactive without deleting anything", async () => {
    database = await createTestDatabase();
    await importTerritories(database.owner, [MONTPELLIER], reference, "2026-11-27");
    const gone = reference.epcis.get(MONTPELLIER)?.members.find((member) => member.name === "Grabels");
    const renamed = reference.epcis.get(MONTPELLIER)?.members.find((member) => member.name === "Lattes");
    const later = nextYear(reference, (epci) => ({
      ...epci,
      members: epci.members
        .filter((member) => member !== gone)
        .map((member) => ({
          ...member,
          name: member === renamed ? "Lattes-sur-Mer" : member.name,
          populationTotal: member.populationTotal + 10,
        })),
    }));

    const [report] = await importTerritories(database.owner, [MONTPELLIER], later, "2027-03-01");
    expect(report?.plan.deactivated.map((change) => change.name)).toEqual(["Grabels"]);
    expect(report?.plan.updated.map((change) => [change.previousName, change.name])).toEqual([
      ["Lattes", "Lattes-sur-Mer"],
    ]);
    // 30 communes still listed + the operator, two bases each.
    expect(report?.figuresAdded).toBe(62);

    const grabels = await database.owner
      .selectFrom("organisations")
      .select(["inactive_since", "id"])
      .where("siren", "=", gone?.siren ?? "")
      .executeTakeFirstOrThrow();
    expect(grabels.inactive_since).toBe("2027-03-01");
    const grabelsFigures = await database.owner
      .selectFrom("population_figures")
      .select(["year", "basis", "population"])
      .where("organisation_id", "=", grabels.id)
      .execute();
    expect(grabelsFigures).toHaveLength(2); // 2026's, kept

    const lattesTotals = await database.owner
      .selectFrom("population_figures as pf")
      .innerJoin("organisations as o", "o.id", "pf.organisation_id")
      .select(["pf.year", "pf.population", "o.name"])
      .where("o.siren", "=", renamed?.siren ?? "")
      .where("pf.basis", "=", "total")
      .orderBy("pf.year")
      .execute();
    expect(lattesTotals).toEqual([
      { year: 2026, population: renamed?.populationTotal, name: "Lattes-sur-Mer" },
      { year: 2027, population: (renamed?.populationTotal ?? 0) + 10, name: "Lattes-sur-Mer" },
    ]);

    // Listed again the year after: active again, same row.
    const [back] = await importTerritories(database.owner, [MONTPELLIER], reference, "2028-01-01");
    expect(back?.plan.reactivated.map((change) => change.id)).toEqual([grabels.id]);
    expect(back?.figuresAdded).toBe(0);
  });

  it("leaves organisations added by hand alone, and reports a renamed EPCI", async () => {
    database = await createTestDatabase();
    await importTerritories(database.owner, [MONTPELLIER], reference);
    const cooperative = await database.owner
      .selectFrom("cooperatives")
      .select("id")
      .where("siren", "=", MONTPELLIER)
      .executeTakeFirstOrThrow();
    // A commune outside the EPCI that joined the cooperative as a partner (Sète).
    await database.owner
      .insertInto("organisations")
      .values({
        cooperative_id: cooperative.id,
        kind: "commune",
        siren: "213403017",
        insee_code: "34301",
        name: "Sète",
      })
      .execute();

    const renamed = nextYear(reference, (epci) => ({ ...epci, name: "Montpellier Métropole" }));
    const [report] = await importTerritories(database.owner, [MONTPELLIER], renamed);
    expect(report?.renamedFrom).toBe("Montpellier Méditerranée Métropole");
    expect(report?.plan.deactivated).toEqual([]);
    const names = await database.owner
      .selectFrom("cooperatives")
      .select(["epci_name", "display_name"])
      .executeTakeFirstOrThrow();
    expect(names).toEqual({ epci_name: "Montpellier Métropole", display_name: "Montpellier Méditerranée Métropole" });
    const sete = await database.owner
      .selectFrom("organisations")
      .select("inactive_since")
      .where("siren", "=", "213403017")
      .executeTakeFirstOrThrow();
    expect(sete.inactive_since).toBeNull();
  });

  it("refuses an unknown EPCI code and writes nothing, even beside a valid one", async () => {
    database = await createTestDatabase();
    const attempt = importTerritories(database.owner, [MONTPELLIER, "999999999"], reference);
    await expect(attempt).rejects.toBeInstanceOf(UnknownEpciError);
    await expect(attempt).rejects.toThrow("Unknown EPCI SIREN 999999999");
    expect(await snapshot(database)).toEqual({ cooperatives: [], organisations: [], figures: [] });
  });

  it("never overwrites a population figure", async () => {
    database = await createTestDatabase();
    await importTerritories(database.owner, [MONTPELLIER], reference);
    await expect(database.owner.updateTable("population_figures").set({ population: 1 }).execute()).rejects.toThrow(
      "population figures are never overwritten",
    );
    await expect(database.owner.deleteFrom("population_figures").execute()).rejects.toThrow(
      "population figures are never overwritten",
    );
  });
});
