import { describe, expect, it } from "vitest";
import {
  addDays,
  citedCouncilDecisions,
  differenceLines,
  type LineDraft,
  periodLabel,
  statementNumber,
} from "./statements.ts";

const line = (overrides: Partial<LineDraft>): LineDraft => ({
  offerId: "offer",
  pricingId: "pricing",
  itemKey: "base",
  offerTitle: "Plateforme e-services",
  itemLabel: "Offre de base",
  model: "Au prorata de la population",
  grossCents: 0,
  subsidyCents: 0,
  netCents: 0,
  prorationGapCents: 0,
  explanation: "calcul",
  ...overrides,
});

describe("statement rules", () => {
  it("numbers a statement by year and a four-digit sequence", () => {
    expect(statementNumber(2026, 1)).toBe("2026-0001");
    expect(statementNumber(2026, 12345)).toBe("2026-12345");
  });

  it("cites a payer's council decisions on the offers it is called for: by offer title, date (undated last), number, once", () => {
    const decision = (organisationId: string, number: string, date: string | null) => ({
      organisationId,
      number,
      date,
    });
    const offers = [
      // In the database's order of titles; two offers share a title.
      {
        offer: { id: "carto-a", title: "Cartographie" },
        councilDecisions: [decision("c1", "DCM-9", "2025-06-01"), decision("c2", "DCM-5", "2025-03-01")],
      },
      {
        offer: { id: "carto-b", title: "Cartographie" },
        councilDecisions: [decision("c1", "DCM-2", "2025-01-10"), decision("c1", "DCM-3", null)],
      },
      {
        offer: { id: "paie", title: "Paie" },
        councilDecisions: [decision("c1", "DCM-1", "2024-12-01"), decision("c1", "DCM-1", "2024-12-01")],
      },
      { offer: { id: "sig", title: "SIG" }, councilDecisions: [decision("c1", "DCM-7", "2025-02-02")] },
    ];
    const payers = [
      { organisationId: "c1", lines: [{ offerId: "paie" }, { offerId: "carto-b" }, { offerId: "carto-a" }] },
      // Called for the SIG only: its decision on the cartography is not cited.
      { organisationId: "c2", lines: [{ offerId: "sig" }] },
      { organisationId: "c3", lines: [{ offerId: "paie" }] },
    ];
    expect(Object.fromEntries(citedCouncilDecisions(offers, payers))).toEqual({
      c1: [
        "Délibération n° DCM-2 du 10 janvier 2025 (Cartographie)",
        "Délibération n° DCM-9 du 1er juin 2025 (Cartographie)",
        "Délibération n° DCM-3 (Cartographie)",
        "Délibération n° DCM-1 du 1er décembre 2024 (Paie)",
      ],
      c2: [],
      c3: [],
    });
  });

  it("names the period and counts the due date in calendar days", () => {
    expect(periodLabel(2026, null)).toBe("Année 2026");
    expect(periodLabel(2026, 1)).toBe("1er semestre 2026");
    expect(periodLabel(2026, 2)).toBe("2d semestre 2026");
    expect(addDays("2026-12-15", 30)).toBe("2027-01-14");
    expect(addDays("2028-02-15", 14)).toBe("2028-02-29");
  });

  it("carries only the difference from everything already called, credits what is gone, debits what is new", () => {
    const called = [
      line({ grossCents: 1000, subsidyCents: 500, netCents: 500 }),
      line({ grossCents: 200, subsidyCents: 100, netCents: 100 }),
      line({ itemKey: "option:x", itemLabel: "Option « X »", grossCents: 300, netCents: 300 }),
      line({ pricingId: "same", grossCents: 50, netCents: 50 }),
    ];
    const due = [
      line({ grossCents: 1500, subsidyCents: 750, netCents: 750, explanation: "nouveau" }),
      line({ pricingId: "same", grossCents: 50, netCents: 50 }),
      line({ pricingId: "new", grossCents: 80, netCents: 80 }),
    ];
    const lines = differenceLines(called, due, "2026-0003");
    expect(lines.map((l) => [l.pricingId, l.itemKey, l.grossCents, l.subsidyCents, l.netCents])).toEqual([
      ["pricing", "base", 300, 150, 150],
      ["pricing", "option:x", -300, 0, -300],
      ["new", "base", 80, 0, 80],
    ]);
    expect(lines[0]?.explanation).toMatch(/^Rectification de l'appel de fonds n° 2026-0003\. Nouveau calcul : nouveau/);
    expect(lines[1]?.explanation).toContain("Cet élément n'est plus dû.");
    expect(differenceLines(due, due, "2026-0003")).toEqual([]);
  });
});
