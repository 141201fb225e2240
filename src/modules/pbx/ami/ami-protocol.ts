/**
 * The Asterisk Manager Interface wire format: after a one-line banner
 * (`Asterisk Call Manager/5.0.1`), messages of `Key: value` lines ended by an empty line, CRLF
 * (a bare LF is accepted too). A key may repeat (`Variable:` in an Originate, `ChanVariable` in
 * events); the first value is the one read, as every Asterisk client does.
 */
export type AmiMessage = Readonly<Record<string, string>>;

const MAX_PENDING = 1024 * 1024;

export class AmiParser {
  private buffer = '';
  /** The banner, once seen; null before. */
  banner: string | null = null;

  /** Messages completed by this chunk, in order. */
  push(chunk: string): AmiMessage[] {
    this.buffer += chunk;
    const out: AmiMessage[] = [];
    if (this.banner === null) {
      const end = this.buffer.indexOf('\n');
      if (end < 0) return this.guard(out);
      this.banner = this.buffer.slice(0, end).replace(/\r$/, '');
      this.buffer = this.buffer.slice(end + 1);
    }
    for (;;) {
      const match = /\r?\n\r?\n/.exec(this.buffer);
      if (!match) break;
      const block = this.buffer.slice(0, match.index);
      this.buffer = this.buffer.slice(match.index + match[0].length);
      const message = parseBlock(block);
      if (message !== null) out.push(message);
    }
    return this.guard(out);
  }

  private guard(out: AmiMessage[]): AmiMessage[] {
    // A peer that never ends a message must not grow memory without bound.
    if (this.buffer.length > MAX_PENDING) throw new Error('AMI message over 1 MiB without an end');
    return out;
  }
}

export function parseBlock(block: string): AmiMessage | null {
  const message: Record<string, string> = {};
  let any = false;
  for (const raw of block.split(/\r?\n/)) {
    if (raw === '') continue;
    const colon = raw.indexOf(':');
    if (colon <= 0) continue;
    const key = raw.slice(0, colon).trim();
    if (key in message) continue;
    message[key] = raw.slice(colon + 1).trim();
    any = true;
  }
  return any ? message : null;
}

/** An action as sent: `Action` first, then the fields, CRLF lines, an empty line at the end. */
export function formatAction(
  action: string,
  actionId: string,
  fields: Readonly<Record<string, string | readonly string[]>> = {},
): string {
  const lines = [`Action: ${action}`, `ActionID: ${actionId}`];
  for (const [key, value] of Object.entries(fields)) {
    for (const item of typeof value === 'string' ? [value] : value) {
      // A line break in a value would end the field and inject another one.
      lines.push(`${key}: ${item.replace(/[\r\n]+/g, ' ')}`);
    }
  }
  return `${lines.join('\r\n')}\r\n\r\n`;
}
