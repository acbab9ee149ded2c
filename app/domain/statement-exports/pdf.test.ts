import { readFile } from "node:fs/promises";
import { extractText, getDocumentProxy, getResolvedPDFJS } from "unpdf";
import { describe, expect, it } from "vitest";
import { formatEuros } from "../allocation/format-fr.ts";
import type { StatementDocument, StatementLineDocument } from "../statement-document.ts";
import { castelnau2026, castelnauRectifying, lattes2026, run2026 } from "./fixtures.ts";
import { STATEMENT_FONT_FILES, statementPdf, statementPdfFileName, statementPdfs } from "./pdf.ts";

const NARROW_NO_BREAK_SPACE = "\u202f";

/** The glyph id a TrueType font maps a BMP code point to, read from its (3,1) format 4 cmap; 0 is .notdef. */
function glyphIdFor(font: Buffer, codePoint: number): number {
  const tables = font.readUInt16BE(4);
  let cmap = -1;
  for (let index = 0; index < tables; index++) {
    const record = 12 + 16 * index;
    if (font.toString("latin1", record, record + 4) === "cmap") cmap = font.readUInt32BE(record + 8);
  }
  if (cmap < 0) throw new Error("no cmap table");
  for (let index = 0; index < font.readUInt16BE(cmap + 2); index++) {
    const record = cmap + 4 + 8 * index;
    if (font.readUInt16BE(record) !== 3 || font.readUInt16BE(record + 2) !== 1) continue;
    const subtable = cmap + font.readUInt32BE(record + 4);
    expect(font.readUInt16BE(subtable)).toBe(4);
    const segments = font.readUInt16BE(subtable + 6) / 2;
    const ends = subtable + 14;
    const starts = ends + 2 * segments + 2;
    const deltas = starts + 2 * segments;
    const rangeOffsets = deltas + 2 * segments;
    for (let segment = 0; segment < segments; segment++) {
      if (font.readUInt16BE(ends + 2 * segment) < codePoint) continue;
      const start = font.readUInt16BE(starts + 2 * segment);
      if (start > codePoint) return 0;
      const delta = font.readUInt16BE(deltas + 2 * segment);
      const rangeOffset = font.readUInt16BE(rangeOffsets + 2 * segment);
      if (rangeOffset === 0) return (codePoint + delta) & 0xffff;
      const glyph = font.readUInt16BE(rangeOffsets + 2 * segment + rangeOffset + 2 * (codePoint - start));
      return glyph === 0 ? 0 : (glyph + delta) & 0xffff;
    }
    return 0;
  }
  throw new Error("no Windows Unicode BMP cmap");
}

interface ShownGlyph {
  unicode: string;
  width: number;
}

/** What a PDF reader sees: the text (spaces normalised), and the runs of glyphs shown, with their Unicode. */
async function readPdf(bytes: Uint8Array) {
  const { OPS } = await getResolvedPDFJS();
  const pdf = await getDocumentProxy(new Uint8Array(bytes));
  const { text, totalPages } = await extractText(pdf, { mergePages: true });
  const runs: ShownGlyph[][] = [];
  for (let pageNumber = 1; pageNumber <= pdf.numPages; pageNumber++) {
    const operators = await (await pdf.getPage(pageNumber)).getOperatorList();
    operators.fnArray.forEach((operator, index) => {
      if (operator !== OPS.showText) return;
      const glyphs = (operators.argsArray[index][0] as (ShownGlyph | number)[]).filter(
        (glyph): glyph is ShownGlyph => typeof glyph === "object" && glyph !== null,
      );
      runs.push(glyphs);
    });
  }
  return {
    totalPages,
    /** Extractors turn U+202F and U+00A0 into spaces: compare with spaces normalised. */
    text: text.replace(/\s+/g, " "),
    /** The exact characters shown, run by run (a run is one text call: an amount, a line of text). */
    runs: runs.map((glyphs) => glyphs.map((glyph) => glyph.unicode).join("")),
    glyphs: runs.flat(),
  };
}

const flat = (text: string) => text.replace(/\s+/g, " ");

describe("the statement font", () => {
  it("has a real glyph for the narrow no-break space (and the no-break space, and €)", async () => {
    for (const file of [STATEMENT_FONT_FILES.regular, STATEMENT_FONT_FILES.bold]) {
      const font = await readFile(file);
      for (const codePoint of [0x202f, 0x00a0, 0x20ac, 0x00e9, 0x00ab]) {
        expect(glyphIdFor(font, codePoint), `U+${codePoint.toString(16)} in ${file}`).toBeGreaterThan(0);
      }
      expect(glyphIdFor(font, 0x202f)).not.toBe(glyphIdFor(font, 0x20));
      expect(glyphIdFor(font, 0xe000)).toBe(0); // the parser does say when a glyph is missing
    }
  });
});

describe("a statement's PDF", () => {
  it("shows the cooperative, the number, the dates, the payer, the council decisions and each line explained", async () => {
    const { text, totalPages } = await readPdf(await statementPdf(castelnau2026));
    expect(totalPages).toBe(1);
    for (const expected of [
      "Montpellier Méditerranée Métropole",
      "SIREN 243 400 017",
      "Appel de fonds n° 2026-0001",
      "15 janvier 2026",
      "1er mars 2026",
      "Exercice budgétaire : 2026",
      "Année 2026",
      "Castelnau-le-Lez (SIREN 213 400 773)",
      ...castelnau2026.councilDecisions,
      ...castelnau2026.lines.flatMap((line) => [line.offerTitle, line.model, line.explanation]),
      "Net à payer",
    ]) {
      expect(text).toContain(flat(expected));
    }
    expect(text).not.toContain("rectificatif");
  });

  it("writes every amount the French way, with the narrow no-break space between thousands, in a glyph of its own", async () => {
    const { runs, glyphs } = await readPdf(await statementPdf(castelnau2026));
    const amounts = [
      ...castelnau2026.lines.flatMap((line) => [line.grossCents, line.subsidyCents, line.netCents]),
      castelnau2026.totals.grossCents,
      castelnau2026.totals.subsidyCents,
      castelnau2026.totals.netCents,
    ].map(formatEuros);
    expect(amounts).toContain(`987${NARROW_NO_BREAK_SPACE}654,32\u00a0€`);
    expect(amounts).toContain(`1${NARROW_NO_BREAK_SPACE}000${NARROW_NO_BREAK_SPACE}000,04\u00a0€`);
    for (const amount of amounts) expect(runs).toContain(amount);
    const narrow = glyphs.find((glyph) => glyph.unicode === NARROW_NO_BREAK_SPACE);
    const space = glyphs.find((glyph) => glyph.unicode === " ");
    if (!narrow || !space) throw new Error("no space glyphs shown");
    expect(narrow.width).toBeGreaterThan(0);
    expect(narrow.width).toBeLessThan(space.width); // DejaVu's narrow space, not .notdef nor a plain space
  });

  it("says which statement a rectifying one corrects, and shows a credit as what comes back to the member", async () => {
    const { text, runs } = await readPdf(await statementPdf(castelnauRectifying));
    expect(text).toContain("Appel de fonds rectificatif n° 2026-0003");
    expect(text).toContain("Rectifie l'appel de fonds n° 2026-0001 émis le 15 janvier 2026.");
    expect(text).toContain("1er juin 2026");
    expect(runs).toContain(formatEuros(-234_567));
    expect(formatEuros(-234_567)).toBe(`-2${NARROW_NO_BREAK_SPACE}345,67\u00a0€`);
    expect(text).toContain("Net en votre faveur");
    expect(runs).toContain(formatEuros(-castelnauRectifying.totals.netCents));
    expect(text).not.toContain("Net à payer");
  });

  it("runs over several pages when the lines do, the table header and a numbered footer on each", async () => {
    const lines: StatementLineDocument[] = Array.from({ length: 45 }, (_, index) => ({
      offerTitle: `Offre ${index + 1}`,
      itemLabel: "Offre de base",
      model: "Forfait",
      grossCents: 100_000 + index,
      subsidyCents: 0,
      netCents: 100_000 + index,
      explanation: `Forfait de la ligne ${index + 1}, expliqué en une phrase assez longue pour occuper la largeur de la page et passer à la ligne suivante.`,
    }));
    const long: StatementDocument = {
      ...lattes2026,
      lines,
      totals: {
        grossCents: lines.reduce((sum, line) => sum + line.grossCents, 0),
        subsidyCents: 0,
        netCents: lines.reduce((sum, line) => sum + line.netCents, 0),
      },
    };
    const { text, runs, totalPages } = await readPdf(await statementPdf(long));
    expect(totalPages).toBeGreaterThan(1);
    for (let page = 1; page <= totalPages; page++) expect(text).toContain(`page ${page} / ${totalPages}`);
    expect(runs.filter((run) => run === "Désignation")).toHaveLength(totalPages);
    for (const line of lines) expect(runs).toContain(formatEuros(line.netCents));
    expect(runs).toContain(formatEuros(long.totals.netCents));
  });

  it("is refused for a statement whose total is not the sum of its lines", async () => {
    const broken = { ...lattes2026, totals: { ...lattes2026.totals, grossCents: lattes2026.totals.grossCents - 1 } };
    await expect(statementPdf(broken)).rejects.toThrow(/2026-0002/);
  });

  it("comes one statement at a time for a run, each with its file name", async () => {
    const names: string[] = [];
    for await (const pdf of statementPdfs(run2026)) {
      names.push(pdf.fileName);
      expect((await readPdf(pdf.bytes)).text).toContain(pdf.document.number);
    }
    expect(names).toEqual([
      "appel-de-fonds-2026-0001-213400773.pdf",
      "appel-de-fonds-2026-0002-213401367.pdf",
      "appel-rectificatif-2026-0003-213400773.pdf",
    ]);
    expect(statementPdfFileName({ ...lattes2026, number: "2026/0002" })).toBe("appel-de-fonds-2026-0002-213401367.pdf");
  });
});
