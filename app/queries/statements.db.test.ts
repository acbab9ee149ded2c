import { sql } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { jsonb } from "../../db/jsonb.ts";
import { type RequestContext, withRequestContext } from "../../db/request-context.ts";
import { createTestDatabase, type TestDatabase, testEngine } from "../../test/database.ts";
import { completeFixtureCostKey, seedStatementsYear } from "../../test/statements.ts";
import { seedTenant, sirenFrom, type Tenant } from "../../test/tenants.ts";
import { savePricing } from "./price-book.server.ts";
import {
  issueRun,
  listStatements,
  previewRun,
  rectifyRun,
  reviewFingerprint,
  StatementError,
  statementDocument,
} from "./statements.server.ts";

const PUBLIC_URL = "https://portail.example.test";
const SECOND_HALF = 250;

async function errorCode(work: Promise<unknown>): Promise<string | undefined> {
  try {
    await work;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  }
  return undefined;
}

/** The SQLSTATE and constraint of the error `work` fails with (postgres.js and PGlite name the latter apart). */
async function violatedConstraint(work: Promise<unknown>) {
  try {
    await work;
  } catch (error) {
    const { code, constraint_name, constraint } = error as {
      code?: string;
      constraint_name?: string;
      constraint?: string;
    };
    return { code, constraint: constraint_name ?? constraint };
  }
  return null;
}

async function refusal(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    if (error instanceof StatementError) return error.message;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe(`statements (${testEngine})`, () => {
  let database: TestDatabase;
  let a: Tenant;
  let b: Tenant;
  let year: Awaited<ReturnType<typeof seedStatementsYear>>;

  const as = <T>(context: RequestContext, work: Parameters<typeof withRequestContext<T>>[2]) =>
    withRequestContext(database.app, context, work);
  const period = () => ({ cooperativeId: a.cooperativeId, year: 2026, half: null });
  const issue = (extra: { issuedOn?: string; half?: 1 | 2 | null; reviewed?: string } = {}) =>
    as(a.context, (trx) =>
      issueRun(trx, {
        ...period(),
        actorUserId: a.adminUserId,
        publicUrl: PUBLIC_URL,
        issuedOn: "2026-03-02",
        ...extra,
      }),
    );
  /** The fingerprint of the year's preview as the admin would read it now. */
  const reviewedNow = async () => reviewFingerprint((await as(a.context, (trx) => previewRun(trx, period()))).payers);
  const rectify = (reviewed?: string) =>
    as(a.context, (trx) =>
      rectifyRun(trx, {
        ...period(),
        actorUserId: a.adminUserId,
        publicUrl: PUBLIC_URL,
        issuedOn: "2026-11-30",
        ...(reviewed === undefined ? {} : { reviewed }),
      }),
    );
  const statementsOf2026 = () =>
    database.owner
      .selectFrom("statements")
      .selectAll()
      .where("cooperative_id", "=", a.cooperativeId)
      .where("year", "=", 2026)
      .orderBy("sequence")
      .execute();
  const frozenPricings = async () =>
    (
      await database.owner
        .selectFrom("pricings")
        .select("id")
        .where("cooperative_id", "=", a.cooperativeId)
        .where("frozen_at", "is not", null)
        .execute()
    ).map((pricing) => pricing.id);
  const counter = async () =>
    (
      await database.owner
        .selectFrom("statement_counters")
        .select("last_sequence")
        .where("cooperative_id", "=", a.cooperativeId)
        .where("year", "=", 2026)
        .executeTakeFirst()
    )?.last_sequence ?? 0;

  beforeAll(async () => {
    database = await createTestDatabase({ poolSize: 2 });
    a = await seedTenant(database.owner, "A", "213400");
    b = await seedTenant(database.owner, "B", "215700");
    year = await seedStatementsYear(database.owner, a, "213400");
  });
  afterAll(() => database.close());

  it("refuses a cost-key half-year lacking its actual cost, writing nothing", async () => {
    const preview = await as(a.context, (trx) => previewRun(trx, { ...period(), half: 2 }));
    expect(preview.problems).toEqual([`« ${a.marker} offre » : le coût réel du 2d semestre 2026 n'est pas saisi.`]);
    expect(await refusal(issue({ half: 2 }))).toBe(
      `Émission impossible : « ${a.marker} offre » : le coût réel du 2d semestre 2026 n'est pas saisi. Saisissez-le avant d'émettre.`,
    );
    expect(await statementsOf2026()).toEqual([]);
    expect(await counter()).toBe(0);
  });

  it("refuses a member lacking its population figure, naming it, writing nothing", async () => {
    const subscription = await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: year.communes.c44,
        offer_id: year.offers.eServices,
        starts_on: "2026-01-01",
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    try {
      const message = await refusal(issue());
      expect(message).toContain("« Plateforme e-services »");
      expect(message).toContain("Commune 44");
      const preview = await as(a.context, (trx) => previewRun(trx, period()));
      expect(preview.problems).toEqual([message]);
      expect(await statementsOf2026()).toEqual([]);
      expect(await counter()).toBe(0);
      // Nothing frozen either.
      expect(await frozenPricings()).toEqual([]);
    } finally {
      await database.owner.deleteFrom("subscriptions").where("id", "=", subscription.id).execute();
    }
  });

  it("issues only what was reviewed: a change since the preview, or no preview, is refused and writes nothing", async () => {
    const reviewed = await reviewedNow();
    expect(reviewed).toMatch(/^[0-9a-f]{64}$/);
    // Commune 22 declares it joined on 1 April, not 1 July, after the admin read the preview.
    const { starts_on: joined } = await database.owner
      .selectFrom("subscriptions")
      .select("starts_on")
      .where("id", "=", year.subscriptionOfC22)
      .executeTakeFirstOrThrow();
    const setJoined = (day: string | null) =>
      database.owner
        .updateTable("subscriptions")
        .set({ starts_on: day })
        .where("id", "=", year.subscriptionOfC22)
        .execute();
    await setJoined("2026-04-01");
    try {
      expect(await refusal(issue({ reviewed }))).toContain("Les montants ont changé depuis votre relecture");
      expect(await refusal(issue({ reviewed: "" }))).toContain("Relisez les montants avant d'émettre");
      const changed = await reviewedNow();
      expect(changed).not.toBe(reviewed);
      expect(await statementsOf2026()).toEqual([]);
      expect(await counter()).toBe(0);
      expect(await frozenPricings()).toEqual([]);
    } finally {
      await setJoined(joined);
    }
    // As it was: the same fingerprint again.
    expect(await reviewedNow()).toBe(reviewed);
  });

  it("issues the year without the cost keys: one statement per payer numbered without gaps, adding up to the pricings' amounts to the cent", async () => {
    const preview = await as(a.context, (trx) => previewRun(trx, period()));
    expect(preview.problems).toEqual([]);
    expect(preview.run.status).toBe("draft");
    // Issued as reviewed: the preview's fingerprint.
    const result = await issue({ reviewed: reviewFingerprint(preview.payers) });

    const statements = await statementsOf2026();
    // The e-services' subscribers, by SIREN: the fixture commune, communes 22 and 33. The operator, only invoiced
    // through the fixture cost key, is left to the half-year runs.
    expect(statements.map((statement) => [statement.number, statement.organisation_id, statement.kind])).toEqual([
      ["2026-0001", a.communeId, "statement"],
      ["2026-0002", year.communes.c22, "statement"],
      ["2026-0003", year.communes.c33, "statement"],
    ]);
    expect(result.statements.map((statement) => statement.number)).toEqual(statements.map((s) => s.number));
    // Council decisions are each payer's own (read with the pricings' subscriptions): only the fixture commune has one.
    expect(statements.map((statement) => statement.council_decisions)).toEqual([
      ["Délibération n° DCM-2025-042 du 15 octobre 2025 (Plateforme e-services)"],
      [],
      [],
    ]);
    expect(await counter()).toBe(3);
    expect(statements.every((s) => s.issued_on === "2026-03-02" && s.due_on === "2026-04-01")).toBe(true);
    expect(statements.every((s) => s.period === "Année 2026" && s.budget_year === 2026)).toBe(true);

    // The sum of the run: invoiced nets + subsidies + proration gaps on the lines is what the pricings share out.
    const lines = await database.owner
      .selectFrom("statement_lines as l")
      .innerJoin("statements as s", "s.id", "l.statement_id")
      .select(["l.statement_id", "l.gross_cents", "l.subsidy_cents", "l.net_cents", "l.proration_gap_cents"])
      .where("s.cooperative_id", "=", a.cooperativeId)
      .where("s.year", "=", 2026)
      .execute();
    const onLines = lines.reduce(
      (sum, line) => sum + line.net_cents + line.subsidy_cents + line.proration_gap_cents,
      0,
    );
    expect(onLines).toBe(year.yearAmountToShareCents);
    const run = await database.owner
      .selectFrom("statement_runs")
      .selectAll()
      .where("id", "=", result.runId)
      .executeTakeFirstOrThrow();
    expect(run.status).toBe("issued");
    expect(run.amount_to_share_cents).toBe(year.yearAmountToShareCents);
    expect(run.operator_cost_key_cents).toBe(0);
    // Each statement's totals are its lines'.
    for (const statement of statements) {
      const own = lines.filter((line) => line.statement_id === statement.id);
      expect(statement.net_cents).toBe(own.reduce((sum, line) => sum + line.net_cents, 0));
      expect(statement.gross_cents).toBe(own.reduce((sum, line) => sum + line.gross_cents, 0));
    }

    // The commune's statement: its lines explained, its council decision.
    const document = await as(a.referentContext, (trx) => statementDocument(trx, statements[0]?.id ?? ""));
    expect(document?.payer.siren).toBe(statements[0]?.payer_siren);
    expect(document?.councilDecisions).toEqual([
      "Délibération n° DCM-2025-042 du 15 octobre 2025 (Plateforme e-services)",
    ]);
    expect(document?.lines.map((line) => [line.offerTitle, line.itemLabel, line.model])).toEqual([
      ["Plateforme e-services", "Offre de base", "Au prorata de la population"],
      ["Plateforme e-services", "Option « Formation »", "Forfait"],
    ]);
    expect(document?.lines[0]?.explanation).toMatch(
      /^Au prorata de la population totale 2026 : 1\s000 hab\. sur 6\s000 /,
    );
    expect(document?.lines[1]?.explanation).toMatch(/^Forfait de 200,00\s€$/);
    expect(document?.cooperative.name).toBe(`${a.marker} coopérative`);

    // The pricing computed is frozen: the price book refuses to edit it now. The cost keys wait for their halves.
    expect(await frozenPricings()).toEqual([year.pricings.eServices]);
    await expect(
      as(a.context, (trx) =>
        savePricing(trx, {
          id: year.pricings.eServices,
          offerId: year.offers.eServices,
          yearFrom: 2026,
          yearTo: 2026,
          definition: { kind: "shares", base: { parts: [{ kind: "free" }] } },
        }),
      ),
    ).rejects.toThrow("est figée");

    // The commune's referent was told, by mail (statements cannot be turned off for referents), with the link.
    const mail = await database.owner
      .selectFrom("outbox_emails")
      .select(["subject", "text_body"])
      .where("to_address", "=", "referent-a@213400.test")
      .where("kind", "=", "notification_statements")
      .execute();
    expect(mail.map((row) => row.subject)).toEqual([
      `Appel de fonds n° 2026-0001 (Année 2026) émis pour ${a.marker} commune`,
    ]);
    expect(mail[0]?.text_body).toContain(`${PUBLIC_URL}/appels-de-fonds/${statements[0]?.id}`);
    const audit = await database.owner
      .selectFrom("audit_events")
      .select(["action", "subject", "actor_user_id"])
      .where("action", "=", "statements.issued")
      .execute();
    expect(audit).toEqual([{ action: "statements.issued", subject: "Année 2026", actor_user_id: a.adminUserId }]);
  });

  it("issues each cost-key half-year on its own at its actual cost, numbered after the year, to the cent", async () => {
    await completeFixtureCostKey(database.owner, a, SECOND_HALF);
    // Commune 22's council decision on the SIG: a cost key's statements cite it too (its subscriptions are read with it).
    await database.owner
      .insertInto("subscriptions")
      .values({
        cooperative_id: a.cooperativeId,
        organisation_id: year.communes.c22,
        offer_id: year.offers.gis,
        starts_on: "2026-01-01",
        council_decision_number: "DCM-2025-077",
        council_decision_date: "2025-12-04",
      })
      .execute();
    for (const [half, fixtureCents] of [
      [1, 100],
      [2, SECOND_HALF],
    ] as const) {
      const result = await issue({ half, issuedOn: half === 1 ? "2026-07-15" : "2027-01-20" });
      const statements = await database.owner
        .selectFrom("statements")
        .select(["id", "number", "organisation_id", "period", "net_cents", "council_decisions"])
        .where("run_id", "=", result.runId)
        .orderBy("sequence")
        .execute();
      expect(statements.map((statement) => statement.council_decisions)).toEqual([
        [],
        [expect.stringMatching(/^Délibération n° DCM-2025-077 du 4 décembre 2025 \(/)],
      ]);
      // The operator (100 % of the fixture key, not flagged as its own part), then commune 22 (70 % of the SIG).
      expect(statements.map((statement) => [statement.number, statement.organisation_id, statement.net_cents])).toEqual(
        [
          [`2026-000${2 + 2 * half}`, a.operatorId, fixtureCents],
          [`2026-000${3 + 2 * half}`, year.communes.c22, 77_000],
        ],
      );
      expect(statements.every((statement) => statement.period === `${half === 1 ? "1er" : "2d"} semestre 2026`)).toBe(
        true,
      );
      const run = await database.owner
        .selectFrom("statement_runs")
        .selectAll()
        .where("id", "=", result.runId)
        .executeTakeFirstOrThrow();
      // Invoiced nets plus the operator's own 30 % of the SIG is the half's actual costs.
      expect(run.amount_to_share_cents).toBe(year.halfAmountToShareCents(fixtureCents));
      expect(run.operator_cost_key_cents).toBe(year.operatorPartPerHalfCents);
      expect(fixtureCents + 77_000 + year.operatorPartPerHalfCents).toBe(year.halfAmountToShareCents(fixtureCents));
    }
    expect(await counter()).toBe(7);
    expect(new Set(await frozenPricings())).toEqual(new Set([year.pricings.eServices, year.pricings.gis, a.pricingId]));
  });

  it("refuses to issue the same year or half-year twice", async () => {
    expect(await refusal(issue())).toMatch(/^Les appels de fonds de la période « Année 2026 » ont déjà été émis le /);
    expect(await refusal(issue({ half: 1 }))).toMatch(
      /^Les appels de fonds de la période « 1er semestre 2026 » ont déjà été émis le /,
    );
    expect((await statementsOf2026()).length).toBe(7);
    expect(await counter()).toBe(7);
  });

  it("never lets the app role update or delete an issued statement, line or run; nor the owner", async () => {
    const [statement] = await statementsOf2026();
    const id = statement?.id ?? "";
    const attempts = [
      (trx: Parameters<Parameters<typeof as>[1]>[0]) =>
        trx.updateTable("statements").set({ payer_name: "autre" }).where("id", "=", id).execute(),
      (trx: Parameters<Parameters<typeof as>[1]>[0]) => trx.deleteFrom("statements").where("id", "=", id).execute(),
      (trx: Parameters<Parameters<typeof as>[1]>[0]) =>
        trx.updateTable("statement_lines").set({ net_cents: 0 }).where("statement_id", "=", id).execute(),
      (trx: Parameters<Parameters<typeof as>[1]>[0]) =>
        trx.deleteFrom("statement_lines").where("statement_id", "=", id).execute(),
      (trx: Parameters<Parameters<typeof as>[1]>[0]) =>
        trx.updateTable("statement_runs").set({ net_cents: 0 }).where("cooperative_id", "=", a.cooperativeId).execute(),
    ];
    for (const attempt of attempts) {
      expect(await errorCode(as<unknown>(a.context, attempt))).toBe("42501");
    }
    // The owner (migrations, maintenance) is stopped by the trigger.
    expect(
      await errorCode(database.owner.updateTable("statements").set({ net_cents: 0 }).where("id", "=", id).execute()),
    ).toBe("23001");
    expect(await errorCode(database.owner.deleteFrom("statement_lines").where("statement_id", "=", id).execute())).toBe(
      "23001",
    );
    for (const table of ["statements", "statement_lines"]) {
      expect(await errorCode(sql`TRUNCATE ${sql.table(table)} CASCADE`.execute(database.owner)), table).toBe("23001");
    }
  });

  it("refuses a line naming another payer, cooperative or offer than its statement's", async () => {
    const [statement] = await statementsOf2026();
    if (!statement) throw new Error("no statement issued");
    const line = await database.owner
      .selectFrom("statement_lines")
      .selectAll()
      .where("statement_id", "=", statement.id)
      .executeTakeFirstOrThrow();
    const otherPayer = statement.organisation_id === a.communeId ? a.operatorId : a.communeId;
    for (const wrong of [
      { organisation_id: otherPayer },
      // Another cooperative's payer and offer: only the statement's key can refuse it.
      { cooperative_id: b.cooperativeId, organisation_id: b.communeId, offer_id: b.offerId },
      // The right statement, another cooperative's offer.
      { offer_id: b.offerId },
    ]) {
      const attempt = database.owner
        .insertInto("statement_lines")
        .values({ ...line, position: 99, ...wrong })
        .execute();
      expect(await violatedConstraint(attempt)).toEqual({
        code: "23503",
        constraint: "statement_lines_belong",
      });
    }
  });

  it("refuses a statement naming a run or payer of another cooperative, or an issuer who is no user", async () => {
    const [statement] = await statementsOf2026();
    if (!statement) throw new Error("no statement issued");
    const { id: _id, created_at: _createdAt, council_decisions, ...copy } = statement;
    const otherRun = await database.owner
      .insertInto("statement_runs")
      .values({ cooperative_id: b.cooperativeId, year: 2030 })
      .returning("id")
      .executeTakeFirstOrThrow();
    for (const wrong of [
      { run_id: otherRun.id },
      { organisation_id: b.communeId },
      { issued_by: crypto.randomUUID() },
    ]) {
      const attempt = database.owner
        .insertInto("statements")
        .values({ ...copy, council_decisions: jsonb(council_decisions), sequence: 999, number: "2026-0999", ...wrong })
        .execute();
      expect(await violatedConstraint(attempt), JSON.stringify(wrong)).toEqual({
        code: "23503",
        constraint: "statements_belong",
      });
    }
  });

  it("keeps the payer, issuer and run that statements name from being deleted or re-keyed", async () => {
    const [statement] = await statementsOf2026();
    if (!statement) throw new Error("no statement issued");
    const { id: _id, created_at: _createdAt, council_decisions, ...copy } = statement;
    const refused = { code: "23503", constraint: "statements_belong" };
    // A payer, an issuer and a (draft) run that a statement alone names: no other key speaks for them. Written in a
    // transaction rolled back at the end, each attempt in a savepoint of its own.
    const rollback = new Error("rolled back");
    const outcomes: Record<string, Awaited<ReturnType<typeof violatedConstraint>>> = {};
    await expect(
      database.owner.transaction().execute(async (trx) => {
        const payer = await trx
          .insertInto("organisations")
          .values({ cooperative_id: a.cooperativeId, kind: "other", siren: sirenFrom("21340099"), name: "Syndicat" })
          .returning("id")
          .executeTakeFirstOrThrow();
        const issuer = await trx
          .insertInto("users")
          .values({ email: "emetteur@example.test", display_name: "Émetteur" })
          .returning("id")
          .executeTakeFirstOrThrow();
        const run = await trx
          .insertInto("statement_runs")
          .values({ cooperative_id: a.cooperativeId, year: 2031 })
          .returning("id")
          .executeTakeFirstOrThrow();
        await trx
          .insertInto("statements")
          .values({
            ...copy,
            council_decisions: jsonb(council_decisions),
            organisation_id: payer.id,
            issued_by: issuer.id,
            run_id: run.id,
            year: 2031,
            budget_year: 2031,
            sequence: 1,
            number: "2031-0001",
          })
          .execute();
        const attempts = {
          "payer deleted": trx.deleteFrom("organisations").where("id", "=", payer.id),
          "payer re-keyed": trx
            .updateTable("organisations")
            .set({ id: crypto.randomUUID() })
            .where("id", "=", payer.id),
          "payer moved": trx
            .updateTable("organisations")
            .set({ cooperative_id: b.cooperativeId })
            .where("id", "=", payer.id),
          "issuer deleted": trx.deleteFrom("users").where("id", "=", issuer.id),
          "issuer re-keyed": trx.updateTable("users").set({ id: crypto.randomUUID() }).where("id", "=", issuer.id),
          "run deleted": trx.deleteFrom("statement_runs").where("id", "=", run.id),
          "run re-keyed": trx.updateTable("statement_runs").set({ id: crypto.randomUUID() }).where("id", "=", run.id),
          // Keys written again unchanged are no change.
          "payer's keys unchanged": trx
            .updateTable("organisations")
            .set({ id: payer.id, cooperative_id: a.cooperativeId })
            .where("id", "=", payer.id),
          "issuer's key unchanged": trx.updateTable("users").set({ id: issuer.id }).where("id", "=", issuer.id),
        };
        for (const [what, attempt] of Object.entries(attempts)) {
          await sql`SAVEPOINT attempt`.execute(trx);
          outcomes[what] = await violatedConstraint(attempt.execute());
          await sql`ROLLBACK TO SAVEPOINT attempt`.execute(trx);
        }
        throw rollback;
      }),
    ).rejects.toBe(rollback);
    expect(outcomes).toEqual({
      "payer deleted": refused,
      "payer re-keyed": refused,
      "payer moved": refused,
      "issuer deleted": refused,
      "issuer re-keyed": refused,
      "run deleted": refused,
      "run re-keyed": refused,
      "payer's keys unchanged": null,
      "issuer's key unchanged": null,
    });
  });

  it("a backdated subscription produces a rectifying statement carrying only the difference; the original untouched", async () => {
    const before = await statementsOf2026();
    const linesOf = (statements: { id: string }[]) =>
      database.owner
        .selectFrom("statement_lines")
        .selectAll()
        .where(
          "statement_id",
          "in",
          statements.map((statement) => statement.id),
        )
        .orderBy("statement_id")
        .orderBy("position")
        .execute();
    const linesBefore = await linesOf(before);
    const reviewedBefore = await reviewedNow();
    // Commune 22 joined on 1 April, not 1 July.
    await database.owner
      .updateTable("subscriptions")
      .set({ starts_on: "2026-04-01" })
      .where("id", "=", year.subscriptionOfC22)
      .execute();
    // Rectified as reviewed: a preview read before the change is refused, the updated one goes.
    expect(await refusal(rectify(reviewedBefore))).toContain("Les montants ont changé depuis votre relecture");
    expect(await statementsOf2026()).toEqual(before);
    const result = await rectify(await reviewedNow());

    const after = await statementsOf2026();
    expect(after.slice(0, before.length)).toEqual(before);
    expect(await linesOf(before)).toEqual(linesBefore);
    const original = before.find((statement) => statement.organisation_id === year.communes.c22);
    const rectifying = after[7];
    expect(after.length).toBe(8);
    expect(result.statements.map((statement) => statement.id)).toEqual([rectifying?.id]);
    expect(rectifying).toMatchObject({
      number: "2026-0008",
      kind: "rectifying",
      corrects_id: original?.id,
      organisation_id: year.communes.c22,
      issued_on: "2026-11-30",
    });
    // Commune 22's full-year share is 10 000,00 € × 3 000 / 6 000 = 5 000,00 €: 6/12 was called, 9/12 is due.
    // The difference, 3/12 = 1 250,00 € gross, half subsidised; the cost key did not move.
    const lines = await database.owner
      .selectFrom("statement_lines")
      .select([
        "offer_title",
        "item_label",
        "gross_cents",
        "subsidy_cents",
        "net_cents",
        "proration_gap_cents",
        "explanation",
      ])
      .where("statement_id", "=", rectifying?.id ?? "")
      .execute();
    expect(lines.map(({ explanation: _, ...amounts }) => amounts)).toEqual([
      {
        offer_title: "Plateforme e-services",
        item_label: "Offre de base",
        gross_cents: 125_000,
        subsidy_cents: 62_500,
        net_cents: 62_500,
        proration_gap_cents: -125_000,
      },
    ]);
    expect(lines[0]?.explanation).toContain(`Rectification de l'appel de fonds n° ${original?.number}.`);
    const document = await as(a.context, (trx) => statementDocument(trx, rectifying?.id ?? ""));
    expect(document?.corrects).toEqual({ number: original?.number, issuedOn: original?.issued_on });
    expect(await counter()).toBe(8);

    // Recomputing again finds nothing new, and takes no number.
    expect(await refusal(rectify())).toBe(
      "Aucune différence avec les appels de fonds émis pour la période « Année 2026 » : rien à rectifier.",
    );
    expect(await counter()).toBe(8);
  });

  it("numbers stay without gaps across the year: 1 to the counter, each once", async () => {
    const statements = await statementsOf2026();
    expect(statements.map((statement) => statement.sequence)).toEqual(
      Array.from({ length: await counter() }, (_, index) => index + 1),
    );
  });

  it("a referent reads only its organisation's statements; another cooperative reads none", async () => {
    const mine = await as(a.referentContext, (trx) => listStatements(trx, { cooperativeId: a.cooperativeId }));
    expect(new Set(mine.map((statement) => statement.organisationId))).toEqual(new Set([a.communeId]));
    expect(mine.map((statement) => statement.number)).toEqual(["2026-0001", "2024-0001"]);
    // Even asking by id: RLS hides the others'.
    const others = (await statementsOf2026()).filter((statement) => statement.organisation_id !== a.communeId);
    for (const statement of others) {
      expect(await as(a.referentContext, (trx) => statementDocument(trx, statement.id))).toBeNull();
      expect(await as(b.context, (trx) => statementDocument(trx, statement.id))).toBeNull();
    }
    const lines = await as(a.referentContext, (trx) =>
      trx.selectFrom("statement_lines").select("organisation_id").execute(),
    );
    expect(new Set(lines.map((line) => line.organisation_id))).toEqual(new Set([a.communeId]));
    expect(await as(b.context, (trx) => listStatements(trx, { cooperativeId: a.cooperativeId }))).toEqual([]);
    const all = await as(a.context, (trx) => listStatements(trx, { cooperativeId: a.cooperativeId, year: 2026 }));
    expect(all.length).toBe(8);
    // A referent may not issue.
    expect(
      await errorCode(
        as(a.referentContext, (trx) =>
          issueRun(trx, {
            cooperativeId: a.cooperativeId,
            year: 2027,
            half: null,
            actorUserId: null,
            publicUrl: PUBLIC_URL,
          }),
        ),
      ),
    ).toBe("42501");
  });

  it("the next year's preview shows last year's net per payer and offer, corrections included", async () => {
    await database.owner
      .insertInto("pricings")
      .values({
        cooperative_id: a.cooperativeId,
        offer_id: year.offers.eServices,
        year_from: 2027,
        year_to: 2027,
        definition: jsonb({
          kind: "shares",
          population: { basis: "total", year: 2026 },
          base: { parts: [{ kind: "split", totalCents: 1_200_000, weight: { kind: "population" } }] },
          options: [{ key: "formation", label: "Formation", parts: [{ kind: "free" }] }],
        }),
      })
      .execute();
    const preview = await as(a.context, (trx) =>
      previewRun(trx, { cooperativeId: a.cooperativeId, year: 2027, half: null }),
    );
    expect(preview.run).toEqual({ id: null, status: "draft", issuedAt: null });
    expect(preview.problems).toEqual([]);
    const c22 = preview.payers.find((payer) => payer.organisationId === year.communes.c22);
    const called = await database.owner
      .selectFrom("statement_lines")
      .select(["net_cents"])
      .where("organisation_id", "=", year.communes.c22)
      .where("offer_id", "=", year.offers.eServices)
      .execute();
    expect(called.length).toBe(2);
    expect(c22?.lastYearByOffer[year.offers.eServices]).toBe(called.reduce((sum, line) => sum + line.net_cents, 0));
    // The payers preview only what 2027 prices; nothing is written.
    expect(preview.payers.map((payer) => payer.siren)).toEqual([...preview.payers.map((p) => p.siren)].sort());
    expect(await database.owner.selectFrom("statement_runs").select("id").where("year", "=", 2027).execute()).toEqual(
      [],
    );
  });
});
