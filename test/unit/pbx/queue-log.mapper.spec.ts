import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import type { MappedRecord } from '@/modules/pbx/import/history-record';
import { parseLogTime } from '@/modules/pbx/import/log-time';
import { parseQueueLogLine, QueueLogMapper } from '@/modules/pbx/import/queue-log.mapper';
import { memberExtension, PbxLineMap, pbxEventId } from '@/modules/pbx/pbx-names';

const lines = new PbxLineMap([{ code: 'main', number: '+12015550100' }], 'US', 'pbx');

function feed(mapper: QueueLogMapper, text: string[]): MappedRecord[] {
  return text.map((line) => {
    const record = parseQueueLogLine(line);
    return typeof record === 'string' ? { kind: 'rejected', reason: record } : mapper.map(record);
  });
}

function events(results: MappedRecord[]): IncomingCallEvent[] {
  return results.flatMap((r) => (r.kind === 'events' ? r.events : []));
}

const brief = (e: IncomingCallEvent) => [e.type, e.at.getTime() / 1000, e.agent, e.queue, e.line];

describe('PBX names', () => {
  it('reads the extension out of member interfaces and channels', () => {
    expect(memberExtension('PJSIP/1001')).toBe('1001');
    expect(memberExtension('PJSIP/1001-0000002a')).toBe('1001');
    expect(memberExtension('SIP/1001')).toBe('1001');
    expect(memberExtension('Local/1001@from-queue/n')).toBe('1001');
    expect(memberExtension('Local/1001@from-queue-00000005;1')).toBe('1001');
    expect(memberExtension('John Doe')).toBe('John Doe');
    expect(memberExtension('NONE')).toBeNull();
    expect(memberExtension('')).toBeNull();
  });

  it('maps a dialled number to the line with that number, in any notation', () => {
    expect(lines.lineFor('2015550100')).toBe('main');
    expect(lines.lineFor('+1 (201) 555-0100')).toBe('main');
    expect(lines.lineFor('2015550199')).toBe('2015550199');
    expect(lines.lineFor('')).toBe('pbx');
  });

  it('derives event ids from the call, the event, its second and the agent', () => {
    const at = new Date('2026-01-20T09:00:00.700Z');
    expect(pbxEventId('1700.1', 'answered', at, '1001')).toBe(
      'pbx:1700.1:answered:1768899600:1001',
    );
    expect(pbxEventId('1700.1', 'queued', at)).toBe('pbx:1700.1:queued:1768899600');
  });
});

describe('parseLogTime', () => {
  it('reads epoch seconds, offsets and wall-clock times in the zone given', () => {
    expect(parseLogTime('1768899600', 'UTC')?.toISOString()).toBe('2026-01-20T09:00:00.000Z');
    expect(parseLogTime('2026-01-20 12:00:00', 'Europe/Moscow')?.toISOString()).toBe(
      '2026-01-20T09:00:00.000Z',
    );
    expect(parseLogTime('2026-01-20 09:00:00.123456', 'UTC')?.toISOString()).toBe(
      '2026-01-20T09:00:00.123Z',
    );
    expect(parseLogTime('2026-01-20T12:00:00+03:00', 'UTC')?.toISOString()).toBe(
      '2026-01-20T09:00:00.000Z',
    );
    expect(parseLogTime('2026-02-30 10:00:00', 'UTC')).toBeNull();
    expect(parseLogTime('yesterday', 'UTC')).toBeNull();
  });
});

describe('QueueLogMapper', () => {
  const T = 1768899600;

  it('turns an answered call after a ring-no-answer into its steps', () => {
    const mapper = new QueueLogMapper(lines, 'UTC');
    const out = feed(mapper, [
      `${T}|1700.1|Sales|NONE|DID|2015550100`,
      `${T}|1700.1|Sales|NONE|ENTERQUEUE||+12015550111|1`,
      `${T + 5}|1700.1|Sales|PJSIP/1001|RINGNOANSWER|5000`,
      `${T + 12}|1700.1|Sales|Local/1002@from-queue/n|CONNECT|12|1700.2|2`,
      `${T + 132}|1700.1|Sales|Local/1002@from-queue/n|COMPLETECALLER|12|120|1`,
    ]);
    expect(out.map((r) => r.kind)).toEqual(['events', 'events', 'events', 'events', 'events']);
    expect(events(out).map(brief)).toEqual([
      ['arrived', T, null, 'Sales', 'main'],
      ['queued', T, null, 'Sales', 'main'],
      ['offered', T, '1001', 'Sales', 'main'],
      ['offered', T + 10, '1002', 'Sales', 'main'],
      ['answered', T + 12, '1002', 'Sales', 'main'],
      ['ended', T + 132, null, 'Sales', 'main'],
    ]);
    expect(events(out)[0]).toMatchObject({ from: '+12015550111', callId: '1700.1' });
    expect(mapper.finish()).toEqual([]);
  });

  it('maps abandon, timeouts and transfers; ignores agent sessions and custom events', () => {
    const mapper = new QueueLogMapper(lines, 'UTC');
    const out = feed(mapper, [
      `${T}|NONE|NONE|NONE|QUEUESTART|`,
      `${T}|NONE|Sales|PJSIP/1001|ADDMEMBER|`,
      `${T}|NONE|Sales|PJSIP/1001|PAUSE|lunch`,
      `${T}|1700.9|Sales|NONE|MYCUSTOMEVENT|x`,
      `${T}|1700.3|Sales|NONE|ENTERQUEUE||+12015550111|1`,
      `${T + 30}|1700.3|Sales|NONE|ABANDON|1|1|30`,
      `${T}|1700.4|Sales|NONE|ENTERQUEUE||+12015550112|1`,
      `${T + 300}|1700.4|Sales|NONE|EXITWITHTIMEOUT|1|1|300`,
      `${T}|1700.5|Sales|NONE|ENTERQUEUE||+12015550113|1`,
      `${T + 10}|1700.5|Sales|PJSIP/1001|CONNECT|10|1700.6|1`,
      `${T + 70}|1700.5|Sales|PJSIP/1001|BLINDTRANSFER|2000|from-internal|10|60|1`,
    ]);
    expect(out.slice(0, 4).map((r) => r.kind)).toEqual([
      'ignored',
      'ignored',
      'ignored',
      'ignored',
    ]);
    const types = events(out).map((e) => `${e.callId}:${e.type}`);
    expect(types).toEqual([
      '1700.3:arrived',
      '1700.3:queued',
      '1700.3:abandoned',
      '1700.4:arrived',
      '1700.4:queued',
      '1700.4:missed',
      '1700.4:ended',
      '1700.5:arrived',
      '1700.5:queued',
      '1700.5:offered',
      '1700.5:answered',
      '1700.5:transferred',
    ]);
    expect(events(out).find((e) => e.type === 'transferred')).toMatchObject({ to: '2000' });
    expect(mapper.finish().map(brief)).toEqual([['ended', T + 70, null, 'Sales', 'pbx']]);
  });

  it('dates the start of a call found mid-file from the data fields', () => {
    const mapper = new QueueLogMapper(lines, 'UTC');
    const out = feed(mapper, [`${T + 132}|1700.7|Sales|PJSIP/1002|COMPLETEAGENT|12|120|1`]);
    expect(events(out).map(brief)).toEqual([
      ['arrived', T, null, 'Sales', 'pbx'],
      ['queued', T, null, 'Sales', 'pbx'],
      ['answered', T + 12, '1002', 'Sales', 'pbx'],
      ['ended', T + 132, null, 'Sales', 'pbx'],
    ]);
  });

  it('rejects malformed lines with a reason', () => {
    const mapper = new QueueLogMapper(lines, 'UTC');
    const out = feed(mapper, [
      'no fields here',
      `soon|1700.8|Sales|NONE|ENTERQUEUE||x|1`,
      `${T}|NONE|Sales|NONE|ENTERQUEUE||x|1`,
      `${T}|1700.8|Sales|NONE|CONNECT|1|x|1`,
      `${T}|1700.8|Sales|NONE||`,
    ]);
    expect(out).toEqual([
      { kind: 'rejected', reason: expect.stringContaining('expected time|callid') },
      { kind: 'rejected', reason: expect.stringContaining("time 'soon'") },
      { kind: 'rejected', reason: 'ENTERQUEUE without a call id' },
      { kind: 'rejected', reason: 'CONNECT without an agent' },
      { kind: 'rejected', reason: 'no event name' },
    ]);
  });
});
