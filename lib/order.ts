/**
 * Orders strings by UTF-16 code units, the same on every machine and locale. Synthesized lists and the
 * tools' reports sort with this, not `localeCompare`: that follows the user's locale (output would differ
 * between machines) and its first call loads ICU's collation data, 5 % of the app's synth time.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
