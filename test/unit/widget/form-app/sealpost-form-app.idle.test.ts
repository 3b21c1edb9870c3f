import './quiet-lit';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';
import { ManualClock } from '../../../support/manual-clock';
import { byId, createFakeCollector, enter, HOST_ORIGIN, mountApp, root, settle, tick } from './app-fixture';

let postMessage: ReturnType<typeof vi.fn>;
const originalParent = Object.getOwnPropertyDescriptor(window, 'parent');

beforeEach(() => {
  postMessage = vi.fn();
  Object.defineProperty(window, 'parent', { value: { postMessage }, configurable: true });
  Object.defineProperty(document, 'referrer', { value: `${HOST_ORIGIN}/intake`, configurable: true });
});

afterEach(() => {
  document.body.replaceChildren();
  if (originalParent) Object.defineProperty(window, 'parent', originalParent);
  Reflect.deleteProperty(document, 'referrer');
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

async function mountWithClock(lang = 'en', idleTimeout?: string) {
  const clock = new ManualClock();
  const app = await mountApp((await createFakeCollector()).fetch, lang, (element) => {
    element.clock = clock;
    if (idleTimeout) element.setAttribute('idle-timeout', idleTimeout);
  });
  return { app, clock };
}

async function advance(app: SealpostFormApp, clock: ManualClock, seconds: number) {
  clock.advance(seconds);
  await settle(app);
}

const dialog = (app: SealpostFormApp) => root(app).querySelector('[role="alertdialog"]');

describe('form app idle timeout', () => {
  test('states the limit up front', async () => {
    const { app } = await mountWithClock();
    expect(root(app).querySelector('.idle-notice')?.textContent).toBe('For your privacy, this form clears your answers after 10 minutes without activity.');
  });

  test('states the limit in Spanish', async () => {
    const { app } = await mountWithClock('es', '300');
    expect(root(app).querySelector('.idle-notice')?.textContent).toBe('Por su privacidad, este formulario borra sus respuestas tras 5 minutos sin actividad.');
  });

  test('warning takes focus two minutes before', async () => {
    const { app, clock } = await mountWithClock();
    await advance(app, clock, 479);
    expect(dialog(app)).toBeNull();

    await advance(app, clock, 1);
    expect(dialog(app)?.getAttribute('aria-modal')).toBe('true');
    expect(byId(app, 'idle-text').textContent).toBe('For your privacy, your answers will be cleared in 2 minutes.');
    expect(byId(app, 'idle-text').getAttribute('aria-live')).toBe('polite');
    expect(root(app).activeElement?.id).toBe('keep-working');
    expect(root(app).querySelector('form')?.hasAttribute('inert')).toBe(true);

    await advance(app, clock, 30);
    expect(byId(app, 'idle-text').textContent).toBe('For your privacy, your answers will be cleared in 90 seconds.');
  });

  test('keep working restores the form', async () => {
    const { app, clock } = await mountWithClock();
    byId(app, 'field-full-name').focus();
    await advance(app, clock, 480);

    byId(app, 'keep-working').click();
    await settle(app);
    await settle(app);

    expect(dialog(app)).toBeNull();
    expect(root(app).activeElement?.id).toBe('field-full-name');
    await advance(app, clock, 479);
    expect(dialog(app)).toBeNull();
  });

  test('expiry wipes answers and DOM', async () => {
    const { app, clock } = await mountWithClock();
    enter(app, 'full-name', 'Ana Ruiz');
    tick(app, 'field-consent');
    await settle(app);

    await advance(app, clock, 600);
    await settle(app);

    expect(dialog(app)).toBeNull();
    expect(byId<HTMLInputElement>(app, 'field-full-name').value).toBe('');
    expect(byId<HTMLInputElement>(app, 'field-consent').checked).toBe(false);
    expect(root(app).innerHTML).not.toContain('Ana Ruiz');
    expect(byId(app, 'timeout-notice').textContent).toBe('For your privacy, your answers were cleared after 10 minutes without activity. You can start again.');
    expect(root(app).activeElement?.id).toBe('timeout-notice');
    expect(postMessage).toHaveBeenCalledWith({ source: 'sealpost', type: 'timeout' }, HOST_ORIGIN);
  });

  test('expired form submits no old answers', async () => {
    const { app, clock } = await mountWithClock();
    enter(app, 'full-name', 'Ana Ruiz');
    await advance(app, clock, 600);

    root(app).querySelector('form')?.requestSubmit();
    await settle(app);
    expect(byId(app, 'error-summary').textContent).toContain('Enter “Full name”.');
  });

  test('typing restarts the count', async () => {
    const { app, clock } = await mountWithClock();
    await advance(app, clock, 400);
    enter(app, 'full-name', 'A');
    await advance(app, clock, 400);
    expect(dialog(app)).toBeNull();
  });

  test('restored page starts clean', async () => {
    const { app } = await mountWithClock();
    enter(app, 'full-name', 'Ana Ruiz');
    // happy-dom has no PageTransitionEvent, so a plain event carries `persisted`.
    const restored = new Event('pageshow');
    Object.defineProperty(restored, 'persisted', { value: true });
    window.dispatchEvent(restored);
    await settle(app);

    expect(byId<HTMLInputElement>(app, 'field-full-name').value).toBe('');
    expect(root(app).querySelector('#timeout-notice')).toBeNull();
    expect(postMessage).not.toHaveBeenCalledWith({ source: 'sealpost', type: 'timeout' }, HOST_ORIGIN);
  });
});
