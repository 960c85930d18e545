/**
 * How a split is written for people: "v1 80 %, v2 20 %" (a space before %, at most `digits` decimals and
 * no trailing zeros, subsets in the order given). Scripts, logs and the CLIs print it; tests match on it.
 */

/** One weight or share: 80 → "80 %", 33.333 → "33.33 %" (digits 2), 33.333 → "33.3 %" (digits 1). */
export function formatPercent(value: number, digits = 2): string {
  return `${Number(value.toFixed(digits))} %`;
}

/** A split as one line: { v1: 80, v2: 20 } → "v1 80 %, v2 20 %". */
export function formatSplit(weights: Readonly<Record<string, number>>, digits = 2): string {
  return Object.entries(weights)
    .map(([subset, weight]) => `${subset} ${formatPercent(weight, digits)}`)
    .join(', ');
}
