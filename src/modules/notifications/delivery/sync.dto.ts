import { IsInt, Max, Min } from 'class-validator';
import type { SyncRequest } from '@/modules/notifications/delivery/delivery.events';

export class SyncDto implements SyncRequest {
  @IsInt()
  @Min(0)
  @Max(Number.MAX_SAFE_INTEGER)
  since!: number;
}
