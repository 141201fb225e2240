import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AmiConnectorService } from '@/modules/pbx/ami/ami-connector.service';
import { ConnectorModule } from '@/modules/pbx/ami/connector.module';
import { HistoryImportModule } from '@/modules/pbx/import/history-import.module';
import { HistoryImportService } from '@/modules/pbx/import/history-import.service';
import type { QueueDto } from '@/modules/directory/dto/queue.dto';
import type { LineDto } from '@/modules/directory/dto/line.dto';
import { createLine, createQueue, uniqueSuffix } from '@test/factories/directory.factory';
import { FakeAmi } from '@test/support/fake-ami';
import { startApp, TestApp } from '@test/support/test-app';
import { adminToken, createApiKey, createUser, TestUser } from '@test/support/users';

type Fields = Record<string, string>;

/** Polls until accept(value); the test's own timeout bounds it. */
async function eventually<T>(probe: () => Promise<T>, accept: (v: T) => boolean): Promise<T> {
  for (;;) {
    const value = await probe();
    if (accept(value)) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
}

const PROJECTED = [
  'status',
  'outcome',
  'arrivedAt',
  'queuedAt',
  'answeredAt',
  'endedAt',
  'answeredByCode',
  'offers',
  'transfers',
  'lineId',
  'queueId',
  'fromNumber',
] as const;

describe('Asterisk AMI connector, observe mode (e2e)', () => {
  let app: TestApp;
  let ami: FakeAmi;
  let connector: INestApplicationContext;
  let supervisor: TestUser;
  let key: string;
  let queue: QueueDto;
  let line: LineDto;
  let did: string;
  const ext = { a: '', b: '' };
  let seq = 0;

  async function startConnector(secret: string): Promise<INestApplicationContext> {
    const env: Fields = {
      AMI_HOST: '127.0.0.1',
      AMI_PORT: String(ami.port),
      AMI_USERNAME: 'switchboard',
      AMI_SECRET: secret,
    };
    const saved: Record<string, string | undefined> = {};
    for (const [k, v] of Object.entries(env)) {
      saved[k] = process.env[k];
      process.env[k] = v;
    }
    try {
      const ctx = await NestFactory.createApplicationContext(ConnectorModule.register('observe'), {
        logger: false,
      });
      ctx.enableShutdownHooks();
      ctx.get(AmiConnectorService).start();
      return ctx;
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  }

  beforeAll(async () => {
    app = await startApp();
    const admin = await adminToken(app);
    supervisor = await createUser(app, ['supervisor']);
    key = await createApiKey(app);
    ext.a = `71${Math.floor(Math.random() * 1e6)}`;
    ext.b = `72${Math.floor(Math.random() * 1e6)}`;
    await createUser(app, ['agent'], { extension: ext.a });
    await createUser(app, ['agent'], { extension: ext.b });
    queue = await createQueue(app, admin, { code: `Sales-${uniqueSuffix()}` });
    did = `201555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    line = await createLine(app, admin, { number: `+1${did}` });
    ami = await FakeAmi.start('switchboard', 'right-secret');
    const login = ami.nextLogin();
    connector = await startConnector('right-secret');
    await login;
  });
  afterAll(async () => {
    await connector.close();
    await ami.close();
    await app.close();
  });

  const get = (path: string) =>
    app.http.get(path).set('authorization', `Bearer ${supervisor.token}`);
  const call = async (externalId: string) => {
    const res = await get(`/api/calls?queue=${queue.code}&limit=200`).expect(200);
    return (res.body.items as Record<string, unknown>[]).find((c) => c.externalId === externalId);
  };
  const settled = (externalId: string, status: string) =>
    eventually(
      () => call(externalId),
      (c) => c?.status === status,
    );
  const pick = (row: Record<string, unknown> | undefined) =>
    Object.fromEntries(PROJECTED.map((k) => [k, row?.[k]]));

  /** A fresh Linkedid and a clock for one transcript, a few minutes ago (a live call). */
  function transcriptClock() {
    const base = Math.floor(Date.now() / 1000) - 600;
    const id = `${base}.${++seq}${Math.floor(Math.random() * 1000)}`;
    const ts = (s: number) => `${base + s}.000000`;
    const iso = (s: number) => new Date((base + s) * 1000).toISOString();
    return { id, ts, iso };
  }

  /** Asterisk's events for a caller entering the queue (from the AMI event documentation). */
  function arrival(id: string, ts: (s: number) => string): Fields[] {
    return [
      {
        Event: 'Newchannel',
        Channel: 'PJSIP/trunk-00000001',
        ChannelState: '4',
        ChannelStateDesc: 'Ring',
        CallerIDNum: '+12015550144',
        Context: 'from-pstn',
        Exten: did,
        Uniqueid: id,
        Linkedid: id,
        Timestamp: ts(0),
      },
      {
        Event: 'QueueCallerJoin',
        Channel: 'PJSIP/trunk-00000001',
        CallerIDNum: '+12015550144',
        Queue: queue.code.toLowerCase(),
        Position: '1',
        Count: '1',
        Uniqueid: id,
        Linkedid: id,
        Timestamp: ts(1),
      },
    ];
  }
  const member = (
    id: string,
    ts: string,
    event: string,
    extension: string,
    extra: Fields = {},
  ) => ({
    Event: event,
    Queue: queue.code.toLowerCase(),
    Interface: `PJSIP/${extension}`,
    MemberName: `Agent ${extension}`,
    DestChannel: `PJSIP/${extension}-0000000a`,
    Uniqueid: id,
    Linkedid: id,
    Timestamp: ts,
    ...extra,
  });
  const hangup = (id: string, ts: string, cause = '16') => ({
    Event: 'Hangup',
    Channel: 'PJSIP/trunk-00000001',
    Uniqueid: id,
    Linkedid: id,
    Cause: cause,
    Timestamp: ts,
  });

  /** The same call told through POST /api/telephony/events, under another call id. */
  async function throughHttp(
    callId: string,
    events: Fields[],
  ): Promise<Record<string, unknown> | undefined> {
    const body = events.map((e, i) => ({
      id: `${callId}-${i}`,
      callId,
      line: line.code,
      from: '+12015550144',
      queue: queue.code.toLowerCase(),
      ...e,
    }));
    await app.http.post('/api/telephony/events').set('x-api-key', key).send(body).expect(200);
    return call(callId);
  }

  it('an answered queue call', async () => {
    const { id, ts, iso } = transcriptClock();
    for (const e of [
      ...arrival(id, ts),
      member(id, ts(2), 'AgentCalled', ext.a),
      member(id, ts(6), 'AgentConnect', ext.a, { HoldTime: '5', RingTime: '4' }),
      member(id, ts(66), 'AgentComplete', ext.a, {
        HoldTime: '5',
        TalkTime: '60',
        Reason: 'caller',
      }),
      hangup(id, ts(66)),
    ])
      ami.emit(e);
    const row = await settled(id, 'ended');
    const http = await throughHttp(`${id}h`, [
      { type: 'arrived', at: iso(0) },
      { type: 'queued', at: iso(1) },
      { type: 'offered', at: iso(2), agent: ext.a },
      { type: 'answered', at: iso(6), agent: ext.a },
      { type: 'ended', at: iso(66) },
    ]);
    expect(pick(row)).toEqual(pick(http));
    expect(row).toMatchObject({
      outcome: 'answered',
      answeredByCode: ext.a,
      lineId: line.id,
      queueId: queue.id,
    });
  });

  it('a queue_log overlapping what the connector saw adds no call and stores its steps once', async () => {
    const { id, ts } = transcriptClock();
    for (const e of [
      ...arrival(id, ts),
      member(id, ts(2), 'AgentCalled', ext.a),
      member(id, ts(6), 'AgentConnect', ext.a, { HoldTime: '5', RingTime: '4' }),
      member(id, ts(66), 'AgentComplete', ext.a, { TalkTime: '60', Reason: 'caller' }),
      hangup(id, ts(66)),
    ])
      ami.emit(e);
    const live = await settled(id, 'ended');
    const t = (s: number) => ts(s).split('.')[0];
    const q = queue.code.toLowerCase();
    const log = [
      `${t(0)}|${id}|${q}|NONE|DID|${did}`,
      `${t(1)}|${id}|${q}|NONE|ENTERQUEUE||+12015550144|1`,
      `${t(6)}|${id}|${q}|PJSIP/${ext.a}|CONNECT|5|${id}9|4`,
      `${t(66)}|${id}|${q}|PJSIP/${ext.a}|COMPLETECALLER|5|60|1`,
    ];
    const dir = await mkdtemp(join(tmpdir(), 'sb-overlap-'));
    const ctx = await NestFactory.createApplicationContext(HistoryImportModule, { logger: false });
    try {
      const path = join(dir, 'queue_log');
      await writeFile(path, `${log.join('\n')}\n`);
      const report = await RequestContext.create(ctx.get(MikroORM).em, () =>
        ctx.get(HistoryImportService).run({
          format: 'queue_log',
          files: [path],
          timeZone: 'UTC',
          dryRun: false,
          defaultLine: 'pbx',
        }),
      );
      // The same PBX ids and seconds: every step the connector stored is a duplicate.
      expect(report).toMatchObject({ calls: 1, stored: 0, duplicates: report.events });
    } finally {
      await ctx.close();
      await rm(dir, { recursive: true, force: true });
    }
    const after = await get(`/api/calls?queue=${queue.code}&limit=200`).expect(200);
    const rows = (after.body.items as Record<string, unknown>[]).filter((c) => c.externalId === id);
    expect(rows).toHaveLength(1);
    expect(pick(rows[0])).toEqual(pick(live));
  });

  it('an abandoned call', async () => {
    const { id, ts, iso } = transcriptClock();
    for (const e of [
      ...arrival(id, ts),
      member(id, ts(2), 'AgentCalled', ext.a),
      {
        Event: 'QueueCallerAbandon',
        Queue: queue.code,
        Position: '1',
        OriginalPosition: '1',
        HoldTime: '20',
        Uniqueid: id,
        Linkedid: id,
        Timestamp: ts(21),
      },
      hangup(id, ts(21)),
    ])
      ami.emit(e);
    const row = await settled(id, 'abandoned');
    const http = await throughHttp(`${id}h`, [
      { type: 'arrived', at: iso(0) },
      { type: 'queued', at: iso(1) },
      { type: 'offered', at: iso(2), agent: ext.a },
      { type: 'abandoned', at: iso(21) },
    ]);
    expect(pick(row)).toEqual(pick(http));
  });

  it('ring-no-answer, then the next member answers', async () => {
    const { id, ts, iso } = transcriptClock();
    for (const e of [
      ...arrival(id, ts),
      member(id, ts(2), 'AgentCalled', ext.a),
      member(id, ts(17), 'AgentRingNoAnswer', ext.a, { RingTime: '15000' }),
      member(id, ts(18), 'AgentCalled', ext.b),
      member(id, ts(21), 'AgentConnect', ext.b, { HoldTime: '20', RingTime: '3' }),
      member(id, ts(81), 'AgentComplete', ext.b, { TalkTime: '60', Reason: 'agent' }),
      hangup(id, ts(81)),
    ])
      ami.emit(e);
    const row = await settled(id, 'ended');
    const http = await throughHttp(`${id}h`, [
      { type: 'arrived', at: iso(0) },
      { type: 'queued', at: iso(1) },
      { type: 'offered', at: iso(2), agent: ext.a },
      { type: 'offered', at: iso(18), agent: ext.b },
      { type: 'answered', at: iso(21), agent: ext.b },
      { type: 'ended', at: iso(81) },
    ]);
    expect(pick(row)).toEqual(pick(http));
    expect(row).toMatchObject({ offers: 2, answeredByCode: ext.b });
  });

  it('blind and attended transfers', async () => {
    for (const kind of ['BlindTransfer', 'AttendedTransfer']) {
      const { id, ts, iso } = transcriptClock();
      const transfer: Fields =
        kind === 'BlindTransfer'
          ? {
              Event: kind,
              Result: 'Success',
              TransfererChannel: `PJSIP/${ext.a}-0000000a`,
              TransfereeLinkedid: id,
              TransfereeUniqueid: id,
              Extension: '2000',
              Context: 'from-internal',
              Timestamp: ts(40),
            }
          : {
              Event: kind,
              Result: 'Success',
              OrigTransfererChannel: `PJSIP/${ext.a}-0000000a`,
              OrigTransfererLinkedid: id,
              TransfereeLinkedid: id,
              DestType: 'Bridge',
              Timestamp: ts(40),
            };
      for (const e of [
        ...arrival(id, ts),
        member(id, ts(2), 'AgentCalled', ext.a),
        member(id, ts(5), 'AgentConnect', ext.a, { HoldTime: '4', RingTime: '3' }),
        transfer,
        hangup(id, ts(90)),
      ])
        ami.emit(e);
      const row = await settled(id, 'ended');
      const http = await throughHttp(`${id}h`, [
        { type: 'arrived', at: iso(0) },
        { type: 'queued', at: iso(1) },
        { type: 'offered', at: iso(2), agent: ext.a },
        { type: 'answered', at: iso(5), agent: ext.a },
        { type: 'transferred', at: iso(40), agent: ext.a },
        { type: 'ended', at: iso(90) },
      ]);
      expect(pick(row)).toEqual(pick(http));
      expect(row).toMatchObject({ transfers: 1, outcome: 'answered' });
    }
  });

  it('a call that ends while the connection is down is closed by the resync', async () => {
    const { id, ts } = transcriptClock();
    for (const e of [
      ...arrival(id, ts),
      member(id, ts(2), 'AgentCalled', ext.a),
      member(id, ts(5), 'AgentConnect', ext.a, { HoldTime: '4', RingTime: '3' }),
    ])
      ami.emit(e);
    await settled(id, 'answered');
    // A caller waiting in the queue that the connector never saw arrive.
    const waiting = transcriptClock();
    ami.queueEntries = [
      {
        Queue: queue.code,
        Position: '1',
        Channel: 'PJSIP/trunk-00000009',
        Uniqueid: waiting.id,
        LinkedID: waiting.id,
        CallerIDNum: '+12015550177',
        Wait: '30',
      },
    ];
    ami.channels = [
      { Channel: 'PJSIP/trunk-00000009', Uniqueid: waiting.id, Linkedid: waiting.id },
    ];
    const relogin = ami.nextLogin();
    ami.dropAll();
    await relogin;
    const row = await settled(id, 'ended');
    expect(row).toMatchObject({ outcome: 'answered', answeredByCode: ext.a });
    await settled(waiting.id, 'queued');
    ami.queueEntries = [];
    ami.channels = [];
  });

  it('a wrong secret is a degraded connector in /api/health, not a crash', async () => {
    const wrong = await startConnector('wrong-secret');
    try {
      // Both connectors share the status key: this one reports last and stays degraded.
      const health = await eventually(
        async () =>
          (await app.http.get('/api/health')).body as {
            checks: { connector?: { state: string; error: string | null } };
          },
        (b) => b.checks.connector?.state === 'degraded',
      );
      expect(health.checks.connector?.error).toContain('refused');
    } finally {
      await wrong.close();
    }
  });
});
