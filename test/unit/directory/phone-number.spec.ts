import { AppError } from '@/common/errors/app-error';
import { normalizePhone, normalizePhones } from '@/modules/directory/phone-number';

function failure(run: () => unknown): AppError {
  try {
    run();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected an AppError');
}

describe('normalizePhone', () => {
  it.each([
    ['(201) 555-0123', 'US'],
    ['201 555 0123', 'US'],
    ['201-555-0123', 'US'],
    ['201.555.0123', 'US'],
    ['2015550123', 'US'],
    ['1 (201) 555-0123', 'US'],
    ['1-201-555-0123', 'US'],
    ['+1 201 555 0123', 'US'],
    ['+12015550123', 'US'],
    ['  +1 (201) 555-0123  ', 'US'],
    ['011 1 201 555 0123', 'US'],
    ['00 1 201 555 0123', 'DE'],
    ['+1 201 555 0123', 'DE'],
    ['１２０１５５５０１２３', 'US'],
  ])('reads %p dialled in %s as +12015550123', (raw, region) => {
    expect(normalizePhone(raw, region)).toBe('+12015550123');
  });

  it.each([
    ['030 12345678', 'DE', '+493012345678'],
    ['+49 30 12345678', 'US', '+493012345678'],
    ['020 7946 0018', 'GB', '+442079460018'],
    ['8 (495) 123-45-67', 'RU', '+74951234567'],
    ['+7 495 123-45-67', 'US', '+74951234567'],
  ])('reads %p dialled in %s as %s', (raw, region, e164) => {
    expect(normalizePhone(raw, region)).toBe(e164);
  });

  it('reads a national number by the default region only', () => {
    expect(normalizePhone('030 12345678', 'DE')).toBe('+493012345678');
    expect(() => normalizePhone('030 12345678', 'US')).toThrow(AppError);
  });

  it.each([
    ['empty', ''],
    ['blank', '   '],
    ['letters', 'anonymous'],
    ['too short', '555-0123'],
    ['too long', '+1 201 555 0123 4567'],
    ['an unassigned area code', '+1 999 555 0123'],
    ['an exchange starting with 1', '(201) 155-0123'],
    ['a number inside text', 'call 2015550123 now'],
    ['a URI', 'tel:+12015550123'],
    ['a trailing hash', '2015550123#'],
    ['no digits after +', '+'],
  ])('refuses %s', (_label, raw) => {
    const err = failure(() => normalizePhone(raw, 'US'));
    expect(err.code).toBe('INVALID_PHONE_NUMBER');
    expect(err.status).toBe(400);
    expect(err.toBody()).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phone' });
  });

  it.each(['+1 (201) 555-0123 x12', '201-555-0123 ext. 5', '+12015550123;ext=5'])(
    'refuses %p rather than silently dropping its extension',
    (raw) => {
      const err = failure(() => normalizePhone(raw, 'US'));
      expect(err.code).toBe('INVALID_PHONE_NUMBER');
      expect(err.message).toMatch(/extension/);
    },
  );

  it('names the field it was given', () => {
    const err = failure(() => normalizePhone('12', 'US', 'number'));
    expect(err.toBody()).toMatchObject({ field: 'number' });
    expect(err.message).toContain("'12'");
  });

  it('treats an unsupported region as a configuration fault, not bad input', () => {
    expect(() => normalizePhone('2015550123', 'XX')).toThrow(/Unsupported default phone region/);
    expect(() => normalizePhone('2015550123', 'XX')).not.toThrow(AppError);
  });
});

describe('normalizePhones', () => {
  it('normalises each number, keeping the first spelling of duplicates in order', () => {
    expect(
      normalizePhones(['(201) 555-0123', '+49 30 12345678', '+1 201 555 0123'], 'US', 'phones'),
    ).toEqual(['+12015550123', '+493012345678']);
  });

  it('accepts an empty list', () => {
    expect(normalizePhones([], 'US', 'phones')).toEqual([]);
  });

  it('refuses the whole list when one number is bad, naming the list', () => {
    const err = failure(() => normalizePhones(['2015550123', 'nope'], 'US', 'phones'));
    expect(err.toBody()).toMatchObject({ code: 'INVALID_PHONE_NUMBER', field: 'phones' });
    expect(err.message).toContain("'nope'");
  });
});
