import { z } from "zod";
import { formatEuros } from "./allocation/format-fr.ts";
import { formatCalendarDate } from "./format.ts";
import type { ShareRow } from "./shares-report.ts";

// Pure rules of statements (appels de fonds): numbers, periods, dates, grouping a run's shares per payer, and the
// difference a rectifying statement carries. No I/O: app/queries/statements.server.ts reads and writes.

/** A budget year as typed in a form or a query string. */
export const yearField = z.coerce
  .number({ error: "L'année est un nombre." })
  .int("L'année est un nombre entier.")
  .min(2000, "Choisissez une année entre 2000 et 2100.")
  .max(2100, "Choisissez une année entre 2000 et 2100.");

/** Days between the issue of a statement and its due date. */
export const PAYMENT_DAYS = 30;

/** "2026-0001": the numbering year and a sequence without gaps per cooperative and year. */
export function statementNumber(year: number, sequence: number): string {
  return `${year}-${String(sequence).padStart(4, "0")}`;
}

/** "Année 2026", "1er semestre 2026", "2d semestre 2026". */
export function periodLabel(year: number, half: 1 | 2 | null): string {
  if (half === null) return `Année ${year}`;
  return `${half === 1 ? "1er" : "2d"} semestre ${year}`;
}

/** An ISO calendar date plus some days. */
export function addDays(isoDate: string, days: number): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** "Délibération n° DCM-2025-042 du 15 octobre 2025 (Plateforme e-services)" */
export function councilDecisionLabel(decision: { number: string; date: string | null; offerTitle: string }): string {
  const date = decision.date ? ` du ${formatCalendarDate(decision.date)}` : "";
  return `Délibération n° ${decision.number}${date} (${decision.offerTitle})`;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The council decisions recorded on an offer's subscriptions (what loadPricingsInYear gives with each pricing). */
export interface OfferCouncilDecisions {
  offer: { id: string; title: string };
  councilDecisions: readonly { organisationId: string; number: string; date: string | null }[];
}

/**
 * What each payer's statement cites: the council decisions of its subscriptions to the offers it is called for, by
 * offer title (the offers come in the database's order of titles), date (undated last) and number, each once.
 */
export function citedCouncilDecisions(
  offers: readonly OfferCouncilDecisions[],
  payers: readonly { organisationId: string; lines: readonly { offerId: string }[] }[],
): Map<string, string[]> {
  const calledFor = new Map(payers.map((payer) => [payer.organisationId, new Set(payer.lines.map((l) => l.offerId))]));
  const titleRank = new Map<string, number>();
  for (const { offer } of offers) if (!titleRank.has(offer.title)) titleRank.set(offer.title, titleRank.size);
  const cited = new Map<string, { rank: number; date: string; number: string; label: string }[]>();
  for (const { offer, councilDecisions } of offers) {
    for (const decision of councilDecisions) {
      if (!calledFor.get(decision.organisationId)?.has(offer.id)) continue;
      const own = cited.get(decision.organisationId) ?? [];
      own.push({
        rank: titleRank.get(offer.title) ?? 0,
        date: decision.date ?? "\uffff",
        number: decision.number,
        label: councilDecisionLabel({ number: decision.number, date: decision.date, offerTitle: offer.title }),
      });
      cited.set(decision.organisationId, own);
    }
  }
  return new Map(
    payers.map((payer) => {
      const own = (cited.get(payer.organisationId) ?? []).sort(
        (a, b) => a.rank - b.rank || compareText(a.date, b.date) || compareText(a.number, b.number),
      );
      return [payer.organisationId, [...new Set(own.map((decision) => decision.label))]];
    }),
  );
}

/** One line a statement invoices. */
export interface LineDraft {
  offerId: string;
  pricingId: string;
  itemKey: string;
  offerTitle: string;
  itemLabel: string;
  model: string;
  grossCents: number;
  subsidyCents: number;
  netCents: number;
  prorationGapCents: number;
  explanation: string;
}

export interface PayerDraft {
  organisationId: string;
  siren: string;
  name: string;
  lines: LineDraft[];
  totals: { grossCents: number; subsidyCents: number; netCents: number };
}

export const lineKey = (line: { pricingId: string; itemKey: string }) => `${line.pricingId}|${line.itemKey}`;

export function sumLines(lines: readonly { grossCents: number; subsidyCents: number; netCents: number }[]) {
  const totals = { grossCents: 0, subsidyCents: 0, netCents: 0 };
  for (const line of lines) {
    totals.grossCents += line.grossCents;
    totals.subsidyCents += line.subsidyCents;
    totals.netCents += line.netCents;
  }
  return totals;
}

/**
 * A run's shares grouped per payer, by SIREN: only invoiced lines (the operator's own cost-key part is never
 * invoiced), and not the lines that are zero on every amount (a free offer: nothing to call). Payers left with no
 * line get no statement.
 */
export function groupByPayer(rows: readonly ShareRow[]): PayerDraft[] {
  const payers = new Map<string, PayerDraft>();
  for (const row of rows) {
    if (!row.invoiced) continue;
    if (row.grossCents === 0 && row.subsidyCents === 0 && row.netCents === 0 && row.prorationGapCents === 0) continue;
    let payer = payers.get(row.organisationId);
    if (!payer) {
      payer = {
        organisationId: row.organisationId,
        siren: row.siren,
        name: row.name,
        lines: [],
        totals: { grossCents: 0, subsidyCents: 0, netCents: 0 },
      };
      payers.set(row.organisationId, payer);
    }
    payer.lines.push({
      offerId: row.offerId,
      pricingId: row.pricingId,
      itemKey: row.itemKey,
      offerTitle: row.offerTitle,
      itemLabel: row.itemLabel,
      model: row.model,
      grossCents: row.grossCents,
      subsidyCents: row.subsidyCents,
      netCents: row.netCents,
      prorationGapCents: row.prorationGapCents,
      explanation: row.explanation,
    });
  }
  const result = [...payers.values()].sort((a, b) => (a.siren < b.siren ? -1 : a.siren > b.siren ? 1 : 0));
  for (const payer of result) payer.totals = sumLines(payer.lines);
  return result;
}

/**
 * What a rectifying statement carries for one payer: for each priced item whose amounts changed, the difference
 * between what is due now and what was already called (all the payer's statements of the run, corrections
 * included). Lines already called and now gone are credited in full; new ones are debited in full. Empty: nothing
 * changed.
 */
export function differenceLines(
  called: readonly LineDraft[],
  due: readonly LineDraft[],
  correctedNumber: string | null,
): LineDraft[] {
  const before = new Map<string, LineDraft>();
  for (const line of called) {
    const key = lineKey(line);
    const sum = before.get(key);
    before.set(
      key,
      sum
        ? {
            ...sum,
            grossCents: sum.grossCents + line.grossCents,
            subsidyCents: sum.subsidyCents + line.subsidyCents,
            netCents: sum.netCents + line.netCents,
            prorationGapCents: sum.prorationGapCents + line.prorationGapCents,
          }
        : { ...line },
    );
  }
  const now = new Map(due.map((line) => [lineKey(line), line]));
  const keys = [...new Set([...before.keys(), ...now.keys()])];
  const corrects = correctedNumber ? `Rectification de l'appel de fonds n° ${correctedNumber}. ` : "Complément. ";
  const result: LineDraft[] = [];
  for (const key of keys) {
    const previous = before.get(key);
    const current = now.get(key);
    const reference = (current ?? previous) as LineDraft;
    const grossCents = (current?.grossCents ?? 0) - (previous?.grossCents ?? 0);
    const subsidyCents = (current?.subsidyCents ?? 0) - (previous?.subsidyCents ?? 0);
    const netCents = (current?.netCents ?? 0) - (previous?.netCents ?? 0);
    const prorationGapCents = (current?.prorationGapCents ?? 0) - (previous?.prorationGapCents ?? 0);
    if (grossCents === 0 && subsidyCents === 0 && netCents === 0 && prorationGapCents === 0) continue;
    const recomputed = current ? `Nouveau calcul : ${current.explanation}` : "Cet élément n'est plus dû.";
    result.push({
      ...reference,
      grossCents,
      subsidyCents,
      netCents,
      prorationGapCents,
      explanation:
        `${corrects}${recomputed} Net déjà appelé : ${formatEuros(previous?.netCents ?? 0)} ; ` +
        `net dû : ${formatEuros(current?.netCents ?? 0)} ; différence : ${formatEuros(netCents)}.`,
    });
  }
  return result;
}
