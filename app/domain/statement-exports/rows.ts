// The finance department's layout, shared by the CSV and the XLSX exports: one row per statement line.
import type { StatementDocument } from "../statement-document.ts";

export const STATEMENT_KIND_LABELS: Record<StatementDocument["kind"], string> = {
  statement: "Appel de fonds",
  rectifying: "Appel rectificatif",
};

export interface StatementExportRow {
  payerSiren: string;
  payerName: string;
  number: string;
  kind: string;
  correctedNumber: string | null;
  issuedOn: string;
  dueOn: string;
  budgetYear: number;
  period: string;
  lineNumber: number;
  offerTitle: string;
  itemLabel: string;
  model: string;
  grossCents: number;
  subsidyCents: number;
  netCents: number;
  explanation: string;
}

/** The columns, in order: the header a finance department imports (the same in CSV and XLSX). */
export const STATEMENT_EXPORT_COLUMNS = [
  { key: "payerSiren", header: "SIREN payeur" },
  { key: "payerName", header: "Payeur" },
  { key: "number", header: "N° d'appel" },
  { key: "kind", header: "Nature" },
  { key: "correctedNumber", header: "Rectifie l'appel n°" },
  { key: "issuedOn", header: "Émis le" },
  { key: "dueOn", header: "Échéance" },
  { key: "budgetYear", header: "Exercice" },
  { key: "period", header: "Période" },
  { key: "lineNumber", header: "Ligne" },
  { key: "offerTitle", header: "Offre" },
  { key: "itemLabel", header: "Élément" },
  { key: "model", header: "Modèle" },
  { key: "grossCents", header: "Brut (centimes)" },
  { key: "subsidyCents", header: "Subvention (centimes)" },
  { key: "netCents", header: "Net (centimes)" },
  { key: "grossEuros", header: "Brut (€)" },
  { key: "subsidyEuros", header: "Subvention (€)" },
  { key: "netEuros", header: "Net (€)" },
  { key: "explanation", header: "Explication" },
] as const;

export type StatementExportColumnKey = (typeof STATEMENT_EXPORT_COLUMNS)[number]["key"];

const AMOUNTS = ["grossCents", "subsidyCents", "netCents"] as const;

/**
 * Refuses a document whose totals are not the sum of its lines, or whose amounts are not whole cents: an
 * export never shows a cent that appears or disappears between the lines and the total.
 */
export function assertStatementConsistent(document: StatementDocument): void {
  for (const amount of AMOUNTS) {
    let sum = 0;
    for (const line of document.lines) {
      if (!Number.isSafeInteger(line[amount])) {
        throw new RangeError(`appel ${document.number} : montant ${amount} non entier (${line[amount]})`);
      }
      sum += line[amount];
    }
    if (sum !== document.totals[amount]) {
      throw new RangeError(
        `appel ${document.number} : total ${amount} ${document.totals[amount]} ≠ somme des lignes ${sum}`,
      );
    }
  }
}

/** Every line of every statement, in the order given (statements, then their lines). */
export function statementExportRows(documents: readonly StatementDocument[]): StatementExportRow[] {
  const rows: StatementExportRow[] = [];
  for (const document of documents) {
    assertStatementConsistent(document);
    document.lines.forEach((line, index) => {
      rows.push({
        payerSiren: document.payer.siren,
        payerName: document.payer.name,
        number: document.number,
        kind: STATEMENT_KIND_LABELS[document.kind],
        correctedNumber: document.corrects?.number ?? null,
        issuedOn: document.issuedOn,
        dueOn: document.dueOn,
        budgetYear: document.budgetYear,
        period: document.period,
        lineNumber: index + 1,
        offerTitle: line.offerTitle,
        itemLabel: line.itemLabel,
        model: line.model,
        grossCents: line.grossCents,
        subsidyCents: line.subsidyCents,
        netCents: line.netCents,
        explanation: line.explanation,
      });
    });
  }
  return rows;
}

/**
 * A whole-run export written one statement at a time, so that a long export can give the event loop a turn
 * between two statements; `finish` gives the file's bytes.
 */
export interface StatementsExportWriter {
  add(document: StatementDocument): void;
  finish(): Promise<Uint8Array>;
}

/** "2026-11-27" -> "27/11/2026": the date a French Excel reads as a date. */
export function frenchDate(isoDate: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new RangeError(`not an ISO calendar date: ${isoDate}`);
  return `${match[3]}/${match[2]}/${match[1]}`;
}
