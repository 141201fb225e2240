/** Same characters as a username (see CreateUserDto); a mention must not follow a word char. */
const MENTION = /(?<![\w@.])@([a-zA-Z0-9._-]{3,64})/g;
const MAX_MENTIONS = 50;

/**
 * The usernames mentioned in a chat text, lower-cased (usernames are stored lower-case), each
 * once, in order of first appearance. An e-mail address is not a mention; a sentence's full
 * stop after a name is not part of it.
 */
export function parseMentions(text: string): string[] {
  const found: string[] = [];
  for (const match of text.matchAll(MENTION)) {
    const name = match[1].replace(/[.]+$/, '').toLowerCase();
    if (name.length >= 3 && !found.includes(name)) found.push(name);
    if (found.length >= MAX_MENTIONS) break;
  }
  return found;
}
