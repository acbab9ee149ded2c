const integer = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 0 });
const decimal = new Intl.NumberFormat("fr-FR", { minimumFractionDigits: 0, maximumFractionDigits: 5 });

/** 408900 -> "4 089,00 €" (narrow no-break space between thousands, no-break space before €), exact for any safe integer. */
export function formatEuros(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const absolute = Math.abs(cents);
  const euros = Math.floor(absolute / 100);
  const rest = absolute - euros * 100;
  return `${sign}${integer.format(euros)},${String(rest).padStart(2, "0")}\u00a0€`;
}

/** Basis points -> "57,76 %" (always two decimals: a cost key is read to the hundredth). */
export function formatBasisPoints(basisPoints: number): string {
  const whole = Math.floor(basisPoints / 100);
  return `${integer.format(whole)},${String(basisPoints - whole * 100).padStart(2, "0")}\u00a0%`;
}

/** Basis points of a subsidy -> "50 %", "12,5 %": no trailing zeros. */
export function formatPercent(basisPoints: number): string {
  return `${decimal.format(basisPoints / 100)}\u00a0%`;
}

/** A rate in millicents (1/100 000 €) -> "1,10 €", "0,125 €": at least two decimals, more when needed. */
export function formatRate(millicents: number): string {
  const euros = Math.floor(millicents / 100_000);
  const fraction = String(millicents - euros * 100_000)
    .padStart(5, "0")
    .replace(/0{1,3}$/, "");
  return `${integer.format(euros)},${fraction}\u00a0€`;
}

/** Hundredths of a unit -> "1 439,5", "37". */
export function formatUnits(hundredths: number): string {
  return decimal.format(hundredths / 100);
}

export function formatInhabitants(value: number): string {
  return integer.format(value);
}
