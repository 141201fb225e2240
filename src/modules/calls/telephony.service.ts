import { Injectable } from '@nestjs/common';
import { AppError } from '@/common/errors/app-error';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import type {
  TelephonyBatchResultDto,
  TelephonyEventResultDto,
} from '@/modules/calls/dto/telephony.dto';
import {
  IncomingCallEvent,
  MAX_TELEPHONY_BATCH,
  parseTelephonyEvent,
} from '@/modules/calls/telephony-event';

/** Turns a connector's body into per-event answers; the valid events go to the ingest. */
@Injectable()
export class TelephonyService {
  constructor(private readonly ingest: CallIngestService) {}

  async receive(body: unknown): Promise<TelephonyBatchResultDto> {
    if (typeof body !== 'object' || body === null) {
      throw new AppError(
        'VALIDATION_FAILED',
        'Send one event object or an array of 1 to 5000 events as JSON',
      );
    }
    const batch: unknown[] = Array.isArray(body) ? body : [body];
    if (batch.length === 0) {
      throw new AppError('VALIDATION_FAILED', 'The batch is empty; send 1 to 5000 events');
    }
    if (batch.length > MAX_TELEPHONY_BATCH) {
      throw new AppError(
        'BATCH_TOO_LARGE',
        `A batch holds at most ${MAX_TELEPHONY_BATCH} events, got ${batch.length}; split it`,
        { details: { max: MAX_TELEPHONY_BATCH, got: batch.length } },
      );
    }

    const results: TelephonyEventResultDto[] = [];
    const valid: IncomingCallEvent[] = [];
    const validAt: number[] = [];
    for (const raw of batch) {
      const parsed = parseTelephonyEvent(raw);
      if (parsed.ok) {
        validAt.push(results.length);
        valid.push(parsed.event);
        results.push({ id: parsed.event.id, status: 'accepted' });
      } else {
        results.push({ id: parsed.id, status: 'rejected', reason: parsed.reason });
      }
    }
    if (valid.length > 0) {
      const { statuses } = await this.ingest.ingest(valid, { source: 'telephony' });
      statuses.forEach((status, i) => {
        results[validAt[i]].status = status;
      });
    }
    return { results };
  }
}
