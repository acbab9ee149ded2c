import { z } from "zod";

/** Up to 999 999 999,99 €: beyond, a typing slip rather than a cost. */
const MAX_CENTS = 99_999_999_999;

/**
 * An amount in euros as people type it in France — "12 345,67", "12345.67 €", "1 200" — into integer cents, or a
 * French message. Negative amounts and more than two decimals are refused (a cost is never below zero, a cent is
 * the smallest unit).
 */
export function parseEuros(input: string): { ok: true; cents: number } | { ok: false; message: string } {
  const text = input.replace(/[\s\u00a0\u202f]/g, "").replace(/€$/, "");
  if (text === "") return { ok: false, message: "Saisissez un montant en euros." };
  if (text.startsWith("-")) return { ok: false, message: "Le montant ne peut pas être négatif." };
  const match = /^(\d+)(?:[,.](\d{1,2}))?$/.exec(text);
  if (!match) {
    return {
      ok: false,
      message: `« ${input.trim()} » n'est pas un montant en euros (par exemple 12 345,67 ; deux décimales au plus).`,
    };
  }
  const cents = Number(match[1]) * 100 + Number((match[2] ?? "").padEnd(2, "0"));
  if (cents > MAX_CENTS) return { ok: false, message: "Le montant dépasse 999 999 999,99 €." };
  return { ok: true, cents };
}

/** A zod field: a typed amount in euros, into cents, with parseEuros' French messages. */
export const eurosField = z.string({ error: "Saisissez un montant en euros." }).transform((value, ctx) => {
  const parsed = parseEuros(value);
  if (parsed.ok) return parsed.cents;
  ctx.addIssue({ code: "custom", message: parsed.message });
  return z.NEVER;
});
