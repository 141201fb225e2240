import { createHash } from 'node:crypto';
import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import {
  EventDraft,
  HistoryMapper,
  MappedRecord,
  pbxEvent,
  RecordError,
} from '@/modules/pbx/import/history-record';
import { parseLogTime } from '@/modules/pbx/import/log-time';
import { QueueLogMapper, QueueLogRecord } from '@/modules/pbx/import/queue-log.mapper';
import { memberExtension, PbxLineMap, pbxValue } from '@/modules/pbx/pbx-names';

/** A CSV row with its header's column positions (names lower-cased and trimmed). */
export type Columns = ReadonlyMap<string, number>;

export function columnsOf(header: readonly string[]): Columns {
  return new Map(header.map((name, index) => [name.trim().toLowerCase(), index]));
}

function missing(columns: Columns, required: readonly string[]): string[] {
  return required.filter((name) => !columns.has(name));
}

const QUEUE_LOG_COLUMNS = ['time', 'callid', 'queuename', 'agent', 'event'];
const CALLS_COLUMNS = ['arrived_at', 'outcome'];

/** The header problem of a queue_log table export, or null when it is usable. */
export function queueLogCsvHeaderProblem(columns: Columns): string | null {
  const absent = missing(columns, QUEUE_LOG_COLUMNS);
  if (absent.length > 0) {
    return `the header row lacks ${absent.join(', ')} (expected time, callid, queuename, agent, event, data1…data5 or data)`;
  }
  return null;
}

export function callsCsvHeaderProblem(columns: Columns): string | null {
  const absent = missing(columns, CALLS_COLUMNS);
  if (absent.length > 0) {
    return `the header row lacks ${absent.join(', ')} (expected arrived_at, answered_at, ended_at, from, line, queue, agent, outcome)`;
  }
  return null;
}

function cell(row: readonly string[], columns: Columns, name: string): string {
  const index = columns.get(name);
  return index === undefined ? '' : (row[index] ?? '');
}

/** The queue_log table of a realtime database, exported with a header row. */
export class QueueLogCsvMapper implements HistoryMapper<readonly string[]> {
  private readonly inner: QueueLogMapper;

  constructor(
    private readonly columns: Columns,
    lines: PbxLineMap,
    zone: string,
  ) {
    this.inner = new QueueLogMapper(lines, zone);
  }

  map(row: readonly string[]): MappedRecord {
    const get = (name: string): string => cell(row, this.columns, name);
    // Realtime tables keep the data fields either in one `data` column (`a|b|c`) or in data1…5.
    const data = this.columns.has('data')
      ? get('data').split('|')
      : [1, 2, 3, 4, 5].map((n) => get(`data${n}`));
    const record: QueueLogRecord = {
      time: get('time'),
      callId: get('callid'),
      queue: get('queuename'),
      agent: get('agent'),
      event: get('event'),
      data,
    };
    return this.inner.map(record);
  }

  finish(): IncomingCallEvent[] {
    return this.inner.finish();
  }
}

abstract class RowMapper implements HistoryMapper<readonly string[]> {
  map(row: readonly string[]): MappedRecord {
    try {
      const drafts = this.drafts(row);
      if (drafts === null) return { kind: 'ignored' };
      return { kind: 'events', events: drafts.map(pbxEvent), newCalls: 1 };
    } catch (err) {
      if (err instanceof RecordError) return { kind: 'rejected', reason: err.message };
      throw err;
    }
  }

  finish(): IncomingCallEvent[] {
    return [];
  }

  protected abstract drafts(row: readonly string[]): EventDraft[] | null;
}

function time(raw: string, zone: string, name: string, required: boolean): Date | null {
  if (raw.trim() === '') {
    if (required) throw new RecordError(`${name} is empty`);
    return null;
  }
  const at = parseLogTime(raw, zone);
  if (at === null) throw new RecordError(`${name} '${raw.slice(0, 40)}' is not a date-time`);
  return at;
}

/** A call id for a row that names none: the same row always gets the same one. */
function rowCallId(prefix: string, parts: readonly string[]): string {
  return `${prefix}:${createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 24)}`;
}

/**
 * A plain calls list from another PBX, one call per row: `arrived_at, answered_at, ended_at,
 * from, line, queue, agent, outcome` (`answered`, `abandoned`, `missed`, `blocked`), optionally
 * `call_id` (else one is derived from the row, so importing it again stores nothing new).
 */
export class CallsCsvMapper extends RowMapper {
  constructor(
    private readonly columns: Columns,
    private readonly lines: PbxLineMap,
    private readonly zone: string,
  ) {
    super();
  }

  protected drafts(row: readonly string[]): EventDraft[] {
    const get = (name: string): string => cell(row, this.columns, name).trim();
    const arrivedAt = time(get('arrived_at'), this.zone, 'arrived_at', true) as Date;
    const answeredAt = time(get('answered_at'), this.zone, 'answered_at', false);
    const endedAt = time(get('ended_at'), this.zone, 'ended_at', false);
    if (endedAt !== null && endedAt < arrivedAt) {
      throw new RecordError('ended_at is before arrived_at');
    }
    if (
      answeredAt !== null &&
      (answeredAt < arrivedAt || (endedAt !== null && answeredAt > endedAt))
    ) {
      throw new RecordError('answered_at is not between arrived_at and ended_at');
    }
    const callId =
      pbxValue(get('call_id')) ??
      pbxValue(get('id')) ??
      rowCallId('csv', [get('arrived_at'), get('from'), get('line'), get('queue')]);
    const queue = pbxValue(get('queue'));
    const base = {
      callId,
      line: this.lines.lineFor(get('line')),
      queue,
      agent: null,
      from: pbxValue(get('from')),
      to: pbxValue(get('to')),
    };
    const out: EventDraft[] = [{ ...base, type: 'arrived', at: arrivedAt }];
    if (queue !== null) out.push({ ...base, type: 'queued', at: arrivedAt });
    const end = endedAt ?? arrivedAt;
    const outcome = get('outcome').toLowerCase();
    switch (outcome) {
      case 'answered':
        if (answeredAt === null) throw new RecordError('an answered call needs answered_at');
        out.push({
          ...base,
          type: 'answered',
          at: answeredAt,
          agent: memberExtension(get('agent')),
        });
        if (endedAt !== null) out.push({ ...base, type: 'ended', at: endedAt });
        return out;
      case 'abandoned':
        out.push({ ...base, type: 'abandoned', at: end });
        return out;
      case 'missed':
        out.push({ ...base, type: 'missed', at: end }, { ...base, type: 'ended', at: end });
        return out;
      case 'blocked':
        return [
          { ...base, type: 'arrived', at: arrivedAt },
          { ...base, type: 'blocked', at: end },
        ];
      default:
        throw new RecordError(
          `outcome '${outcome.slice(0, 20)}' is not answered, abandoned, missed or blocked`,
        );
    }
  }
}

/** cdr_csv's columns; `uniqueid` and `userfield` are there when enabled in cdr.conf. */
const CDR = {
  src: 1,
  dst: 2,
  channel: 5,
  dstchannel: 6,
  lastapp: 7,
  lastdata: 8,
  start: 9,
  answer: 10,
  end: 11,
  disposition: 14,
  uniqueid: 16,
} as const;

/**
 * Asterisk's CDR `Master.csv` (no header; 16 columns, 17 with `uniqueid`, 18 with `userfield`),
 * one row per call leg, times in the PBX's zone. The call id is the `uniqueid` of the caller's
 * channel, as in queue_log and the connector. Legs of `Local/` channels are the PBX talking to
 * itself and are ignored. ANSWERED → arrived (+ queued when the last application was Queue),
 * answered by the extension of `dstchannel`, ended; NO ANSWER → arrived, ended (the caller hung
 * up); BUSY, CONGESTION, FAILED → blocked.
 */
export class CdrCsvMapper extends RowMapper {
  constructor(
    private readonly lines: PbxLineMap,
    private readonly zone: string,
  ) {
    super();
  }

  protected drafts(row: readonly string[]): EventDraft[] | null {
    if (row.length < 16 || row.length > 18) {
      throw new RecordError(`expected 16 to 18 cdr_csv columns, got ${row.length}`);
    }
    const get = (index: number): string => (row[index] ?? '').trim();
    // A header line some exports add.
    if (get(CDR.start).toLowerCase() === 'start') return null;
    if (get(CDR.channel).startsWith('Local/')) return null;
    const start = time(get(CDR.start), this.zone, 'start', true) as Date;
    const answer = time(get(CDR.answer), this.zone, 'answer', false);
    const end = time(get(CDR.end), this.zone, 'end', true) as Date;
    if (end < start) throw new RecordError('end is before start');
    const callId =
      (row.length > CDR.uniqueid ? pbxValue(get(CDR.uniqueid)) : null) ??
      rowCallId('cdr', [get(CDR.start), get(CDR.src), get(CDR.dst), get(CDR.channel)]);
    const queue =
      get(CDR.lastapp).toLowerCase() === 'queue'
        ? pbxValue(get(CDR.lastdata).split(/[,|]/)[0])
        : null;
    const base = {
      callId,
      line: this.lines.lineFor(get(CDR.dst)),
      queue,
      agent: null,
      from: pbxValue(get(CDR.src)),
      to: pbxValue(get(CDR.dst)),
    };
    const out: EventDraft[] = [{ ...base, type: 'arrived', at: start }];
    const disposition = get(CDR.disposition).toUpperCase();
    switch (disposition) {
      case 'ANSWERED':
        if (answer === null) throw new RecordError('an ANSWERED call has no answer time');
        if (queue !== null) out.push({ ...base, type: 'queued', at: start });
        out.push(
          { ...base, type: 'answered', at: answer, agent: memberExtension(get(CDR.dstchannel)) },
          { ...base, type: 'ended', at: end },
        );
        return out;
      case 'NO ANSWER':
        if (queue !== null) out.push({ ...base, type: 'queued', at: start });
        out.push({ ...base, type: 'ended', at: end });
        return out;
      case 'BUSY':
      case 'CONGESTION':
      case 'FAILED':
        out.push({ ...base, type: 'blocked', at: start });
        return out;
      default:
        throw new RecordError(
          `disposition '${disposition.slice(0, 20)}' is not one cdr_csv writes`,
        );
    }
  }
}
