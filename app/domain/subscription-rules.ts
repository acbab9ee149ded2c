import { z } from "zod";
import type {
  OfferOption,
  OfferStatus,
  OfferTakesEffect,
  OrganisationKind,
  SubscriptionStatus,
} from "../../db/schema.ts";

import { formatUnits } from "./allocation/format-fr.ts";
import type { PricedItem, Pricing } from "./allocation/pricing-schema.ts";
import { formatCalendarDate } from "./format.ts";
import { ORGANISATION_KIND_LABELS } from "./labels.ts";

// The adhésion workflow's rules, pure: effective dates, notice, French decimal input, validation of a request or a
// change against the offer's terms. Dates are ISO calendar dates ("2026-11-27"), in Paris time. Decision 013.

const DAY = 86_400_000;

const toDate = (iso: string) => new Date(`${iso}T00:00:00Z`);
const toIso = (date: Date) => date.toISOString().slice(0, 10);
const yearOf = (iso: string) => Number(iso.slice(0, 4));

export function addDays(iso: string, days: number): string {
  return toIso(new Date(toDate(iso).getTime() + days * DAY));
}

/** Same day n months later, the last day of the month when it has no such day (31 January + 1 month: 28 February). */
export function addMonths(iso: string, months: number): string {
  const date = toDate(iso);
  const target = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + months, 1));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(date.getUTCDate(), lastDay));
  return toIso(target);
}

export function endOfMonth(iso: string): string {
  const date = toDate(iso);
  return toIso(new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 0)));
}

export const endOfYear = (iso: string) => `${yearOf(iso)}-12-31`;

/**
 * When an approved subscription, or a change to it, takes effect: the day of the decision ("on_approval"), or
 * 1 January of the year after it ("next_january").
 */
export function effectiveDate(takesEffect: OfferTakesEffect, decidedOn: string): string {
  return takesEffect === "on_approval" ? decidedOn : `${yearOf(decidedOn) + 1}-01-01`;
}

/**
 * The last day of a subscription given notice on `givenOn`. The notice runs `noticeMonths` months from that day
 * (3 months from 1 October: to 31 December); the subscription then ends at the end of the month in which the notice
 * runs out ("on_approval" offers) or at the end of that year ("next_january" offers: notice given on 1 October at
 * the latest ends on 31 December, on 2 October it ends a year later). A subscription not yet started ends no earlier
 * than the end of the month (or year) of its start.
 */
export function noticeEndDate(
  takesEffect: OfferTakesEffect,
  noticeMonths: number,
  givenOn: string,
  startsOn: string | null,
): string {
  const lastNoticeDay = noticeMonths > 0 ? addDays(addMonths(givenOn, noticeMonths), -1) : givenOn;
  const endOfPeriod = takesEffect === "on_approval" ? endOfMonth : endOfYear;
  const end = endOfPeriod(lastNoticeDay);
  return startsOn !== null && end < startsOn ? endOfPeriod(startsOn) : end;
}

/**
 * What notice given on `givenOn` does to a subscription. A successor (`replacesId`, a change scheduled from 1 January)
 * continues a subscription already running, so its notice follows the rule from the day it is given, never pushed to
 * the end of the successor's start year. When that date falls before the successor starts, the change never applies:
 * the successor is cancelled and the subscription ends with the row it replaces, on that row's last day (31 December,
 * the rule's date: a successor starts on 1 January and ends the day before are the only dates a change sets).
 */
export type NoticePlan = { kind: "end"; endsOn: string } | { kind: "cancel_change"; endsOn: string };

export function planNotice(
  takesEffect: OfferTakesEffect,
  noticeMonths: number,
  givenOn: string,
  subscription: { startsOn: string | null; replacesId: string | null },
): NoticePlan {
  if (subscription.replacesId === null) {
    return { kind: "end", endsOn: noticeEndDate(takesEffect, noticeMonths, givenOn, subscription.startsOn) };
  }
  const endsOn = noticeEndDate(takesEffect, noticeMonths, givenOn, null);
  if (subscription.startsOn !== null && endsOn < subscription.startsOn) {
    return { kind: "cancel_change", endsOn: addDays(subscription.startsOn, -1) };
  }
  return { kind: "end", endsOn };
}

/**
 * How a change of options or units applies: to the row itself for an "on_approval" offer or a subscription that
 * has not started yet; otherwise as a successor starting on 1 January next year, the current row ending on
 * 31 December.
 */
export type ChangePlan = { kind: "in_place" } | { kind: "successor"; startsOn: string; currentEndsOn: string };

export function planChange(takesEffect: OfferTakesEffect, startsOn: string, today: string): ChangePlan {
  if (takesEffect === "on_approval" || startsOn > today) return { kind: "in_place" };
  const startsNext = effectiveDate("next_january", today);
  return { kind: "successor", startsOn: startsNext, currentEndsOn: addDays(startsNext, -1) };
}

/**
 * The pricing year a change applies to, the same for the form's unit fields and for its validation: the successor's
 * first year; for a change in place, this year, or the subscription's first year when it has not started yet.
 */
export function changePricingYear(plan: ChangePlan, startsOn: string | null, today: string): number {
  if (plan.kind === "successor") return yearOf(plan.startsOn);
  return Math.max(yearOf(startsOn ?? today), yearOf(today));
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

const MAX_UNITS_HUNDREDTHS = 100_000_000_000; // one billion units

/**
 * A declared quantity as French people type it ("1 439,50", "1439.5", "37") -> hundredths (143950, 143950, 3700).
 * Refuses negatives, more than two decimals, and anything that is not a number, in French.
 */
export function parseUnits(input: string): Parsed<number> {
  const text = input.replace(/[\s\u00a0\u202f]/g, "");
  if (text === "") return { ok: false, message: "Indiquez une quantité (ex. 1 439,50)." };
  if (/^-\d/.test(text)) return { ok: false, message: "La quantité ne peut pas être négative." };
  const match = /^(\d+)(?:[.,](\d+))?$/.exec(text);
  if (!match) return { ok: false, message: "Indiquez un nombre, par exemple 1 439,50 ou 37." };
  const [, whole = "", decimals = ""] = match;
  if (decimals.length > 2) return { ok: false, message: "Indiquez au plus deux décimales (ex. 1 439,50)." };
  const hundredths = Number(whole) * 100 + Number(decimals.padEnd(2, "0"));
  if (!Number.isSafeInteger(hundredths) || hundredths > MAX_UNITS_HUNDREDTHS) {
    return { ok: false, message: "Cette quantité est trop grande." };
  }
  return { ok: true, value: hundredths };
}

/** Hundredths as a French decimal for a form field: 143950 -> "1439,5", 3700 -> "37". */
export function unitsInputValue(hundredths: number): string {
  const whole = Math.floor(hundredths / 100);
  const rest = hundredths % 100;
  return rest === 0 ? String(whole) : `${whole},${String(rest).padStart(2, "0").replace(/0$/, "")}`;
}

export interface UnitRequirement {
  key: string;
  label: string;
}

function unitsOfItem(item: PricedItem): UnitRequirement[] {
  return item.parts.flatMap((part) => {
    if (part.kind === "perUnitRate") return [{ key: part.unit, label: part.unitLabel }];
    if (part.kind === "split" && part.weight.kind === "units")
      return [{ key: part.weight.unit, label: part.weight.unitLabel }];
    return [];
  });
}

/** The units a member must declare for the base offer and the chosen options, each key once. */
export function requiredUnits(pricing: Pricing | null, optionKeys: readonly string[]): UnitRequirement[] {
  if (pricing?.kind !== "shares") return [];
  const items = [pricing.base, ...pricing.options.filter((option) => optionKeys.includes(option.key))];
  const byKey = new Map<string, UnitRequirement>();
  for (const unit of items.flatMap(unitsOfItem)) if (!byKey.has(unit.key)) byKey.set(unit.key, unit);
  return [...byKey.values()];
}

/** Whether a member's share depends on the other members (a split): then only the operator can estimate it. */
export function dependsOnOtherMembers(pricing: Pricing, optionKeys: readonly string[]): boolean {
  if (pricing.kind !== "shares") return false;
  const items = [pricing.base, ...pricing.options.filter((option) => optionKeys.includes(option.key))];
  return items.some((item) => item.parts.some((part) => part.kind === "split"));
}

export interface OfferTerms {
  title: string;
  status: OfferStatus;
  eligibleKinds: readonly OrganisationKind[];
  options: readonly OfferOption[];
  requiresCouncilDecision: boolean;
  /** The rulebook version a new subscriber accepts; null when the offer has none. */
  currentRulebook: { id: string; version: number } | null;
}

/** What the form sends, as text (kept to show it back on error). */
export interface RequestDraft {
  optionKeys: string[];
  units: Record<string, string>;
  councilNumber: string;
  councilDate: string;
  /** The rulebook version id the checkbox named, when ticked. */
  rulebookVersionId: string | null;
}

export interface ValidRequest {
  optionKeys: string[];
  declaredUnits: Record<string, number>;
  councilDecisionNumber: string | null;
  councilDecisionDate: string | null;
  rulebookVersionId: string | null;
}

export type FieldErrors = Record<string, string>;

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Why an organisation may not request the offer at all (a form-level message), or null. */
export function requestRefusal(
  offer: Pick<OfferTerms, "title" | "status" | "eligibleKinds">,
  organisationKind: OrganisationKind,
  existing: readonly { status: SubscriptionStatus; endsOn: string | null }[],
  today: string,
): string | null {
  if (offer.status === "draft")
    return `L'offre « ${offer.title} » n'est pas encore publiée : elle ne peut pas être demandée.`;
  if (offer.status === "archived") return `L'offre « ${offer.title} » est archivée : elle ne peut plus être demandée.`;
  if (!offer.eligibleKinds.includes(organisationKind)) {
    const kinds = offer.eligibleKinds.map((kind) => ORGANISATION_KIND_LABELS[kind].toLowerCase()).join(", ");
    return `L'offre « ${offer.title} » est réservée aux organisations de type ${kinds} : votre organisation (${ORGANISATION_KIND_LABELS[organisationKind].toLowerCase()}) ne peut pas y adhérer.`;
  }
  if (existing.some((subscription) => subscription.status === "requested")) {
    return `Votre organisation a déjà une demande en cours pour « ${offer.title} ».`;
  }
  if (
    existing.some((subscription) => subscription.status === "active" && (subscription.endsOn ?? "9999-12-31") >= today)
  ) {
    return `Votre organisation adhère déjà à « ${offer.title} » : modifiez son adhésion plutôt que d'en demander une autre.`;
  }
  return null;
}

/** Zod issues as the form's field errors (the first message per field; the path joined with "."). */
function fieldErrors(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join(".");
    errors[key] ??= issue.message;
  }
  return errors;
}

/**
 * Options and units as the form sends them: options offered by the offer (each once), and a quantity typed the
 * French way for every unit the pricing needs with these options.
 */
function choicesSchema(offer: Pick<OfferTerms, "options">, pricing: Pricing | null) {
  const offered = new Set(offer.options.map((option) => option.key));
  return z
    .object({ optionKeys: z.array(z.string()), units: z.record(z.string(), z.string()) })
    .transform((draft, ctx) => {
      const optionKeys = [...new Set(draft.optionKeys)];
      const unknown = optionKeys.filter((key) => !offered.has(key));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          path: ["options"],
          message: `Option non proposée par cette offre : ${unknown.join(", ")}.`,
        });
      }
      const declaredUnits: Record<string, number> = {};
      for (const unit of requiredUnits(pricing, optionKeys)) {
        const parsed = parseUnits(draft.units[unit.key] ?? "");
        if (parsed.ok) declaredUnits[unit.key] = parsed.value;
        else ctx.addIssue({ code: "custom", path: [`unit.${unit.key}`], message: `${unit.label} : ${parsed.message}` });
      }
      return { optionKeys: optionKeys.filter((key) => offered.has(key)), declaredUnits };
    });
}

const VALID_DATE = "Indiquez une date valide.";

/** The council decision: number and date, both required when the offer demands one, both or neither otherwise. */
function councilSchema(offer: Pick<OfferTerms, "requiresCouncilDecision">, today: string) {
  return z
    .object({
      councilNumber: z.string().trim().max(60, "Le numéro de délibération compte au plus 60 caractères."),
      councilDate: z
        .string()
        .trim()
        .refine((date) => date === "" || (/^\d{4}-\d{2}-\d{2}$/.test(date) && toIso(toDate(date)) === date), VALID_DATE)
        .refine((date) => date === "" || !/^\d{4}-\d{2}-\d{2}$/.test(date) || date <= today, {
          message: "La délibération ne peut pas être datée de demain ou après.",
          abort: true,
        }),
    })
    .superRefine(({ councilNumber: number, councilDate: date }, ctx) => {
      if (offer.requiresCouncilDecision && number === "") {
        ctx.addIssue({
          code: "custom",
          path: ["councilNumber"],
          message: "Indiquez le numéro de la délibération du conseil : cette offre l'exige.",
        });
      }
      if (offer.requiresCouncilDecision && date === "") {
        ctx.addIssue({
          code: "custom",
          path: ["councilDate"],
          message: "Indiquez la date de la délibération du conseil : cette offre l'exige.",
        });
      }
      if (!offer.requiresCouncilDecision && (number === "") !== (date === "")) {
        ctx.addIssue({
          code: "custom",
          path: [number === "" ? "councilNumber" : "councilDate"],
          message: "Indiquez le numéro et la date de la délibération, ou ni l'un ni l'autre.",
        });
      }
    });
}

/** A request checked against the offer: options offered, units the pricing needs, council decision, rulebook. */
export function validateRequest(
  offer: OfferTerms,
  draft: RequestDraft,
  pricing: Pricing | null,
  today: string,
): Validation<ValidRequest> {
  const rulebook = offer.currentRulebook;
  const schema = z.object({
    choices: choicesSchema(offer, pricing),
    council: councilSchema(offer, today),
    rulebook: z
      .string()
      .nullable()
      .refine((accepted) => rulebook === null || accepted === rulebook.id, {
        message: `Acceptez la version ${rulebook?.version} du règlement de l'offre pour adhérer.`,
      }),
  });
  const parsed = schema.safeParse({
    choices: { optionKeys: draft.optionKeys, units: draft.units },
    council: { councilNumber: draft.councilNumber, councilDate: draft.councilDate },
    rulebook: draft.rulebookVersionId,
  });
  if (!parsed.success) {
    // Each field's error under its own name (the groups are only how the schema is put together).
    const errors = fieldErrors(parsed.error);
    return {
      ok: false,
      errors: Object.fromEntries(
        Object.entries(errors).map(([key, message]) => [key.replace(/^(choices|council)\./, ""), message]),
      ),
    };
  }
  const { choices, council } = parsed.data;
  return {
    ok: true,
    value: {
      ...choices,
      councilDecisionNumber: council.councilNumber === "" ? null : council.councilNumber,
      councilDecisionDate: council.councilDate === "" ? null : council.councilDate,
      rulebookVersionId: offer.currentRulebook?.id ?? null,
    },
  };
}

/** A change of an active subscription: options and units only. */
export function validateChange(
  offer: Pick<OfferTerms, "options">,
  draft: Pick<RequestDraft, "optionKeys" | "units">,
  pricing: Pricing | null,
): Validation<{ optionKeys: string[]; declaredUnits: Record<string, number> }> {
  const parsed = choicesSchema(offer, pricing).safeParse({ optionKeys: draft.optionKeys, units: draft.units });
  return parsed.success ? { ok: true, value: parsed.data } : { ok: false, errors: fieldErrors(parsed.error) };
}

export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

/** A council decision PDF: type, magic bytes, size. Returns the French refusal, or null when it is fine. */
export function pdfRefusal(file: { name: string; type: string; bytes: Uint8Array }): string | null {
  if (file.bytes.length === 0) return "Le fichier est vide.";
  if (file.bytes.length > MAX_DOCUMENT_BYTES) return "Le fichier dépasse 5 Mo : joignez une version plus légère.";
  const magic = new TextDecoder().decode(file.bytes.subarray(0, 5));
  if (file.type !== "application/pdf" || magic !== "%PDF-") return "Joignez un fichier PDF (la délibération signée).";
  return null;
}

/** A file name safe to store and to send back in Content-Disposition: no path, no control character, .pdf. */
export function safePdfName(name: string): string {
  const base = (name.split(/[\\/]/).pop() ?? "")
    .replace(/[^\p{L}\p{N} ._()-]/gu, "_")
    .trim()
    .slice(0, 120);
  const stem = base.replace(/\.pdf$/i, "") || "deliberation";
  return `${stem}.pdf`;
}

export const SUBSCRIPTION_STATUS_LABELS: Record<SubscriptionStatus, string> = {
  requested: "Demandée",
  active: "Active",
  rejected: "Refusée",
  withdrawn: "Retirée",
};

export const TAKES_EFFECT_LABELS: Record<OfferTakesEffect, string> = {
  on_approval: "dès l'accord de l'opérateur",
  next_january: "au 1er janvier suivant l'accord",
};

/** The status a person reads: an active subscription that ended, or has not started yet, says so. */
export function displayStatus(
  subscription: { status: SubscriptionStatus; startsOn: string | null; endsOn: string | null },
  today: string,
): string {
  if (subscription.status !== "active") return SUBSCRIPTION_STATUS_LABELS[subscription.status];
  if (subscription.endsOn !== null && subscription.endsOn < today) return "Terminée";
  if (subscription.startsOn !== null && subscription.startsOn > today) return "À venir";
  return "Active";
}

export interface NextStepInput {
  status: SubscriptionStatus;
  startsOn: string | null;
  endsOn: string | null;
  noticeGivenAt: boolean;
  rulebookVersion: number | null;
  currentRulebookVersion: number | null;
  successorStartsOn: string | null;
}

/** What remains to do or to expect, in French, for "Mes adhésions". */
export function nextSteps(subscription: NextStepInput, today: string): string[] {
  const steps: string[] = [];
  if (subscription.status === "requested") steps.push("Demande en attente de la décision de l'opérateur.");
  if (subscription.status !== "active") return steps;
  if (subscription.endsOn !== null && subscription.endsOn < today) return ["Adhésion terminée."];
  if (subscription.startsOn !== null && subscription.startsOn > today) {
    steps.push(`Prend effet le ${formatCalendarDate(subscription.startsOn)}.`);
  }
  if (
    subscription.currentRulebookVersion !== null &&
    (subscription.rulebookVersion ?? 0) < subscription.currentRulebookVersion
  ) {
    steps.push(`Accepter la version ${subscription.currentRulebookVersion} du règlement.`);
  }
  if (subscription.successorStartsOn !== null) {
    steps.push(`Modification programmée au ${formatCalendarDate(subscription.successorStartsOn)}.`);
  } else if (subscription.noticeGivenAt && subscription.endsOn !== null) {
    steps.push(`Préavis donné : fin le ${formatCalendarDate(subscription.endsOn)}.`);
  }
  return steps;
}

/** Declared units for display: { agents: 3700 } -> "agents : 37". */
export function describeUnits(units: Record<string, number>, labels: Record<string, string> = {}): string {
  const entries = Object.entries(units);
  if (entries.length === 0) return "—";
  return entries.map(([key, value]) => `${labels[key] ?? key} : ${formatUnits(value)}`).join(" ; ");
}

export function describeOptions(keys: readonly string[], options: readonly OfferOption[]): string {
  if (keys.length === 0) return "Aucune";
  return keys.map((key) => options.find((option) => option.key === key)?.label ?? key).join(", ");
}

export type SubscriptionEventAction =
  | "requested"
  | "activated"
  | "approved"
  | "rejected"
  | "withdrawn"
  | "changed"
  | "change_scheduled"
  | "replaced"
  | "notice_given"
  | "change_cancelled"
  | "rulebook_accepted";

/** One line of the history, in French, from an event's action and details. */
export function describeEvent(action: string, details: Record<string, unknown>): string {
  const date = (key: string) => (typeof details[key] === "string" ? formatCalendarDate(details[key] as string) : "?");
  switch (action) {
    case "requested":
      return "Demande d'adhésion déposée.";
    case "activated":
      return `Adhésion enregistrée sans accord préalable, effective le ${date("startsOn")}.`;
    case "approved":
      return typeof details.startsOn === "string"
        ? `Demande acceptée par l'opérateur, effective le ${date("startsOn")}.`
        : "Demande acceptée par l'opérateur.";
    case "rejected":
      return `Demande refusée : ${String(details.reason ?? "")}`;
    case "withdrawn":
      return "Demande retirée par l'organisation.";
    case "changed":
      return `Options ou quantités modifiées (${String(details.summary ?? "")}), effectif sur l'adhésion en cours.`;
    case "change_scheduled":
      return `Modification (${String(details.summary ?? "")}) effective le ${date("startsOn")} ; l'adhésion en cours se termine le ${date("endsOn")}.`;
    case "replaced":
      return `Fait suite à l'adhésion précédente, modifiée à compter du ${date("startsOn")}.`;
    case "notice_given":
      return `Préavis donné : l'adhésion se termine le ${date("endsOn")}.`;
    case "change_cancelled":
      return `Modification annulée : le préavis met fin à l'adhésion le ${date("endsOn")}, avant qu'elle ne prenne effet.`;
    case "rulebook_accepted":
      return `Version ${String(details.version ?? "?")} du règlement acceptée.`;
    default:
      return action;
  }
}

/** Every unit the pricing may ask, with what needs it ("l'offre de base", "l'option « SIG »"), for the form. */
export function unitFields(pricing: Pricing | null): { key: string; label: string; neededFor: string[] }[] {
  if (pricing?.kind !== "shares") return [];
  const fields = new Map<string, { key: string; label: string; neededFor: string[] }>();
  const items = [
    { name: "l'offre de base", item: pricing.base as PricedItem },
    ...pricing.options.map((option) => ({ name: `l'option « ${option.label} »`, item: option as PricedItem })),
  ];
  for (const { name, item } of items) {
    for (const unit of unitsOfItem(item)) {
      const field = fields.get(unit.key) ?? { ...unit, neededFor: [] };
      if (!field.neededFor.includes(name)) field.neededFor.push(name);
      fields.set(unit.key, field);
    }
  }
  return [...fields.values()];
}
