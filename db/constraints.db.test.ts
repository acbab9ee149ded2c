import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isValidSiren } from "../app/domain/siren.ts";
import { statementNumber } from "../app/domain/statements.ts";
import { createTestDatabase, testEngine } from "../test/database.ts";
import { seedTenant, sirenFrom, type Tenant } from "../test/tenants.ts";
import type { Database } from "./engine.ts";

const CCAS_SIREN = sirenFrom("26340001");
const BAD_SIREN = `${CCAS_SIREN.slice(0, 8)}${(Number(CCAS_SIREN[8]) + 1) % 10}`;

describe(`the data model refuses bad data (${testEngine})`, () => {
  let database: Database;
  let tenant: Tenant;
  beforeAll(async () => {
    database = await createTestDatabase();
    tenant = await seedTenant(database.owner, "A", "213400");
  });
  afterAll(() => database.close());

  const organisation = (values: Partial<{ siren: string; kind: "commune" | "ccas"; insee_code: string | null }>) =>
    database.owner
      .insertInto("organisations")
      .values({
        cooperative_id: tenant.cooperativeId,
        kind: values.kind ?? "ccas",
        siren: values.siren ?? CCAS_SIREN,
        insee_code: values.insee_code ?? null,
        name: "CCAS de test",
      })
      .execute();

  it("checks SIREN digits in the database exactly as the application does", async () => {
    const samples = ["243400017", "243400018", "213401722", "356000000", "000000000", "12345678", "24340001A"];
    const { rows } = await sql<{ siren: string; valid: boolean }>`
      SELECT s AS siren, siren_is_valid(s) AS valid FROM unnest(${samples}::text[]) AS s`.execute(database.owner);
    expect(rows.map((row) => [row.siren, row.valid])).toEqual(samples.map((siren) => [siren, isValidSiren(siren)]));
  });

  it("refuses an organisation with a bad SIREN, and a commune without INSEE code", async () => {
    await expect(organisation({ siren: BAD_SIREN })).rejects.toMatchObject({ code: "23514" });
    await expect(organisation({ kind: "commune" })).rejects.toMatchObject({ code: "23514" });
    await expect(organisation({ kind: "commune", insee_code: "3417" })).rejects.toMatchObject({ code: "23514" });
    await organisation({ siren: CCAS_SIREN });
  });

  it("gives operator_admin only to members of the operator organisation", async () => {
    const grant = (organisationId: string) =>
      database.owner
        .insertInto("memberships")
        .values({
          user_id: tenant.referentUserId,
          organisation_id: organisationId,
          cooperative_id: tenant.cooperativeId,
          role: "operator_admin",
        })
        .execute();
    await expect(grant(tenant.communeId)).rejects.toThrow("operator_admin is a role of the operator organisation only");
  });

  it("keeps a membership's cooperative consistent with its organisation's", async () => {
    const other = await seedTenant(database.owner, "B", "215700");
    await expect(
      database.owner
        .insertInto("memberships")
        .values({
          user_id: tenant.referentUserId,
          organisation_id: other.communeId,
          cooperative_id: tenant.cooperativeId,
          role: "viewer",
        })
        .execute(),
    ).rejects.toMatchObject({ code: "23503" });
  });

  it("numbers a statement as the application does, past the 9,999th of a year too", async () => {
    const run = await database.owner
      .insertInto("statement_runs")
      .values({ cooperative_id: tenant.cooperativeId, year: 2031 })
      .returning("id")
      .executeTakeFirstOrThrow();
    const statement = (sequence: number, number: string) =>
      database.owner
        .insertInto("statements")
        .values({
          cooperative_id: tenant.cooperativeId,
          run_id: run.id,
          organisation_id: tenant.communeId,
          year: 2031,
          sequence,
          number,
          kind: "statement",
          issued_on: "2031-12-01",
          due_on: "2031-12-31",
          budget_year: 2031,
          period: "Année 2031",
          payer_name: "Commune",
          payer_siren: "213400000",
          gross_cents: 0,
          subsidy_cents: 0,
          net_cents: 0,
        })
        .execute();
    for (const sequence of [1, 9_999, 10_000, 123_456]) await statement(sequence, statementNumber(2031, sequence));
    await expect(statement(10_001, "2031-1000")).rejects.toMatchObject({ code: "23514" });
    await expect(statement(7, "2031-7")).rejects.toMatchObject({ code: "23514" });
  });
});
