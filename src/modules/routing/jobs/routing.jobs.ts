import { Injectable } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { RoutingService } from '@/modules/routing/routing.service';

/** Thin and retry-safe: every step re-reads state and only acts if it still applies. */
@Injectable()
export class RoutingJobs {
  constructor(private readonly routing: RoutingService) {}

  @JobHandler('routing.offer-timeout')
  async offerTimeout(job: Job<JobPayloads['routing.offer-timeout']>): Promise<void> {
    await this.routing.expireOffer(job.data.offerId);
  }

  @JobHandler('routing.max-wait')
  async maxWait(job: Job<JobPayloads['routing.max-wait']>): Promise<void> {
    await this.routing.maxWaitReached(job.data.callId, job.data.leg ?? 0);
  }

  @JobHandler('routing.wrap-up-done')
  async wrapUpDone(job: Job<JobPayloads['routing.wrap-up-done']>): Promise<void> {
    await this.routing.wrapUpDone(job.data.userId, job.data.callId);
  }
}
