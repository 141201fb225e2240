/**
 * One set of queue calls written out in each history format the import reads, so a test can
 * import the same calls several ways and compare what they amount to.
 */
export type HistoryOutcome = 'answered' | 'abandoned' | 'missed' | 'transferred';

export interface HistoryCall {
  /** Seconds after the day's start. */
  enter: number;
  outcome: HistoryOutcome;
  /** Seconds waited before the answer, abandon or timeout. */
  wait: number;
  talk?: number;
  /** Extension of the answering agent. */
  agent?: string;
  /** Extension of an agent who rang and did not answer first. */
  missedBy?: string;
  from: string;
}

export interface HistoryPlace {
  /** Call ids are `<prefix>.<n>`, like Asterisk's uniqueids. */
  prefix: string;
  /** The queue as Asterisk names it. */
  queue: string;
  /** The number dialled (a DID), or the line code in a calls CSV. */
  did: string;
  day: string;
}

const epoch = (day: string, s: number) => Date.parse(`${day}T00:00:00Z`) / 1000 + s;
const iso = (day: string, s: number) => new Date(epoch(day, s) * 1000).toISOString();

/** queue_log lines, agent-session noise included, in time order as Asterisk writes them. */
export function queueLog(calls: readonly HistoryCall[], place: HistoryPlace): string[] {
  const rows: [number, string][] = [
    [epoch(place.day, 0), `${epoch(place.day, 0)}|NONE|NONE|NONE|QUEUESTART|`],
    [epoch(place.day, 1), `${epoch(place.day, 1)}|NONE|${place.queue}|PJSIP/1001|ADDMEMBER|`],
    [epoch(place.day, 2), `${epoch(place.day, 2)}|NONE|${place.queue}|PJSIP/1001|PAUSE|lunch`],
  ];
  calls.forEach((call, n) => {
    const id = `${place.prefix}.${n}`;
    const t = (s: number) => epoch(place.day, call.enter + s);
    const line = (s: number, agent: string, event: string, ...data: (string | number)[]) =>
      rows.push([t(s), [t(s), id, place.queue, agent, event, ...data].join('|')]);
    line(0, 'NONE', 'DID', place.did);
    line(0, 'NONE', 'ENTERQUEUE', '', call.from, 1);
    if (call.missedBy) line(Math.min(5, call.wait), `PJSIP/${call.missedBy}`, 'RINGNOANSWER', 5000);
    switch (call.outcome) {
      case 'answered':
      case 'transferred':
        line(call.wait, `Local/${call.agent}@from-queue/n`, 'CONNECT', call.wait, `${id}9`, 2);
        if (call.outcome === 'answered') {
          line(
            call.wait + (call.talk ?? 0),
            `Local/${call.agent}@from-queue/n`,
            'COMPLETECALLER',
            call.wait,
            call.talk ?? 0,
            1,
          );
        } else {
          line(
            call.wait + (call.talk ?? 0),
            `Local/${call.agent}@from-queue/n`,
            'BLINDTRANSFER',
            '2000',
            'from-internal',
            call.wait,
            call.talk ?? 0,
            1,
          );
        }
        break;
      case 'abandoned':
        line(call.wait, 'NONE', 'ABANDON', 1, 1, call.wait);
        break;
      case 'missed':
        line(call.wait, 'NONE', 'EXITWITHTIMEOUT', 1, 1, call.wait);
        break;
    }
  });
  return rows.sort((a, b) => a[0] - b[0]).map(([, text]) => text);
}

/** The same entries as a realtime table export, header first, data in one `data` column. */
export function queueLogCsv(lines: readonly string[]): string {
  const quote = (v: string) => (/[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  const out = ['time,callid,queuename,agent,event,data'];
  for (const text of lines) {
    const [time, callId, queue, agent, event, ...data] = text.split('|');
    // Realtime tables store the time as a wall-clock date-time.
    const at = new Date(Number(time) * 1000).toISOString().replace('T', ' ').replace('Z', '');
    out.push([at, callId, queue, agent, event, data.join('|')].map(quote).join(','));
  }
  return `${out.join('\n')}\n`;
}

/** The calls as a plain calls CSV (one row per call). */
export function callsCsv(calls: readonly HistoryCall[], place: HistoryPlace): string {
  const out = ['call_id,arrived_at,answered_at,ended_at,from,line,queue,agent,outcome'];
  calls.forEach((call, n) => {
    const answered = call.outcome === 'answered' || call.outcome === 'transferred';
    const end = call.enter + call.wait + (answered ? (call.talk ?? 0) : 0);
    out.push(
      [
        `${place.prefix}.${n}`,
        iso(place.day, call.enter),
        answered ? iso(place.day, call.enter + call.wait) : '',
        iso(place.day, end),
        call.from,
        place.did,
        place.queue,
        answered ? (call.agent ?? '') : '',
        answered ? 'answered' : call.outcome,
      ].join(','),
    );
  });
  return `${out.join('\n')}\n`;
}
