import { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Socket } from 'socket.io-client';
import { AmiConnectorService } from '@/modules/pbx/ami/ami-connector.service';
import { ConnectorModule } from '@/modules/pbx/ami/connector.module';
import {
  createClient,
  createContact,
  createLine,
  createQueue,
  uniqueSuffix,
} from '@test/factories/directory.factory';
import { FakeAmi } from '@test/support/fake-ami';
import { connected, connectSocket, startApp, TestApp } from '@test/support/test-app';
import { adminToken, createUser } from '@test/support/users';
import { nextEvent } from '@test/support/wait';

interface Ack<T> {
  ok: boolean;
  data?: T;
}

describe('Asterisk AMI connector, control mode (e2e)', () => {
  let app: TestApp;
  let ami: FakeAmi;
  let connector: INestApplicationContext;
  let socket: Socket;

  beforeAll(async () => {
    ami = await FakeAmi.start('switchboard', 'right-secret');
    const env = {
      AMI_HOST: '127.0.0.1',
      AMI_PORT: String(ami.port),
      AMI_USERNAME: 'switchboard',
      AMI_SECRET: 'right-secret',
      AMI_MODE: 'control',
    };
    app = await startApp(env);
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      connector = await NestFactory.createApplicationContext(ConnectorModule.register('control'), {
        logger: false,
      });
      connector.enableShutdownHooks();
      const login = ami.nextLogin();
      connector.get(AmiConnectorService).start();
      await login;
    } finally {
      for (const key of Object.keys(env)) {
        if (saved[key] === undefined) delete process.env[key];
        else process.env[key] = saved[key];
      }
    }
  });
  afterAll(async () => {
    socket?.disconnect();
    await connector.close();
    await ami.close();
    await app.close();
  });

  it('a caller waiting in the hold context is offered; accepting sends Redirect to the agent', async () => {
    const admin = await adminToken(app);
    const extension = `81${Math.floor(Math.random() * 1e6)}`;
    const agent = await createUser(app, ['agent'], { extension });
    const queue = await createQueue(app, admin, { code: `Hold-${uniqueSuffix()}` });
    await app.http
      .put(`/api/queues/${queue.id}/members/${agent.id}`)
      .set('authorization', `Bearer ${admin}`)
      .send({ skillLevel: 5 })
      .expect(200);
    const did = `201555${String(Math.floor(Math.random() * 1e4)).padStart(4, '0')}`;
    await createLine(app, admin, { number: `+1${did}` });
    socket = connectSocket(app.url, { token: agent.token });
    await connected(socket);
    const status = (await socket
      .timeout(5000)
      .emitWithAck('staff.status', { status: 'available' })) as Ack<unknown>;
    expect(status.ok).toBe(true);

    const now = Date.now() / 1000;
    const id = `${Math.floor(now)}.${Math.floor(Math.random() * 1000)}`;
    const offered = nextEvent<{ offerId: string; item: { callId: string } }>(socket, 'offer');
    ami.emit({
      Event: 'Newchannel',
      Channel: 'PJSIP/trunk-00000042',
      Context: 'from-pstn',
      Exten: did,
      CallerIDNum: '+12015550199',
      Uniqueid: id,
      Linkedid: id,
      Timestamp: now.toFixed(6),
    });
    ami.emit({
      Event: 'Newexten',
      Channel: 'PJSIP/trunk-00000042',
      Context: 'switchboard-hold',
      Extension: queue.code.toLowerCase(),
      Priority: '1',
      Application: 'MusicOnHold',
      Uniqueid: id,
      Linkedid: id,
      Timestamp: (now + 0.5).toFixed(6),
    });
    const offer = await offered;
    expect(offer.item.callId).toBe(id);

    const redirect = ami.nextAction('Redirect');
    const accept = (await socket
      .timeout(5000)
      .emitWithAck('offer.accept', { offerId: offer.offerId })) as Ack<unknown>;
    expect(accept.ok).toBe(true);
    expect(await redirect).toMatchObject({
      Action: 'Redirect',
      Channel: 'PJSIP/trunk-00000042',
      Context: 'from-internal',
      Exten: extension,
      Priority: '1',
    });
  });

  it('"call back" on an abandoned call sends Originate: the agent first, then the client', async () => {
    const admin = await adminToken(app);
    const extension = `82${Math.floor(Math.random() * 1e6)}`;
    const agent = await createUser(app, ['agent'], { extension });
    const queue = await createQueue(app, admin, { code: `Empty-${uniqueSuffix()}` });
    const now = Date.now() / 1000;
    const id = `${Math.floor(now)}.${Math.floor(Math.random() * 1000) + 1000}`;
    const base = { Channel: 'PJSIP/trunk-00000043', Uniqueid: id, Linkedid: id };
    ami.emit({
      Event: 'Newchannel',
      ...base,
      Context: 'from-pstn',
      Exten: '2015550100',
      CallerIDNum: '+12015550188',
      Timestamp: now.toFixed(6),
    });
    ami.emit({
      Event: 'Newexten',
      ...base,
      Context: 'switchboard-hold',
      // Asterisk 12+ names it Exten (the other transcript sends the deprecated Extension).
      Exten: queue.code,
      Priority: '1',
      Timestamp: (now + 1).toFixed(6),
    });
    ami.emit({ Event: 'Hangup', ...base, Cause: '16', Timestamp: (now + 20).toFixed(6) });
    const calls = async () =>
      (
        await app.http
          .get(`/api/calls?queue=${queue.code}`)
          .set('authorization', `Bearer ${admin}`)
          .expect(200)
      ).body.items as { id: string; externalId: string; outcome: string }[];
    let row: { id: string; outcome: string } | undefined;
    while (row?.outcome !== 'abandoned') {
      row = (await calls()).find((c) => c.externalId === id);
      if (row?.outcome !== 'abandoned') await new Promise((r) => setTimeout(r, 100));
    }
    const originate = ami.nextAction('Originate');
    const res = await app.http
      .post(`/api/calls/${row.id}/dial-back`)
      .set('authorization', `Bearer ${agent.token}`)
      .expect(202);
    expect(res.body).toEqual({ extension, number: '+12015550188' });
    expect(await originate).toMatchObject({
      Channel: `Local/${extension}@from-internal`,
      Exten: '+12015550188',
      Context: 'from-internal',
    });
  });

  it('"call now" on a planned call sends Originate to the contact person, else the client', async () => {
    const admin = await adminToken(app);
    const extension = `84${Math.floor(Math.random() * 1e6)}`;
    const agent = await createUser(app, ['agent'], { extension });
    const auth = { authorization: `Bearer ${agent.token}` };
    const settings = await app.http.get('/api/planner/settings').set(auth).expect(200);
    expect(settings.body.callNow).toBe(true);
    const client = await createClient(app, admin, { phones: ['+12015550166'] });
    const contact = await createContact(app, admin, client.id, { phones: ['+12015550155'] });
    const planFor = async (body: Record<string, unknown>) =>
      (
        await app.http
          .post('/api/planned-contacts')
          .set(auth)
          .send({
            kind: 'call',
            subject: 'Call about the contract',
            startsAt: new Date(Date.now() + 3_600_000).toISOString(),
            ...body,
          })
          .expect(201)
      ).body as { id: string };

    const withContact = await planFor({ clientId: client.id, contactId: contact.id });
    let originate = ami.nextAction('Originate');
    const res = await app.http
      .post(`/api/planned-contacts/${withContact.id}/call-now`)
      .set(auth)
      .expect(202);
    expect(res.body).toEqual({ extension, number: '+12015550155' });
    expect(await originate).toMatchObject({
      Channel: `Local/${extension}@from-internal`,
      Exten: '+12015550155',
    });

    const clientOnly = await planFor({ clientId: client.id });
    originate = ami.nextAction('Originate');
    await app.http.post(`/api/planned-contacts/${clientOnly.id}/call-now`).set(auth).expect(202);
    expect(await originate).toMatchObject({ Exten: '+12015550166' });

    const bare = await createClient(app, admin);
    await createContact(app, admin, bare.id, { phones: ['+12015550144'], priority: 5 });
    const viaContacts = await planFor({ clientId: bare.id });
    originate = ami.nextAction('Originate');
    await app.http.post(`/api/planned-contacts/${viaContacts.id}/call-now`).set(auth).expect(202);
    expect(await originate).toMatchObject({ Exten: '+12015550144' });

    const nobody = await planFor({});
    const refused = await app.http
      .post(`/api/planned-contacts/${nobody.id}/call-now`)
      .set(auth)
      .expect(409);
    expect(refused.body.error.code).toBe('NO_NUMBER_TO_CALL');

    const other = await createUser(app, ['agent']);
    await app.http
      .post(`/api/planned-contacts/${withContact.id}/call-now`)
      .set({ authorization: `Bearer ${other.token}` })
      .expect(404);
  });
});
