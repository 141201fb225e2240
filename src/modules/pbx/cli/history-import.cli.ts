import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { MikroORM, RequestContext } from '@mikro-orm/core';
import { NestFactory } from '@nestjs/core';
import { formatSeconds, progressBar } from '@/common/cli/progress-bar';
import { AppConfig } from '@/config/app-config';
import { HistoryImportModule } from '@/modules/pbx/import/history-import.module';
import {
  HistoryImportService,
  IMPORT_FORMATS,
  ImportRefused,
  isImportFormat,
} from '@/modules/pbx/import/history-import.service';

const USAGE = `usage: npm run import -- --format <${IMPORT_FORMATS.join('|')}> [--time-zone <IANA zone>] [--line <code>] [--dry-run] FILE…
  Loads PBX call history through the telephony ingest (idempotent: importing a file again
  stores nothing new), then rebuilds the statistics of the span it touched.
  --time-zone   the PBX's zone, for times written without an offset (default DEFAULT_TIME_ZONE)
  --line        line code for calls whose dialled number the file does not give (default pbx)
  --dry-run     parse and count, write nothing`;

/** Malformed lines printed one by one up to this many; the count covers them all. */
const MAX_REPORTED = 1000;

function mebibytes(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      format: { type: 'string' },
      'time-zone': { type: 'string' },
      line: { type: 'string' },
      'dry-run': { type: 'boolean' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const format = values.format ?? '';
  if (!isImportFormat(format)) {
    throw new ImportRefused(
      format === ''
        ? `--format is required: one of ${IMPORT_FORMATS.join(', ')}`
        : `unknown format '${format}'; use one of ${IMPORT_FORMATS.join(', ')}`,
    );
  }
  const ctx = await NestFactory.createApplicationContext(HistoryImportModule, { logger: false });
  try {
    const service = ctx.get(HistoryImportService);
    const timeZone = values['time-zone'] ?? ctx.get(AppConfig).defaultTimeZone;
    const reading = progressBar((done, total) => `${mebibytes(done)} of ${mebibytes(total)}`);
    const rebuilding = progressBar((done, total) => `statistics: ${done}/${total} days`);
    let reported = 0;
    const report = await RequestContext.create(ctx.get(MikroORM).em, () =>
      service.run(
        {
          format,
          files: positionals,
          timeZone,
          dryRun: values['dry-run'] ?? false,
          defaultLine: values.line ?? 'pbx',
        },
        {
          onProgress: (done, total) => reading(done, total),
          onRebuild: (done, total) => rebuilding(done, total),
          onRejected: (file, line, reason) => {
            if (++reported <= MAX_REPORTED) console.error(`${file}:${line}: ${reason}`);
          },
        },
      ),
    );
    if (reported > MAX_REPORTED) {
      console.error(`… and ${reported - MAX_REPORTED} more rejected lines`);
    }
    const seconds = report.importMs / 1000;
    const rate = seconds > 0 ? Math.round(report.records / seconds) : report.records;
    const span =
      report.from && report.to
        ? `; statistics rebuilt from ${report.from.toISOString()} to ${report.to.toISOString()} in ${formatSeconds(report.rebuildMs / 1000)}`
        : '';
    console.log(
      `${values['dry-run'] ? 'dry run: ' : ''}${report.records} lines, ${report.calls} calls, ` +
        `${report.events} events: ${report.stored} stored, ${report.duplicates} duplicates, ` +
        `${report.rejected} rejected, ${report.ignored} ignored; read in ${formatSeconds(seconds)} ` +
        `(${rate} lines/s)${span}`,
    );
    return report.rejected > 0 ? 1 : 0;
  } finally {
    await ctx.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    if (
      err instanceof ImportRefused ||
      (err as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION'
    ) {
      console.error(USAGE);
    }
    process.exit(2);
  },
);
