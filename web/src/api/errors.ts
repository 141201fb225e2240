import type { TFunction } from 'i18next';
import { ApiError } from '@web/api/http';
import { i18next } from '@web/i18n';

/** Codes the catalogues have words for; anything else is shown with its code. */
const KNOWN = new Set([
  'NETWORK',
  'VALIDATION_FAILED',
  'INVALID_PHONE_NUMBER',
  'UNAUTHENTICATED',
  'INVALID_CREDENTIALS',
  'TOKEN_EXPIRED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CALL_NOT_FOUND',
  'CONFLICT',
  'OFFER_EXPIRED',
  'ALREADY_EXISTS',
  'CALL_NOT_UNFINISHED',
  'STAFF_AT_CAPACITY',
  'CALL_ALREADY_ENDED',
  'CALL_NOT_WAITING',
  'STAFF_NOT_AVAILABLE',
  'RATE_LIMITED',
  'INTERNAL',
  'SERVICE_UNAVAILABLE',
  'TIMEOUT',
]);

/** The one place an API or socket error becomes words on the screen. */
export function errorText(t: TFunction, err: unknown): string {
  const code = err instanceof ApiError ? err.code : 'UNKNOWN';
  if (KNOWN.has(code)) return t(`errors.${code}`);
  // Codes of the areas added since (chat, requests, notifications), in their own catalogues.
  if (i18next.exists(`moreErrors.${code}`)) return t(`moreErrors.${code}`);
  if (i18next.exists(`plannerErrors.${code}`)) return t(`plannerErrors.${code}`);
  const detail = err instanceof Error ? err.message : String(err);
  return t('errors.UNKNOWN', { code, detail });
}

/** For VALIDATION_FAILED: the field the server named, so the form can show it beside the field. */
export function errorField(err: unknown): string | undefined {
  return err instanceof ApiError && err.code === 'VALIDATION_FAILED' ? err.field : undefined;
}
