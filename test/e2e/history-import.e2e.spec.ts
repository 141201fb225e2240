import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import type { LineDto } from '@/modules/directory/dto/line.dto';
import type { QueueDto } from '@/modules/directory/dto/queue.dto';
import { HistoryImportModule } from '@/modules/pbx/import/history-import.module';
import {
  HistoryImportService,
  ImportOptions,
  ImportRefused,
  ImportReport,
} from '@/modules/pbx/import/history-import.service';
import { parseQueueLogLine, QueueLogMapper } from '@/modules/pbx/import/queue-log.mapper';
import { PbxLineMap } from '@/modules/pbx/pbx-names';
import {
  createClient,
  createLine,
  createQueue,
  randomUsPhone,
  uniqueSuffix,
} from '@test/factories/directory.factory';
import {
  callsCsv,
  HistoryCall,
  HistoryPlace,
  queueLog,
  queueLogCsv,
} from '@test/support/pbx-history';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser, TestUser } from '@test/support/users';

const DAY = '2026-01-20';

describe('PBX history import (e2e)', () => {
  let app: TestApp;
  let ctx: INestApplicationContext;
  let importer: HistoryImportService;
  let admin: string;
  let supervisor: TestUser;
  let dir: string;
  const ext = { a: '', b: '' };

  beforeAll(async () => {
    app = await startApp();
    ctx = await NestFactory.createApplicationContext(HistoryImportModule, { logger: false });
    importer = ctx.get(HistoryImportService);
    admin = await adminToken(app);
    supervisor = await createUser(app, ['supervisor']);
    ext.a = `61${Math.floor(Math.random() * 1e6)}`;
    ext.b = `62${Math.floor(Math.random() * 1e6)}`;
    await createUser(app, ['agent'], { extension: ext.a });
    await createUser(app, ['agent'], { extension: ext.b });
    dir = await mkdtemp(join(tmpdir(), 'sb-import-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await ctx.close();
    await app.close();
  });

  const get = (path: string) =>
    app.http.get(path).set('authorization', `Bearer ${supervisor.token}`);
  const file = async (name: string, text: string): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, text);
    return path;
  };
  const rejectedLines: string[] = [];
  const run = (options: Partial<ImportOptions> & Pick<ImportOptions, 'format' | 'files'>) =>
    RequestContext.create(ctx.get(MikroORM).em, () =>
      importer.run(
        { timeZone: 'UTC', dryRun: false, defaultLine: 'pbx', ...options },
        { onRejected: (f, line, reason) => rejectedLines.push(`${f}:${line}: ${reason}`) },
      ),
    );

  /** A queue (named in upper case in the directory, lower case by the PBX) and a line with a DID. */
  async function place(
    prefix: string,
  ): Promise<{ where: HistoryPlace; queue: QueueDto; line: LineDto }> {
    const tag = uniqueSuffix();
    const queue = await createQueue(app, admin, { code: `PS-${tag}` });
    const number = `201555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    const line = await createLine(app, admin, { number: `+1${number}`, channels: 10 });
    return {
      where: { prefix: `${prefix}${tag}`, queue: queue.code.toLowerCase(), did: number, day: DAY },
      queue,
      line,
    };
  }

  const calls = (): HistoryCall[] => [
    {
      enter: 9 * 3600,
      outcome: 'answered',
      wait: 12,
      talk: 120,
      agent: ext.b,
      missedBy: ext.a,
      from: '+12015550111',
    },
    { enter: 9 * 3600 + 60, outcome: 'abandoned', wait: 30, from: '+12015550112' },
    { enter: 9 * 3600 + 200, outcome: 'missed', wait: 300, from: '+12015550113' },
    {
      enter: 10 * 3600,
      outcome: 'answered',
      wait: 5,
      talk: 300,
      agent: ext.a,
      from: '+12015550114',
    },
    {
      enter: 11 * 3600,
      outcome: 'transferred',
      wait: 10,
      talk: 90,
      agent: ext.a,
      from: '+12015550115',
    },
  ];

  async function reports(queue: QueueDto, line: LineDto) {
    const range = `from=${DAY}T00:00:00Z&to=${DAY}T23:59:59Z&bucket=1d&tz=UTC`;
    const q = await get(`/api/stats/queues?${range}&queueId=${queue.id}`).expect(200);
    const l = await get(`/api/stats/lines?${range}&lineId=${line.id}`).expect(200);
    const strip = (rows: Record<string, unknown>[]) =>
      rows.map(({ queueId: _q, queueCode: _qc, lineId: _l, lineCode: _lc, ...rest }) => rest);
    return { queues: strip(q.body.rows), lines: strip(l.body.rows) };
  }

  it('gives the same calls and statistics from queue_log, its CSV export and a calls CSV', async () => {
    const viaLog = await place('ql');
    const viaCsv = await place('qc');
    const viaCalls = await place('cc');
    const logLines = queueLog(calls(), viaLog.where);
    const noisy = [
      ...logLines,
      'garbage without fields',
      `yesterday|${viaLog.where.prefix}.9|q|NONE|ENTERQUEUE|||1`,
    ];
    const log = await run({
      format: 'queue_log',
      files: [await file('queue_log', `${noisy.join('\n')}\n`)],
    });
    const csv = await run({
      format: 'queue_log-csv',
      files: [await file('queue_log.csv', queueLogCsv(queueLog(calls(), viaCsv.where)))],
    });
    const plain = await run({
      format: 'calls-csv',
      files: [await file('calls.csv', callsCsv(calls(), viaCalls.where))],
    });

    expect(log).toMatchObject({ calls: 5, rejected: 2, ignored: 3, duplicates: 0 });
    expect(log.stored).toBe(log.events);
    expect(rejectedLines.filter((l) => l.includes('queue_log:'))).toEqual([
      expect.stringMatching(/queue_log:\d+: expected time\|callid/),
      expect.stringMatching(/queue_log:\d+: time 'yesterday'/),
    ]);
    expect(csv).toMatchObject({ calls: 5, rejected: 0, ignored: 3, stored: log.stored });
    expect(plain).toMatchObject({ calls: 5, rejected: 0, ignored: 0 });

    const fromLog = await reports(viaLog.queue, viaLog.line);
    expect(fromLog.queues).toEqual([
      expect.objectContaining({ offered: 5, answered: 3, abandoned: 1, missed: 1 }),
    ]);
    expect(fromLog.lines).toEqual([expect.objectContaining({ offered: 5 })]);
    expect(await reports(viaCsv.queue, viaCsv.line)).toEqual(fromLog);
    expect(await reports(viaCalls.queue, viaCalls.line)).toEqual(fromLog);

    // The call rows agree too: agents by extension, the line by its DID, the queue ignoring case.
    const rows = await get(`/api/calls?queue=${viaLog.queue.code}&limit=10`).expect(200);
    const first = (rows.body.items as Record<string, unknown>[]).find(
      (c) => c.externalId === `${viaLog.where.prefix}.0`,
    );
    expect(first).toMatchObject({
      status: 'ended',
      outcome: 'answered',
      lineId: viaLog.line.id,
      queueId: viaLog.queue.id,
      answeredByCode: ext.b,
      answeredBy: expect.objectContaining({ id: expect.any(String) }),
      fromNumber: '+12015550111',
      offers: 2,
    });
  });

  it('stores nothing new when the same file is imported again', async () => {
    const where = (await place('re')).where;
    const path = await file('again.log', `${queueLog(calls(), where).join('\n')}\n`);
    const first = await run({ format: 'queue_log', files: [path] });
    expect(first.stored).toBeGreaterThan(0);
    const again: ImportReport = await run({ format: 'queue_log', files: [path] });
    expect(again).toMatchObject({ stored: 0, duplicates: first.events, events: first.events });
    expect(again.from).toBeNull();
    const dry = await run({ format: 'queue_log', files: [path], dryRun: true });
    expect(dry).toMatchObject({ stored: 0, duplicates: 0, events: first.events });
  });

  it('writes new calls in their final state exactly as the general ingest path does', async () => {
    const general = await place('gp');
    const direct = await place('np');
    const caller = randomUsPhone().e164;
    const client = await createClient(app, admin, { phones: [caller] });
    // An extension nobody has: recorded as an unmapped code, as often on either path.
    const stranger = (p: HistoryPlace) => `9${p.prefix.replace(/\D/g, '').slice(0, 6)}`;
    const callsAt = (p: HistoryPlace): HistoryCall[] => [
      ...calls(),
      { enter: 12 * 3600, outcome: 'answered', wait: 3, talk: 60, agent: ext.a, from: caller },
      {
        enter: 12 * 3600 + 30,
        outcome: 'answered',
        wait: 8,
        talk: 40,
        agent: ext.b,
        missedBy: stranger(p),
        from: '+12015550116',
      },
    ];
    const eventsOf = (p: HistoryPlace, line: LineDto): IncomingCallEvent[] => {
      const mapper = new QueueLogMapper(
        new PbxLineMap([{ code: line.code, number: line.number }], 'US', 'pbx'),
        'UTC',
      );
      const events: IncomingCallEvent[] = [];
      for (const text of queueLog(callsAt(p), p)) {
        const record = parseQueueLogLine(text);
        const mapped = typeof record === 'string' ? null : mapper.map(record);
        if (mapped?.kind === 'events') events.push(...mapped.events);
      }
      return [...events, ...mapper.finish()];
    };
    const ingest = ctx.get(CallIngestService);
    const feed = async (events: IncomingCallEvent[], size: number, mostlyNew: boolean) => {
      const statuses: string[] = [];
      for (let i = 0; i < events.length; i += size) {
        const result = await ingest.ingest(events.slice(i, i + size), {
          source: 'telephony',
          rebuildsStats: true,
          mostlyNew,
        });
        statuses.push(...result.statuses);
      }
      return statuses;
    };
    // Batches of 3 and 4 events cut calls in two, so on the direct path a call inserted in its
    // final state by one batch gets its later events through the general path in the next.
    const viaGeneral = eventsOf(general.where, general.line);
    const viaDirect = eventsOf(direct.where, direct.line);
    expect(await feed(viaGeneral, 3, false)).not.toContain('duplicate');
    expect(await feed(viaDirect, 4, true)).not.toContain('duplicate');

    const sql = ctx.get(MikroORM).em.fork().getConnection();
    const rowsOf = async (p: HistoryPlace, line: LineDto, queue: QueueDto) => {
      const rows: Record<string, unknown>[] = await sql.execute(
        `select * from "calls" where "external_id" like ? order by "external_id"`,
        [`${p.prefix}.%`],
      );
      return rows.map(({ id: _id, external_id, created_at: _c, updated_at: _u, ...rest }) => ({
        from_number: rest.from_number,
        client_id: rest.client_id,
        ...rest,
        call: String(external_id).slice(p.prefix.length),
        line_code: rest.line_code === line.code ? 'LINE' : rest.line_code,
        line_id: rest.line_id === line.id ? 'LINE' : rest.line_id,
        queue_code: rest.queue_code === p.queue ? 'QUEUE' : rest.queue_code,
        queue_id: rest.queue_id === queue.id ? 'QUEUE' : rest.queue_id,
        last_agent_code: rest.last_agent_code === stranger(p) ? 'STRANGER' : rest.last_agent_code,
      }));
    };
    const generalRows = await rowsOf(general.where, general.line, general.queue);
    expect(generalRows).toHaveLength(7);
    expect(generalRows.find((r) => r.from_number === caller)).toMatchObject({
      client_id: client.id,
    });
    expect(await rowsOf(direct.where, direct.line, direct.queue)).toEqual(generalRows);
    const eventCount = (p: HistoryPlace): Promise<{ n: number }[]> =>
      sql.execute(
        `select count(*)::int as "n" from "call_events" e join "calls" c on c."id" = e."call_id"
          where c."external_id" like ?`,
        [`${p.prefix}.%`],
      );
    expect(await eventCount(direct.where)).toEqual(await eventCount(general.where));
    const strangerSeen = (p: HistoryPlace): Promise<{ seen_count: number }[]> =>
      sql.execute(
        `select "seen_count" from "unmapped_codes" where "kind" = 'agent' and "code" = ?`,
        [stranger(p)],
      );
    expect(await strangerSeen(direct.where)).toEqual(await strangerSeen(general.where));
    expect(await strangerSeen(direct.where)).toEqual([{ seen_count: 1 }]);

    // Again, in one batch and in small ones: every event is a duplicate, no row moves.
    expect(new Set(await feed(viaDirect, viaDirect.length, true))).toEqual(new Set(['duplicate']));
    expect(new Set(await feed(viaDirect, 4, true))).toEqual(new Set(['duplicate']));
    expect(await rowsOf(direct.where, direct.line, direct.queue)).toEqual(generalRows);
    expect(await eventCount(direct.where)).toEqual(await eventCount(general.where));
  });

  it('redoes a batch through the general path when an event id is already stored under another call', async () => {
    const { where } = await place('taken');
    const ingest = ctx.get(CallIngestService);
    const at = new Date(`${DAY}T13:00:00Z`);
    const event = (callId: string, id: string, type: IncomingCallEvent['type'], s: number) => ({
      id,
      callId,
      type,
      at: new Date(at.getTime() + s * 1000),
      line: 'pbx',
      queue: where.queue,
      agent: null,
      from: '+12015550117',
      to: null,
    });
    // An HTTP client may name its event ids freely: this one is what the import derives for
    // another call's arrival.
    await ingest.ingest(
      [event(`${where.prefix}.other`, `pbx:${where.prefix}.1:arrived`, 'arrived', 0)],
      {
        source: 'telephony',
      },
    );
    const result = await ingest.ingest(
      [
        event(`${where.prefix}.1`, `pbx:${where.prefix}.1:arrived`, 'arrived', 0),
        event(`${where.prefix}.1`, `pbx:${where.prefix}.1:queued`, 'queued', 0),
        event(`${where.prefix}.2`, `pbx:${where.prefix}.2:arrived`, 'arrived', 5),
      ],
      { source: 'telephony', rebuildsStats: true, mostlyNew: true },
    );
    expect(result.statuses).toEqual(['duplicate', 'accepted', 'accepted']);
    const rows: { external_id: string; event_count: number; status: string }[] = await ctx
      .get(MikroORM)
      .em.fork()
      .getConnection()
      .execute(
        `select "external_id", "event_count", "status" from "calls"
          where "external_id" like ? order by "external_id"`,
        [`${where.prefix}.%`],
      );
    expect(rows).toEqual([
      { external_id: `${where.prefix}.1`, event_count: 1, status: 'queued' },
      { external_id: `${where.prefix}.2`, event_count: 1, status: 'arrived' },
      { external_id: `${where.prefix}.other`, event_count: 1, status: 'arrived' },
    ]);
  });

  it('reads CDR Master.csv with and without the user field', async () => {
    const { line, where } = await place('cdr');
    const id = (n: number) => `${where.prefix}.${n}`;
    const row = (n: number, disposition: string, answer: string, userfield?: string) =>
      [
        '',
        `+1201555012${n}`,
        where.did,
        'from-pstn',
        `"Caller" <+1201555012${n}>`,
        `PJSIP/trunk-0000000${n}`,
        `Local/${ext.a}@from-queue-0000001${n};1`,
        'Queue',
        `${where.queue},t,,,300`,
        '2026-01-20 12:00:00',
        answer,
        '2026-01-20 12:05:00',
        '300',
        '280',
        disposition,
        'DOCUMENTATION',
        id(n),
        ...(userfield === undefined ? [] : [userfield]),
      ]
        .map((v) => (v.includes(',') || v.includes('"') ? `"${v.replace(/"/g, '""')}"` : v))
        .join(',');
    const text = [
      row(1, 'ANSWERED', '2026-01-20 12:00:20'),
      row(2, 'NO ANSWER', '', 'vip'),
      row(3, 'BUSY', ''),
      row(4, 'ANSWERED', ''),
      'too,few,columns',
    ].join('\n');
    // Moscow: 12:00 local is 09:00 UTC.
    const report = await run({
      format: 'cdr-csv',
      files: [await file('Master.csv', text)],
      timeZone: 'Europe/Moscow',
    });
    expect(report).toMatchObject({ calls: 3, rejected: 2 });
    const rows = await get(`/api/calls?line=${line.code.toUpperCase()}&limit=10`).expect(200);
    const byId = new Map(
      (rows.body.items as Record<string, unknown>[]).map((c) => [c.externalId, c]),
    );
    expect(byId.get(id(1))).toMatchObject({
      outcome: 'answered',
      arrivedAt: '2026-01-20T09:00:00.000Z',
      answeredAt: '2026-01-20T09:00:20.000Z',
    });
    expect(byId.get(id(2))).toMatchObject({ outcome: 'abandoned' });
    expect(byId.get(id(3))).toMatchObject({ outcome: 'blocked' });
  });

  it('refuses an unknown format, an unreadable file or a bad header before writing anything', async () => {
    const good = await file(
      'ok.log',
      `${queueLog(calls(), (await place('no')).where).join('\n')}\n`,
    );
    const badCsv = await file('bad.csv', 'when,who\n1,2\n');
    const bad: (() => Promise<ImportReport>)[] = [
      () => run({ format: 'wav' as ImportOptions['format'], files: [good] }),
      () => run({ format: 'queue_log', files: [good, join(dir, 'missing.log')] }),
      () => run({ format: 'calls-csv', files: [badCsv] }),
      () => run({ format: 'queue_log', files: [good], timeZone: 'Mars/Olympus' }),
    ];
    for (const attempt of bad) await expect(attempt()).rejects.toBeInstanceOf(ImportRefused);
    const after = await run({ format: 'queue_log', files: [good], dryRun: false });
    expect(after.duplicates).toBe(0);
  });
});
