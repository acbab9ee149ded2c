import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, testEngine } from "../../test/database.ts";
import type { Database } from "../engine.ts";
import { seedDemo } from "./demo.ts";

describe(`demo statements of Montpellier Méditerranée Métropole (${testEngine})`, () => {
  let database: Database;
  const year = new Date().getFullYear();
  beforeAll(async () => {
    database = await createTestDatabase();
    await seedDemo(database.owner);
  }, 120_000);
  afterAll(() => database.close());

  const statements = () =>
    database.owner
      .selectFrom("statements as s")
      .innerJoin("cooperatives as c", "c.id", "s.cooperative_id")
      .select(["s.number", "s.sequence", "s.kind", "s.corrects_id", "s.issued_on", "s.net_cents"])
      .where("c.siren", "=", "243400017")
      .orderBy("s.sequence")
      .execute();

  it("issues last year and its cost-key half-years, with one late correction, and leaves this year as a draft", async () => {
    const rows = await statements();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.map((row) => row.sequence)).toEqual(rows.map((_, index) => index + 1));
    expect(rows.every((row) => row.number.startsWith(`${year - 1}-`))).toBe(true);
    // In the order issued: the first half-year in July, the year in December, the second half-year in January.
    expect([...new Set(rows.map((row) => row.issued_on))]).toEqual([
      `${year - 1}-07-15`,
      `${year - 1}-12-01`,
      `${year}-01-10`,
      `${year}-01-15`,
    ]);
    const late = rows.filter((row) => row.issued_on === `${year}-01-15`);
    expect(late).toHaveLength(1);
    // 12 agents followed at 100,00 € each, on a correction or a complementary statement.
    expect(late[0]?.net_cents).toBe(120_000);
    const runs = await database.owner
      .selectFrom("statement_runs as r")
      .innerJoin("cooperatives as c", "c.id", "r.cooperative_id")
      .select(["r.year", "r.half", "r.status"])
      .where("c.siren", "=", "243400017")
      .orderBy("r.year")
      .orderBy("r.half", "desc")
      .execute();
    expect(runs).toEqual([
      { year: year - 1, half: null, status: "issued" },
      { year: year - 1, half: 2, status: "issued" },
      { year: year - 1, half: 1, status: "issued" },
      { year, half: null, status: "draft" },
    ]);
  });

  it("adds nothing when seeded again", async () => {
    const before = await statements();
    await seedDemo(database.owner);
    expect(await statements()).toEqual(before);
  }, 120_000);
});
