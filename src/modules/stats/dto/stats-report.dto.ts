import { ApiProperty } from '@nestjs/swagger';

/** Fractions are 0..1, durations are seconds; null where the figure has no calls to speak of. */
const N = (description?: string) => ApiProperty({ type: Number, nullable: true, description });

class BucketRowDto {
  @ApiProperty() bucketStart!: string;
  @ApiProperty({ description: 'exclusive' }) bucketEnd!: string;
}

export class LineStatsRowDto extends BucketRowDto {
  @ApiProperty({ type: String, nullable: true, description: 'null: calls on an unmapped line' })
  lineId!: string | null;
  @ApiProperty({ type: String, nullable: true }) lineCode!: string | null;
  @ApiProperty() offered!: number;
  @ApiProperty() answered!: number;
  @ApiProperty() abandoned!: number;
  @ApiProperty() missed!: number;
  @ApiProperty() blocked!: number;
  @ApiProperty({ description: 'seconds of calls on the line within the bucket' })
  occupiedSeconds!: number;
  @ApiProperty({ description: 'Erlangs: occupied seconds / bucket seconds' }) traffic!: number;
  @ApiProperty() peakConcurrency!: number;
  @N() channels!: number | null;
  @N('traffic / channels') occupancy!: number | null;
}

export class QueueStatsRowDto extends BucketRowDto {
  @ApiProperty() queueId!: string;
  @ApiProperty({ type: String, nullable: true }) queueCode!: string | null;
  @ApiProperty() offered!: number;
  @ApiProperty() answered!: number;
  @ApiProperty() abandoned!: number;
  @ApiProperty() missed!: number;
  @ApiProperty() blocked!: number;
  @N('abandoned / offered') abandonRate!: number | null;
  @N('mean wait of answered calls') asa!: number | null;
  @N() waitMedian!: number | null;
  @N() waitP90!: number | null;
  @N() waitMax!: number | null;
  @N('mean talk + wrap-up of answered calls that ended') aht!: number | null;
  @N('answered within the threshold / offered') serviceLevel!: number | null;
  @N('the threshold T used; null if it changed within the bucket') slThresholdSeconds!:
    number | null;
}

export class StaffStatsRowDto extends BucketRowDto {
  @ApiProperty() staffId!: string;
  @ApiProperty({ type: String, nullable: true }) username!: string | null;
  @ApiProperty({ type: String, nullable: true }) displayName!: string | null;
  @ApiProperty({ description: 'call offers made, by when they were made' }) offers!: number;
  @ApiProperty() accepted!: number;
  @ApiProperty() declined!: number;
  @ApiProperty({ description: 'offers that timed out' }) noAnswer!: number;
  @ApiProperty({ description: 'request offers accepted' }) requestsAccepted!: number;
  @ApiProperty({ description: 'calls answered, by arrival' }) answered!: number;
  @ApiProperty({ description: 'answered calls that have ended' }) handled!: number;
  @ApiProperty() talkSeconds!: number;
  @ApiProperty({ description: "queue's configured after-call work per handled call" })
  wrapUpSeconds!: number;
  @N() aht!: number | null;
  @ApiProperty({
    description: 'seconds logged in and not on break (status available), split by time',
  })
  availableSeconds!: number;
  @N('(talk + wrap-up) / availableSeconds; null when never available in the bucket')
  occupancy!: number | null;
}

export class ClientStatsRowDto extends BucketRowDto {
  @ApiProperty() clientId!: string;
  @ApiProperty({ type: String, nullable: true }) clientName!: string | null;
  @ApiProperty({ description: 'calls from the client, by arrival' }) contacts!: number;
  @ApiProperty() answered!: number;
  @ApiProperty() abandoned!: number;
  @ApiProperty() missed!: number;
}

class ReportDto {
  @ApiProperty({ description: 'start of the first bucket' }) from!: string;
  @ApiProperty({ description: 'end of the last bucket' }) to!: string;
  @ApiProperty({ enum: ['15m', '1h', '1d', '1w'] }) bucket!: string;
  @ApiProperty() tz!: string;
}

export class LineStatsDto extends ReportDto {
  @ApiProperty({ type: [LineStatsRowDto] }) rows!: LineStatsRowDto[];
}
export class QueueStatsDto extends ReportDto {
  @ApiProperty({ type: [QueueStatsRowDto] }) rows!: QueueStatsRowDto[];
}
export class StaffStatsDto extends ReportDto {
  @ApiProperty({ type: [StaffStatsRowDto] }) rows!: StaffStatsRowDto[];
}
export class ClientStatsDto extends ReportDto {
  @ApiProperty({ type: [ClientStatsRowDto] }) rows!: ClientStatsRowDto[];
}

export class HeatmapCellDto {
  @ApiProperty({ description: 'ISO weekday, 1 = Monday' }) weekday!: number;
  @ApiProperty({ description: 'hour of day on the wall clock of tz, 0-23' }) hour!: number;
  @ApiProperty() arrivals!: number;
}

export class HeatmapDto {
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() tz!: string;
  @ApiProperty({ type: String, nullable: true }) queueId!: string | null;
  @ApiProperty({ type: [HeatmapCellDto], description: '168 cells, Monday 00h first' })
  rows!: HeatmapCellDto[];
  @ApiProperty({
    description: 'arrivals[weekday − 1][hour]',
    type: 'array',
    items: { type: 'array', items: { type: 'number' } },
  })
  matrix!: number[][];
}

export class ForecastHourDto {
  @ApiProperty({ description: 'hour of day on the wall clock of tz, 0-23' }) hour!: number;
  @ApiProperty({ description: 'how many such hours the period has' }) hoursObserved!: number;
  @ApiProperty() arrivals!: number;
  @ApiProperty() arrivalsPerHour!: number;
  @N('observed AHT, seconds') aht!: number | null;
  @N('arrivals per hour × AHT / 3600') erlangs!: number | null;
  @N('Erlang B: lines for the target blocking') lines!: number | null;
  @N('Erlang B blocking with `lines`') blocking!: number | null;
  @N('Erlang C: agents for the target service level') agents!: number | null;
  @N() pWait!: number | null;
  @N() serviceLevel!: number | null;
  @N('seconds') asa!: number | null;
  @N() occupancy!: number | null;
}

export class ForecastDto {
  @ApiProperty() queueId!: string;
  @ApiProperty() queueCode!: string;
  @ApiProperty() from!: string;
  @ApiProperty() to!: string;
  @ApiProperty() tz!: string;
  @ApiProperty() slThresholdSeconds!: number;
  @ApiProperty() targetServiceLevel!: number;
  @ApiProperty() targetBlocking!: number;
  @ApiProperty({ type: [ForecastHourDto] }) hours!: ForecastHourDto[];
}

/** CSV columns, in order; a header line is sent even when there are no rows. */
export const CSV_COLUMNS = {
  lines: [
    'bucketStart',
    'bucketEnd',
    'lineId',
    'lineCode',
    'offered',
    'answered',
    'abandoned',
    'missed',
    'blocked',
    'occupiedSeconds',
    'traffic',
    'peakConcurrency',
    'channels',
    'occupancy',
  ] satisfies (keyof LineStatsRowDto)[],
  queues: [
    'bucketStart',
    'bucketEnd',
    'queueId',
    'queueCode',
    'offered',
    'answered',
    'abandoned',
    'missed',
    'blocked',
    'abandonRate',
    'asa',
    'waitMedian',
    'waitP90',
    'waitMax',
    'aht',
    'serviceLevel',
    'slThresholdSeconds',
  ] satisfies (keyof QueueStatsRowDto)[],
  staff: [
    'bucketStart',
    'bucketEnd',
    'staffId',
    'username',
    'displayName',
    'offers',
    'accepted',
    'declined',
    'noAnswer',
    'requestsAccepted',
    'answered',
    'handled',
    'talkSeconds',
    'wrapUpSeconds',
    'aht',
    'availableSeconds',
    'occupancy',
  ] satisfies (keyof StaffStatsRowDto)[],
  clients: [
    'bucketStart',
    'bucketEnd',
    'clientId',
    'clientName',
    'contacts',
    'answered',
    'abandoned',
    'missed',
  ] satisfies (keyof ClientStatsRowDto)[],
  heatmap: ['weekday', 'hour', 'arrivals'] satisfies (keyof HeatmapCellDto)[],
  forecast: [
    'hour',
    'hoursObserved',
    'arrivals',
    'arrivalsPerHour',
    'aht',
    'erlangs',
    'lines',
    'blocking',
    'agents',
    'pWait',
    'serviceLevel',
    'asa',
    'occupancy',
  ] satisfies (keyof ForecastHourDto)[],
};
