import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { queueLogCalls } from '@test/bench/scenarios/import';

const USAGE = `usage: node dist-bench/test/bench/tools/queue-log-file.js FILE SIZE_MB [TAG]
  Writes the import bench's queue_log shape (test/bench/scenarios/import.ts) until the file
  holds SIZE_MB megabytes, for memory and throughput runs of npm run import on large files.`;

async function main(): Promise<void> {
  const [file, size, tag = 'big-'] = process.argv.slice(2);
  const bytes = Number(size) * 1_000_000;
  if (!file || !Number.isFinite(bytes) || bytes <= 0) {
    console.error(USAGE);
    process.exit(2);
  }
  const out = createWriteStream(file);
  let written = 0;
  let calls = 0;
  for (const lines of queueLogCalls(Number.MAX_SAFE_INTEGER, tag)) {
    const text = `${lines.join('\n')}\n`;
    written += Buffer.byteLength(text);
    calls++;
    if (!out.write(text)) await once(out, 'drain');
    if (written >= bytes) break;
  }
  out.end();
  await once(out, 'finish');
  console.log(`${file}: ${written} bytes, ${calls} calls`);
}

void main();
