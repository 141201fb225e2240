import { createSecretKey } from 'node:crypto';
import type { JwtModuleOptions } from '@nestjs/jwt';
import type { AppConfig } from '@/config/app-config';

/**
 * Access tokens are HS256 with the configured secret. The secret is handed over as a key object,
 * not as the string: given a string, jsonwebtoken first tries to parse it as a PEM public key on
 * every verify (a private key on every sign), fails, and only then makes a secret key of it, which
 * cost about half a millisecond of CPU per socket handshake and per HTTP request. Verification
 * accepts HS256 only, whatever a token's header says.
 */
export function jwtOptions(config: AppConfig): JwtModuleOptions {
  return {
    secret: createSecretKey(Buffer.from(config.auth.jwtSecret, 'utf8')),
    signOptions: { algorithm: 'HS256' },
    verifyOptions: { algorithms: ['HS256'] },
  };
}
