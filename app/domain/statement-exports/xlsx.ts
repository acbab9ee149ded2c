import ExcelJS from "exceljs";
import type { StatementDocument } from "../statement-document.ts";
import {
  STATEMENT_EXPORT_COLUMNS,
  type StatementExportColumnKey,
  type StatementsExportWriter,
  statementExportRows,
} from "./rows.ts";

/** Excel's format codes are locale-neutral: a French Excel shows this as "1 234,56 €". */
export const EUROS_FORMAT = '#,##0.00 "€";-#,##0.00 "€"';
export const CENTS_FORMAT = "0";
export const DATE_FORMAT = "dd/mm/yyyy";
export const STATEMENTS_SHEET_NAME = "Appels de fonds";

const WIDTHS: Record<StatementExportColumnKey, number> = {
  payerSiren: 12,
  payerName: 32,
  number: 12,
  kind: 18,
  correctedNumber: 14,
  issuedOn: 12,
  dueOn: 12,
  budgetYear: 10,
  period: 18,
  lineNumber: 7,
  offerTitle: 36,
  itemLabel: 24,
  model: 28,
  grossCents: 15,
  subsidyCents: 15,
  netCents: 15,
  grossEuros: 15,
  subsidyEuros: 15,
  netEuros: 15,
  explanation: 80,
};

const FORMATS: Partial<Record<StatementExportColumnKey, string>> = {
  issuedOn: DATE_FORMAT,
  dueOn: DATE_FORMAT,
  budgetYear: "0",
  lineNumber: "0",
  grossCents: CENTS_FORMAT,
  subsidyCents: CENTS_FORMAT,
  netCents: CENTS_FORMAT,
  grossEuros: EUROS_FORMAT,
  subsidyEuros: EUROS_FORMAT,
  netEuros: EUROS_FORMAT,
};

/** A calendar date as Excel stores it: midnight UTC of that day (exceljs writes dates in UTC). */
function excelDate(isoDate: string): Date {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(isoDate);
  if (!match) throw new RangeError(`not an ISO calendar date: ${isoDate}`);
  return new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
}

/**
 * A run's statements as an XLSX workbook, one row per statement line in one sheet: typed cells (amounts in
 * cents as integers, in euros as numbers with a euro format, dates as dates, the budget year as a number),
 * a bold header row, frozen under the header and on the payer's columns, an auto-filter, column widths. Rows
 * are added one statement at a time (a long export gives the event loop a turn between two); `finish` writes
 * the file.
 */
export class StatementsXlsxWriter implements StatementsExportWriter {
  readonly #workbook = new ExcelJS.Workbook();
  readonly #sheet: ExcelJS.Worksheet;
  #started = false;
  #lines = 0;

  constructor() {
    this.#workbook.creator = "Coopérative";
    this.#workbook.created = new Date(0);
    this.#workbook.modified = new Date(0);
    this.#sheet = this.#workbook.addWorksheet(STATEMENTS_SHEET_NAME, {
      views: [{ state: "frozen", xSplit: 3, ySplit: 1, activeCell: "D2" }],
    });
    this.#sheet.columns = STATEMENT_EXPORT_COLUMNS.map((column) => ({
      key: column.key,
      header: column.header,
      width: WIDTHS[column.key],
      style: FORMATS[column.key] ? { numFmt: FORMATS[column.key] } : {},
    }));
  }

  add(document: StatementDocument): void {
    const rows = statementExportRows([document]);
    if (!this.#started) {
      this.#started = true;
      this.#workbook.creator = document.cooperative.name;
      // Fixed dates, the first statement's issue date: the same run exports to the same content, whenever.
      this.#workbook.created = excelDate(document.issuedOn);
      this.#workbook.modified = excelDate(document.issuedOn);
    }
    for (const row of rows) {
      this.#sheet.addRow({
        ...row,
        issuedOn: excelDate(row.issuedOn),
        dueOn: excelDate(row.dueOn),
        correctedNumber: row.correctedNumber ?? undefined,
        // Cents / 100 is the closest double to the euro amount; Excel rounds it back to the cent on display.
        grossEuros: row.grossCents / 100,
        subsidyEuros: row.subsidyCents / 100,
        netEuros: row.netCents / 100,
      } satisfies Record<StatementExportColumnKey, unknown>);
    }
    this.#lines += rows.length;
  }

  async finish(): Promise<Uint8Array> {
    const header = this.#sheet.getRow(1);
    header.font = { bold: true };
    header.alignment = { vertical: "middle", wrapText: true };
    this.#sheet.autoFilter = {
      from: { row: 1, column: 1 },
      to: { row: this.#lines + 1, column: STATEMENT_EXPORT_COLUMNS.length },
    };
    const buffer = await this.#workbook.xlsx.writeBuffer();
    return new Uint8Array(buffer as ArrayBuffer);
  }
}

/** The whole workbook at once (the command line). */
export async function statementsXlsx(documents: readonly StatementDocument[]): Promise<Uint8Array> {
  const writer = new StatementsXlsxWriter();
  for (const document of documents) writer.add(document);
  return writer.finish();
}
