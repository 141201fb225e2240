import { SetMetadata } from '@nestjs/common';
import type { JobName } from '@/queue/job-catalogue';

export const JOB_HANDLER_METADATA = 'switchboard:job-handler';

/** Marks the method that processes one job name; found by the worker host at boot. */
export const JobHandler = (name: JobName) => SetMetadata(JOB_HANDLER_METADATA, name);
