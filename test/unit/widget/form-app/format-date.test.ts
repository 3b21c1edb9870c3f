import { afterEach, describe, expect, test } from 'vitest';
import { formatDate, formatDateTime, formatTime } from '../../../../widget/form-app/format-date';

// ICU 72 and later put a narrow no-break space (U+202F) before AM and PM, so compare with plain spaces.
const plain = (text: string) => text.replace(/\s/g, ' ');
const originalZone = process.env.TZ;

afterEach(() => {
  process.env.TZ = originalZone;
});

describe('formatDate', () => {
  test.each([
    ['1980-02-03', 'en', 'February 3, 1980'],
    ['1980-02-03', 'es', '3 de febrero de 1980'],
    ['2024-02-29', 'es', '29 de febrero de 2024'],
    ['2026-02-30', 'es', '2026-02-30'],
    ['03/02/1980', 'en', '03/02/1980'],
    ['', 'es', ''],
  ])('%s in %s is %s', (value, locale, expected) => {
    expect(formatDate(value, locale)).toBe(expected);
  });

  test.each(['Pacific/Kiritimati', 'America/Los_Angeles', 'Pacific/Pago_Pago'])('keeps the day in %s', (zone) => {
    process.env.TZ = zone;
    expect(formatDate('1980-01-01', 'es')).toBe('1 de enero de 1980');
    expect(formatDate('1980-12-31', 'en')).toBe('December 31, 1980');
  });
});

describe('formatDateTime', () => {
  test.each([
    ['1980-02-03T14:30', 'en', 'February 3, 1980 at 2:30 PM'],
    ['1980-02-03T14:30:15', 'es', '3 de febrero de 1980 a las 14:30'],
    ['1980-02-03T00:05', 'es', '3 de febrero de 1980 a las 0:05'],
    ['1980-02-03', 'en', '1980-02-03'],
    ['1980-02-03T25:00', 'en', '1980-02-03T25:00'],
    ['1980-02-03T14:30T1', 'en', '1980-02-03T14:30T1'],
  ])('%s in %s is %s', (value, locale, expected) => {
    expect(plain(formatDateTime(value, locale))).toBe(expected);
  });

  test('keeps the day late in the evening west of UTC', () => {
    process.env.TZ = 'America/Los_Angeles';
    expect(formatDateTime('1980-02-03T23:30', 'es')).toBe('3 de febrero de 1980 a las 23:30');
  });
});

describe('formatTime', () => {
  test.each([
    ['14:30', 'en', '2:30 PM'],
    ['14:30', 'es', '14:30'],
    ['09:05:59', 'es', '9:05'],
    ['24:00', 'es', '24:00'],
    ['noon', 'en', 'noon'],
  ])('%s in %s is %s', (value, locale, expected) => {
    expect(plain(formatTime(value, locale))).toBe(expected);
  });
});
