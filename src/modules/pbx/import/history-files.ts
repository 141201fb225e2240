import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { parse } from 'csv-parse';

/** One line or CSV record of a file, or why it could not be read as one. */
export type FileRow<R> = { line: number; record: R } | { line: number; error: string };

/**
 * Lines of a text file, read chunk by chunk and handed over a chunk's lines at a time (one await
 * per 256 KiB, not per line): iterating a file stream waits for the consumer (the ingest), so
 * memory holds a chunk and a batch whatever the file's size.
 */
export async function* textLines(
  path: string,
  onBytes: (n: number) => void,
): AsyncGenerator<FileRow<string>[]> {
  let rest = '';
  let line = 0;
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 256 * 1024 });
  for await (const chunk of stream as AsyncIterable<string>) {
    onBytes(Buffer.byteLength(chunk));
    const text = rest + chunk;
    const rows: FileRow<string>[] = [];
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      line++;
      const stop = end > start && text.charCodeAt(end - 1) === 13 ? end - 1 : end;
      if (!blank(text, start, stop)) rows.push({ line, record: text.slice(start, stop) });
      start = end + 1;
    }
    rest = text.slice(start);
    if (rows.length > 0) yield rows;
  }
  line++;
  if (rest.trim() !== '') yield [{ line, record: rest.replace(/\r$/, '') }];
}

/** Whether text[start, stop) is only white space, without copying it. */
function blank(text: string, start: number, stop: number): boolean {
  for (let i = start; i < stop; i++) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9 && c !== 13 && c !== 11 && c !== 12) return false;
  }
  return true;
}

/** Records of a CSV file (RFC 4180 quoting, any column count), with the line each starts on. */
export async function* csvRows(
  path: string,
  onBytes: (n: number) => void,
): AsyncGenerator<FileRow<string[]>[]> {
  for await (const row of csvRecords(path, onBytes)) yield [row];
}

async function* csvRecords(
  path: string,
  onBytes: (n: number) => void,
): AsyncGenerator<FileRow<string[]>> {
  const skipped: FileRow<string[]>[] = [];
  const parser = parse({
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    info: true,
    on_skip: (err) => {
      const line = (err as { lines?: number } | undefined)?.lines ?? 0;
      skipped.push({ line, error: err?.message ?? 'unreadable CSV record' });
      return undefined;
    },
  });
  const file = createReadStream(path, { highWaterMark: 256 * 1024 });
  file.on('data', (chunk) => onBytes(chunk.length));
  file.on('error', (err) => parser.destroy(err));
  file.pipe(parser);
  try {
    for await (const item of parser as AsyncIterable<{
      record: string[];
      info: { lines: number };
    }>) {
      while (skipped.length > 0) yield skipped.shift() as FileRow<string[]>;
      yield { line: item.info.lines, record: item.record };
    }
    while (skipped.length > 0) yield skipped.shift() as FileRow<string[]>;
  } finally {
    // Also when the consumer stops early (reading only the header).
    file.destroy();
  }
}

/** The first CSV record of a file (its header), read before anything is written. */
export async function firstCsvRow(path: string): Promise<string[] | null> {
  for await (const row of csvRecords(path, () => undefined)) {
    return 'record' in row ? row.record : null;
  }
  return null;
}

/** Size in bytes, or why the file cannot be read. */
export async function readableSize(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isFile()) throw new Error(`${path} is not a file`);
  const handle = await open(path, 'r');
  await handle.close();
  return info.size;
}
