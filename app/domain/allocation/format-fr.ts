/**
 * 1234567 -> "1 234 567", a narrow no-break space between thousands, as Intl.NumberFormat("fr-FR") writes an
 * integer — ten times faster: a year's statements write it a million times in their explanations.
 */
export function groupThousands(value: number): string {
  if (!Number.isSafeInteger(value)) throw new RangeError(`not a safe integer: ${value}`);
  const digits = String(Math.abs(value));
  let grouped = digits.slice(0, digits.length % 3 || 3);
  for (let end = grouped.length + 3; end <= digits.length; end += 3) grouped += `\u202f${digits.slice(end - 3, end)}`;
  return value < 0 ? `-${grouped}` : grouped;
}

/** 408900 -> "4 089,00 €" (narrow no-break space between thousands, no-break space before €), exact for any safe integer. */
export function formatEuros(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  const euros = Math.floor(absolute / 100);
  const rest = absolute - euros * 100;
  return `${sign}${groupThousands(euros)},${String(rest).padStart(2, "0")}\u00a0€`;
}

/** Basis points -> "57,76 %" (always two decimals: a cost key is read to the hundredth). */
export function formatBasisPoints(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  return `${groupThousands(whole)},${String(basisPoints - whole * 100).padStart(2, "0")}\u00a0%`;
}

/** Basis points of a subsidy -> "50 %", "12,5 %": no trailing zeros. */
export function formatPercent(basisPoints: number): string {
  return `${formatHundredths(basisPoints)}\u00a0%`;
}

/** A rate in millicents (1/100 000 €) -> "1,10 €", "0,125 €": at least two decimals, more when needed. */
export function formatRate(millicents: number): string {
  const euros = Math.floor(millicents / 100_000);
  const fraction = String(millicents - euros * 100_000)
    .padStart(5, "0")
    .replace(/0{1,3}$/, "");
  return `${groupThousands(euros)},${fraction}\u00a0€`;
}

/** Hundredths of a unit -> "1 439,5", "37". */
export function formatUnits(hundredths: number): string {
  return formatHundredths(hundredths);
}

/** Hundredths -> "1 439,5", "37", "-0,05": no trailing zeros, as Intl.NumberFormat("fr-FR") writes hundredths / 100. */
function formatHundredths(hundredths: number): string {
  const absolute = Math.abs(hundredths);
  const whole = Math.floor(absolute / 100);
  const fraction = absolute - whole * 100;
  const decimals = fraction === 0 ? "" : `,${String(fraction).padStart(2, "0").replace(/0$/, "")}`;
  return `${hundredths < 0 ? "-" : ""}${groupThousands(whole)}${decimals}`;
}

export function formatInhabitants(value: number): string {
  return groupThousands(value);
}
