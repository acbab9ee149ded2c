import { csvCents, toCsv } from "../csv.ts";
import type { StatementDocument } from "../statement-document.ts";
import { frenchDate, STATEMENT_EXPORT_COLUMNS, statementExportRows } from "./rows.ts";

export const STATEMENTS_CSV_HEADER = STATEMENT_EXPORT_COLUMNS.map((column) => column.header);

/**
 * A run's statements as one CSV file for French Excel (csv.ts: ";", BOM, decimal comma, CRLF, formulas
 * neutralised), one row per statement line. Amounts twice: in cents (integers, what an import should read)
 * and in euros with a decimal comma; dates as dd/mm/yyyy.
 */
export function statementsCsv(documents: readonly StatementDocument[]): string {
  return toCsv(
    STATEMENTS_CSV_HEADER,
    statementExportRows(documents).map((row) => [
      row.payerSiren,
      row.payerName,
      row.number,
      row.kind,
      row.correctedNumber,
      frenchDate(row.issuedOn),
      frenchDate(row.dueOn),
      row.budgetYear,
      row.period,
      row.lineNumber,
      row.offerTitle,
      row.itemLabel,
      row.model,
      row.grossCents,
      row.subsidyCents,
      row.netCents,
      csvCents(row.grossCents),
      csvCents(row.subsidyCents),
      csvCents(row.netCents),
      row.explanation,
    ]),
  );
}
