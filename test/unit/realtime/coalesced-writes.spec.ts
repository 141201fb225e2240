import { once } from 'node:events';
import { createServer, Server as HttpServer } from 'node:http';
import type { AddressInfo, Socket as TcpSocket } from 'node:net';
import { Server } from 'socket.io';
import { io, Socket as ClientSocket } from 'socket.io-client';
import { coalesceWrites } from '@/realtime/coalesced-writes';

/** The TCP socket under a Socket.IO socket, as engine.io and ws hold it. */
function tcpOf(socket: unknown): TcpSocket {
  return (socket as { conn: { transport: { socket: { _socket: TcpSocket } } } }).conn.transport
    .socket._socket;
}

describe('coalesceWrites', () => {
  let http: HttpServer;
  let server: Server;
  let client: ClientSocket | undefined;

  beforeEach(async () => {
    http = createServer();
    server = new Server(http, { transports: ['websocket'] });
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
  });
  afterEach(async () => {
    client?.disconnect();
    await server.close();
  });

  /** Connects a client, then counts the server's TCP writes while `send` runs in one turn. */
  async function writesFor(coalesce: boolean, send: (socket: unknown) => void) {
    if (coalesce) server.engine.on('connection', coalesceWrites);
    const connected = once(server, 'connection') as Promise<[unknown]>;
    const { port } = http.address() as AddressInfo;
    client = io(`http://127.0.0.1:${port}`, { transports: ['websocket'] });
    // Once the client has its CONNECT, the handshake's writes are behind us.
    const clientConnected = new Promise<void>((resolve) => client!.once('connect', resolve));
    const [[socket]] = await Promise.all([connected, clientConnected]);
    const received: number[] = [];
    const all = new Promise<void>((resolve) =>
      client!.on('n', (n: number) => {
        received.push(n);
        if (received.length === 3) resolve();
      }),
    );
    const tcp = tcpOf(socket);
    const single = jest.spyOn(tcp, '_write');
    const vectored = jest.spyOn(tcp, '_writev');
    send(socket);
    await all;
    return { writes: single.mock.calls.length + vectored.mock.calls.length, received };
  }

  const threeEvents = (socket: unknown) => {
    const s = socket as { emit(event: string, n: number): void };
    for (const n of [1, 2, 3]) s.emit('n', n);
  };

  it('writes the frames one turn queues for a socket in one write, in order', async () => {
    expect(await writesFor(true, threeEvents)).toEqual({ writes: 1, received: [1, 2, 3] });
  });

  it('is what makes the difference: engine.io alone writes more than once', async () => {
    const { writes, received } = await writesFor(false, threeEvents);
    expect(received).toEqual([1, 2, 3]);
    expect(writes).toBeGreaterThan(1);
  });
});
