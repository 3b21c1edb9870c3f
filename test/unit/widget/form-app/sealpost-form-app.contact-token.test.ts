import './quiet-lit';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';
import { ManualClock } from '../../../support/manual-clock';
import { buttonNamed, createFakeCollector, enter, fillValid, HOST_ORIGIN, mountApp, review, root, settle } from './app-fixture';

const TOKEN_A = 'sct1.AAAAAAAA.eyJjIjoiYSJ9.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
const TOKEN_B = 'sct1.BBBBBBBB.eyJjIjoiYiJ9.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';
const originalParent = Object.getOwnPropertyDescriptor(window, 'parent');

beforeEach(() => {
  Object.defineProperty(window, 'parent', { value: { postMessage: vi.fn() }, configurable: true });
  Object.defineProperty(document, 'referrer', { value: `${HOST_ORIGIN}/front-desk`, configurable: true });
});

afterEach(() => {
  document.body.replaceChildren();
  if (originalParent) Object.defineProperty(window, 'parent', originalParent);
  Reflect.deleteProperty(document, 'referrer');
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/** Posts a contact-token message as the embedding page's loader does. */
function tokenFromHost(token: unknown, origin = HOST_ORIGIN, source: unknown = window.parent): void {
  window.dispatchEvent(new MessageEvent('message', { data: { source: 'sealpost-host', type: 'contact-token', token }, origin, source: source as Window }));
}

async function mount(kiosk = false) {
  const clock = new ManualClock();
  const collector = await createFakeCollector();
  const app = await mountApp(collector.fetch, 'en', (element) => {
    element.clock = clock;
    if (kiosk) element.setAttribute('kiosk', '');
  });
  return { app, clock, collector };
}

async function submit(app: SealpostFormApp): Promise<void> {
  fillValid(app);
  await review(app);
  root(app).querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
  await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());
  await settle(app);
}

async function startOver(app: SealpostFormApp): Promise<void> {
  buttonNamed(app, 'Start over for the next patient')?.click();
  await settle(app);
  await settle(app);
}

describe('contact token', () => {
  test('goes beside the JWE, never inside it, in a URL or in storage', async () => {
    const { app, collector } = await mount();
    tokenFromHost(TOKEN_A);
    await submit(app);

    expect(collector.submissions).toHaveLength(1);
    expect(collector.submissions[0]?.contactToken).toBe(TOKEN_A);
    expect(JSON.stringify(await collector.decrypt(collector.submissions[0]!.jwe))).not.toContain(TOKEN_A);
    for (const [url] of collector.fetch.mock.calls) expect(String(url)).not.toContain(TOKEN_A);
    expect([localStorage.length, sessionStorage.length, document.cookie]).toEqual([0, 0, '']);
  });

  test('is left out when the page sent none', async () => {
    const { app, collector } = await mount();
    await submit(app);
    expect(collector.submissions[0]).not.toHaveProperty('contactToken');
  });

  test('the latest token counts, and null removes it', async () => {
    const first = await mount();
    tokenFromHost(TOKEN_A);
    tokenFromHost(TOKEN_B);
    await submit(first.app);
    expect(first.collector.submissions[0]?.contactToken).toBe(TOKEN_B);
    first.app.remove();

    const second = await mount();
    tokenFromHost(TOKEN_A);
    tokenFromHost(null);
    await submit(second.app);
    expect(second.collector.submissions[0]).not.toHaveProperty('contactToken');
  });

  test('a token changed before a retry is the one retried', async () => {
    const collector = await createFakeCollector({ submitStatuses: [422] });
    const app = await mountApp(collector.fetch, 'en');
    tokenFromHost(TOKEN_A);
    fillValid(app);
    await review(app);
    root(app).querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
    await vi.waitFor(() => expect(root(app).querySelector('#send-error')).not.toBeNull());

    tokenFromHost(TOKEN_B);
    root(app).querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());
    expect(collector.submissions.map((envelope) => envelope.contactToken)).toEqual([TOKEN_A, TOKEN_B]);
  });

  test('ignores tokens from another origin, another window, or of the wrong shape', async () => {
    const { app, collector } = await mount();
    tokenFromHost(TOKEN_A, 'https://evil.example');
    tokenFromHost(TOKEN_A, HOST_ORIGIN, window);
    tokenFromHost('has spaces in it');
    tokenFromHost({ token: TOKEN_A });
    tokenFromHost('x'.repeat(600));
    await submit(app);
    expect(collector.submissions[0]).not.toHaveProperty('contactToken');
  });

  test('a kiosk forgets the token when it starts over for the next patient', async () => {
    const { app, collector } = await mount(true);
    tokenFromHost(TOKEN_A);
    await submit(app);
    await startOver(app);
    await submit(app);
    expect(collector.submissions.map((envelope) => envelope.contactToken)).toEqual([TOKEN_A, undefined]);

    // The page may name the next patient with a token of their own.
    await startOver(app);
    tokenFromHost(TOKEN_B);
    await submit(app);
    expect(collector.submissions[2]?.contactToken).toBe(TOKEN_B);
  });

  test('a kiosk forgets the token when it starts over after a timeout', async () => {
    const { app, clock, collector } = await mount(true);
    tokenFromHost(TOKEN_A);
    enter(app, 'full-name', 'Ana Ruiz');
    clock.advance(600);
    await settle(app);
    await settle(app);
    await submit(app);
    expect(collector.submissions[0]).not.toHaveProperty('contactToken');
  });
});
