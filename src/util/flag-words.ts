/** The words a yes/no setting is written with in text (environment variables, channel variables). */
export const TRUE_WORDS = ['true', '1', 'yes', 'on'] as const;
export const FALSE_WORDS = ['false', '0', 'no', 'off'] as const;

/** true or false for one of the words above, compared trimmed and case-insensitively; undefined for anything else. */
export function parseFlag(text: string): boolean | undefined {
  const word = text.trim().toLowerCase();
  if ((TRUE_WORDS as readonly string[]).includes(word)) return true;
  if ((FALSE_WORDS as readonly string[]).includes(word)) return false;
  return undefined;
}
