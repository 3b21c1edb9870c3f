import { afterEach, describe, expect, test } from 'vitest';
import { isThemeMessage } from '../../../../sdk/embed-messages';
import { listenForTheme } from '../../../../widget/form-app/host-theme';

const HOST = 'https://clinic.example';
const parent = {} as Window;

function setUp() {
  const env = new EventTarget() as EventTarget & { parent: Window };
  env.parent = parent;
  const element = document.createElement('div');
  const stop = listenForTheme(env as unknown as Window, HOST, element);
  const send = (data: unknown, origin = HOST, source: unknown = parent) => env.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }));
  return { element, stop, send };
}

const theme = (values: Record<string, string>) => ({ source: 'sealpost-host', type: 'theme', theme: values });

afterEach(() => document.body.replaceChildren());

describe('listenForTheme', () => {
  test('applies custom properties', () => {
    const { element, send } = setUp();
    send(theme({ '--sealpost-accent': '#0b6e4f', '--sealpost-radius': '12px' }));

    expect(element.style.getPropertyValue('--sealpost-accent')).toBe('#0b6e4f');
    expect(element.style.getPropertyValue('--sealpost-radius')).toBe('12px');
  });

  test('ignores other origins and windows', () => {
    const { element, send } = setUp();
    send(theme({ '--sealpost-accent': 'red' }), 'https://evil.example');
    send(theme({ '--sealpost-accent': 'red' }), HOST, {});

    expect(element.style.getPropertyValue('--sealpost-accent')).toBe('');
  });

  test('stops listening', () => {
    const { element, send, stop } = setUp();
    stop();
    send(theme({ '--sealpost-accent': 'red' }));

    expect(element.style.getPropertyValue('--sealpost-accent')).toBe('');
  });
});

describe('isThemeMessage', () => {
  test.each([
    ['unknown property', { '--other': 'red' }],
    ['url', { '--sealpost-background': 'url(https://tracker.example/p.gif)' }],
    ['image-set', { '--sealpost-background': 'image-set("a.png" 1x)' }],
    ['declaration break', { '--sealpost-accent': 'red; background: blue' }],
    ['too long', { '--sealpost-font': 'a'.repeat(201) }],
  ])('rejects %s', (_name, values) => {
    expect(isThemeMessage(theme(values))).toBe(false);
  });

  test('accepts a font stack', () => {
    expect(isThemeMessage(theme({ '--sealpost-font': "1rem/1.5 'Atkinson Hyperlegible', sans-serif" }))).toBe(true);
  });
});
