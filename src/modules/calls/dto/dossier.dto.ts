import { ApiProperty } from '@nestjs/swagger';
import { CLIENT_KINDS, ClientKind } from '@/modules/directory/entities/client.entity';
import type { CallOutcome, CallStatus } from '@/modules/calls/call-projection';
import { CALL_OUTCOMES, CALL_STATUSES } from '@/modules/calls/entities/call.entity';

export class PersonRefDto {
  @ApiProperty() id!: string;
  @ApiProperty() displayName!: string;
}

export class DossierClientDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ enum: CLIENT_KINDS }) kind!: ClientKind;
}

export class DossierContactDto {
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) position!: string | null;
}

export class LastContactDto {
  @ApiProperty() id!: string;
  @ApiProperty() arrivedAt!: string;
  @ApiProperty({ enum: CALL_STATUSES }) status!: CallStatus;
  @ApiProperty({ enum: CALL_OUTCOMES }) outcome!: CallOutcome;
  @ApiProperty({ type: PersonRefDto, nullable: true }) answeredBy!: PersonRefDto | null;
}

/** Who is calling, travelling with the call to the console and to the person offered it. */
export class DossierDto {
  @ApiProperty({ type: DossierClientDto, nullable: true }) client!: DossierClientDto | null;
  @ApiProperty({ type: DossierContactDto, nullable: true }) contact!: DossierContactDto | null;
  @ApiProperty({ type: PersonRefDto, nullable: true }) curator!: PersonRefDto | null;
  @ApiProperty({ type: LastContactDto, isArray: true, description: "the client's last 10 calls" })
  lastContacts!: LastContactDto[];
  @ApiProperty({ type: Object, isArray: true, description: 'filled by the requests feature' })
  openRequests!: unknown[];
}
