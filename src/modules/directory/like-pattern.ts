/** An ILIKE pattern matching `text` anywhere, with the user's `%`, `_` and `\` taken literally. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (char) => `\\${char}`)}%`;
}

/** An ILIKE pattern matching exactly `text`, ignoring case: how line and queue codes compare. */
export function sameTextPattern(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}
