import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { PageQueryDto } from '@/common/pagination/page.dto';
import {
  CALL_EVENT_TYPES,
  CallEventType,
  CallOutcome,
  CallStatus,
} from '@/modules/calls/call-projection';
import { DossierDto, PersonRefDto } from '@/modules/calls/dto/dossier.dto';
import {
  CALL_OUTCOMES,
  CALL_SOURCES,
  CALL_STATUSES,
  Call,
  CallSource,
} from '@/modules/calls/entities/call.entity';
import {
  CALL_EVENT_SOURCES,
  CallEvent,
  CallEventSource,
} from '@/modules/calls/entities/call-event.entity';
import { CODE_MESSAGE, CODE_PATTERN, OptionalNotNull } from '@/modules/directory/dto/field-rules';

export const MAX_CALL_PRIORITY = 9;

export class RegisterCallDto {
  @ApiProperty({
    example: '+1 201-555-0123',
    description: "the caller's number, any common format",
  })
  @IsString()
  @Length(1, 40)
  from!: string;

  @ApiProperty({ example: 'main', description: 'line code' })
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  line!: string;

  @ApiPropertyOptional({ description: 'when the receptionist knows the client already' })
  @OptionalNotNull()
  @IsUUID()
  clientId?: string;

  @ApiPropertyOptional({ example: 'sales', description: 'queue code: the call waits there' })
  @OptionalNotNull()
  @IsString()
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  queue?: string;

  @ApiPropertyOptional({ example: 'Invoice question' })
  @OptionalNotNull()
  @IsString()
  @Length(1, 200)
  topic?: string;

  @ApiPropertyOptional()
  @OptionalNotNull()
  @IsString()
  @Length(1, 4000)
  note?: string;

  @ApiPropertyOptional({ default: 0, minimum: 0, maximum: MAX_CALL_PRIORITY })
  @OptionalNotNull()
  @IsInt()
  @Min(0)
  @Max(MAX_CALL_PRIORITY)
  priority?: number;
}

export class UnfinishedCallsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ description: 'queue code as named on the call events' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  queue?: string;

  @ApiPropertyOptional({ description: 'line code as named on the call events' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  line?: string;

  @ApiPropertyOptional() @IsOptional() @IsUUID() clientId?: string;

  @ApiPropertyOptional({
    description:
      'digits anywhere in the caller number, 3 to 15 of them ("0388" finds +12014570388)',
  })
  @IsOptional()
  @Matches(/^\+?[0-9]{3,15}$/, { message: 'caller must be 3 to 15 digits, optionally after a +' })
  caller?: string;
}

export class ListCallsQueryDto extends UnfinishedCallsQueryDto {
  @ApiPropertyOptional({
    description: 'the telephony callId (or manual:<uuid>) exactly as the PBX sent it',
  })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  externalId?: string;

  @ApiPropertyOptional({ enum: CALL_STATUSES })
  @IsOptional()
  @IsIn(CALL_STATUSES)
  status?: CallStatus;

  @ApiPropertyOptional({ enum: CALL_OUTCOMES })
  @IsOptional()
  @IsIn(CALL_OUTCOMES)
  outcome?: CallOutcome;

  @ApiPropertyOptional({ description: 'arrived at or after (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ description: 'arrived before (ISO-8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;
}

export class CallDto {
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'telephony callId, or manual:<uuid>' }) externalId!: string;
  @ApiProperty({ enum: CALL_SOURCES }) source!: CallSource;
  @ApiProperty({ enum: CALL_STATUSES }) status!: CallStatus;
  @ApiProperty({ enum: CALL_OUTCOMES }) outcome!: CallOutcome;
  @ApiProperty() arrivedAt!: string;
  @ApiProperty({ nullable: true, type: String }) queuedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) firstOfferedAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) answeredAt!: string | null;
  @ApiProperty({ nullable: true, type: String }) endedAt!: string | null;
  @ApiProperty() lastEventAt!: string;
  @ApiProperty({ nullable: true, type: String }) lineCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) queueCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) answeredByCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) lastAgentCode!: string | null;
  @ApiProperty({ nullable: true, type: String, description: 'E.164 when valid' })
  fromNumber!: string | null;
  @ApiProperty({ nullable: true, type: String }) toNumber!: string | null;
  @ApiProperty() transfers!: number;
  @ApiProperty() offers!: number;
  @ApiProperty() eventCount!: number;
  @ApiProperty({ nullable: true, type: String, description: 'null while the code is unmapped' })
  lineId!: string | null;
  @ApiProperty({ nullable: true, type: String }) queueId!: string | null;
  @ApiProperty({ type: PersonRefDto, nullable: true }) answeredBy!: PersonRefDto | null;
  @ApiProperty({ nullable: true, type: String }) clientId!: string | null;
  @ApiProperty({ nullable: true, type: String }) contactId!: string | null;
  @ApiProperty({ nullable: true, type: String }) topic!: string | null;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty() priority!: number;
  @ApiProperty({ nullable: true, type: String }) calledBackAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({ type: DossierDto }) dossier?: DossierDto;

  /** Expects answeredBy to be loaded. */
  static from(call: Call, dossier?: DossierDto): CallDto {
    return {
      id: call.id,
      externalId: call.externalId,
      source: call.source,
      status: call.status,
      outcome: call.outcome,
      arrivedAt: call.arrivedAt.toISOString(),
      queuedAt: iso(call.queuedAt),
      firstOfferedAt: iso(call.firstOfferedAt),
      answeredAt: iso(call.answeredAt),
      endedAt: iso(call.endedAt),
      lastEventAt: call.lastEventAt.toISOString(),
      lineCode: call.lineCode,
      queueCode: call.queueCode,
      answeredByCode: call.answeredByCode,
      lastAgentCode: call.lastAgentCode,
      fromNumber: call.fromNumber,
      toNumber: call.toNumber,
      transfers: call.transfers,
      offers: call.offers,
      eventCount: call.eventCount,
      lineId: call.line?.id ?? null,
      queueId: call.queue?.id ?? null,
      answeredBy: call.answeredBy
        ? { id: call.answeredBy.id, displayName: call.answeredBy.displayName }
        : null,
      clientId: call.client?.id ?? null,
      contactId: call.contact?.id ?? null,
      topic: call.topic,
      note: call.note,
      priority: call.priority,
      calledBackAt: iso(call.calledBackAt),
      createdAt: call.createdAt.toISOString(),
      updatedAt: call.updatedAt.toISOString(),
      ...(dossier ? { dossier } : {}),
    };
  }
}

export class CallEventDto {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: CALL_EVENT_TYPES }) type!: CallEventType;
  @ApiProperty() at!: string;
  @ApiProperty({ nullable: true, type: String }) line!: string | null;
  @ApiProperty({ nullable: true, type: String }) queue!: string | null;
  @ApiProperty({ nullable: true, type: String }) agent!: string | null;
  @ApiProperty({ nullable: true, type: String }) from!: string | null;
  @ApiProperty({ nullable: true, type: String }) to!: string | null;
  @ApiProperty({ enum: CALL_EVENT_SOURCES }) source!: CallEventSource;
  @ApiProperty() receivedAt!: string;

  static from(event: CallEvent): CallEventDto {
    return {
      id: event.id,
      type: event.type,
      at: event.at.toISOString(),
      line: event.line,
      queue: event.queue,
      agent: event.agent,
      from: event.from,
      to: event.to,
      source: event.source,
      receivedAt: event.receivedAt.toISOString(),
    };
  }
}

/**
 * One entry of a client's contact history. Only calls for now; the requests, stages and routing
 * features add their own kinds of entry to this list.
 */
export class ClientHistoryItemDto {
  @ApiProperty({ enum: ['call'] }) kind!: 'call';
  @ApiProperty() id!: string;
  @ApiProperty({ description: 'when the contact began' }) at!: string;
  @ApiProperty({ enum: CALL_STATUSES }) status!: CallStatus;
  @ApiProperty({ enum: CALL_OUTCOMES }) outcome!: CallOutcome;
  @ApiProperty() eventCount!: number;
  @ApiProperty({ type: PersonRefDto, nullable: true }) answeredBy!: PersonRefDto | null;
  @ApiProperty({ nullable: true, type: String }) fromNumber!: string | null;
  @ApiProperty({ nullable: true, type: String }) lineCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) queueCode!: string | null;
  @ApiProperty({ nullable: true, type: String }) topic!: string | null;

  /** Expects answeredBy to be loaded. */
  static fromCall(call: Call): ClientHistoryItemDto {
    return {
      kind: 'call',
      id: call.id,
      at: call.arrivedAt.toISOString(),
      status: call.status,
      outcome: call.outcome,
      eventCount: call.eventCount,
      answeredBy: call.answeredBy
        ? { id: call.answeredBy.id, displayName: call.answeredBy.displayName }
        : null,
      fromNumber: call.fromNumber,
      lineCode: call.lineCode,
      queueCode: call.queueCode,
      topic: call.topic,
    };
  }
}

function iso(value: Date | null): string | null {
  return value === null ? null : value.toISOString();
}
