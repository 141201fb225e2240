/**
 * Compile-time only (`npm run typecheck`): the console's wire types (web/src/api/types.ts) must
 * accept what the server's types say it sends. A renamed or retyped field fails here.
 */
import type { PresenceDto } from '@/modules/staff/dto/presence.dto';
import type { QueueSnapshot as ServerSnapshot } from '@/modules/routing/console-snapshot.service';
import type { OfferPayload, OfferRevokedPayload } from '@/modules/routing/dto/offer.dto';
import type { CallSummary as ServerCallSummary } from '@/modules/calls/calls.events';
import type { SyncDoneEvent } from '@/modules/notifications/delivery/delivery.events';
import type { DirectoryLookupDto } from '@/modules/directory/dto/directory-lookup.dto';
import type { LoginResultDto } from '@/modules/auth/dto/login.dto';
import type { CallDto } from '@/modules/calls/dto/call.dto';
import type { MeDto } from '@/modules/staff/dto/user.dto';
import type { PlannedContactDto } from '@/modules/planner/dto/planned-contact.dto';
import type { PlannedContact } from '@web/api/planner-types';
import type { BroadcastDto } from '@/modules/notifications/dto/broadcast.dto';
import type { StaffStatsRowDto } from '@/modules/stats/dto/stats-report.dto';
import type { Broadcast, StaffRow } from '@web/api/supervision-types';
import type { ServerToClientEvents as ServerEvents } from '@/realtime/realtime.events';
import type {
  Call,
  CallSummary,
  DirectoryLookup,
  LoginResult,
  Me,
  Offer,
  OfferRevoked,
  Presence,
  QueueSnapshot,
  ServerToClientEvents,
  SyncDone,
} from '@web/api/types';

type Accepts<Web, Server extends Web> = Server;

export type WireChecks = [
  Accepts<Presence, PresenceDto>,
  Accepts<QueueSnapshot, ServerSnapshot>,
  Accepts<Offer, OfferPayload>,
  Accepts<OfferRevoked, OfferRevokedPayload>,
  Accepts<CallSummary, ServerCallSummary>,
  Accepts<SyncDone, SyncDoneEvent>,
  Accepts<DirectoryLookup, DirectoryLookupDto>,
  Accepts<LoginResult, LoginResultDto>,
  Accepts<Call, CallDto>,
  Accepts<Me, MeDto>,
  Accepts<PlannedContact, PlannedContactDto>,
  Accepts<Broadcast, BroadcastDto>,
  Accepts<StaffRow, StaffStatsRowDto>,
];

/** Every event the console listens to is one the server's catalogue has. */
export type EventNamesChecked = Accepts<keyof ServerEvents, keyof ServerToClientEvents>;
