import type { Socket } from 'socket.io-client';
import { sleep, wallNow } from '@test/bench/harness/clock';
import { summarise } from '@test/bench/harness/stats';
import { openInBatches, openSocket, whenReady } from '@test/bench/load/sockets';
import { progress, serveCommands } from '@test/bench/load/protocol';

/**
 * Chat load: each user of this process holds one socket and sends to its peer (who lives in the
 * other chat process, so every message crosses processes). The send time travels in the text;
 * the recipient subtracts it from its receipt time.
 */
interface ChatUser {
  userId: string;
  peerId: string;
  roomId?: string;
  auth: Record<string, unknown>;
}

type Ack = { ok: true; data: unknown } | { ok: false; error: { code: string } };

const PREFIX = 'bench ';
const members: { user: ChatUser; socket: Socket }[] = [];
const receipt: number[] = [];
let received = 0;
let mode: 'app' | 'baseline' = 'app';

async function connect(args: {
  url: string;
  users: ChatUser[];
  mode: 'app' | 'baseline';
  readyEvent: string;
}) {
  mode = args.mode;
  const result = await openInBatches(
    args.users.length,
    100,
    async (i) => {
      const user = args.users[i];
      const socket = openSocket(args.url, user.auth, 20_000);
      socket.on('chat.message', (msg: { senderId?: string; text?: string }) => {
        const at = wallNow();
        if (msg.senderId === user.userId || !msg.text?.startsWith(PREFIX)) return;
        received += 1;
        receipt.push(at - Number(msg.text.slice(PREFIX.length).split(' ')[0]));
      });
      await whenReady(socket, args.readyEvent, 20_000);
      members.push({ user, socket });
      return socket;
    },
    (n) => progress(`${n}/${args.users.length} connected`),
  );
  return { connected: result.sockets.length, failed: result.failed, errors: result.errors };
}

/** Sends `rate` messages per second for `seconds`, round-robin over this process's users. */
async function send(args: { rate: number; seconds: number; tag: string }) {
  const total = Math.round(args.rate * args.seconds);
  const ackMs: number[] = [];
  const ackErrors: Record<string, number> = {};
  let acked = 0;
  const pending: Promise<void>[] = [];
  const t0 = Date.now();
  const interval = 1000 / args.rate;
  let reported = t0;
  for (let n = 0; n < total;) {
    const now = Date.now();
    while (n < total && t0 + n * interval <= now) {
      const { user, socket } = members[n % members.length];
      const sentAt = wallNow();
      const text = `${PREFIX}${sentAt} ${args.tag}-${n}`;
      const clientMsgId = `${args.tag}-${n}`;
      const payload =
        mode === 'app'
          ? { roomId: user.roomId, clientMsgId, text }
          : { to: user.peerId, clientMsgId, text };
      pending.push(
        socket
          .timeout(10_000)
          .emitWithAck('chat.send', payload)
          .then(
            (ack: Ack) => {
              if (ack.ok) {
                acked += 1;
                ackMs.push(wallNow() - sentAt);
              } else ackErrors[ack.error.code] = (ackErrors[ack.error.code] ?? 0) + 1;
            },
            () => {
              ackErrors.TIMEOUT = (ackErrors.TIMEOUT ?? 0) + 1;
            },
          ),
      );
      n += 1;
    }
    if (now - reported >= 1000) {
      reported = now;
      progress(`${n}/${total} sent, ${received} received`);
    }
    await sleep(1);
  }
  const sendSeconds = (Date.now() - t0) / 1000;
  await Promise.all(pending);
  return { sent: total, sendSeconds, acked, ackErrors, ackMs: summarise(ackMs) };
}

/** Receipt latencies so far, after waiting `graceMs` for stragglers. */
async function receipts(args: { graceMs: number }) {
  await sleep(args.graceMs);
  return { received, latencies: receipt };
}

function close() {
  for (const m of members.splice(0)) m.socket.disconnect();
  return null;
}

serveCommands({ connect, send, receipts, close });
