import { connect, Socket } from 'node:net';
import { AmiMessage, AmiParser, formatAction } from '@/modules/pbx/ami/ami-protocol';

export interface AmiConnectOptions {
  host: string;
  port: number;
  username: string;
  secret: string;
  /** For connect, banner, log-in and each action. */
  timeoutMs?: number;
}

/** Asterisk refused the log-in: retrying with the same secret will not help. */
export class AmiAuthError extends Error {}

interface Pending {
  resolve: (messages: AmiMessage[]) => void;
  reject: (err: Error) => void;
  /** List actions (QueueStatus, CoreShowChannels) gather events until `EventList: Complete`. */
  list: boolean;
  collected: AmiMessage[];
  timer: NodeJS.Timeout;
}

/**
 * A small typed AMI client: one TCP connection, actions correlated by ActionID, events handed to
 * `onEvent` in arrival order. The npm clients (`asterisk-manager`, `asterisk-ami-client`) ship
 * no types and see little maintenance; the protocol is small enough to own.
 */
export class AmiConnection {
  private readonly pending = new Map<string, Pending>();
  private readonly parser = new AmiParser();
  private nextId = 1;
  private closed = false;

  private constructor(
    private readonly socket: Socket,
    private readonly timeoutMs: number,
    private readonly onEvent: (event: AmiMessage) => void,
  ) {}

  /** Connects and logs in; rejects with AmiAuthError when the credentials are refused. */
  static open(
    options: AmiConnectOptions,
    onEvent: (event: AmiMessage) => void,
    onClose: (err: Error | null) => void,
  ): Promise<AmiConnection> {
    const timeoutMs = options.timeoutMs ?? 10_000;
    return new Promise((resolve, reject) => {
      const socket = connect({ host: options.host, port: options.port });
      socket.setEncoding('utf8');
      socket.setKeepAlive(true, 30_000);
      const connection = new AmiConnection(socket, timeoutMs, onEvent);
      let ready = false;
      const fail = (err: Error): void => {
        if (!ready) reject(err);
      };
      const timer = setTimeout(() => {
        fail(new Error(`no AMI banner from ${options.host}:${options.port} in ${timeoutMs} ms`));
        socket.destroy();
      }, timeoutMs);
      socket.on('data', (chunk: string) => {
        let messages: AmiMessage[];
        try {
          messages = connection.parser.push(chunk);
        } catch (err) {
          socket.destroy(err as Error);
          return;
        }
        if (!ready && connection.parser.banner !== null && !connection.loggingIn) {
          connection.loggingIn = true;
          clearTimeout(timer);
          connection
            .action('Login', { Username: options.username, Secret: options.secret, Events: 'on' })
            .then((res) => {
              if ((res.Response ?? '').toLowerCase() !== 'success') {
                throw new AmiAuthError(
                  `AMI log-in as '${options.username}' refused: ${res.Message ?? 'no reason given'}`,
                );
              }
              ready = true;
              resolve(connection);
            })
            .catch((err: Error) => {
              fail(err);
              socket.destroy();
            });
        }
        for (const message of messages) connection.dispatch(message);
      });
      socket.on('error', (err) => fail(err));
      socket.on('close', () => {
        clearTimeout(timer);
        connection.closed = true;
        connection.failPending(new Error('AMI connection closed'));
        fail(new Error(`AMI connection to ${options.host}:${options.port} closed`));
        if (ready) onClose(null);
      });
    });
  }

  private loggingIn = false;

  /** One action, answered by one response. */
  async action(
    name: string,
    fields: Record<string, string | readonly string[]> = {},
  ): Promise<AmiMessage> {
    const [response] = await this.send(name, fields, false);
    return response;
  }

  /** A list action: its response, then the events it produced up to `EventList: Complete`. */
  async list(name: string, fields: Record<string, string> = {}): Promise<AmiMessage[]> {
    const [response, ...events] = await this.send(name, fields, true);
    if ((response.Response ?? '').toLowerCase() === 'error') {
      throw new Error(`AMI ${name} failed: ${response.Message ?? 'error'}`);
    }
    return events;
  }

  /** Stop reading while the ingest catches up; TCP then holds Asterisk back. */
  pause(): void {
    this.socket.pause();
  }

  resume(): void {
    this.socket.resume();
  }

  close(): void {
    this.closed = true;
    this.socket.end();
    this.socket.destroy();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  private send(
    name: string,
    fields: Record<string, string | readonly string[]>,
    list: boolean,
  ): Promise<AmiMessage[]> {
    if (this.closed) return Promise.reject(new Error('AMI connection closed'));
    const id = `sb-${this.nextId++}`;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`AMI ${name} not answered in ${this.timeoutMs} ms`));
      }, this.timeoutMs);
      this.pending.set(id, { resolve, reject, list, collected: [], timer });
      this.socket.write(formatAction(name, id, fields));
    });
  }

  private dispatch(message: AmiMessage): void {
    const id = message.ActionID;
    const pending = id === undefined ? undefined : this.pending.get(id);
    if (!pending) {
      if (message.Event !== undefined) this.onEvent(message);
      return;
    }
    pending.collected.push(message);
    const isResponse = message.Response !== undefined;
    const done = !pending.list
      ? isResponse
      : (isResponse && message.Response.toLowerCase() === 'error') ||
        (message.EventList ?? '').toLowerCase() === 'complete';
    if (!done) return;
    clearTimeout(pending.timer);
    this.pending.delete(id);
    pending.resolve(pending.collected);
  }

  private failPending(err: Error): void {
    for (const [id, pending] of this.pending) {
      clearTimeout(pending.timer);
      pending.reject(err);
      this.pending.delete(id);
    }
  }
}
