import type { Pricing, PricingPart } from "./allocation/pricing-schema.ts";

/** The units a member must declare for a pricing (agents, licences, m²...), each once, in the order they appear. */
export function unitsOfPricing(pricing: Pricing): { key: string; label: string }[] {
  if (pricing.kind !== "shares") return [];
  const parts: PricingPart[] = [...pricing.base.parts, ...pricing.options.flatMap((option) => option.parts)];
  const units = new Map<string, string>();
  for (const part of parts) {
    if (part.kind === "perUnitRate") units.set(part.unit, units.get(part.unit) ?? part.unitLabel);
    if (part.kind === "split" && part.weight.kind === "units") {
      units.set(part.weight.unit, units.get(part.weight.unit) ?? part.weight.unitLabel);
    }
  }
  return [...units].map(([key, label]) => ({ key, label }));
}

export type ParsedHundredths = { ok: true; hundredths: number } | { ok: false; message: string };

/**
 * A quantity typed the French way ("1 439,50", "1439.5", "37") in hundredths (143 950, 3 700).
 * Spaces (also narrow no-break ones) group thousands; a comma or a point marks the decimals, two at most.
 */
export function parseHundredths(text: string): ParsedHundredths {
  const compact = text.replace(/[\s\u00a0\u202f]/g, "");
  if (compact === "") return { ok: false, message: "Indiquez une quantité." };
  if (compact.startsWith("-")) return { ok: false, message: "La quantité ne peut pas être négative." };
  const match = /^(\d+)(?:[.,](\d{1,2}))?$/.exec(compact);
  if (!match) {
    return /^\d+[.,]\d{3,}$/.test(compact)
      ? { ok: false, message: "Deux décimales au plus (ex. « 1 439,50 »)." }
      : { ok: false, message: "Saisissez un nombre (ex. « 37 » ou « 1 439,50 »)." };
  }
  const hundredths = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (!Number.isSafeInteger(hundredths)) return { ok: false, message: "Cette quantité est trop grande." };
  return { ok: true, hundredths };
}
