import { describe, expect, test } from 'vitest';
import { ANSWER_ERROR_MESSAGES, ANSWER_ERROR_MESSAGES_BY_KIND, CONSENT_MESSAGES, DURATION_MESSAGES, FRAME_TITLE, SEND_FAILURE_MESSAGES, UI_MESSAGES, WHOLE_NUMBER_MESSAGE, type Translation } from '../../../sdk/messages';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((match) => match[1]).sort();

const all: [string, Translation][] = [
  ['FRAME_TITLE', FRAME_TITLE],
  ['WHOLE_NUMBER_MESSAGE', WHOLE_NUMBER_MESSAGE],
  ...Object.entries(UI_MESSAGES).map(([key, text]): [string, Translation] => [`UI_MESSAGES.${key}`, text]),
  ...Object.entries(SEND_FAILURE_MESSAGES).map(([key, text]): [string, Translation] => [`SEND_FAILURE_MESSAGES.${key}`, text]),
  ...Object.entries(CONSENT_MESSAGES).map(([key, text]): [string, Translation] => [`CONSENT_MESSAGES.${key}`, text]),
  ...Object.entries(DURATION_MESSAGES).map(([key, text]): [string, Translation] => [`DURATION_MESSAGES.${key}`, text]),
  ...Object.entries(ANSWER_ERROR_MESSAGES).map(([key, text]): [string, Translation] => [`ANSWER_ERROR_MESSAGES.${key}`, text]),
  ...Object.entries(ANSWER_ERROR_MESSAGES_BY_KIND).flatMap(([kind, texts]) =>
    Object.entries(texts).map(([key, text]): [string, Translation] => [`${kind}.${key}`, text]),
  ),
];

// Words spelled the same in both languages, which the untranslated-text check would flag.
const SAME_IN_BOTH = new Set(['UI_MESSAGES.no']);

describe('messages', () => {
  test.each(all)('%s has both languages', (name, text) => {
    expect(text.en.trim()).not.toBe('');
    expect(text.es.trim()).not.toBe('');
    if (!SAME_IN_BOTH.has(name)) expect(text.es).not.toBe(text.en);
  });

  test.each(all)('%s placeholders match', (_name, text) => {
    expect(placeholders(text.es)).toEqual(placeholders(text.en));
  });

  test.each(Object.entries(ANSWER_ERROR_MESSAGES))('%s names the field', (_code, text) => {
    expect(text.en).toContain('{label}');
    expect(text.es).toContain('{label}');
  });

  test.each(Object.entries(SEND_FAILURE_MESSAGES).filter(([kind]) => kind !== 'network'))('permanent failure %s suggests no retry', (_kind, text) => {
    expect(text.en).not.toMatch(/try again|internet connection/i);
    expect(text.es).not.toMatch(/inténtelo|conexión a internet/i);
  });

  test('limit codes state the limit', () => {
    for (const code of ['too_short', 'too_long', 'range_underflow', 'range_overflow', 'step_mismatch'] as const) {
      expect(ANSWER_ERROR_MESSAGES[code].en).toContain('{limit}');
    }
  });
});
