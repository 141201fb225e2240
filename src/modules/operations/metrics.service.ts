import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { JobProducer } from '@/queue/job-producer.service';
import { ServerHolder, SOCKET_SERVER } from '@/realtime/realtime.publisher';

/** One registry per process, so several apps in one test process do not collide. */
@Injectable()
export class MetricsService implements OnModuleInit {
  readonly registry = new Registry();
  readonly httpDuration = new Histogram({
    name: 'switchboard_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly httpErrors = new Counter({
    name: 'switchboard_http_errors_total',
    help: 'HTTP responses with status >= 400, by code class',
    labelNames: ['status'],
    registers: [this.registry],
  });

  constructor(
    private readonly jobs: JobProducer,
    @Inject(SOCKET_SERVER) private readonly holder: ServerHolder,
  ) {}

  onModuleInit(): void {
    collectDefaultMetrics({ register: this.registry, prefix: 'switchboard_' });
    const holder = this.holder;
    new Gauge({
      name: 'switchboard_sockets_connected',
      help: 'Socket.IO connections open on this API process',
      registers: [this.registry],
      collect() {
        this.set(holder.server?.engine.clientsCount ?? 0);
      },
    });
    const jobs = this.jobs;
    new Gauge({
      name: 'switchboard_queue_jobs',
      help: 'BullMQ jobs by queue and state',
      labelNames: ['queue', 'state'],
      registers: [this.registry],
      async collect() {
        for (const queue of jobs.allQueues()) {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed');
          for (const [state, count] of Object.entries(counts))
            this.set({ queue: queue.name, state }, count);
        }
      },
    });
  }
}
