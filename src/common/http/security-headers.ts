import type { NextFunction, Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/**
 * What the browser console (a Vite + React single-page app served from this origin) needs, and
 * nothing more: its own scripts only, inline styles (React style props, libraries that inject
 * CSS), images and media from data:/blob: URLs, and the Socket.IO websocket. The OpenAPI page
 * (swagger-ui) loads its scripts from files and works under the same policy.
 */
export const CONTENT_SECURITY_POLICY: Record<string, string[]> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:'],
  'connect-src': ["'self'", 'ws:', 'wss:'],
  'font-src': ["'self'", 'data:'],
  'media-src': ["'self'", 'data:', 'blob:'],
  'object-src': ["'none'"],
  'base-uri': ["'self'"],
  'frame-ancestors': ["'none'"],
  'form-action': ["'self'"],
};

const HSTS = 'max-age=31536000; includeSubDomains';

/**
 * Browsers honour HSTS only from a response that came over HTTPS, and a server reached over
 * plain HTTP (a LAN install) must not promise HTTPS. So it is sent only when the request was
 * secure: TLS here, or `X-Forwarded-Proto: https` from a proxy Express trusts ('trust proxy').
 */
function hstsOverTls(req: Request, res: Response, next: NextFunction): void {
  if (req.secure) res.setHeader('Strict-Transport-Security', HSTS);
  next();
}

/** Security headers on every response, errors and 404s included. */
export function securityHeaders(): RequestHandler[] {
  return [
    helmet({
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      frameguard: { action: 'deny' },
      referrerPolicy: { policy: 'no-referrer' },
      strictTransportSecurity: false,
    }),
    hstsOverTls,
  ];
}
