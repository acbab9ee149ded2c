/** SIREN: nine digits with a Luhn check digit (La Poste's 356000000 is the one exception). */
export function isValidSiren(value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false;
  if (value === "356000000") return true;
  let sum = 0;
  for (let index = 0; index < 9; index++) {
    let digit = Number(value[index]);
    if (index % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

/** INSEE commune code: 5 characters, Corsica's départements written 2A / 2B. */
export function isValidInseeCode(value: string): boolean {
  return /^\d[\dAB]\d{3}$/.test(value);
}
