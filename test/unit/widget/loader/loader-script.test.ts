import { afterEach, describe, expect, test, vi } from 'vitest';

afterEach(() => {
  vi.restoreAllMocks();
});

/** Runs the loader entry as if from a script tag with the given src. */
async function runLoader(src: string) {
  const script = document.createElement('script');
  script.src = src;
  vi.spyOn(document, 'currentScript', 'get').mockReturnValue(script);
  vi.resetModules();
  return import('../../../../widget/loader/index');
}

describe('loader script', () => {
  test('loading twice keeps first definition', async () => {
    await runLoader('https://collector.example/sdk/sealpost.js');
    const first = customElements.get('sealpost-form') as unknown as { defaultCollector?: string };

    await runLoader('https://other.example/sdk/sealpost.js');

    expect(customElements.get('sealpost-form')).toBe(first);
    expect(first.defaultCollector).toBe('https://collector.example');
  });
});
