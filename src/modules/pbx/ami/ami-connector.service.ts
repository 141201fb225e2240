import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import Redis from 'ioredis';
import { AppConfig } from '@/config/app-config';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import { AmiAuthError, AmiConnection } from '@/modules/pbx/ami/ami-client';
import { AmiObserver } from '@/modules/pbx/ami/ami-observer';
import type { AmiMessage } from '@/modules/pbx/ami/ami-protocol';
import {
  CONNECTOR_STATUS_TTL_SECONDS,
  ConnectorStatus,
  connectorStatusKey,
} from '@/modules/pbx/ami/connector-status';
import { PbxCommand, pbxCommandsKey } from '@/modules/pbx/ami/pbx-commands';
import { PbxConnectorRepository } from '@/modules/pbx/ami/pbx-connector.repository';
import { pbxEvent } from '@/modules/pbx/import/history-record';
import { PbxLineMap, pbxValue } from '@/modules/pbx/pbx-names';
import { REDIS } from '@/redis/redis.module';

const FIRST_RETRY_MS = 1000;
const MAX_RETRY_MS = 30_000;
/** Events read from the socket and not yet stored; the socket is paused above this. */
export const CONNECTOR_BUFFER = 10_000;
const INGEST_BATCH = 500;
const STATUS_EVERY_MS = 2000;

/**
 * The Asterisk connector: one AMI connection, events mapped by AmiObserver and written through
 * CallIngestService in-process (the same validation, idempotency and unmapped codes as
 * `POST /api/telephony/events`, with no API key to provision and no HTTP hop). Events wait in a
 * bounded buffer; when it fills, the socket is paused so TCP holds Asterisk back instead of this
 * process growing. Down or restarted AMI: reconnect after 1 s, doubling to 30 s, then resync.
 */
@Injectable()
export class AmiConnectorService implements OnApplicationShutdown {
  private readonly logger = new Logger('AmiConnector');
  private connection: AmiConnection | null = null;
  private observer: AmiObserver | null = null;
  private buffer: IncomingCallEvent[] = [];
  private stopped = false;
  private loop: Promise<void> | null = null;
  private commands: Promise<void> | null = null;
  private commandReader: Redis | null = null;
  private flushing: Promise<void> | null = null;
  private paused = false;
  private statusTimer: NodeJS.Timeout | null = null;
  private wake: (() => void) | null = null;
  private readonly status: ConnectorStatus;
  private eventsSinceStatus = 0;
  private lastStatusAt = Date.now();

  constructor(
    private readonly config: AppConfig,
    private readonly ingest: CallIngestService,
    private readonly repo: PbxConnectorRepository,
    @Inject(REDIS) private readonly redis: Redis,
  ) {
    this.status = {
      state: 'connecting',
      mode: config.ami?.mode ?? 'observe',
      host: config.ami ? `${config.ami.host}:${config.ami.port}` : '',
      lastEventAt: null,
      eventsPerSecond: 0,
      buffered: 0,
      error: null,
      updatedAt: new Date().toISOString(),
    };
  }

  get enabled(): boolean {
    return this.config.ami !== null;
  }

  start(): void {
    if (!this.config.ami || this.loop) return;
    this.statusTimer = setInterval(() => void this.publishStatus(), STATUS_EVERY_MS);
    this.loop = this.run();
    if (this.config.ami.mode === 'control') this.commands = this.runCommands();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.statusTimer) clearInterval(this.statusTimer);
    this.wake?.();
    this.connection?.close();
    this.commandReader?.disconnect();
    await this.loop;
    await this.commands;
    await this.drain();
    await this.redis.del(connectorStatusKey(this.config.redis.prefix)).catch(() => undefined);
  }

  private async run(): Promise<void> {
    const ami = this.config.ami;
    if (!ami) return;
    let delay = FIRST_RETRY_MS;
    let refusedLogged = false;
    while (!this.stopped) {
      try {
        const lines = new PbxLineMap(
          await this.repo.lines(),
          this.config.defaultPhoneRegion,
          ami.defaultLine,
        );
        this.observer ??= new AmiObserver(
          lines,
          new Set(ami.inboundContexts),
          ami.mode === 'control' ? ami.holdContext : null,
        );
        const closed = new Promise<void>((resolve) => {
          void AmiConnection.open(
            { host: ami.host, port: ami.port, username: ami.username, secret: ami.secret },
            (event) => this.onEvent(event),
            () => resolve(),
          ).then(
            async (connection) => {
              this.connection = connection;
              this.logger.log(`connected to Asterisk at ${ami.host}:${ami.port} (${ami.mode})`);
              this.setState('connected', null);
              delay = FIRST_RETRY_MS;
              refusedLogged = false;
              await this.resync(connection);
            },
            (err: Error) => {
              if (err instanceof AmiAuthError) {
                if (!refusedLogged)
                  this.logger.error(`${err.message}; check AMI_USERNAME and AMI_SECRET`);
                refusedLogged = true;
                this.setState('degraded', err.message);
              } else {
                this.logger.warn(`AMI ${ami.host}:${ami.port} unreachable: ${err.message}`);
                this.setState('connecting', err.message);
              }
              resolve();
            },
          );
        });
        await closed;
        if (this.connection && !this.stopped) {
          this.logger.warn('AMI connection lost; reconnecting');
          this.setState('connecting', 'connection lost');
        }
        this.connection = null;
      } catch (err) {
        this.logger.error({ err }, 'connector loop failed; retrying');
      }
      if (this.stopped) break;
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, delay).unref();
      });
      delay = Math.min(delay * 2, MAX_RETRY_MS);
    }
  }

  /**
   * Control mode: commands from the API and worker (a Redis list, so they wait for a restarting
   * connector). A redirect that cannot be sent yet (AMI down) goes back to the list's tail.
   */
  private async runCommands(): Promise<void> {
    const ami = this.config.ami;
    if (!ami) return;
    const key = pbxCommandsKey(this.config.redis.prefix);
    this.commandReader = this.redis.duplicate();
    while (!this.stopped) {
      let raw: string | null = null;
      try {
        const popped = await this.commandReader.brpop(key, 1);
        raw = popped?.[1] ?? null;
        if (raw === null) continue;
        const command = JSON.parse(raw) as PbxCommand;
        if (command.kind === 'originate') {
          if (!this.connection) throw new Error('AMI not connected');
          // The agent's phone rings first; when answered, the dialplan dials the client.
          const res = await this.connection.action('Originate', {
            Channel: `Local/${command.extension}@${ami.agentContext}`,
            Context: ami.agentContext,
            Exten: command.number,
            Priority: '1',
            CallerID: `Call back <${command.number}>`,
            Async: 'true',
          });
          this.logger.log(
            `call ${command.callId}: call back of ${command.number} via ${command.extension} (${res.Response ?? '?'})`,
          );
          continue;
        }
        const channel = this.observer?.channelOf(command.callId) ?? null;
        if (channel === null) {
          this.logger.warn(`redirect of call ${command.callId}: its channel is not known; dropped`);
          continue;
        }
        if (!this.connection) throw new Error('AMI not connected');
        const res = await this.connection.action('Redirect', {
          Channel: channel,
          Context: ami.agentContext,
          Exten: command.extension,
          Priority: '1',
        });
        this.logger.log(
          `call ${command.callId}: ${channel} redirected to ${command.extension} (${res.Response ?? '?'})`,
        );
      } catch (err) {
        if (this.stopped) return;
        if (raw !== null) await this.redis.rpush(key, raw).catch(() => undefined);
        this.logger.warn({ err }, 'PBX command not sent; retrying in 1 s');
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
    }
  }

  /**
   * After (re)connecting: the calls we hold open that Asterisk no longer has ended while we were
   * away, and callers waiting in queues we did not see arrive are taken in.
   */
  private async resync(connection: AmiConnection): Promise<void> {
    const now = new Date();
    const [channels, entries, open] = await Promise.all([
      connection.list('CoreShowChannels'),
      connection.list('QueueStatus'),
      this.repo.openCalls(),
    ]);
    const live = new Set(
      channels.flatMap((c) => {
        const id = pbxValue(c.Linkedid ?? c.LinkedID);
        return id === null ? [] : [id];
      }),
    );
    const known = new Set(open.map((c) => c.external_id));
    const events: IncomingCallEvent[] = [];
    for (const call of open) {
      if (live.has(call.external_id)) continue;
      this.observer?.forget(call.external_id);
      events.push(
        pbxEvent({
          callId: call.external_id,
          type: 'ended',
          at: now,
          line: call.line_code ?? this.config.ami?.defaultLine ?? 'pbx',
          queue: call.queue_code,
          agent: null,
          from: null,
        }),
      );
    }
    for (const entry of entries) {
      if ((entry.Event ?? '').toLowerCase() !== 'queueentry') continue;
      const callId = pbxValue(entry.LinkedID ?? entry.Linkedid ?? entry.Uniqueid);
      if (callId === null || known.has(callId)) continue;
      const waited = Number(entry.Wait);
      const at = new Date(now.getTime() - (Number.isFinite(waited) ? waited * 1000 : 0));
      const join: AmiMessage = {
        Event: 'QueueCallerJoin',
        Linkedid: callId,
        Uniqueid: callId,
        Queue: entry.Queue ?? '',
        CallerIDNum: entry.CallerIDNum ?? '',
        Timestamp: String(at.getTime() / 1000),
      };
      events.push(...(this.observer?.map(join, at).events ?? []));
    }
    if (events.length > 0) {
      this.logger.log(`resynchronised: ${events.length} events for calls missed while away`);
      this.enqueue(events);
    }
  }

  private onEvent(event: AmiMessage): void {
    if (!this.observer) return;
    const { events, problems } = this.observer.map(event, new Date());
    for (const problem of problems) this.logger.warn(`AMI event dropped: ${problem}`);
    if (events.length > 0) {
      this.status.lastEventAt = new Date().toISOString();
      this.eventsSinceStatus += events.length;
      this.enqueue(events);
    }
  }

  private enqueue(events: IncomingCallEvent[]): void {
    this.buffer.push(...events);
    if (this.buffer.length >= CONNECTOR_BUFFER && !this.paused && this.connection) {
      this.paused = true;
      this.connection.pause();
      this.logger.warn(
        `event buffer full (${this.buffer.length}): the database is slow; reading from Asterisk paused`,
      );
    }
    this.flushing ??= this.flush().finally(() => {
      this.flushing = null;
    });
  }

  /** Stores the buffer in order; a failed batch is retried, never dropped. */
  private async flush(): Promise<void> {
    while (this.buffer.length > 0) {
      const batch = this.buffer.slice(0, INGEST_BATCH);
      try {
        await this.ingest.ingest(batch, { source: 'telephony' });
        this.buffer.splice(0, batch.length);
      } catch (err) {
        this.logger.error({ err }, 'storing AMI events failed; retrying in 1 s');
        if (this.stopped) return;
        await new Promise((resolve) => setTimeout(resolve, 1000));
      }
      if (this.paused && this.buffer.length < CONNECTOR_BUFFER / 2) {
        this.paused = false;
        this.connection?.resume();
        this.logger.log('event buffer drained; reading from Asterisk resumed');
      }
    }
  }

  private async drain(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private setState(state: ConnectorStatus['state'], error: string | null): void {
    this.status.state = state;
    this.status.error = error;
    void this.publishStatus();
  }

  private async publishStatus(): Promise<void> {
    const now = Date.now();
    const seconds = Math.max((now - this.lastStatusAt) / 1000, 0.001);
    this.status.eventsPerSecond = Math.round((this.eventsSinceStatus / seconds) * 10) / 10;
    this.eventsSinceStatus = 0;
    this.lastStatusAt = now;
    this.status.buffered = this.buffer.length;
    this.status.updatedAt = new Date(now).toISOString();
    try {
      await this.redis.set(
        connectorStatusKey(this.config.redis.prefix),
        JSON.stringify(this.status),
        'EX',
        CONNECTOR_STATUS_TTL_SECONDS,
      );
    } catch (err) {
      this.logger.warn({ err }, 'could not publish the connector status');
    }
  }
}
