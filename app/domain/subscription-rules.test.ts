import { describe, expect, it } from "vitest";
import type { Pricing } from "./allocation/pricing-schema.ts";
import {
  addMonths,
  changePricingYear,
  displayStatus,
  effectiveDate,
  nextSteps,
  noticeEndDate,
  type OfferTerms,
  parseUnits,
  pdfRefusal,
  planChange,
  planNotice,
  type RequestDraft,
  requestRefusal,
  requiredUnits,
  safePdfName,
  unitsInputValue,
  validateChange,
  validateRequest,
} from "./subscription-rules.ts";

const pricing: Pricing = {
  kind: "shares",
  proration: "none",
  base: {
    parts: [{ kind: "perUnitRate", unit: "agents", unitLabel: "Agents suivis", rateMillicents: 100 }],
    subsidyBasisPoints: 0,
  },
  options: [
    {
      key: "sig",
      label: "SIG",
      subsidyBasisPoints: 0,
      parts: [
        {
          kind: "split",
          totalCents: 1000,
          weight: { kind: "units", unit: "licences", unitLabel: "Licences" },
          namedContributors: [],
        },
      ],
    },
    { key: "formation", label: "Formation", subsidyBasisPoints: 0, parts: [{ kind: "flat", amountCents: 500 }] },
  ],
};

const offer: OfferTerms = {
  title: "E-administration",
  status: "published",
  eligibleKinds: ["commune", "ccas"],
  options: [
    { key: "sig", label: "SIG" },
    { key: "formation", label: "Formation" },
  ],
  requiresCouncilDecision: true,
  currentRulebook: { id: "rulebook-2", version: 2 },
};

const draft = (overrides: Partial<RequestDraft> = {}): RequestDraft => ({
  optionKeys: [],
  units: { agents: "37" },
  councilNumber: "2026-45",
  councilDate: "2026-10-12",
  rulebookVersionId: "rulebook-2",
  ...overrides,
});

describe("effective dates", () => {
  it("takes effect on the approval day, or on 1 January of the next year", () => {
    expect(effectiveDate("on_approval", "2026-11-27")).toBe("2026-11-27");
    expect(effectiveDate("next_january", "2026-11-27")).toBe("2027-01-01");
    expect(effectiveDate("next_january", "2026-01-01")).toBe("2027-01-01");
    expect(effectiveDate("next_january", "2026-12-31")).toBe("2027-01-01");
  });

  it("adds months, clamping to the month's last day", () => {
    expect(addMonths("2026-01-31", 1)).toBe("2026-02-28");
    expect(addMonths("2026-10-01", 3)).toBe("2027-01-01");
    expect(addMonths("2028-01-31", 1)).toBe("2028-02-29");
  });
});

describe("notice", () => {
  it("ends a next_january offer on 31 December when given at least the notice before it, else a year later", () => {
    expect(noticeEndDate("next_january", 3, "2026-09-30", "2024-01-01")).toBe("2026-12-31");
    expect(noticeEndDate("next_january", 3, "2026-10-01", "2024-01-01")).toBe("2026-12-31");
    expect(noticeEndDate("next_january", 3, "2026-10-02", "2024-01-01")).toBe("2027-12-31");
    expect(noticeEndDate("next_january", 0, "2026-12-31", "2024-01-01")).toBe("2026-12-31");
  });

  it("ends an on_approval offer at the end of the month in which the notice runs out", () => {
    expect(noticeEndDate("on_approval", 3, "2026-03-15", "2025-01-01")).toBe("2026-06-30");
    expect(noticeEndDate("on_approval", 3, "2026-03-01", "2025-01-01")).toBe("2026-05-31");
    expect(noticeEndDate("on_approval", 0, "2026-03-15", "2025-01-01")).toBe("2026-03-31");
  });

  it("never ends a subscription before it starts", () => {
    expect(noticeEndDate("next_january", 0, "2026-12-01", "2027-01-01")).toBe("2027-12-31");
    expect(noticeEndDate("on_approval", 0, "2026-12-01", "2027-02-10")).toBe("2027-02-28");
  });

  it("on a change scheduled from 1 January, follows the rule from the day it is given and cancels the change when it ends before", () => {
    const successor = { startsOn: "2028-01-01", replacesId: "0b8a1f6e-6a59-4c2a-9f55-3f2d1f0e6a11" };
    // 1 September 2027, 3 months: 31 December 2027, not the end of the successor's first year.
    expect(planNotice("next_january", 3, "2027-09-01", successor)).toEqual({
      kind: "cancel_change",
      endsOn: "2027-12-31",
    });
    expect(planNotice("next_january", 3, "2027-10-01", successor)).toEqual({
      kind: "cancel_change",
      endsOn: "2027-12-31",
    });
    // Too late for 2027: the change applies and the successor ends on 31 December 2028.
    expect(planNotice("next_january", 3, "2027-10-02", successor)).toEqual({ kind: "end", endsOn: "2028-12-31" });
    // Once the successor runs, as any subscription.
    expect(planNotice("next_january", 3, "2028-02-01", successor)).toEqual({ kind: "end", endsOn: "2028-12-31" });
    // A subscription that replaces nothing and has not started still ends no earlier than its first year.
    expect(planNotice("next_january", 3, "2026-12-01", { startsOn: "2027-01-01", replacesId: null })).toEqual({
      kind: "end",
      endsOn: "2027-12-31",
    });
  });
});

describe("how a change applies", () => {
  it("applies to the row for on_approval offers and subscriptions not started yet", () => {
    expect(planChange("on_approval", "2025-01-01", "2026-05-10")).toEqual({ kind: "in_place" });
    expect(planChange("next_january", "2027-01-01", "2026-11-27")).toEqual({ kind: "in_place" });
  });

  it("creates a successor from 1 January for a running next_january subscription", () => {
    expect(planChange("next_january", "2025-01-01", "2026-11-27")).toEqual({
      kind: "successor",
      startsOn: "2027-01-01",
      currentEndsOn: "2026-12-31",
    });
  });

  it("is priced in the year it applies to: the successor's, the start year of one not started, else this year", () => {
    const year = (takesEffect: "on_approval" | "next_january", startsOn: string, today: string) =>
      changePricingYear(planChange(takesEffect, startsOn, today), startsOn, today);
    expect(year("next_january", "2025-01-01", "2026-11-27")).toBe(2027);
    expect(year("next_january", "2027-01-01", "2026-11-27")).toBe(2027);
    expect(year("on_approval", "2025-03-01", "2026-11-27")).toBe(2026);
  });
});

describe("French decimal input for units", () => {
  it.each([
    ["1 439,50", 143950],
    ["1\u202f439,5", 143950],
    ["1439.5", 143950],
    ["37", 3700],
    ["0,01", 1],
    [" 12 ", 1200],
  ])("reads %j as %i hundredths", (input, expected) => {
    expect(parseUnits(input)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ["", "Indiquez une quantité"],
    ["-3", "ne peut pas être négative"],
    ["1,234", "au plus deux décimales"],
    ["douze", "Indiquez un nombre"],
    ["1.439,50", "Indiquez un nombre"],
    ["12e3", "Indiquez un nombre"],
    ["99999999999999", "trop grande"],
  ])("refuses %j in French", (input, message) => {
    const parsed = parseUnits(input);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.message).toContain(message);
  });

  it("writes hundredths back as a form value", () => {
    expect(unitsInputValue(143950)).toBe("1439,5");
    expect(unitsInputValue(3700)).toBe("37");
    expect(unitsInputValue(1)).toBe("0,01");
  });
});

describe("a request against the offer", () => {
  it("lists the units the base and the chosen options need, each once", () => {
    expect(requiredUnits(pricing, []).map((unit) => unit.key)).toEqual(["agents"]);
    expect(requiredUnits(pricing, ["sig", "formation"]).map((unit) => unit.key)).toEqual(["agents", "licences"]);
    expect(requiredUnits(null, ["sig"])).toEqual([]);
  });

  it("accepts a complete request, with units in hundredths", () => {
    const result = validateRequest(
      offer,
      draft({ optionKeys: ["sig"], units: { agents: "37", licences: "2,5" } }),
      pricing,
      "2026-11-27",
    );
    expect(result).toEqual({
      ok: true,
      value: {
        optionKeys: ["sig"],
        declaredUnits: { agents: 3700, licences: 250 },
        councilDecisionNumber: "2026-45",
        councilDecisionDate: "2026-10-12",
        rulebookVersionId: "rulebook-2",
      },
    });
  });

  it("names each problem on its field, in French", () => {
    const result = validateRequest(
      offer,
      draft({
        optionKeys: ["sig", "piscine"],
        units: { agents: "-2" },
        councilNumber: " ",
        councilDate: "",
        rulebookVersionId: "rulebook-1",
      }),
      pricing,
      "2026-11-27",
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual({
      options: "Option non proposée par cette offre : piscine.",
      "unit.agents": "Agents suivis : La quantité ne peut pas être négative.",
      "unit.licences": "Licences : Indiquez une quantité (ex. 1 439,50).",
      councilNumber: "Indiquez le numéro de la délibération du conseil : cette offre l'exige.",
      councilDate: "Indiquez la date de la délibération du conseil : cette offre l'exige.",
      rulebook: "Acceptez la version 2 du règlement de l'offre pour adhérer.",
    });
  });

  it("refuses a council decision dated in the future or not a date", () => {
    const future = validateRequest(offer, draft({ councilDate: "2026-11-28" }), pricing, "2026-11-27");
    expect(future.ok === false && future.errors.councilDate).toContain("demain");
    const invalid = validateRequest(offer, draft({ councilDate: "2026-02-30" }), pricing, "2026-11-27");
    expect(invalid.ok === false && invalid.errors.councilDate).toBe("Indiquez une date valide.");
  });

  it("needs no council decision nor rulebook when the offer asks none, but both parts when one is given", () => {
    const network = { ...offer, requiresCouncilDecision: false, currentRulebook: null };
    expect(
      validateRequest(
        network,
        draft({ councilNumber: "", councilDate: "", rulebookVersionId: null }),
        pricing,
        "2026-11-27",
      ),
    ).toMatchObject({
      ok: true,
      value: { councilDecisionNumber: null, councilDecisionDate: null, rulebookVersionId: null },
    });
    const half = validateRequest(network, draft({ councilDate: "" }), pricing, "2026-11-27");
    expect(half.ok === false && half.errors.councilDate).toContain("ni l'un ni l'autre");
  });

  it("validates a change on options and units only", () => {
    expect(validateChange(offer, { optionKeys: ["formation"], units: { agents: "40" } }, pricing)).toEqual({
      ok: true,
      value: { optionKeys: ["formation"], declaredUnits: { agents: 4000 } },
    });
    const bad = validateChange(offer, { optionKeys: ["sig"], units: { agents: "40", licences: "x" } }, pricing);
    expect(bad.ok === false && bad.errors["unit.licences"]).toContain("Indiquez un nombre");
  });
});

describe("who may request", () => {
  const today = "2026-11-27";
  it("refuses drafts, archived offers and kinds not eligible", () => {
    expect(requestRefusal({ ...offer, status: "draft" }, "commune", [], today)).toContain("pas encore publiée");
    expect(requestRefusal({ ...offer, status: "archived" }, "commune", [], today)).toContain("archivée");
    expect(requestRefusal(offer, "epci", [], today)).toBe(
      "L'offre « E-administration » est réservée aux organisations de type commune, ccas : votre organisation (epci) ne peut pas y adhérer.",
    );
  });

  it("refuses a second request, or a request for an offer already joined, not one that ended", () => {
    expect(requestRefusal(offer, "commune", [{ status: "requested", endsOn: null }], today)).toContain(
      "déjà une demande",
    );
    expect(requestRefusal(offer, "commune", [{ status: "active", endsOn: null }], today)).toContain("adhère déjà");
    expect(requestRefusal(offer, "commune", [{ status: "active", endsOn: "2026-12-31" }], today)).toContain(
      "adhère déjà",
    );
    expect(requestRefusal(offer, "commune", [{ status: "active", endsOn: "2025-12-31" }], today)).toBeNull();
    expect(requestRefusal(offer, "commune", [{ status: "rejected", endsOn: null }], today)).toBeNull();
  });
});

describe("council decision PDFs", () => {
  const pdf = new TextEncoder().encode("%PDF-1.7 contenu");
  it("accepts a PDF by type and magic bytes", () => {
    expect(pdfRefusal({ name: "d.pdf", type: "application/pdf", bytes: pdf })).toBeNull();
  });

  it("refuses other types, fake PDFs, empty and too large files", () => {
    expect(pdfRefusal({ name: "d.pdf", type: "text/html", bytes: pdf })).toContain("PDF");
    expect(pdfRefusal({ name: "d.pdf", type: "application/pdf", bytes: new TextEncoder().encode("<html>") })).toContain(
      "PDF",
    );
    expect(pdfRefusal({ name: "d.pdf", type: "application/pdf", bytes: new Uint8Array() })).toContain("vide");
    const large = new Uint8Array(5 * 1024 * 1024 + 1);
    large.set(pdf);
    expect(pdfRefusal({ name: "d.pdf", type: "application/pdf", bytes: large })).toContain("5 Mo");
  });

  it("keeps a safe file name", () => {
    expect(safePdfName("../../etc/Délibération n°45.PDF")).toBe("Délibération n_45.pdf");
    expect(safePdfName('a"b\r\n.pdf')).toBe("a_b__.pdf");
    expect(safePdfName("")).toBe("deliberation.pdf");
  });
});

describe("what a referent reads", () => {
  const today = "2026-11-27";
  it("says when a subscription is to come, running or over", () => {
    expect(displayStatus({ status: "active", startsOn: "2027-01-01", endsOn: null }, today)).toBe("À venir");
    expect(displayStatus({ status: "active", startsOn: "2025-01-01", endsOn: "2025-12-31" }, today)).toBe("Terminée");
    expect(displayStatus({ status: "requested", startsOn: null, endsOn: null }, today)).toBe("Demandée");
  });

  it("lists the next steps", () => {
    const base = {
      status: "active" as const,
      startsOn: "2025-01-01",
      endsOn: null,
      noticeGivenAt: false,
      rulebookVersion: 1,
      currentRulebookVersion: 2,
      successorStartsOn: null,
    };
    expect(nextSteps(base, today)).toEqual(["Accepter la version 2 du règlement."]);
    expect(nextSteps({ ...base, rulebookVersion: 2, noticeGivenAt: true, endsOn: "2026-12-31" }, today)).toEqual([
      "Préavis donné : fin le 31 décembre 2026.",
    ]);
    expect(nextSteps({ ...base, status: "requested", startsOn: null }, today)).toEqual([
      "Demande en attente de la décision de l'opérateur.",
    ]);
  });
});
