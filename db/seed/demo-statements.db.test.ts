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

  it("issues last year, with one late correction, and leaves this year as a draft", async () => {
    const rows = await statements();
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.map((row) => row.sequence)).toEqual(rows.map((_, index) => index + 1));
    expect(rows.every((row) => row.number.startsWith(`${year - 1}-`))).toBe(true);
    const late = rows.filter((row) => row.issued_on > `${year - 1}-12-01`);
    expect(late).toHaveLength(1);
    expect(late[0]?.issued_on).toBe(`${year}-01-15`);
    // 12 agents followed at 100,00 € each, on a correction or a complementary statement.
    expect(late[0]?.net_cents).toBe(120_000);
    const runs = await database.owner
      .selectFrom("statement_runs as r")
      .innerJoin("cooperatives as c", "c.id", "r.cooperative_id")
      .select(["r.year", "r.status"])
      .where("c.siren", "=", "243400017")
      .orderBy("r.year")
      .execute();
    expect(runs).toEqual([
      { year: year - 1, status: "issued" },
      { year, status: "draft" },
    ]);
  });

  it("adds nothing when seeded again", async () => {
    const before = await statements();
    await seedDemo(database.owner);
    expect(await statements()).toEqual(before);
  }, 120_000);
});
