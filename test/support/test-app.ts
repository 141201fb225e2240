import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';
import { io, Socket } from 'socket.io-client';
import request from 'supertest';
import TestAgent from 'supertest/lib/agent';
import { AppModule } from '@/app.module';
import { configureApi } from '@/bootstrap';

export interface TestApp {
  app: INestApplication;
  url: string;
  http: TestAgent;
  close(): Promise<void>;
}

/**
 * Starts the real API process wiring (same module, body limits, adapter, filters) on a random
 * port. Environment overrides apply to this app only.
 */
export async function startApp(env: Record<string, string> = {}): Promise<TestApp> {
  const saved: Record<string, string | undefined> = {};
  for (const [key, value] of Object.entries(env)) {
    saved[key] = process.env[key];
    process.env[key] = value;
  }
  try {
    const app = await NestFactory.create<NestExpressApplication>(AppModule, {
      bodyParser: false,
      logger: false,
      abortOnError: false,
    });
    await configureApi(app);
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    return { app, url, http: request(url), close: () => app.close() };
  } finally {
    for (const [key, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}

export function connectSocket(
  url: string,
  auth: Record<string, unknown>,
  headers: Record<string, string> = {},
): Socket {
  return io(url, {
    transports: ['websocket'],
    auth,
    extraHeaders: headers,
    reconnection: false,
    forceNew: true,
  });
}

/** Resolves once connected, rejects with the server's connect_error (code in err.data). */
export function connected(socket: Socket): Promise<Socket> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}
