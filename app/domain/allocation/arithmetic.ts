// Exact integer arithmetic on money: plain numbers while a product stays a safe integer,
// BigInt only past Number.MAX_SAFE_INTEGER (cents × population can reach 10^17).

const MAX = Number.MAX_SAFE_INTEGER;

/** floor(a × b / d) and its remainder, exactly, for non-negative safe integers a, b and d > 0. */
export function mulDivFloor(a: number, b: number, d: number): { quotient: number; remainder: number } {
  const product = a * b;
  // A float product of two integers is exact while it is at most MAX; above, it is at least 2^53.
  if (product <= MAX) {
    let quotient = Math.floor(product / d);
    let remainder = product - quotient * d;
    if (remainder < 0) {
      quotient -= 1;
      remainder += d;
    } else if (remainder >= d) {
      quotient += 1;
      remainder -= d;
    }
    return { quotient, remainder };
  }
  const big = BigInt(a) * BigInt(b);
  const bigD = BigInt(d);
  const quotient = big / bigD;
  if (quotient > BigInt(MAX)) throw new RangeError("Montant hors des limites du calcul exact.");
  return { quotient: Number(quotient), remainder: Number(big - quotient * bigD) };
}

/** round_half_up(a × b / d) for non-negative safe integers. */
export function mulDivRoundHalfUp(a: number, b: number, d: number): number {
  const { quotient, remainder } = mulDivFloor(a, b, d);
  return remainder * 2 >= d ? quotient + 1 : quotient;
}

/** Code-unit order of SIRENs (nine digits): the same on every install, unlike localeCompare. */
export function compareSiren(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Splits `amount` (cents) in proportion to `weights` with the largest-remainder method:
 * everyone gets floor(amount × w / W), the cents left go one each to the largest remainders,
 * ties broken by `tieKeys` (SIRENs) ascending. Shares sum exactly to `amount`.
 * `extra[i]` tells whether share i received one of those cents.
 */
export function largestRemainder(
  amount: number,
  weights: readonly number[],
  tieKeys: readonly string[],
): { shares: number[]; extra: boolean[]; totalWeight: number } {
  const count = weights.length;
  let totalWeight = 0;
  for (let index = 0; index < count; index++) totalWeight += weights[index] as number;
  if (!Number.isSafeInteger(totalWeight)) throw new RangeError("Somme des poids hors des limites du calcul exact.");
  const shares = new Array<number>(count);
  const extra = new Array<boolean>(count).fill(false);
  if (totalWeight === 0) {
    shares.fill(0);
    return { shares, extra, totalWeight };
  }
  const remainders = new Array<number>(count);
  let left = amount;
  for (let index = 0; index < count; index++) {
    const { quotient, remainder } = mulDivFloor(amount, weights[index] as number, totalWeight);
    shares[index] = quotient;
    remainders[index] = remainder;
    left -= quotient;
  }
  if (left > 0) {
    const order: number[] = [];
    for (let index = 0; index < count; index++) if ((remainders[index] as number) > 0) order.push(index);
    order.sort(
      (a, b) =>
        (remainders[b] as number) - (remainders[a] as number) ||
        compareSiren(tieKeys[a] as string, tieKeys[b] as string),
    );
    for (let rank = 0; rank < left; rank++) {
      const index = order[rank] as number;
      shares[index] = (shares[index] as number) + 1;
      extra[index] = true;
    }
  }
  return { shares, extra, totalWeight };
}
