import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

/** The console's JavaScript, gzip, must stay at or under this (issue 11). */
export const JS_BUDGET_GZIP_BYTES = 300 * 1024;

/** Prints the gzip size of all the console's JavaScript and fails the build over the budget. */
export function sizeBudget(limit = JS_BUDGET_GZIP_BYTES): Plugin {
  return {
    name: 'switchboard-size-budget',
    apply: 'build',
    generateBundle(_options, bundle) {
      let raw = 0;
      let gzip = 0;
      for (const file of Object.values(bundle)) {
        if (file.type !== 'chunk') continue;
        raw += Buffer.byteLength(file.code);
        gzip += gzipSync(file.code, { level: 9 }).length;
      }
      const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
      const line = `web console JavaScript: ${kb(raw)}, ${kb(gzip)} gzip (budget ${kb(limit)} gzip)`;
      if (gzip > limit) this.error(`${line}: over budget`);
      this.info(line);
    },
  };
}
