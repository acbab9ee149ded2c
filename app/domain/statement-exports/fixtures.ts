// Statements for the exports' tests: big amounts (thousands separators), a credit, a rectifying statement,
// names with the characters CSV must quote or neutralise.
import type { StatementDocument, StatementLineDocument } from "../statement-document.ts";

const cooperative = {
  name: "Montpellier Méditerranée Métropole",
  siren: "243400017",
  replyTo: "cooperative@example.org",
};

function totals(lines: StatementLineDocument[]): StatementDocument["totals"] {
  return {
    grossCents: lines.reduce((sum, line) => sum + line.grossCents, 0),
    subsidyCents: lines.reduce((sum, line) => sum + line.subsidyCents, 0),
    netCents: lines.reduce((sum, line) => sum + line.netCents, 0),
  };
}

function statement(partial: Omit<StatementDocument, "totals" | "cooperative">): StatementDocument {
  return { cooperative, ...partial, totals: totals(partial.lines) };
}

const castelnauLines: StatementLineDocument[] = [
  {
    offerTitle: "Plateforme e-services",
    itemLabel: "Offre de base",
    model: "Au prorata de la population",
    grossCents: 1_234_567,
    subsidyCents: 617_284,
    netCents: 617_283,
    explanation:
      "Castelnau-le-Lez compte 23 465 habitants sur 478 227 pour les communes adhérentes : 4,91 % de 251 600,00 €, soit 12 345,67 € ; subvention de 50 % de la métropole.",
  },
  {
    offerTitle: "Médecine professionnelle",
    itemLabel: 'Option « Visites; "renforcées" »',
    model: "Au nombre d'agents",
    grossCents: 98_765_432,
    subsidyCents: 0,
    netCents: 98_765_432,
    explanation: "412 agents à 2 397,22 € par agent.\nDeuxième ligne.",
  },
  {
    offerTitle: "=SOMME(A1:A9)",
    itemLabel: "1er semestre 2026",
    model: "Clé de répartition",
    grossCents: 5,
    subsidyCents: 0,
    netCents: 5,
    explanation: "57,76 % de la clé, arrondi au centime.",
  },
];

export const castelnau2026 = statement({
  number: "2026-0001",
  kind: "statement",
  corrects: null,
  issuedOn: "2026-01-15",
  dueOn: "2026-03-01",
  budgetYear: 2026,
  period: "Année 2026",
  payer: { name: "Castelnau-le-Lez", siren: "213400773" },
  councilDecisions: [
    "Délibération n° DCM-2025-042 du 15 octobre 2025 (Plateforme e-services)",
    "Délibération n° DCM-2025-051 du 1er décembre 2025 (Médecine professionnelle)",
  ],
  lines: castelnauLines,
});

export const lattes2026 = statement({
  number: "2026-0002",
  kind: "statement",
  corrects: null,
  issuedOn: "2026-01-15",
  dueOn: "2026-03-01",
  budgetYear: 2026,
  period: "Année 2026",
  payer: { name: 'Lattes; "commune"', siren: "213401367" },
  councilDecisions: [],
  lines: [
    {
      offerTitle: "Plateforme e-services",
      itemLabel: "Offre de base",
      model: "Au prorata de la population",
      grossCents: 842_100,
      subsidyCents: 421_050,
      netCents: 421_050,
      explanation: "Lattes compte 16 815 habitants : 3,35 % de 251 600,00 €.",
    },
  ],
});

/** Corrects Castelnau's statement: a credit on the platform (a subscription backdated), a debit elsewhere. */
export const castelnauRectifying = statement({
  number: "2026-0003",
  kind: "rectifying",
  corrects: { number: "2026-0001", issuedOn: "2026-01-15" },
  issuedOn: "2026-06-01",
  dueOn: "2026-07-15",
  budgetYear: 2026,
  period: "Année 2026",
  payer: { name: "Castelnau-le-Lez", siren: "213400773" },
  councilDecisions: ["Délibération n° DCM-2025-042 du 15 octobre 2025 (Plateforme e-services)"],
  lines: [
    {
      offerTitle: "Plateforme e-services",
      itemLabel: "Offre de base",
      model: "Au prorata de la population",
      grossCents: -234_567,
      subsidyCents: -117_284,
      netCents: -117_283,
      explanation: "Adhésion au 1er avril 2026 : 9 mois sur 12 au lieu de 12.",
    },
    {
      offerTitle: "Groupement de commandes",
      itemLabel: "Offre de base",
      model: "Forfait",
      grossCents: 10_000,
      subsidyCents: 0,
      netCents: 10_000,
      explanation: "Forfait de 100,00 € omis sur l'appel initial.",
    },
  ],
});

export const run2026: StatementDocument[] = [castelnau2026, lattes2026, castelnauRectifying];
