import { AppError } from '@/common/errors/app-error';
import type { CallEventType } from '@/modules/calls/call-projection';
import { normalizePhone } from '@/modules/directory/phone-number';

/**
 * How Asterisk's names map to the directory, shared by the live AMI connector and the history
 * import so a call seen by both lands on the same rows:
 * - a queue name is the queue code as written (the ingest compares codes ignoring case);
 * - a member interface or channel (`PJSIP/1001`, `PJSIP/1001-0000002a`,
 *   `Local/1001@from-queue/n`, `Local/1001@from-queue-00000005;1`) is the extension `1001`, which
 *   the ingest matches to a user by extension (then username); a member name without a
 *   technology (`John Doe`) is kept as written;
 * - the dialled number of an inbound call is the line whose number it is, else the number itself
 *   (an unmapped line code an admin can create), else the configured default line.
 */
const CHANNEL = /^[A-Za-z0-9_]+\/([^@/;]+?)(?:-[0-9a-f]{8})?(?:[@;/].*)?$/;

/** Asterisk writes `NONE` where a field does not apply. */
export function pbxValue(raw: string | undefined | null): string | null {
  if (raw === undefined || raw === null) return null;
  const value = raw.trim();
  return value === '' || value.toUpperCase() === 'NONE' ? null : value;
}

export function memberExtension(raw: string | undefined | null): string | null {
  const value = pbxValue(raw);
  if (value === null) return null;
  const match = CHANNEL.exec(value);
  return match ? match[1] : value;
}

export interface PbxLine {
  code: string;
  number: string | null;
}

/** Distinct dialled numbers remembered by PbxLineMap: a PBX has a handful, a log repeats them. */
const LINE_CACHE_SIZE = 1000;

export class PbxLineMap {
  private readonly byNumber = new Map<string, string>();
  /** lineFor's answers: parsing a phone number costs more than the rest of a log line. */
  private readonly answers = new Map<string, string>();

  constructor(
    lines: readonly PbxLine[],
    private readonly region: string,
    readonly defaultLine: string,
  ) {
    for (const line of lines) {
      if (line.number === null) continue;
      const key = this.key(line.number);
      if (key !== null && !this.byNumber.has(key)) this.byNumber.set(key, line.code);
    }
  }

  /** The line code for the number an inbound call dialled. */
  lineFor(dialled: string | null | undefined): string {
    const value = pbxValue(dialled);
    if (value === null) return this.defaultLine;
    const known = this.answers.get(value);
    if (known !== undefined) return known;
    const key = this.key(value);
    const line = (key === null ? undefined : this.byNumber.get(key)) ?? value;
    if (this.answers.size >= LINE_CACHE_SIZE) this.answers.clear();
    this.answers.set(value, line);
    return line;
  }

  private key(raw: string): string | null {
    try {
      return normalizePhone(raw, this.region);
    } catch (err) {
      if (err instanceof AppError) return /^\+?\d+$/.test(raw) ? raw.replace(/^\+/, '') : null;
      throw err;
    }
  }
}

/**
 * The id of an event the PBX reported: the PBX's call id, the event and its own second (plus the
 * agent where one call has several of the kind). The connector and the import both derive it
 * this way, so a replayed stream, a re-imported file and a file overlapping live data name the
 * same fact the same way and the ingest stores it once.
 */
export function pbxEventId(
  callId: string,
  type: CallEventType,
  at: Date,
  agent: string | null = null,
): string {
  const second = Math.floor(at.getTime() / 1000);
  return agent === null
    ? `pbx:${callId}:${type}:${second}`
    : `pbx:${callId}:${type}:${second}:${agent}`;
}
