import { describe, expect, test } from 'vitest';
import { acceptsHtml, prefersSpanish } from '../../../collector/http/content-negotiation';

describe('acceptsHtml', () => {
  test.each([
    ['text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8', true],
    ['TEXT/HTML', true],
    ['application/json, text/html;q=0.1', true],
    ['text/html;q=0', false],
    ['text/html ; q=0.0', false],
    ['*/*', false],
    ['application/json', false],
    ['text/htmlx', false],
    ['', false],
    [undefined, false],
  ])('%s is %s', (accept, expected) => {
    expect(acceptsHtml(accept)).toBe(expected);
  });
});

describe('prefersSpanish', () => {
  test.each([
    ['es', true],
    ['es-MX,es;q=0.9,en;q=0.8', true],
    ['en;q=0.5,es', true],
    ['es,en', true],
    ['en,es', false],
    ['en-US,en;q=0.9,es;q=0.8', false],
    ['fr,es;q=0.4', true],
    ['fr,de', false],
    ['es;q=0', false],
    ['ES-es', true],
    ['*', false],
    ['', false],
    [undefined, false],
  ])('%s is %s', (acceptLanguage, expected) => {
    expect(prefersSpanish(acceptLanguage)).toBe(expected);
  });
});
