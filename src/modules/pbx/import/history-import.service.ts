import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppConfig } from '@/config/app-config';
import { CallIngestService } from '@/modules/calls/call-ingest.service';
import type { IncomingCallEvent } from '@/modules/calls/telephony-event';
import {
  CallsCsvMapper,
  callsCsvHeaderProblem,
  CdrCsvMapper,
  columnsOf,
  QueueLogCsvMapper,
  queueLogCsvHeaderProblem,
} from '@/modules/pbx/import/csv-mappers';
import {
  csvRows,
  FileRow,
  firstCsvRow,
  readableSize,
  textLines,
} from '@/modules/pbx/import/history-files';
import type { HistoryMapper, MappedRecord } from '@/modules/pbx/import/history-record';
import { isTimeZone } from '@/modules/pbx/import/log-time';
import { parseQueueLogLine, QueueLogMapper } from '@/modules/pbx/import/queue-log.mapper';
import { PbxLineMap } from '@/modules/pbx/pbx-names';
import { RollupRepository } from '@/modules/stats/rollups/rollup.repository';
import { RollupService } from '@/modules/stats/rollups/rollup.service';

export const IMPORT_FORMATS = ['queue_log', 'queue_log-csv', 'cdr-csv', 'calls-csv'] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

export function isImportFormat(value: string): value is ImportFormat {
  return (IMPORT_FORMATS as readonly string[]).includes(value);
}

/** Events per ingest call: big enough to be a few statements per thousand, small enough to stream. */
export const IMPORT_BATCH = 2500;
/**
 * Batches in flight at once: one is parsed while another is written, and PostgreSQL gets two
 * transactions to run side by side. The ingest locks calls in id order, so two batches naming
 * the same call wait for each other instead of deadlocking, and the later one recomputes the
 * call from every stored event, so the row is the same as with one batch at a time.
 */
export const IMPORT_IN_FLIGHT = 2;

export interface ImportOptions {
  format: ImportFormat;
  files: readonly string[];
  /** The PBX's zone, for times written without an offset. */
  timeZone: string;
  /** Parse and count, write nothing. */
  dryRun: boolean;
  /** The line of calls whose dialled number the file does not give. */
  defaultLine: string;
}

export interface ImportCounts {
  /** Lines (or CSV records) read. */
  records: number;
  /** Calls the files describe (a call per first sight of its id in the file). */
  calls: number;
  /** Events the files amount to. */
  events: number;
  /** Of those, newly stored (zero on a dry run). */
  stored: number;
  /** Already stored, by an earlier import or the live connector, or repeated in the file. */
  duplicates: number;
  rejected: number;
  /** Well-formed entries the call model has no use for (agent sessions, custom events). */
  ignored: number;
}

export interface ImportReport extends ImportCounts {
  /** The span of event times stored, whose statistics were rebuilt. */
  from: Date | null;
  to: Date | null;
  rebuiltBuckets: number;
  /** Reading, parsing and storing, then the statistics rebuild. */
  importMs: number;
  rebuildMs: number;
}

export interface ImportHooks {
  onProgress?: (done: number, total: number) => void;
  onRejected?: (file: string, line: number, reason: string) => void;
  onRebuild?: (done: number, total: number) => void;
}

/** A problem found before anything was written: nothing was imported. */
export class ImportRefused extends Error {}

/**
 * Loads PBX history files through the same ingest as `POST /api/telephony/events`, called
 * in-process in batches of IMPORT_BATCH: the same validation, idempotency and unmapped-code
 * handling without an API key, HTTP framing or a running API, and each batch is awaited before
 * more of the file is read, so a slow database slows the reading instead of filling memory.
 */
@Injectable()
export class HistoryImportService {
  constructor(
    private readonly em: EntityManager,
    private readonly config: AppConfig,
    private readonly ingest: CallIngestService,
  ) {}

  async run(options: ImportOptions, hooks: ImportHooks = {}): Promise<ImportReport> {
    const total = await this.check(options);
    const started = Date.now();
    const lines = await this.lineMap(options.defaultLine);
    const counts: ImportCounts = {
      records: 0,
      calls: 0,
      events: 0,
      stored: 0,
      duplicates: 0,
      rejected: 0,
      ignored: 0,
    };
    const span: { first: number | null; last: number | null } = { first: null, last: null };
    let batch: IncomingCallEvent[] = [];
    const inFlight = new Set<Promise<void>>();
    let failure: Error | null = null;
    const write = async (events: IncomingCallEvent[]): Promise<void> => {
      const { statuses } = await this.ingest.ingest(events, {
        source: 'telephony',
        rebuildsStats: true,
        mostlyNew: true,
      });
      statuses.forEach((status, index) => {
        if (status === 'duplicate') {
          counts.duplicates++;
          return;
        }
        counts.stored++;
        const at = events[index].at.getTime();
        span.first = span.first === null ? at : Math.min(span.first, at);
        span.last = span.last === null ? at : Math.max(span.last, at);
      });
    };
    /** Hands the batch to the ingest; waits while IMPORT_IN_FLIGHT batches are being written. */
    const flush = async (): Promise<void> => {
      if (batch.length === 0) return;
      const events = batch;
      batch = [];
      counts.events += events.length;
      if (options.dryRun) return;
      while (inFlight.size >= IMPORT_IN_FLIGHT) await Promise.race(inFlight);
      if (failure !== null) throw failure;
      const task: Promise<void> = write(events).then(
        () => void inFlight.delete(task),
        (err: unknown) => {
          inFlight.delete(task);
          failure ??= err instanceof Error ? err : new Error(String(err));
        },
      );
      inFlight.add(task);
    };
    const drain = async (): Promise<void> => {
      await Promise.all(inFlight);
      if (failure !== null) throw failure;
    };
    const add = async (events: readonly IncomingCallEvent[]): Promise<void> => {
      for (const event of events) batch.push(event);
      if (batch.length >= IMPORT_BATCH) await flush();
    };

    let done = 0;
    const onBytes = (n: number): void => {
      done += n;
      hooks.onProgress?.(done, total);
    };
    hooks.onProgress?.(0, total);
    for (const file of options.files) {
      const source = this.open(options, file, lines, onBytes);
      for await (const rows of source.rows) {
        for (const row of rows) {
          counts.records++;
          if ('error' in row) {
            counts.rejected++;
            hooks.onRejected?.(file, row.line, row.error);
            continue;
          }
          const mapped = source.map(row.record);
          switch (mapped.kind) {
            case 'header':
              break;
            case 'ignored':
              counts.ignored++;
              break;
            case 'rejected':
              counts.rejected++;
              hooks.onRejected?.(file, row.line, mapped.reason);
              break;
            case 'events':
              counts.calls += mapped.newCalls;
              for (const event of mapped.events) batch.push(event);
              if (batch.length >= IMPORT_BATCH) await flush();
              break;
          }
        }
      }
      await add(source.mapper.finish());
    }
    await flush();
    await drain();
    const importMs = Date.now() - started;

    const from = span.first === null ? null : new Date(span.first);
    const to = span.last === null ? null : new Date(span.last + 1);
    let rebuiltBuckets = 0;
    if (from && to) {
      const rollups = new RollupService(this.em, new RollupRepository());
      const result = await rollups.rebuild(from, to, ({ done: d, total: t }) =>
        hooks.onRebuild?.(d, t),
      );
      rebuiltBuckets = result.buckets;
    }
    return {
      ...counts,
      from,
      to,
      rebuiltBuckets,
      importMs,
      rebuildMs: Date.now() - started - importMs,
    };
  }

  /** Every file readable and of the format, before anything is written; the total size. */
  private async check(options: ImportOptions): Promise<number> {
    if (!isImportFormat(options.format)) {
      throw new ImportRefused(
        `unknown format '${String(options.format)}'; use one of ${IMPORT_FORMATS.join(', ')}`,
      );
    }
    if (!isTimeZone(options.timeZone)) {
      throw new ImportRefused(`unknown time zone '${options.timeZone}' (use an IANA name)`);
    }
    if (options.files.length === 0) throw new ImportRefused('no file to import');
    let total = 0;
    for (const file of options.files) {
      try {
        total += await readableSize(file);
      } catch (err) {
        throw new ImportRefused(`cannot read ${file}: ${(err as Error).message}`);
      }
      const headerProblem = await this.headerProblem(options.format, file);
      if (headerProblem !== null) throw new ImportRefused(`${file}: ${headerProblem}`);
    }
    return total;
  }

  private async headerProblem(format: ImportFormat, file: string): Promise<string | null> {
    if (format !== 'queue_log-csv' && format !== 'calls-csv') return null;
    const header = await firstCsvRow(file);
    if (header === null) return 'the file is empty or has no header row';
    const columns = columnsOf(header);
    return format === 'calls-csv'
      ? callsCsvHeaderProblem(columns)
      : queueLogCsvHeaderProblem(columns);
  }

  private async lineMap(defaultLine: string): Promise<PbxLineMap> {
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<{ code: string; number: string | null }[]>(`select code, number from lines`);
    return new PbxLineMap(rows, this.config.defaultPhoneRegion, defaultLine);
  }

  private open(
    options: ImportOptions,
    file: string,
    lines: PbxLineMap,
    onBytes: (n: number) => void,
  ): Source {
    const zone = options.timeZone;
    switch (options.format) {
      case 'queue_log': {
        const mapper = new QueueLogMapper(lines, zone);
        return {
          rows: textLines(file, onBytes),
          mapper,
          map: (text) => {
            const record = parseQueueLogLine(text as string);
            return typeof record === 'string'
              ? { kind: 'rejected', reason: record }
              : mapper.map(record);
          },
        };
      }
      case 'cdr-csv': {
        const mapper = new CdrCsvMapper(lines, zone);
        return {
          rows: csvRows(file, onBytes),
          mapper,
          map: (row) => mapper.map(row as string[]),
        };
      }
      case 'queue_log-csv':
      case 'calls-csv': {
        // The header was checked up front; its columns are read again here, on the first row.
        let mapper: HistoryMapper<readonly string[]> | null = null;
        const pending = { finish: () => mapper?.finish() ?? [] };
        return {
          rows: csvRows(file, onBytes),
          mapper: pending,
          map: (row) => {
            if (mapper === null) {
              const columns = columnsOf(row as string[]);
              mapper =
                options.format === 'calls-csv'
                  ? new CallsCsvMapper(columns, lines, zone)
                  : new QueueLogCsvMapper(columns, lines, zone);
              return { kind: 'header' };
            }
            return mapper.map(row as string[]);
          },
        };
      }
    }
  }
}

interface Source {
  rows: AsyncGenerator<FileRow<string | string[]>[]>;
  mapper: { finish: HistoryMapper<never>['finish'] };
  map: (record: string | string[]) => MappedRecord | { kind: 'header' };
}
