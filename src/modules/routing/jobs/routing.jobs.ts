import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { JobPayloads } from '@/queue/job-catalogue';
import { JobHandler } from '@/queue/job-handler.decorator';
import { JobProducer } from '@/queue/job-producer.service';
import { RoutingRecoveryService } from '@/modules/routing/routing-recovery.service';
import { CallLifecycleService } from '@/modules/routing/call-lifecycle.service';
import { OfferAnswersService } from '@/modules/routing/offer-answers.service';

const RECOVER_EVERY_MS = 15_000;

/** Thin and retry-safe: every step re-reads state and only acts if it still applies. */
@Injectable()
export class RoutingJobs implements OnApplicationBootstrap {
  constructor(
    private readonly answers: OfferAnswersService,
    private readonly lifecycle: CallLifecycleService,
    private readonly recovery: RoutingRecoveryService,
    private readonly jobs: JobProducer,
  ) {}

  /** Every worker upserts the same scheduler: one sweep per period whatever their number. */
  async onApplicationBootstrap(): Promise<void> {
    await this.jobs.repeat('routing.recover', RECOVER_EVERY_MS, {});
  }

  @JobHandler('routing.recover')
  async recover(job: Job<JobPayloads['routing.recover']>): Promise<void> {
    const found = await this.recovery.sweep();
    await job.updateProgress(found);
  }

  @JobHandler('routing.offer-timeout')
  async offerTimeout(job: Job<JobPayloads['routing.offer-timeout']>): Promise<void> {
    await this.answers.expireOffer(job.data.offerId);
  }

  @JobHandler('routing.max-wait')
  async maxWait(job: Job<JobPayloads['routing.max-wait']>): Promise<void> {
    await this.lifecycle.maxWaitReached(job.data.callId, job.data.leg ?? 0);
  }

  @JobHandler('routing.wrap-up-done')
  async wrapUpDone(job: Job<JobPayloads['routing.wrap-up-done']>): Promise<void> {
    await this.lifecycle.wrapUpDone(job.data.userId, job.data.callId);
  }
}
