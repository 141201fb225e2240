// The "max" metadata checks each number against the exact ranges allocated in its country, where
// the default ("min") one only checks length and leading digits. Stored numbers are the keys that
// inbound caller ids are matched against, so a typo must be refused when it is typed rather than
// become a number that never matches; the larger metadata costs nothing that matters on a server.
import { isSupportedCountry, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from '@/common/errors/app-error';

/**
 * The E.164 form of `raw` (`+12015550123`). Numbers without a country code are read as dialled in
 * `defaultRegion` (ISO 3166 alpha-2). Throws INVALID_PHONE_NUMBER naming `field` when `raw` is not
 * a valid, complete number.
 */
export function normalizePhone(raw: string, defaultRegion: string, field = 'phone'): string {
  if (!isSupportedCountry(defaultRegion)) {
    // A configuration fault rather than bad input, so it must not look like the caller's mistake.
    throw new Error(`Unsupported default phone region '${defaultRegion}'`);
  }
  const parsed = parsePhoneNumberFromString(raw.trim(), {
    defaultCountry: defaultRegion,
    // Without this, "call 2015550123 after 5" would be accepted by picking the number out of text.
    extract: false,
  });
  if (!parsed || !parsed.isValid()) {
    throw new AppError('INVALID_PHONE_NUMBER', `'${raw}' is not a valid phone number`, { field });
  }
  if (parsed.ext) {
    // E.164 has no room for an extension; dropping it silently would merge distinct contacts.
    throw new AppError(
      'INVALID_PHONE_NUMBER',
      `'${raw}' has an extension, which cannot be stored; keep it in the note`,
      { field },
    );
  }
  return parsed.number;
}

/** Normalises every number and drops the duplicates that differ only in how they were written. */
export function normalizePhones(
  raw: readonly string[],
  defaultRegion: string,
  field: string,
): string[] {
  return [...new Set(raw.map((phone) => normalizePhone(phone, defaultRegion, field)))];
}
