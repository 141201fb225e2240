import { randomUUID } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import { Server } from 'socket.io';
import { serveCommands } from '@test/bench/load/protocol';

/**
 * The raw baseline for every socket scenario: a bare Socket.IO server (same version, websocket
 * only, same ping settings and message limit as the API) with no framework, no auth, no Redis
 * adapter and no database. It measures itself the way the API does (prom-client default metrics).
 *
 * - connect with `auth: {userId, rooms?}`: joins `user:<userId>` and the given rooms;
 * - `chat.send {to, clientMsgId, text}` → `chat.message` to `user:<to>`, acknowledged;
 * - `POST /emit {room, event, payload}` → `io.to(room).emit(event, payload)`;
 * - `GET /metrics`.
 */
const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'baseline_' });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => resolve(body));
    req.on('error', reject);
  });
}

const http = createServer((req, res) => {
  if (req.method === 'GET' && req.url === '/metrics') {
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': 'text/plain' }).end(text),
      () => res.writeHead(500).end(),
    );
    return;
  }
  if (req.method === 'POST' && req.url === '/emit') {
    readBody(req).then(
      (body) => {
        const { room, event, payload } = JSON.parse(body) as {
          room: string;
          event: string;
          payload: unknown;
        };
        io.to(room).emit(event, payload);
        res.writeHead(202, { 'content-type': 'application/json' }).end('{"ok":true}');
      },
      () => res.writeHead(400).end(),
    );
    return;
  }
  // socket.io answers its own path; anything else is not ours
  if (!req.url?.startsWith('/socket.io/')) res.writeHead(404).end();
});

const io = new Server(http, {
  transports: ['websocket'],
  pingInterval: 20_000,
  pingTimeout: 20_000,
  maxHttpBufferSize: 64 * 1024,
  cors: { origin: '*' },
});

new Gauge({
  name: 'baseline_sockets_connected',
  help: 'Socket.IO connections open',
  registers: [registry],
  collect() {
    this.set(io.engine.clientsCount);
  },
});

io.on('connection', (socket) => {
  const auth = socket.handshake.auth as { userId?: string; rooms?: string[] };
  const userId = auth.userId ?? socket.id;
  void socket.join([`user:${userId}`, ...(auth.rooms ?? [])]);
  socket.on(
    'chat.send',
    (msg: { to: string; clientMsgId: string; text: string }, ack?: (r: unknown) => void) => {
      const message = {
        id: randomUUID(),
        senderId: userId,
        clientMsgId: msg.clientMsgId,
        text: msg.text,
        createdAt: new Date().toISOString(),
      };
      io.to(`user:${msg.to}`).emit('chat.message', message);
      ack?.({ ok: true, data: { id: message.id, createdAt: message.createdAt } });
    },
  );
});

function listen(args: { port: number }) {
  return new Promise((resolve, reject) => {
    http.once('error', reject);
    http.listen(args.port, '127.0.0.1', () => resolve({ port: args.port, pid: process.pid }));
  });
}

serveCommands({ listen });
