import type { Socket } from 'socket.io-client';
import { wallNow } from '@test/bench/harness/clock';
import { openInBatches, openSocket, whenReady } from '@test/bench/load/sockets';
import { progress, serveCommands } from '@test/bench/load/protocol';

/**
 * Staff at their consoles: each holds a socket, sets itself available, and records every
 * `offer` (issue #3: `offer {offerId, kind, item: {callId, from, …}, dossier, expiresAt}`).
 * `accept` answers each offer and ends the call after a hold time with a telephony `ended`
 * event, so people come back to idle; `hold` leaves offers unanswered (the burst check).
 */
interface StaffUser {
  userId: string;
  url: string;
  auth: Record<string, unknown>;
}

interface OfferRecord {
  at: number;
  userId: string;
  offerId: string;
  callId: string;
}

interface Behaviour {
  behaviour: 'accept' | 'hold' | 'record';
  holdMs: number;
  endCall?: { url: string; apiKey: string; lineCode: string };
}

type Ack = { ok: boolean; error?: { code: string } };

const staff: { user: StaffUser; socket: Socket }[] = [];
let offers: OfferRecord[] = [];
let behaviour: Behaviour = { behaviour: 'record', holdMs: 0 };
const answerErrors: Record<string, number> = {};

function countError(code: string) {
  answerErrors[code] = (answerErrors[code] ?? 0) + 1;
}

async function endCall(callId: string, from: string) {
  const end = behaviour.endCall;
  if (!end) return;
  const res = await fetch(`${end.url}/api/telephony/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': end.apiKey },
    body: JSON.stringify([
      {
        id: `${callId}-ended`,
        callId,
        type: 'ended',
        at: new Date().toISOString(),
        line: end.lineCode,
        from,
      },
    ]),
  });
  if (res.status >= 300) countError(`ENDED_${res.status}`);
}

function onOffer(
  user: StaffUser,
  socket: Socket,
  payload: { offerId: string; item?: { callId?: string; from?: string } },
) {
  const at = wallNow();
  const callId = payload.item?.callId ?? '';
  offers.push({ at, userId: user.userId, offerId: payload.offerId, callId });
  if (behaviour.behaviour !== 'accept') return;
  socket
    .timeout(10_000)
    .emitWithAck('offer.accept', { offerId: payload.offerId })
    .then((ack: Ack) => {
      if (!ack.ok) {
        countError(ack.error?.code ?? 'ERROR');
        return;
      }
      setTimeout(
        () =>
          void endCall(callId, payload.item?.from ?? '+12015550199').catch(() =>
            countError('ENDED_FAILED'),
          ),
        behaviour.holdMs,
      );
    })
    .catch(() => countError('ACK_TIMEOUT'));
}

async function connect(args: { users: StaffUser[]; readyEvent: string; setAvailable: boolean }) {
  const notAvailable: string[] = [];
  const result = await openInBatches(
    args.users.length,
    50,
    async (i) => {
      const user = args.users[i];
      const socket = openSocket(user.url, user.auth, 20_000);
      socket.on('offer', (payload: { offerId: string; item?: { callId?: string } }) =>
        onOffer(user, socket, payload),
      );
      await whenReady(socket, args.readyEvent, 20_000);
      if (args.setAvailable) {
        const ack = (await socket
          .timeout(10_000)
          .emitWithAck('staff.status', { status: 'available' })) as Ack;
        if (!ack.ok) notAvailable.push(ack.error?.code ?? 'ERROR');
      }
      staff.push({ user, socket });
      return socket;
    },
    (n) => progress(`${n}/${args.users.length} staff connected`),
  );
  return {
    connected: result.sockets.length,
    failed: result.failed,
    errors: [...result.errors, ...notAvailable.slice(0, 5)],
    notAvailable: notAvailable.length,
  };
}

function behave(args: Behaviour) {
  behaviour = args;
  return null;
}

/** Offers recorded since the last call, and the errors answering them. */
function take() {
  const out = offers;
  offers = [];
  return { offers: out, answerErrors: { ...answerErrors } };
}

/** Disconnects everyone, first going offline when asked, so no later work is offered to them. */
async function close(args: { offline?: boolean }) {
  const leaving = staff.splice(0);
  if (args.offline) {
    await Promise.allSettled(
      leaving.map((s) =>
        s.socket.timeout(5_000).emitWithAck('staff.status', { status: 'offline' }),
      ),
    );
  }
  for (const s of leaving) s.socket.disconnect();
  return null;
}

serveCommands({ connect, behave, take, close });
