import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import type { StatementDocument } from "../statement-document.ts";
import { statementsCsv } from "./csv.ts";
import { castelnau2026, castelnauRectifying, run2026 } from "./fixtures.ts";
import { STATEMENT_EXPORT_COLUMNS, statementExportRows } from "./rows.ts";
import { CENTS_FORMAT, DATE_FORMAT, EUROS_FORMAT, STATEMENTS_SHEET_NAME, statementsXlsx } from "./xlsx.ts";

const HEADERS: string[] = STATEMENT_EXPORT_COLUMNS.map((column) => column.header);
const column = (header: string) => HEADERS.indexOf(header);

/** A CSV row's field under a header (the row must have it). */
function field(row: string[] | undefined, header: string): string {
  const value = row?.[column(header)];
  if (value === undefined) throw new Error(`no field ${header}`);
  return value;
}

/** RFC 4180 with ";" as Excel writes it: quoted fields may hold ";", '""' and line breaks; rows end with CRLF. */
function parseCsv(text: string): string[][] {
  expect(text.startsWith("\uFEFF")).toBe(true);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = "";
  let quoted = false;
  for (let index = 1; index < text.length; index++) {
    const char = text[index];
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        field += '"';
        index++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ";") {
      row.push(field);
      field = "";
    } else if (char === "\r" && text[index + 1] === "\n") {
      row.push(field);
      rows.push(row);
      row = [];
      field = "";
      index++;
    } else {
      expect(char).not.toBe("\n"); // a bare LF only inside quotes
      field += char;
    }
  }
  expect(field).toBe("");
  expect(row).toEqual([]);
  return rows;
}

/** "1234,56" / "-0,05" -> cents, by the digits (no floating point). */
function centsFromFrenchEuros(text: string): number {
  const match = /^(-?)(\d+),(\d{2})$/.exec(text);
  if (!match) throw new Error(`not a French euro amount: ${text}`);
  return (match[1] ? -1 : 1) * (Number(match[2]) * 100 + Number(match[3]));
}

function sum(values: number[]): number {
  return values.reduce((total, value) => total + value, 0);
}

const AMOUNTS = [
  ["grossCents", "Brut (centimes)", "Brut (€)"],
  ["subsidyCents", "Subvention (centimes)", "Subvention (€)"],
  ["netCents", "Net (centimes)", "Net (€)"],
] as const;

describe("statements CSV", () => {
  const rows = parseCsv(statementsCsv(run2026));
  const [header, ...body] = rows;

  it("has the finance department's header and one row per statement line", () => {
    expect(header).toEqual(HEADERS);
    expect(body).toHaveLength(sum(run2026.map((document) => document.lines.length)));
    for (const row of body) expect(row).toHaveLength(HEADERS.length);
  });

  it("parses back to the same amounts, in cents and in euros, line by line and in total", () => {
    for (const document of run2026) {
      const own = body.filter((row) => field(row, "N° d'appel") === document.number);
      expect(own).toHaveLength(document.lines.length);
      document.lines.forEach((line, index) => {
        const row = own.find((candidate) => field(candidate, "Ligne") === String(index + 1));
        if (!row) throw new Error(`no row for line ${index + 1} of ${document.number}`);
        expect(field(row, "SIREN payeur")).toBe(document.payer.siren);
        expect(field(row, "Payeur")).toBe(document.payer.name);
        expect(field(row, "Élément")).toBe(line.itemLabel);
        expect(field(row, "Explication")).toBe(line.explanation);
        for (const [key, centsHeader, eurosHeader] of AMOUNTS) {
          expect(Number(field(row, centsHeader))).toBe(line[key]);
          expect(centsFromFrenchEuros(field(row, eurosHeader))).toBe(line[key]);
        }
      });
      for (const [key, centsHeader, eurosHeader] of AMOUNTS) {
        expect(sum(own.map((row) => Number(field(row, centsHeader))))).toBe(document.totals[key]);
        expect(sum(own.map((row) => centsFromFrenchEuros(field(row, eurosHeader))))).toBe(document.totals[key]);
      }
    }
    const runNet = sum(run2026.map((document) => document.totals.netCents));
    expect(sum(body.map((row) => Number(row[column("Net (centimes)")])))).toBe(runNet);
  });

  it("says what a rectifying statement corrects, with French dates, and neutralises formulas but not negative amounts", () => {
    const rectifying = body.filter((row) => field(row, "N° d'appel") === castelnauRectifying.number);
    for (const row of rectifying) {
      expect(field(row, "Nature")).toBe("Appel rectificatif");
      expect(field(row, "Rectifie l'appel n°")).toBe("2026-0001");
      expect(field(row, "Émis le")).toBe("01/06/2026");
      expect(field(row, "Échéance")).toBe("15/07/2026");
    }
    expect(field(rectifying[0], "Brut (€)")).toBe("-2345,67");
    const original = body.filter((row) => field(row, "N° d'appel") === castelnau2026.number);
    expect(original.map((row) => field(row, "Nature"))).toEqual(["Appel de fonds", "Appel de fonds", "Appel de fonds"]);
    expect(original.map((row) => field(row, "Rectifie l'appel n°"))).toEqual(["", "", ""]);
    expect(field(original[2], "Offre")).toBe("'=SOMME(A1:A9)");
  });

  it("is empty but for its header for an empty run", () => {
    expect(parseCsv(statementsCsv([]))).toEqual([HEADERS]);
  });
});

describe("statements XLSX", () => {
  async function sheetOf(documents: readonly StatementDocument[]): Promise<ExcelJS.Worksheet> {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.from(await statementsXlsx(documents)) as never);
    const sheet = workbook.getWorksheet(STATEMENTS_SHEET_NAME);
    if (!sheet) throw new Error("no statements sheet");
    return sheet;
  }

  it("parses back to the same amounts, typed: cents and euros as numbers, dates as dates", async () => {
    const sheet = await sheetOf(run2026);
    const cell = (rowNumber: number, header: string) => sheet.getRow(rowNumber).getCell(column(header) + 1);
    expect(HEADERS.map((_title, index) => sheet.getRow(1).getCell(index + 1).value)).toEqual(HEADERS);
    const expected = statementExportRows(run2026);
    expect(sheet.actualRowCount).toBe(expected.length + 1);

    const totals = new Map<string, { grossCents: number; subsidyCents: number; netCents: number }>();
    for (let rowNumber = 2; rowNumber <= expected.length + 1; rowNumber++) {
      const number = cell(rowNumber, "N° d'appel").value as string;
      const lineIndex = (cell(rowNumber, "Ligne").value as number) - 1;
      const document = run2026.find((candidate) => candidate.number === number);
      if (!document) throw new Error(`unknown statement ${number}`);
      const line = document.lines[lineIndex];
      if (!line) throw new Error(`no line ${lineIndex + 1} in ${number}`);
      expect(cell(rowNumber, "SIREN payeur").value).toBe(document.payer.siren);
      expect(cell(rowNumber, "Exercice").value).toBe(document.budgetYear);
      expect(cell(rowNumber, "Émis le").value).toEqual(new Date(`${document.issuedOn}T00:00:00Z`));
      expect(cell(rowNumber, "Émis le").numFmt).toBe(DATE_FORMAT);
      expect(cell(rowNumber, "Échéance").value).toEqual(new Date(`${document.dueOn}T00:00:00Z`));
      expect(cell(rowNumber, "Rectifie l'appel n°").value ?? null).toBe(document.corrects?.number ?? null);
      const sums = totals.get(number) ?? { grossCents: 0, subsidyCents: 0, netCents: 0 };
      for (const [key, centsHeader, eurosHeader] of AMOUNTS) {
        const cents = cell(rowNumber, centsHeader);
        const euros = cell(rowNumber, eurosHeader);
        expect(typeof cents.value).toBe("number");
        expect(cents.value).toBe(line[key]);
        expect(cents.numFmt).toBe(CENTS_FORMAT);
        expect(typeof euros.value).toBe("number");
        expect(Math.round((euros.value as number) * 100)).toBe(line[key]);
        expect(euros.numFmt).toBe(EUROS_FORMAT);
        sums[key] += cents.value as number;
      }
      totals.set(number, sums);
    }
    for (const document of run2026) expect(totals.get(document.number)).toEqual(document.totals);
  });

  it("freezes the header and the payer's columns, filters every column, sizes them", async () => {
    const sheet = await sheetOf(run2026);
    expect(sheet.views[0]).toMatchObject({ state: "frozen", xSplit: 3, ySplit: 1 });
    expect(sheet.autoFilter).toBeTruthy();
    const filter = JSON.stringify(sheet.autoFilter);
    expect(filter).toContain("A1");
    expect(filter).toContain(`T${run2026.reduce((count, document) => count + document.lines.length, 0) + 1}`);
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getColumn(column("Explication") + 1).width).toBeGreaterThan(sheet.getColumn(1).width ?? 0);
  });

  it("keeps text that looks like a formula as text", async () => {
    const sheet = await sheetOf([castelnau2026]);
    const cell = sheet.getRow(4).getCell(column("Offre") + 1);
    expect(cell.value).toBe("=SOMME(A1:A9)");
    expect(cell.type).toBe(ExcelJS.ValueType.String);
  });
});

describe("an inconsistent statement", () => {
  const broken: StatementDocument = {
    ...castelnau2026,
    totals: { ...castelnau2026.totals, netCents: castelnau2026.totals.netCents + 1 },
  };

  it("is refused by the exports: a cent never appears between the lines and the total", async () => {
    expect(() => statementsCsv([broken])).toThrow(/2026-0001/);
    await expect(statementsXlsx([broken])).rejects.toThrow(/2026-0001/);
  });

  it("with an amount that is not whole cents is refused too", () => {
    const [first] = castelnau2026.lines;
    if (!first) throw new Error("no line");
    const fractional: StatementDocument = {
      ...castelnau2026,
      lines: [{ ...first, netCents: 0.5 }],
      totals: {
        grossCents: first.grossCents,
        subsidyCents: first.subsidyCents,
        netCents: 0.5,
      },
    };
    expect(() => statementsCsv([fractional])).toThrow(/non entier/);
  });
});
