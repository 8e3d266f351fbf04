/**
 * FreeSWITCH's `switch_true`: how the switch reads a boolean channel variable ("yes", "on", "true", "t", "enabled",
 * "active", "allow", or a number other than 0).
 */
const TRUE_WORDS = new Set(['yes', 'on', 'true', 't', 'enabled', 'active', 'allow']);

export function switchTrue(value: string | undefined): boolean {
  if (value === undefined) return false;
  const v = value.trim().toLowerCase();
  return TRUE_WORDS.has(v) || (/^-?\d+$/.test(v) && Number(v) !== 0);
}
