/**
 * The statement document: what an issued statement (appel de fonds) says, as
 * exported (CSV, XLSX, PDF). Built from the database by the statements'
 * queries; the exports are pure functions over it.
 */
export interface StatementLineDocument {
  offerTitle: string;
  itemLabel: string; // "Offre de base", "Option « … »", "1er semestre 2026"
  model: string; // short French name of the pricing model ("Au prorata de la population", "Clé de répartition", …)
  grossCents: number;
  subsidyCents: number;
  netCents: number;
  explanation: string; // the French explanation sentence (explainLineFr)
}

export interface StatementDocument {
  cooperative: { name: string; siren: string; replyTo: string | null };
  number: string; // "2026-0001": year and a sequence without gaps per cooperative and year
  kind: "statement" | "rectifying";
  corrects: { number: string; issuedOn: string } | null; // the statement a rectifying one corrects
  issuedOn: string; // ISO date
  dueOn: string; // ISO date
  budgetYear: number;
  period: string; // "Année 2026" or "1er semestre 2026"
  payer: { name: string; siren: string };
  councilDecisions: string[]; // "Délibération n° DCM-2025-042 du 15 octobre 2025 (Plateforme e-services)"
  lines: StatementLineDocument[];
  totals: { grossCents: number; subsidyCents: number; netCents: number };
}
