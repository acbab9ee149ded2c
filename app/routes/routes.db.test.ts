import { RouterContextProvider } from "react-router";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../db/engine.ts";
import { ANONYMOUS } from "../../db/request-context.ts";
import { seedDemo } from "../../db/seed/demo.ts";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import { requestScopeContext, requestScopeFactory } from "../context.server.ts";
import { loader as cooperativeLoader } from "./cooperative.tsx";
import { loader as cooperativesLoader } from "./cooperatives.tsx";
import { loader as notFoundLoader } from "./not-found.tsx";

describe(`shell pages' loaders (${testEngine})`, () => {
  let database: Database;
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemo(database.owner);
  });
  afterAll(() => database.close());

  function context() {
    const provider = new RouterContextProvider();
    provider.set(requestScopeContext, requestScopeFactory(database.app)(ANONYMOUS));
    return provider;
  }

  function loadCooperative(siren: string, search = "") {
    const request = new Request(`http://localhost/cooperatives/${siren}${search}`);
    return cooperativeLoader({ request, params: { siren }, context: context(), unstable_pattern: "" } as never);
  }

  async function statusOf(promise: Promise<unknown>): Promise<number> {
    try {
      await promise;
    } catch (error) {
      if (error && typeof error === "object" && "init" in error) {
        return (error as { init: { status: number } }).init.status;
      }
      throw error;
    }
    return 200;
  }

  it("lists the four cooperatives with their active member counts and population", async () => {
    const { cooperatives } = await cooperativesLoader({
      request: new Request("http://localhost/"),
      params: {},
      context: context(),
    } as never);
    expect(cooperatives.map((cooperative) => [cooperative.displayName, cooperative.activeMemberCount])).toEqual([
      ["CU Le Mans Métropole", 20],
      ["Metz Métropole", 46],
      ["Montpellier Méditerranée Métropole", 31],
      ["Saint-Étienne Métropole", 53],
    ]);
    const montpellier = cooperatives.find((cooperative) => cooperative.siren === "243400017");
    expect(montpellier).toMatchObject({ population: 523109, populationYear: 2026, defaultPopulationBasis: "total" });
  });

  it("pages Montpellier's 31 members by name, 20 per page, the operator apart", async () => {
    const first = await loadCooperative("243400017");
    expect(first.cooperative.displayName).toBe("Montpellier Méditerranée Métropole");
    expect(first.members).toMatchObject({ total: 31, page: 1, pageCount: 2 });
    expect(first.members.rows).toHaveLength(20);
    expect(first.members.rows[0]?.name).toBe("Baillargues");
    expect(first.members.rows.every((row) => row.kind === "commune")).toBe(true);

    const second = await loadCooperative("243400017", "?page=2");
    expect(second.members.rows).toHaveLength(11);
    const names = [...first.members.rows, ...second.members.rows].map((row) => row.name);
    expect(new Set(names).size).toBe(31);
    expect(names).not.toContain("Montpellier Méditerranée Métropole");
  });

  it("sorts by population, largest first, with each figure's year", async () => {
    const { members } = await loadCooperative("243400017", "?sort=population&dir=desc&size=10");
    expect(members.rows.slice(0, 2).map((row) => [row.name, row.population, row.populationYear])).toEqual([
      ["Montpellier", 310611, 2026],
      ["Castelnau-le-Lez", 25843, 2026],
    ]);
    const populations = members.rows.map((row) => row.population ?? 0);
    expect(populations).toEqual([...populations].sort((x, y) => y - x));
    expect(members.pageCount).toBe(4);
  });

  it("filters by name ignoring accents, case and hyphens", async () => {
    const names = async (q: string) =>
      (await loadCooperative("243400017", `?q=${encodeURIComponent(q)}`)).members.rows.map((row) => row.name);
    expect(await names("VEDAS")).toEqual(["Saint-Jean-de-Védas"]);
    expect(await names("saint jean de védas")).toEqual(["Saint-Jean-de-Védas"]);
    expect(await names("castelnau")).toEqual(["Castelnau-le-Lez"]);
    expect(await names("34057")).toEqual(["Castelnau-le-Lez"]);
    expect(await names("100%")).toEqual([]);
  });

  it("brings a page past the end back to the last page, and ignores nonsense parameters", async () => {
    const { members, query } = await loadCooperative("243400017", "?page=99&sort=drop&dir=up&size=7");
    expect(query).toEqual({ q: "", sort: "name", dir: "asc", page: 2, size: 20 });
    expect(members.rows).toHaveLength(11);
    const long = await loadCooperative("243400017", `?q=${"  saint".padEnd(150, "x")}`);
    expect(long.query.q).toBe("saint".padEnd(100, "x"));
  });

  it("answers 404 for an unknown cooperative and an unknown page", async () => {
    expect(await statusOf(loadCooperative("123456782"))).toBe(404);
    expect(await statusOf(loadCooperative("not-a-siren"))).toBe(404);
    expect(await statusOf(Promise.resolve().then(() => notFoundLoader()))).toBe(404);
  });
});
