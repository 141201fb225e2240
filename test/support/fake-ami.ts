import { AddressInfo, createServer, Server, Socket } from 'node:net';
import { AmiMessage, AmiParser } from '@/modules/pbx/ami/ami-protocol';

/**
 * A TCP server speaking the Asterisk Manager protocol for tests: the banner, `Login` checked
 * against one user, events pushed by the test, answers to `QueueStatus` and `CoreShowChannels`
 * from what the test set, `Success` to any other action, and dropping connections on command.
 */
export class FakeAmi {
  readonly actions: AmiMessage[] = [];
  /** Channels and queue entries answered to the list actions. */
  channels: Record<string, string>[] = [];
  queueEntries: Record<string, string>[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly loggedIn = new Set<Socket>();
  private readonly waiters: { name: string; resolve: (m: AmiMessage) => void }[] = [];
  private loginWaiters: (() => void)[] = [];
  logins = 0;

  private constructor(
    private readonly server: Server,
    private readonly username: string,
    private readonly secret: string,
  ) {}

  static async start(username: string, secret: string): Promise<FakeAmi> {
    let fake: FakeAmi | null = null;
    const server = createServer((socket) => fake?.accept(socket));
    fake = new FakeAmi(server, username, secret);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  /** Sends an event to every logged-in connection. */
  emit(event: Record<string, string>): void {
    const text = `${Object.entries(event)
      .map(([k, v]) => `${k}: ${v}`)
      .join('\r\n')}\r\n\r\n`;
    for (const socket of this.loggedIn) socket.write(text);
  }

  /** Resolves at the next successful log-in (the first one, or after a drop). */
  nextLogin(): Promise<void> {
    return new Promise((resolve) => this.loginWaiters.push(resolve));
  }

  /** Resolves with the next action of that name the connector sends. */
  nextAction(name: string): Promise<AmiMessage> {
    return new Promise((resolve) => this.waiters.push({ name: name.toLowerCase(), resolve }));
  }

  dropAll(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  async close(): Promise<void> {
    this.dropAll();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    socket.setEncoding('utf8');
    const parser = new AmiParser();
    parser.banner = 'client';
    socket.on('close', () => {
      this.sockets.delete(socket);
      this.loggedIn.delete(socket);
    });
    socket.on('error', () => undefined);
    socket.on('data', (chunk: string) => {
      for (const action of parser.push(chunk)) this.answer(socket, action);
    });
    socket.write('Asterisk Call Manager/5.0.1\r\n');
  }

  private answer(socket: Socket, action: AmiMessage): void {
    this.actions.push(action);
    const name = (action.Action ?? '').toLowerCase();
    const id = action.ActionID ?? '';
    const send = (fields: Record<string, string>) =>
      socket.write(
        `${Object.entries({ ...fields, ActionID: id })
          .map(([k, v]) => `${k}: ${v}`)
          .join('\r\n')}\r\n\r\n`,
      );
    for (const waiter of this.waiters.filter((w) => w.name === name)) {
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      waiter.resolve(action);
    }
    switch (name) {
      case 'login':
        if (action.Username === this.username && action.Secret === this.secret) {
          send({ Response: 'Success', Message: 'Authentication accepted' });
          this.loggedIn.add(socket);
          this.logins++;
          const waiters = this.loginWaiters;
          this.loginWaiters = [];
          waiters.forEach((w) => w());
        } else {
          send({ Response: 'Error', Message: 'Authentication failed' });
          socket.end();
        }
        return;
      case 'coreshowchannels':
        send({ Response: 'Success', EventList: 'start', Message: 'Channels will follow' });
        for (const channel of this.channels) send({ Event: 'CoreShowChannel', ...channel });
        send({
          Event: 'CoreShowChannelsComplete',
          EventList: 'Complete',
          ListItems: String(this.channels.length),
        });
        return;
      case 'queuestatus':
        send({ Response: 'Success', EventList: 'start', Message: 'Queue status will follow' });
        for (const entry of this.queueEntries) send({ Event: 'QueueEntry', ...entry });
        send({
          Event: 'QueueStatusComplete',
          EventList: 'Complete',
          ListItems: String(this.queueEntries.length),
        });
        return;
      default:
        send({ Response: 'Success' });
    }
  }
}
