import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, IsUUID, Length, Matches } from 'class-validator';
import { CODE_MESSAGE, CODE_PATTERN, OptionalNotNull } from '@/modules/directory/dto/field-rules';
import type { RoutableCall } from '@/modules/routing/routing.repository';
import type { ManualOffer } from '@/modules/routing/call-offers.service';

export class AssignCallDto {
  @ApiProperty({ description: 'the person to offer the call to (users.id)' })
  @IsUUID()
  userId!: string;
}

/** Exactly one of the two; the service says so when both or neither are given. */
export class TransferCallDto {
  @ApiPropertyOptional({ description: 'offer the call to this person (users.id)' })
  @OptionalNotNull()
  @IsUUID()
  toUserId?: string;

  @ApiPropertyOptional({ example: 'support', description: 'route the call in this queue' })
  @OptionalNotNull()
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  toQueue?: string;
}

export class CallbackRequestDto {
  @ApiPropertyOptional({ example: 'Prefers mornings', description: 'appended to the call note' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 1000)
  note?: string;
}

export class ManualOfferDto {
  @ApiProperty() offerId!: string;
  @ApiProperty({ description: 'users.id of the person offered the call' }) staffId!: string;
  @ApiProperty() expiresAt!: string;
}

/** The call right after the action; routing reactions (wrap-up, the next offer) follow live. */
export class CallActionDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'telephony callId, or manual:<uuid>' }) externalId!: string;
  @ApiProperty() status!: string;
  @ApiProperty() outcome!: string;
  @ApiProperty({ nullable: true, type: String }) queueCode!: string | null;
  @ApiProperty({
    type: ManualOfferDto,
    nullable: true,
    description: 'set by assign and transfer to a person',
  })
  offer!: ManualOfferDto | null;

  static from(call: RoutableCall, offer: ManualOffer | null): CallActionDto {
    return {
      id: call.id,
      externalId: call.externalId,
      status: call.status,
      outcome: call.outcome,
      queueCode: call.queueCode,
      offer,
    };
  }
}
