/**
 * `value.toFixed(digits)` without a negative zero: a kappa of -0.0001 reads "0.000", not "-0.000", which a reader
 * would take for a meaningful sign. Every figure Accord shows or writes with fixed digits goes through here.
 */
export function fixedDigits(value: number, digits: number): string {
  const text = value.toFixed(digits);
  return /^-0\.?0*$/.test(text) ? text.slice(1) : text;
}
