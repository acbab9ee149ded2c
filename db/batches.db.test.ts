import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, type TestDatabase, testEngine } from "../test/database.ts";
import { batches, MAX_BIND_PARAMETERS } from "./batches.ts";

// PGlite answered a statement of more than 32,767 bind parameters with nothing, and every later query too: the
// statements benchmark's subscriptions (4,000 rows of 9 values) left it empty-handed ("nothing to call").
describe(`multi-row statements within the bind parameter limit (${testEngine})`, () => {
  let database: TestDatabase;
  const rows = Array.from({ length: 40_000 }, (_, index) => ({ n: index }));
  const table = sql.table("batch_probe");
  const count = async () =>
    Number((await sql<{ n: number }>`SELECT count(*) AS n FROM ${table}`.execute(database.owner)).rows[0]?.n);
  const insert = (slice: { n: number }[]) =>
    sql`INSERT INTO ${table} (n) VALUES ${sql.join(slice.map((row) => sql`(${row.n})`))}`.execute(database.owner);

  beforeAll(async () => {
    database = await createTestDatabase({ migrated: false, poolSize: 1 });
    await sql`CREATE TABLE ${table} (n integer NOT NULL)`.execute(database.owner);
  });
  afterAll(() => database.close());

  it("batches() cuts 40,000 one-value rows into statements every engine takes: all stored, the next query answered", async () => {
    const slices = batches(rows, 1, 40_000);
    expect(slices.every((slice) => slice.length <= MAX_BIND_PARAMETERS)).toBe(true);
    for (const slice of slices) await insert(slice);
    expect(await count()).toBe(40_000);
  });

  it("a statement over the limit is refused with an error on PGlite, taken by the server; the connection answers after", async () => {
    const oversized = insert(rows.slice(0, MAX_BIND_PARAMETERS + 1));
    if (testEngine === "pglite") await expect(oversized).rejects.toThrow(/bind parameters/);
    else await oversized;
    expect(await count()).toBe(testEngine === "pglite" ? 40_000 : 40_000 + MAX_BIND_PARAMETERS + 1);
  });
});
