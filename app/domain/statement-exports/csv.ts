import { CSV_BOM, csvCents, csvLine } from "../csv.ts";
import type { StatementDocument } from "../statement-document.ts";
import { frenchDate, STATEMENT_EXPORT_COLUMNS, type StatementsExportWriter, statementExportRows } from "./rows.ts";

export const STATEMENTS_CSV_HEADER = STATEMENT_EXPORT_COLUMNS.map((column) => column.header);

/**
 * A run's statements as one CSV file for French Excel (csv.ts: ";", BOM, decimal comma, CRLF, formulas
 * neutralised), one row per statement line, written one statement at a time (a long export gives the event loop
 * a turn between two). Amounts twice: in cents (integers, what an import should read) and in euros with a
 * decimal comma; dates as dd/mm/yyyy.
 */
export class StatementsCsvWriter implements StatementsExportWriter {
  readonly #parts: string[] = [CSV_BOM, csvLine(STATEMENTS_CSV_HEADER)];

  add(document: StatementDocument): void {
    for (const row of statementExportRows([document])) {
      this.#parts.push(
        csvLine([
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
  }

  text(): string {
    return this.#parts.join("");
  }

  async finish(): Promise<Uint8Array> {
    return new TextEncoder().encode(this.text());
  }
}

/** The whole file at once (the command line). */
export function statementsCsv(documents: readonly StatementDocument[]): string {
  const writer = new StatementsCsvWriter();
  for (const document of documents) writer.add(document);
  return writer.text();
}
