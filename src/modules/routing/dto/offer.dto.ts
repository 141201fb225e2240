import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { OfferItem, RequestOfferItem } from '@/modules/routing/routing.ports';
import type { RoutingDecisionRecord } from '@/modules/routing/entities/routing-decision.entity';

export class OfferAnswerDto {
  @IsUUID()
  offerId!: string;
}

/** One payload shape for both kinds; `kind` says which item it carries. */
export type OfferPayload =
  | { offerId: string; kind: 'call'; item: OfferItem; dossier: unknown; expiresAt: string }
  | {
      offerId: string;
      kind: 'request';
      item: RequestOfferItem;
      dossier: unknown;
      expiresAt: string;
    };

export interface OfferRevokedPayload {
  offerId: string | null;
  itemId: string;
  reason: string;
}

export interface RoutingAlertPayload {
  kind: 'call.missed';
  callId: string;
  queue: string | null;
  waitedSeconds: number;
  message: string;
}

export class RoutingDecisionDto {
  @ApiProperty() id!: string;
  @ApiProperty() at!: string;
  @ApiProperty() strategy!: string;
  @ApiProperty({
    description: 'what caused the decision: arrival, a decline, a timeout, someone becoming free',
  })
  trigger!: string;
  @ApiProperty({ type: [String], description: 'staff ids in offer order' }) ordered!: string[];
  @ApiProperty({ type: [String] }) offeredTo!: string[];
  @ApiProperty({ description: 'who was not eligible and why' }) candidates!: unknown;
  @ApiProperty() reason!: string;

  static from(r: RoutingDecisionRecord): RoutingDecisionDto {
    return {
      id: r.id,
      at: r.at.toISOString(),
      strategy: r.strategy,
      trigger: r.trigger,
      ordered: r.ordered,
      offeredTo: r.offeredTo,
      candidates: r.candidates,
      reason: r.reason,
    };
  }
}
