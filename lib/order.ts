/**
 * Sorts strings by UTF-16 code units, as JSON key order and `git diff` see them. Synthesized lists are
 * ordered with this, not `localeCompare`: that follows the user's locale (output would differ between
 * machines) and its first call loads ICU's collation data, 5 % of the app's synth time.
 */
export function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
