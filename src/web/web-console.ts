import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import serveStatic from 'serve-static';

/** Paths the API owns: a miss there is the API's JSON 404, never the console's page. */
const API_PREFIXES = ['/api', '/socket.io', '/metrics'];
/** Vite names every asset by its content hash, so a file under here never changes. */
const HASHED_ASSETS = '/assets/';

export function isApiPath(path: string): boolean {
  return API_PREFIXES.some((p) => path === p || path.startsWith(`${p}/`));
}

/** The built console lives in `dist/web` beside the compiled server, found from the package root. */
export function findWebRoot(startDir: string = __dirname): string | null {
  for (let dir = startDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const root = join(dir, 'dist', 'web');
      return existsSync(join(root, 'index.html')) ? root : null;
    }
    if (dirname(dir) === dir) return null;
  }
}

/**
 * Serves the web console from the API's own origin: hashed assets cached for a year, the page
 * itself never cached (so a deploy reaches browsers at once), and the page for every unknown
 * non-API GET so deep links (`/console`, `/chat/<id>`) load the app, which routes them.
 */
export function serveWebConsole(app: NestExpressApplication, root = findWebRoot()): void {
  if (root === null) {
    app.use((req: Request, res: Response, next: NextFunction) => {
      if (req.method !== 'GET' || isApiPath(req.path) || req.path !== '/') return next();
      res
        .status(503)
        .type('text/plain')
        .send('The web console is not built: run `npm run build`, then start the API again.\n');
    });
    return;
  }
  const indexHtml = readFileSync(join(root, 'index.html'));
  const assets = serveStatic(root, {
    index: false,
    fallthrough: true,
    setHeaders: (res, path) => {
      res.setHeader(
        'Cache-Control',
        path.startsWith(join(root, HASHED_ASSETS))
          ? 'public, max-age=31536000, immutable'
          : 'no-cache',
      );
    },
  });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || isApiPath(req.path)) return next();
    assets(req, res, () => {
      // A missing hashed asset is a stale page asking for an old build: say so, do not send HTML.
      if (req.path.startsWith(HASHED_ASSETS)) {
        res.status(404).type('text/plain').send('Not found\n');
        return;
      }
      res.setHeader('Cache-Control', 'no-cache');
      res.type('html').send(indexHtml);
    });
  });
}
