// One PDF per statement (appel de fonds), rendered with pdfkit in DejaVu Sans, embedded and subset: the font
// has the narrow no-break space (U+202F) that Intl.NumberFormat("fr-FR") puts between thousands. Decision 016.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import PDFDocument from "pdfkit";
import { formatEuros } from "../allocation/format-fr.ts";
import { formatCalendarDate } from "../format.ts";
import type { StatementDocument, StatementLineDocument } from "../statement-document.ts";
import { assertStatementConsistent } from "./rows.ts";

const require = createRequire(import.meta.url);

/** The font files, resolved in the installed `dejavu-fonts-ttf` package (licence: its LICENSE file). */
export const STATEMENT_FONT_FILES = {
  regular: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf"),
  bold: require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans-Bold.ttf"),
} as const;

let fonts: Promise<{ regular: Buffer; bold: Buffer }> | undefined;

/** Read once, without blocking, then kept (about 1.5 MB). */
function loadFonts(): Promise<{ regular: Buffer; bold: Buffer }> {
  fonts ??= Promise.all([readFile(STATEMENT_FONT_FILES.regular), readFile(STATEMENT_FONT_FILES.bold)]).then(
    ([regular, bold]) => ({ regular, bold }),
  );
  fonts.catch(() => {
    fonts = undefined;
  });
  return fonts;
}

const MARGIN = 50;
const A4 = { width: 595.28, height: 841.89 };
const CONTENT_WIDTH = A4.width - 2 * MARGIN;
const AMOUNT_WIDTH = 78;
const LABEL_WIDTH = CONTENT_WIDTH - 3 * AMOUNT_WIDTH;
const BOTTOM = A4.height - MARGIN - 20; // the footer lives below
const GREY = "#555555";
const RULE = "#bbbbbb";

/** "213401367" -> "213 401 367". */
export function formatSiren(siren: string): string {
  return /^\d{9}$/.test(siren) ? `${siren.slice(0, 3)} ${siren.slice(3, 6)} ${siren.slice(6)}` : siren;
}

export function statementTitle(document: StatementDocument): string {
  return document.kind === "rectifying"
    ? `Appel de fonds rectificatif n° ${document.number}`
    : `Appel de fonds n° ${document.number}`;
}

/** "appel-de-fonds-2026-0001-213401367.pdf": the number and the payer's SIREN, ASCII only. */
export function statementPdfFileName(document: StatementDocument): string {
  const prefix = document.kind === "rectifying" ? "appel-rectificatif" : "appel-de-fonds";
  const safe = (text: string) => text.replace(/[^A-Za-z0-9-]+/g, "-");
  return `${prefix}-${safe(document.number)}-${safe(document.payer.siren)}.pdf`;
}

/** The line under the totals: what is owed, or what comes back to the member (a rectifying credit). */
export function netLabel(netCents: number): { label: string; amount: string } {
  return netCents >= 0
    ? { label: "Net à payer", amount: formatEuros(netCents) }
    : { label: "Net en votre faveur", amount: formatEuros(-netCents) };
}

type Doc = PDFKit.PDFDocument;

function tableHeader(doc: Doc): void {
  const y = doc.y;
  doc.font("bold").fontSize(9).fillColor("black");
  doc.text("Désignation", MARGIN, y, { width: LABEL_WIDTH });
  ["Brut", "Subvention", "Net"].forEach((title, index) => {
    doc.text(title, MARGIN + LABEL_WIDTH + index * AMOUNT_WIDTH, y, { width: AMOUNT_WIDTH, align: "right" });
  });
  const ruleY = doc.y + 3;
  doc
    .moveTo(MARGIN, ruleY)
    .lineTo(MARGIN + CONTENT_WIDTH, ruleY)
    .lineWidth(0.8)
    .strokeColor("black")
    .stroke();
  doc.x = MARGIN;
  doc.y = ruleY + 6;
}

function lineHeight(doc: Doc, line: StatementLineDocument): number {
  doc.font("bold").fontSize(9.5);
  const title = doc.heightOfString(`${line.offerTitle} — ${line.itemLabel}`, { width: LABEL_WIDTH - 6 });
  doc.font("regular").fontSize(8.5);
  const model = doc.heightOfString(`Modèle : ${line.model}`, { width: LABEL_WIDTH - 6 });
  const explanation = doc.heightOfString(line.explanation, { width: CONTENT_WIDTH });
  return title + model + explanation + 16;
}

function statementLine(doc: Doc, line: StatementLineDocument): void {
  if (doc.y + lineHeight(doc, line) > BOTTOM) {
    doc.addPage();
    tableHeader(doc);
  }
  const top = doc.y;
  doc.font("regular").fontSize(9.5).fillColor("black");
  [line.grossCents, line.subsidyCents, line.netCents].forEach((cents, index) => {
    doc.text(formatEuros(cents), MARGIN + LABEL_WIDTH + index * AMOUNT_WIDTH, top, {
      width: AMOUNT_WIDTH,
      align: "right",
    });
  });
  doc
    .font("bold")
    .fontSize(9.5)
    .text(`${line.offerTitle} — ${line.itemLabel}`, MARGIN, top, {
      width: LABEL_WIDTH - 6,
    });
  doc
    .font("regular")
    .fontSize(8.5)
    .fillColor(GREY)
    .text(`Modèle : ${line.model}`, { width: LABEL_WIDTH - 6 });
  doc.moveDown(0.2);
  doc.text(line.explanation, MARGIN, doc.y, { width: CONTENT_WIDTH });
  const ruleY = doc.y + 5;
  doc
    .moveTo(MARGIN, ruleY)
    .lineTo(MARGIN + CONTENT_WIDTH, ruleY)
    .lineWidth(0.4)
    .strokeColor(RULE)
    .stroke();
  doc.x = MARGIN;
  doc.y = ruleY + 6;
}

function totalRow(doc: Doc, label: string, amount: string, bold: boolean): void {
  const y = doc.y;
  doc
    .font(bold ? "bold" : "regular")
    .fontSize(bold ? 11 : 9.5)
    .fillColor("black");
  const amountWidth = 1.6 * AMOUNT_WIDTH; // "-1 234 567,89 €" in bold fits on one line
  const amountX = MARGIN + CONTENT_WIDTH - amountWidth;
  doc.text(label, MARGIN, y, { width: amountX - MARGIN - 8, align: "right" });
  doc.text(amount, amountX, y, { width: amountWidth, align: "right" });
  doc.x = MARGIN;
  doc.moveDown(0.3);
}

function footers(doc: Doc, document: StatementDocument): void {
  const range = doc.bufferedPageRange();
  for (let index = 0; index < range.count; index++) {
    doc.switchToPage(range.start + index);
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0; // writing inside the margin must not open a new page
    doc
      .font("regular")
      .fontSize(8)
      .fillColor(GREY)
      .text(
        `${document.cooperative.name} · ${statementTitle(document)} · page ${index + 1} / ${range.count}`,
        MARGIN,
        A4.height - MARGIN + 10,
        { width: CONTENT_WIDTH, align: "center", lineBreak: false },
      );
    doc.page.margins.bottom = bottomMargin;
  }
}

function render(doc: Doc, document: StatementDocument): void {
  const { cooperative, payer } = document;
  doc.font("bold").fontSize(16).fillColor("black").text(cooperative.name, { width: CONTENT_WIDTH });
  doc
    .font("regular")
    .fontSize(9)
    .fillColor(GREY)
    .text(
      [`SIREN ${formatSiren(cooperative.siren)}`, cooperative.replyTo ? `Contact : ${cooperative.replyTo}` : null]
        .filter(Boolean)
        .join(" · "),
    );
  doc.moveDown(1.2);

  doc.font("bold").fontSize(14).fillColor("black").text(statementTitle(document));
  if (document.corrects) {
    doc.moveDown(0.3);
    doc
      .font("bold")
      .fontSize(9.5)
      .text(
        `Rectifie l'appel de fonds n° ${document.corrects.number} émis le ${formatCalendarDate(document.corrects.issuedOn)}.`,
      );
    doc
      .font("regular")
      .fontSize(9)
      .fillColor(GREY)
      .text(
        "Les montants ci-dessous sont la différence avec cet appel, qui reste valable pour le reste : " +
          "positifs, ils s'ajoutent à ce qui est dû ; négatifs, ils viennent en déduction.",
        { width: CONTENT_WIDTH },
      );
  }
  doc.moveDown(0.8);

  const facts: [string, string][] = [
    ["Date d'émission", formatCalendarDate(document.issuedOn)],
    ["Date d'échéance", formatCalendarDate(document.dueOn)],
    ["Exercice budgétaire", String(document.budgetYear)],
    ["Période", document.period],
    ["Membre redevable", `${payer.name} (SIREN ${formatSiren(payer.siren)})`],
  ];
  for (const [label, value] of facts) {
    const y = doc.y;
    doc.font("regular").fontSize(9.5).fillColor(GREY).text(`${label} :`, MARGIN, y, { width: 120 });
    doc
      .font("bold")
      .fillColor("black")
      .text(value, MARGIN + 125, y, { width: CONTENT_WIDTH - 125 });
    doc.x = MARGIN;
  }
  doc.moveDown(0.8);

  doc.font("bold").fontSize(10).fillColor("black").text("Décisions de référence", MARGIN, doc.y);
  doc.font("regular").fontSize(9).moveDown(0.2);
  if (document.councilDecisions.length === 0) {
    doc.fillColor(GREY).text("Aucune délibération mentionnée.");
  } else {
    doc.list(document.councilDecisions, { width: CONTENT_WIDTH - 10, bulletRadius: 1.5, textIndent: 10 });
  }
  doc.x = MARGIN;
  doc.moveDown(1);

  tableHeader(doc);
  for (const line of document.lines) statementLine(doc, line);
  if (document.lines.length === 0) {
    doc.font("regular").fontSize(9).fillColor(GREY).text("Aucune ligne.", MARGIN, doc.y);
    doc.moveDown(0.5);
  }

  if (doc.y + 70 > BOTTOM) doc.addPage();
  doc.moveDown(0.4);
  totalRow(doc, "Total brut", formatEuros(document.totals.grossCents), false);
  totalRow(doc, "Total des subventions", formatEuros(document.totals.subsidyCents), false);
  const net = netLabel(document.totals.netCents);
  totalRow(doc, net.label, net.amount, true);
}

/**
 * One statement as a PDF (A4, French formats, the explanation of each line, totals), resolved with its
 * bytes. The font is read without blocking; the layout is synchronous but short (one statement); the bytes
 * are gathered from pdfkit's stream. For a whole run, call it statement after statement (statementPdfs).
 */
export async function statementPdf(document: StatementDocument): Promise<Uint8Array> {
  assertStatementConsistent(document);
  const { regular, bold } = await loadFonts();
  const issued = new Date(`${document.issuedOn}T00:00:00Z`);
  const doc = new PDFDocument({
    size: "A4",
    margin: MARGIN,
    bufferPages: true,
    lang: "fr-FR",
    displayTitle: true,
    // No standard font: pdfkit would load Helvetica's metrics for nothing (null is what skips it).
    font: null as unknown as string,
    info: {
      Title: `${statementTitle(document)} — ${document.payer.name}`,
      Author: document.cooperative.name,
      Subject: `${document.period}, exercice ${document.budgetYear}`,
      CreationDate: issued,
      ModDate: issued,
    },
  });
  doc.registerFont("regular", regular);
  doc.registerFont("bold", bold);
  doc.font("regular");
  const chunks: Buffer[] = [];
  const done = new Promise<Uint8Array>((resolve, reject) => {
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(new Uint8Array(Buffer.concat(chunks))));
    doc.on("error", reject);
  });
  render(doc, document);
  footers(doc, document);
  doc.end();
  return done;
}

/** The PDFs of a run, one at a time, giving the event loop a turn between two statements. */
export async function* statementPdfs(
  documents: readonly StatementDocument[],
): AsyncGenerator<{ document: StatementDocument; fileName: string; bytes: Uint8Array }> {
  for (const document of documents) {
    await new Promise((resolve) => setImmediate(resolve));
    yield { document, fileName: statementPdfFileName(document), bytes: await statementPdf(document) };
  }
}
