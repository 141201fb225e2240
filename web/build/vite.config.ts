import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import { sizeBudget } from './size-budget';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Builds the console into dist/web, which the API serves at / (src/web/web-console.ts). */
export default defineConfig({
  root: here('..'),
  base: '/',
  resolve: { alias: { '@web': here('../src') } },
  oxc: { jsx: { runtime: 'automatic' } },
  build: {
    outDir: here('../../dist/web'),
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    reportCompressedSize: false,
    rolldownOptions: {
      // React Query marks its hooks "use client" for server components; meaningless in a SPA bundle.
      onwarn(warning, warn) {
        if (warning.code !== 'MODULE_LEVEL_DIRECTIVE') warn(warning);
      },
    },
  },
  plugins: [sizeBudget()],
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:3000',
      '/socket.io': { target: 'ws://127.0.0.1:3000', ws: true },
    },
  },
});
