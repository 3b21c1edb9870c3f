import { describe, expect, test } from 'vitest';
import { formatBytes } from '../../../../widget/form-app/error-messages';
import { formatDuration } from '../../../../widget/form-app/format-duration';

describe('formatDuration', () => {
  test.each([
    [600, 'en', '10 minutes'],
    [60, 'en', '1 minute'],
    [90, 'en', '90 seconds'],
    [1, 'en', '1 second'],
    [300, 'es', '5 minutos'],
    [60, 'es', '1 minuto'],
    [45, 'es', '45 segundos'],
    [120, 'ar', '2 minutes'],
  ])('%i s in %s is %s', (seconds, locale, text) => {
    expect(formatDuration(seconds, locale)).toBe(text);
  });
});

describe('formatBytes', () => {
  test.each([
    [1_048_576, 'en', '1 MB'],
    [524_288, 'en', '512 kB'],
    [1_572_864, 'es', '1,5 MB'],
  ])('%i bytes in %s is %s', (bytes, locale, text) => {
    expect(formatBytes(bytes, locale)).toBe(text);
  });
});
