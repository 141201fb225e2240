/**
 * Every BullMQ queue, job name and payload, in one place. Producers and processors refer to
 * these constants; the worker refuses to boot if a job here has no processor.
 */
export const QUEUES = {
  maintenance: 'maintenance',
  routing: 'routing',
} as const;
export type QueueName = (typeof QUEUES)[keyof typeof QUEUES];

export interface JobPayloads {
  'auth.api-key-used': { apiKeyId: string; at: string };
  /** A person's last socket closed; if none came back within the grace period, set offline. */
  'staff.presence-check': { userId: string; disconnectedAt: string };
}
export type JobName = keyof JobPayloads;

export const JOB_QUEUE: { [N in JobName]: QueueName } = {
  'auth.api-key-used': QUEUES.maintenance,
  'staff.presence-check': QUEUES.routing,
};

export const JOB_NAMES = Object.keys(JOB_QUEUE) as JobName[];
