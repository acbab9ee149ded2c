import { createHash } from "node:crypto";
import { type Selectable, sql, type Transaction } from "kysely";
import { anyOf } from "../../db/any.ts";
import { insertRows } from "../../db/insert-rows.ts";
import type { DB, StatementKind } from "../../db/schema.ts";
import { uuidV7 } from "../../db/uuid-v7.ts";
import { recordEvent } from "../audit.server.ts";
import { AllocationError } from "../domain/allocation/errors.ts";
import { formatEuros } from "../domain/allocation/format-fr.ts";
import { formatCalendarDate, parisToday } from "../domain/format.ts";
import { computeSharesReport, type ShareRow, type SharesReport } from "../domain/shares-report.ts";
import type { StatementDocument } from "../domain/statement-document.ts";
import {
  addDays,
  citedCouncilDecisions,
  differenceLines,
  groupByPayer,
  type LineDraft,
  PAYMENT_DAYS,
  type PayerDraft,
  periodLabel,
  statementNumber,
  sumLines,
} from "../domain/statements.ts";
import { audienceOf, type Branding, brandOf, notifyMany } from "../notifications/notify.server.tsx";
import { loadPricingsInYear, PriceBookError, type PricingInYear } from "./price-book.server.ts";

type Trx = Transaction<DB>;

/** A refusal of the statements, in French: nothing was written. */
export class StatementError extends Error {
  override readonly name = "StatementError";
}

export interface RunPeriod {
  cooperativeId: string;
  year: number;
  /** Null: the whole year; 1 or 2: that half-year of the cost keys only. */
  half: 1 | 2 | null;
}

export interface RunState {
  id: string | null;
  status: "draft" | "issued";
  issuedAt: Date | null;
}

const halfLabel = (half: 1 | 2) => (half === 1 ? "1er" : "2d");

async function findRun(trx: Trx, period: RunPeriod, { lock = false } = {}) {
  let query = trx
    .selectFrom("statement_runs")
    .selectAll()
    .where("cooperative_id", "=", period.cooperativeId)
    .where("year", "=", period.year)
    .where(sql<boolean>`coalesce(half, 0) = ${period.half ?? 0}`);
  if (lock) query = query.forUpdate();
  return query.executeTakeFirst();
}

/**
 * The pricings a run computes: a year run takes every pricing in force but the cost keys, which are invoiced per
 * half-year at their actual cost; a half-year run takes the cost keys' actual cost of that half. Problems: the
 * cost keys whose actual cost of the half is not entered (in French), which forbid issuing the half.
 */
async function pricingsOfRun(
  trx: Trx,
  period: RunPeriod,
): Promise<{ pricings: PricingInYear[]; missingCosts: string[] }> {
  const loaded = await loadPricingsInYear(trx, {
    cooperativeId: period.cooperativeId,
    year: period.year,
    costKeys: period.half === null ? "without" : "only",
  });
  const pricings: PricingInYear[] = [];
  const missingCosts: string[] = [];
  for (const entry of loaded) {
    const isCostKey = entry.pricing.definition.kind === "costKey";
    if (period.half === null) {
      if (!isCostKey) pricings.push(entry);
      continue;
    }
    if (!isCostKey) continue;
    const actualCosts = entry.actualCosts.filter((cost) => cost.half === period.half);
    if (actualCosts.length === 0) {
      missingCosts.push(
        `« ${entry.offer.title} » : le coût réel du ${halfLabel(period.half)} semestre ${period.year} n'est pas saisi.`,
      );
      continue;
    }
    pricings.push({ ...entry, actualCosts });
  }
  return { pricings, missingCosts };
}

function compute(pricings: PricingInYear[], year: number, operator: string | undefined): SharesReport {
  try {
    return computeSharesReport(pricings, year, { operator });
  } catch (error) {
    if (error instanceof AllocationError || error instanceof PriceBookError) throw new StatementError(error.message);
    throw error;
  }
}

export interface PreviewPayer extends PayerDraft {
  /** What the payer's statements of the previous year called, net (null: none issued that year). */
  lastYearNetCents: number | null;
  /** Per offer: the previous year's net. */
  lastYearByOffer: Record<string, number>;
}

export interface RunPreview {
  period: RunPeriod;
  label: string;
  run: RunState;
  /** What is due now, per payer (invoiced lines only). */
  payers: PreviewPayer[];
  /** Every computed row, the operator's own cost-key part included. */
  rows: ShareRow[];
  totals: SharesReport["totals"];
  balance: SharesReport["balance"] | null;
  /** What keeps the run from being issued, in French. */
  problems: string[];
  notes: string[];
}

/** Computes a run as it would be issued now, beside last year's statements; never writes. */
export async function previewRun(trx: Trx, period: RunPeriod): Promise<RunPreview> {
  const run = await findRun(trx, period);
  const state: RunState = {
    id: run?.id ?? null,
    status: run?.status ?? "draft",
    issuedAt: run?.issued_at ?? null,
  };
  const label = periodLabel(period.year, period.half);
  const problems: string[] = [];
  let report: SharesReport | null = null;
  try {
    const { pricings, missingCosts } = await pricingsOfRun(trx, period);
    problems.push(...missingCosts);
    report = compute(pricings, period.year, (await brandOf(trx, period.cooperativeId)).operatorName);
  } catch (error) {
    if (!(error instanceof StatementError || error instanceof PriceBookError)) throw error;
    problems.push(error.message);
  }
  const lastYear = await trx
    .selectFrom("statement_lines as l")
    .innerJoin("statements as s", "s.id", "l.statement_id")
    .select(["l.organisation_id", "l.offer_id", sql<number>`sum(l.net_cents)::bigint`.as("net")])
    .where("s.cooperative_id", "=", period.cooperativeId)
    .where("s.year", "=", period.year - 1)
    .groupBy(["l.organisation_id", "l.offer_id"])
    .execute();
  const previous = new Map<string, Record<string, number>>();
  for (const row of lastYear) {
    const byOffer = previous.get(row.organisation_id) ?? {};
    byOffer[row.offer_id] = Number(row.net);
    previous.set(row.organisation_id, byOffer);
  }
  const payers = groupByPayer(report?.rows ?? []).map((payer) => {
    const byOffer = previous.get(payer.organisationId);
    return {
      ...payer,
      lastYearByOffer: byOffer ?? {},
      lastYearNetCents: byOffer ? Object.values(byOffer).reduce((sum, net) => sum + net, 0) : null,
    };
  });
  if (report && payers.length === 0 && problems.length === 0) {
    problems.push(`Aucune quote-part à appeler pour la période « ${label} ».`);
  }
  return {
    period,
    label,
    run: state,
    payers,
    rows: report?.rows ?? [],
    totals: report?.totals ?? { grossCents: 0, subsidyCents: 0, netCents: 0 },
    balance: report?.balance ?? null,
    problems,
    notes: report?.notes ?? [],
  };
}

/**
 * Locks the numbering of a cooperative's year (its counter row, created at the first issue) until the transaction
 * ends: every issue and correction of that year takes it first, so they run one after the other and see what the
 * previous one committed. A rolled-back transaction gives its numbers back.
 */
async function lockNumbering(trx: Trx, cooperativeId: string, year: number): Promise<void> {
  await numberingLock(cooperativeId, year).execute(trx);
}

/** The upsert that locks the numbering: one that changes nothing still locks the row it meets, waiting for its holder. */
const numberingLock = (cooperativeId: string, year: number) => sql`
  INSERT INTO statement_counters (cooperative_id, year)
  VALUES (cast(${cooperativeId} as uuid), cast(${year} as smallint))
  ON CONFLICT (cooperative_id, year) DO UPDATE SET last_sequence = statement_counters.last_sequence`;

/** Takes `count` numbers after the last one (the numbering is locked): returns the first. */
async function takeSequences(trx: Trx, cooperativeId: string, year: number, count: number): Promise<number> {
  const counter = await trx
    .updateTable("statement_counters")
    .set((eb) => ({ last_sequence: eb("last_sequence", "+", count) }))
    .where("cooperative_id", "=", cooperativeId)
    .where("year", "=", year)
    .returning("last_sequence")
    .executeTakeFirstOrThrow();
  return counter.last_sequence - count + 1;
}

interface StatementDraft {
  payer: PayerDraft;
  kind: StatementKind;
  corrects: { id: string; number: string } | null;
}

interface WrittenStatement {
  id: string;
  number: string;
  organisationId: string;
  payerName: string;
  kind: StatementKind;
  netCents: number;
}

/** Writes statements numbered in a row (the counter is locked), their lines, and notifies each payer's referents. */
async function writeStatements(
  trx: Trx,
  input: {
    period: RunPeriod;
    runId: string;
    actorUserId: string | null;
    publicUrl: string;
    issuedOn: string;
    drafts: StatementDraft[];
    /** The pricings computed: their subscriptions' council decisions. */
    pricings: readonly PricingInYear[];
    /** The cooperative's branding, read for the computation: the notifications' too. */
    branding: Branding;
  },
): Promise<WrittenStatement[]> {
  const { period, drafts } = input;
  if (drafts.length === 0) return [];
  const first = await takeSequences(trx, period.cooperativeId, period.year, drafts.length);
  const dueOn = addDays(input.issuedOn, PAYMENT_DAYS);
  const label = periodLabel(period.year, period.half);
  // Read with the pricings' subscriptions: no query of its own.
  const decisions = citedCouncilDecisions(
    input.pricings,
    drafts.map((draft) => draft.payer),
  );
  const rows = drafts.map((draft, index) => {
    const sequence = first + index;
    const totals = sumLines(draft.payer.lines);
    return {
      // Made here, in the order they are numbered: the key indexes of statements and lines grow at their end.
      id: uuidV7(),
      cooperative_id: period.cooperativeId,
      run_id: input.runId,
      organisation_id: draft.payer.organisationId,
      year: period.year,
      sequence,
      number: statementNumber(period.year, sequence),
      kind: draft.kind,
      corrects_id: draft.corrects?.id ?? null,
      issued_on: input.issuedOn,
      due_on: dueOn,
      budget_year: period.year,
      period: label,
      payer_name: draft.payer.name,
      payer_siren: draft.payer.siren,
      council_decisions: decisions.get(draft.payer.organisationId) ?? [],
      gross_cents: totals.grossCents,
      subsidy_cents: totals.subsidyCents,
      net_cents: totals.netCents,
      issued_by: input.actorUserId,
    };
  });
  // One insert for the statements and one for their lines, each column's values as one array (insertRows).
  await insertRows(trx, "statements", rows);
  const written: WrittenStatement[] = rows.map((row) => ({
    id: row.id,
    number: row.number,
    organisationId: row.organisation_id,
    payerName: row.payer_name,
    kind: row.kind,
    netCents: row.net_cents,
  }));
  const lines = drafts.flatMap((draft, index) =>
    draft.payer.lines.map((line, position) => ({
      cooperative_id: period.cooperativeId,
      statement_id: (written[index] as WrittenStatement).id,
      organisation_id: draft.payer.organisationId,
      position: position + 1,
      offer_id: line.offerId,
      pricing_id: line.pricingId,
      item_key: line.itemKey,
      offer_title: line.offerTitle,
      item_label: line.itemLabel,
      model: line.model,
      gross_cents: line.grossCents,
      subsidy_cents: line.subsidyCents,
      net_cents: line.netCents,
      proration_gap_cents: line.prorationGapCents,
      explanation: line.explanation,
    })),
  );
  await insertRows(trx, "statement_lines", lines);

  const payBy = formatCalendarDate(dueOn);
  const referents = await audienceOf(trx, period.cooperativeId, "statements", {
    organisationIds: written.map((statement) => statement.organisationId),
    role: "referent",
  });
  await notifyMany(
    trx,
    input.publicUrl,
    written.map((statement) => {
      const what = statement.kind === "rectifying" ? "Appel de fonds rectificatif" : "Appel de fonds";
      return {
        cooperativeId: period.cooperativeId,
        kind: "statements",
        recipients: referents.recipientsOf(statement.organisationId),
        title: `${what} n° ${statement.number} (${label}) émis pour ${statement.payerName}`,
        body:
          `Montant net : ${formatEuros(statement.netCents)}, à régler au plus tard le ${payBy}. ` +
          "Chaque ligne est expliquée sur le portail.",
        path: `/appels-de-fonds/${statement.id}`,
      };
    }),
    { brandings: new Map([[period.cooperativeId, input.branding]]), audiences: [referents] },
  );
  return written;
}

export interface IssueInput extends RunPeriod {
  actorUserId: string | null;
  publicUrl: string;
  /** ISO date; default: today in Paris. */
  issuedOn?: string;
  /**
   * The fingerprint (reviewFingerprint) of the preview the admin confirmed: given, the run is issued (or rectified)
   * only if it computes the very same now (the portal's forms); left out, what is computed now (the command line).
   */
  reviewed?: string;
}

/** Refuses (StatementError) to issue anything else than what was reviewed, when a review is given. */
function checkReviewed(reviewed: string | undefined, payers: readonly PayerDraft[]): void {
  if (reviewed === undefined || reviewed === reviewFingerprint(payers)) return;
  throw new StatementError(
    reviewed === ""
      ? "Relisez les montants avant d'émettre : ouvrez la prévisualisation, puis confirmez."
      : "Les montants ont changé depuis votre relecture (une adhésion, une population, un coût ou une tarification " +
          "a été modifié entre-temps) : rien n'a été émis. Relisez la prévisualisation mise à jour, puis confirmez.",
  );
}

/**
 * What a review showed, in 64 hex digits: every payer, line, amount and explanation in order. Issuing compares it
 * with its own computation, so that nothing else than what the admin read is issued (a subscription, a figure or
 * a pricing changed meanwhile makes it differ).
 */
export function reviewFingerprint(payers: readonly PayerDraft[]): string {
  const hash = createHash("sha256");
  for (const payer of payers) {
    hash.update(`${payer.organisationId}\u0000${payer.siren}\u0000${payer.name}\u0001`);
    for (const line of payer.lines) {
      hash.update(
        [
          line.offerId,
          line.pricingId,
          line.itemKey,
          line.offerTitle,
          line.itemLabel,
          line.model,
          line.grossCents,
          line.subsidyCents,
          line.netCents,
          line.prorationGapCents,
          line.explanation,
        ].join("\u0000"),
      );
      hash.update("\u0001");
    }
    hash.update("\u0002");
  }
  return hash.digest("hex");
}

export interface IssueResult {
  runId: string;
  statements: WrittenStatement[];
  frozenPricings: number;
}

const issuedMessage = (label: string, issuedAt: Date | null) =>
  `Les appels de fonds de la période « ${label} » ont déjà été émis` +
  (issuedAt ? ` le ${formatCalendarDate(parisToday(issuedAt))}` : "") +
  " : une correction passe par un appel de fonds rectificatif (« Rectifier »).";

/**
 * Issues a run in the caller's transaction: locks the run (a second issue waits, then is refused), refuses a
 * cost-key half-year without actual cost or a share that cannot be computed (a member without its population
 * figure...), writes one statement per payer numbered without gaps and its lines, freezes the pricings computed,
 * notifies each payer's referents and records an audit event. On refusal (StatementError, French) nothing is
 * written, once the caller's transaction rolls back.
 */
export async function issueRun(trx: Trx, input: IssueInput): Promise<IssueResult> {
  const period: RunPeriod = { cooperativeId: input.cooperativeId, year: input.year, half: input.half };
  const label = periodLabel(period.year, period.half);
  // The numbering locked (as lockNumbering does), then the run created unless it exists, in one statement: the run's
  // insert reads the lock's row, so it waits for the lock.
  const created = await sql<Selectable<DB["statement_runs"]>>`
    WITH numbering AS (${numberingLock(period.cooperativeId, period.year)} RETURNING cooperative_id, year)
    INSERT INTO statement_runs (cooperative_id, year, half)
    SELECT cooperative_id, year, cast(${period.half} as smallint) FROM numbering
    ON CONFLICT (cooperative_id, year, (coalesce(half, 0))) DO NOTHING
    RETURNING *`.execute(trx);
  // A run created here is this transaction's until it ends; one that existed is locked before it is read.
  const run = created.rows[0] ?? (await findRun(trx, period, { lock: true }));
  if (!run) throw new StatementError("Période d'appels de fonds introuvable.");
  if (run.status === "issued") throw new StatementError(issuedMessage(label, run.issued_at));
  const { pricings, missingCosts } = await pricingsOfRun(trx, period);
  if (missingCosts.length > 0) {
    throw new StatementError(`Émission impossible : ${missingCosts.join(" ")} Saisissez-le avant d'émettre.`);
  }
  const branding = await brandOf(trx, period.cooperativeId);
  const report = compute(pricings, period.year, branding.operatorName);
  const payers = groupByPayer(report.rows);
  if (payers.length === 0) throw new StatementError(`Aucune quote-part à appeler pour la période « ${label} ».`);
  checkReviewed(input.reviewed, payers);

  const issuedOn = input.issuedOn ?? parisToday();
  const statements = await writeStatements(trx, {
    period,
    runId: run.id,
    actorUserId: input.actorUserId,
    publicUrl: input.publicUrl,
    issuedOn,
    drafts: payers.map((payer) => ({ payer, kind: "statement", corrects: null })),
    pricings,
    branding,
  });

  // A pricing once frozen stays so: only those read unfrozen are written (none, for a 2nd half-year).
  const pricingIds = [...new Set(pricings.filter((entry) => !entry.pricing.frozenAt).map((entry) => entry.pricing.id))];
  const frozen =
    pricingIds.length === 0
      ? { numUpdatedRows: 0n }
      : await trx
          .updateTable("pricings")
          .set({ frozen_at: new Date() })
          .where("id", "=", anyOf(pricingIds, "uuid"))
          .where("frozen_at", "is", null)
          .executeTakeFirst();

  await trx
    .updateTable("statement_runs")
    .set({
      status: "issued",
      issued_at: new Date(),
      issued_by: input.actorUserId,
      amount_to_share_cents: report.balance.amountToShareCents,
      gross_cents: report.totals.grossCents,
      subsidy_cents: report.totals.subsidyCents,
      net_cents: report.totals.netCents,
      operator_cost_key_cents: report.balance.operatorCostKeyCents,
      proration_gap_cents: report.balance.prorationGapCents,
    })
    .where("id", "=", run.id)
    .execute();

  await recordEvent(trx, {
    action: "statements.issued",
    cooperativeId: period.cooperativeId,
    actorUserId: input.actorUserId,
    subject: label,
    details: {
      statements: statements.length,
      first: statements[0]?.number ?? null,
      last: statements.at(-1)?.number ?? null,
      netCents: report.totals.netCents,
    },
  });
  return { runId: run.id, statements, frozenPricings: Number(frozen.numUpdatedRows) };
}

type StoredLine = LineDraft & { statementId: string };

async function storedLines(trx: Trx, runId: string): Promise<Map<string, StoredLine[]>> {
  const rows = await trx
    .selectFrom("statement_lines as l")
    .innerJoin("statements as s", "s.id", "l.statement_id")
    .select([
      "l.statement_id",
      "l.organisation_id",
      "l.offer_id",
      "l.pricing_id",
      "l.item_key",
      "l.offer_title",
      "l.item_label",
      "l.model",
      "l.gross_cents",
      "l.subsidy_cents",
      "l.net_cents",
      "l.proration_gap_cents",
      "l.explanation",
    ])
    .where("s.run_id", "=", runId)
    .orderBy("s.sequence")
    .orderBy("l.position")
    .execute();
  const byPayer = new Map<string, StoredLine[]>();
  for (const row of rows) {
    const lines = byPayer.get(row.organisation_id) ?? [];
    lines.push({
      statementId: row.statement_id,
      offerId: row.offer_id,
      pricingId: row.pricing_id,
      itemKey: row.item_key,
      offerTitle: row.offer_title,
      itemLabel: row.item_label,
      model: row.model,
      grossCents: row.gross_cents,
      subsidyCents: row.subsidy_cents,
      netCents: row.net_cents,
      prorationGapCents: row.proration_gap_cents,
      explanation: row.explanation,
    });
    byPayer.set(row.organisation_id, lines);
  }
  return byPayer;
}

/**
 * Recomputes an issued run and, for each payer whose amounts changed (a backdated subscription, a corrected
 * figure), issues a rectifying statement carrying only the difference and referring to the payer's statement of
 * the run; a payer that had none gets a complementary statement. Issued statements are never touched. Refused
 * (StatementError) when the run is not issued or nothing changed.
 */
export async function rectifyRun(trx: Trx, input: IssueInput): Promise<IssueResult> {
  const period: RunPeriod = { cooperativeId: input.cooperativeId, year: input.year, half: input.half };
  const label = periodLabel(period.year, period.half);
  await lockNumbering(trx, period.cooperativeId, period.year);
  const run = await findRun(trx, period, { lock: true });
  if (run?.status !== "issued") {
    throw new StatementError(`Les appels de fonds de la période « ${label} » n'ont pas été émis : rien à rectifier.`);
  }
  const { pricings, missingCosts } = await pricingsOfRun(trx, period);
  if (missingCosts.length > 0) throw new StatementError(`Rectification impossible : ${missingCosts.join(" ")}`);
  const branding = await brandOf(trx, period.cooperativeId);
  const report = compute(pricings, period.year, branding.operatorName);
  const computed = groupByPayer(report.rows);
  checkReviewed(input.reviewed, computed);
  const due = new Map(computed.map((payer) => [payer.organisationId, payer]));
  const called = await storedLines(trx, run.id);
  const originals = await trx
    .selectFrom("statements")
    .select(["id", "number", "organisation_id", "payer_name", "payer_siren"])
    .where("run_id", "=", run.id)
    .where("kind", "=", "statement")
    .orderBy("sequence")
    .execute();

  const organisationIds = [...new Set([...due.keys(), ...called.keys()])];
  const drafts: StatementDraft[] = [];
  for (const organisationId of organisationIds) {
    const now = due.get(organisationId);
    const original = originals.find((statement) => statement.organisation_id === organisationId) ?? null;
    const lines = differenceLines(called.get(organisationId) ?? [], now?.lines ?? [], original?.number ?? null);
    if (lines.length === 0) continue;
    const payer: PayerDraft = {
      organisationId,
      siren: now?.siren ?? original?.payer_siren ?? "",
      name: now?.name ?? original?.payer_name ?? "",
      lines,
      totals: sumLines(lines),
    };
    drafts.push({
      payer,
      kind: original ? "rectifying" : "statement",
      corrects: original ? { id: original.id, number: original.number } : null,
    });
  }
  if (drafts.length === 0) {
    throw new StatementError(
      `Aucune différence avec les appels de fonds émis pour la période « ${label} » : rien à rectifier.`,
    );
  }
  drafts.sort((a, b) => (a.payer.siren < b.payer.siren ? -1 : a.payer.siren > b.payer.siren ? 1 : 0));
  const statements = await writeStatements(trx, {
    period,
    runId: run.id,
    actorUserId: input.actorUserId,
    publicUrl: input.publicUrl,
    issuedOn: input.issuedOn ?? parisToday(),
    drafts,
    pricings,
    branding,
  });
  await recordEvent(trx, {
    action: "statements.rectified",
    cooperativeId: period.cooperativeId,
    actorUserId: input.actorUserId,
    subject: label,
    details: {
      statements: statements.length,
      first: statements[0]?.number ?? null,
      last: statements.at(-1)?.number ?? null,
      netCents: statements.reduce((sum, statement) => sum + statement.netCents, 0),
    },
  });
  return { runId: run.id, statements, frozenPricings: 0 };
}

export interface StatementSummary {
  id: string;
  number: string;
  kind: StatementKind;
  year: number;
  period: string;
  issuedOn: string;
  dueOn: string;
  organisationId: string;
  payerName: string;
  payerSiren: string;
  netCents: number;
  correctsNumber: string | null;
}

/**
 * The statements of a cooperative (of one organisation, of one year, if given), by number. Under RLS a payer's
 * people see their own only; the filter says it in the query too.
 */
export async function listStatements(
  trx: Trx,
  filter: { cooperativeId: string; organisationId?: string; year?: number },
): Promise<StatementSummary[]> {
  let query = trx
    .selectFrom("statements as s")
    .leftJoin("statements as c", "c.id", "s.corrects_id")
    .select([
      "s.id",
      "s.number",
      "s.kind",
      "s.year",
      "s.period",
      "s.issued_on",
      "s.due_on",
      "s.organisation_id",
      "s.payer_name",
      "s.payer_siren",
      "s.net_cents",
      "c.number as corrects_number",
    ])
    .where("s.cooperative_id", "=", filter.cooperativeId);
  if (filter.organisationId !== undefined) query = query.where("s.organisation_id", "=", filter.organisationId);
  if (filter.year !== undefined) query = query.where("s.year", "=", filter.year);
  const rows = await query.orderBy("s.year", "desc").orderBy("s.sequence").execute();
  return rows.map((row) => ({
    id: row.id,
    number: row.number,
    kind: row.kind,
    year: row.year,
    period: row.period,
    issuedOn: row.issued_on,
    dueOn: row.due_on,
    organisationId: row.organisation_id,
    payerName: row.payer_name,
    payerSiren: row.payer_siren,
    netCents: row.net_cents,
    correctsNumber: row.corrects_number,
  }));
}

/** The issued runs of a cooperative, latest first. */
export async function listIssuedRuns(trx: Trx, cooperativeId: string) {
  return trx
    .selectFrom("statement_runs")
    .select(["id", "year", "half", "issued_at", "net_cents"])
    .where("cooperative_id", "=", cooperativeId)
    .where("status", "=", "issued")
    .orderBy("year", "desc")
    .orderBy(sql`coalesce(half, 0)`)
    .execute();
}

/**
 * One statement as its document (what is shown, exported, printed), or null when the caller may not see it (RLS)
 * or it does not exist.
 */
export async function statementDocument(
  trx: Trx,
  id: string,
): Promise<(StatementDocument & { id: string; organisationId: string; cooperativeId: string }) | null> {
  const statement = await trx
    .selectFrom("statements as s")
    .innerJoin("cooperatives as co", "co.id", "s.cooperative_id")
    .leftJoin("statements as c", "c.id", "s.corrects_id")
    .select([
      "s.id",
      "s.cooperative_id",
      "s.organisation_id",
      "s.number",
      "s.kind",
      "s.issued_on",
      "s.due_on",
      "s.budget_year",
      "s.period",
      "s.payer_name",
      "s.payer_siren",
      "s.council_decisions",
      "s.gross_cents",
      "s.subsidy_cents",
      "s.net_cents",
      "co.siren as cooperative_siren",
      "c.number as corrects_number",
      "c.issued_on as corrects_issued_on",
    ])
    .where("s.id", "=", id)
    .executeTakeFirst();
  if (!statement) return null;
  const lines = await trx
    .selectFrom("statement_lines")
    .select(["offer_title", "item_label", "model", "gross_cents", "subsidy_cents", "net_cents", "explanation"])
    .where("statement_id", "=", id)
    .orderBy("position")
    .execute();
  const { brand, replyTo } = await brandOf(trx, statement.cooperative_id);
  return {
    id: statement.id,
    organisationId: statement.organisation_id,
    cooperativeId: statement.cooperative_id,
    cooperative: { name: brand.name, siren: statement.cooperative_siren, replyTo },
    number: statement.number,
    kind: statement.kind,
    corrects:
      statement.corrects_number && statement.corrects_issued_on
        ? { number: statement.corrects_number, issuedOn: statement.corrects_issued_on }
        : null,
    issuedOn: statement.issued_on,
    dueOn: statement.due_on,
    budgetYear: statement.budget_year,
    period: statement.period,
    payer: { name: statement.payer_name, siren: statement.payer_siren },
    councilDecisions: statement.council_decisions,
    lines: lines.map((line) => ({
      offerTitle: line.offer_title,
      itemLabel: line.item_label,
      model: line.model,
      grossCents: line.gross_cents,
      subsidyCents: line.subsidy_cents,
      netCents: line.net_cents,
      explanation: line.explanation,
    })),
    totals: { grossCents: statement.gross_cents, subsidyCents: statement.subsidy_cents, netCents: statement.net_cents },
  };
}

/** The ids of every statement of a year, by number (a whole run's export reads them a few at a time). */
export async function statementIdsOfYear(trx: Trx, cooperativeId: string, year: number): Promise<string[]> {
  const rows = await trx
    .selectFrom("statements")
    .select("id")
    .where("cooperative_id", "=", cooperativeId)
    .where("year", "=", year)
    .orderBy("sequence")
    .execute();
  return rows.map((row) => row.id);
}

/** The documents of every statement of a year (a whole run's export), by number. */
export async function statementDocumentsOfYear(trx: Trx, cooperativeId: string, year: number) {
  const documents: StatementDocument[] = [];
  for (const id of await statementIdsOfYear(trx, cooperativeId, year)) {
    const document = await statementDocument(trx, id);
    if (document) documents.push(document);
  }
  return documents;
}
