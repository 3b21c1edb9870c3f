import './quiet-lit';
import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import type { FormDefinition } from '../../../../sdk/form-definition';
import type { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';
import { ManualClock } from '../../../support/manual-clock';
import { buttonNamed, byId, createFakeCollector, enter, fillValid, HOST_ORIGIN, mountApp, review, root, settle, testForm, tick } from './app-fixture';

let postMessage: ReturnType<typeof vi.fn>;
const originalParent = Object.getOwnPropertyDescriptor(window, 'parent');

beforeEach(() => {
  postMessage = vi.fn();
  Object.defineProperty(window, 'parent', { value: { postMessage }, configurable: true });
  Object.defineProperty(document, 'referrer', { value: `${HOST_ORIGIN}/front-desk`, configurable: true });
});

afterEach(() => {
  document.body.replaceChildren();
  if (originalParent) Object.defineProperty(window, 'parent', originalParent);
  Reflect.deleteProperty(document, 'referrer');
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

/**
 * The test intake form with a prefillable clinic location. It is a radio
 * group, because happy-dom selects the wrong option of a select whose option
 * has the `selected` attribute; the Chromium tests prefill a select.
 */
function formWithLocation(): FormDefinition {
  const form = testForm();
  form.fields.unshift({
    id: 'location',
    type: 'radio',
    label: 'Clinic location',
    prefillable: true,
    options: [
      { value: 'riverside', label: 'Riverside' },
      { value: 'hillcrest', label: 'Hillcrest' },
    ],
  });
  return form;
}

async function mountKiosk(definition?: FormDefinition) {
  const clock = new ManualClock();
  const collector = await createFakeCollector({ definition });
  const app = await mountApp(collector.fetch, 'en', (element) => {
    element.clock = clock;
    element.setAttribute('kiosk', '');
  });
  return { app, clock, collector };
}

/** Posts a prefill message as the embedding page's loader does. */
function prefillFromHost(values: Record<string, unknown>): void {
  window.dispatchEvent(new MessageEvent('message', { data: { source: 'sealpost-host', type: 'prefill', values }, origin: HOST_ORIGIN, source: window.parent }));
}

const posted = () => postMessage.mock.calls.map(([message]) => message as { type: string });
const controls = (app: SealpostFormApp) => Array.from(root(app).querySelectorAll('input, select, textarea'));
const location = (app: SealpostFormApp) => root(app).querySelector<HTMLInputElement>('[data-field="location"] input:checked')?.value ?? '';

async function submit(app: SealpostFormApp): Promise<void> {
  fillValid(app);
  await review(app);
  root(app).querySelector<HTMLButtonElement>('button[type="submit"]')?.click();
  await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());
  await settle(app);
}

describe('kiosk mode', () => {
  test('turns autofill off on the form and every control', async () => {
    const { app } = await mountKiosk();

    expect(root(app).querySelector('form')?.getAttribute('autocomplete')).toBe('off');
    expect(controls(app).length).toBeGreaterThan(10);
    for (const control of controls(app)) expect(control.getAttribute('autocomplete'), control.id).toBe('off');
  });

  test('leaves autofill to the fields outside kiosk mode', async () => {
    const app = await mountApp((await createFakeCollector()).fetch);

    expect(root(app).querySelector('form')?.hasAttribute('autocomplete')).toBe(false);
    expect(byId(app, 'field-full-name').getAttribute('autocomplete')).toBe('name');
    expect(byId(app, 'field-reason').hasAttribute('autocomplete')).toBe(false);
  });

  test('starts again for the next patient after a submit', async () => {
    const { app, clock, collector } = await mountKiosk();
    await submit(app);

    expect(collector.submissions).toHaveLength(1);
    expect(root(app).querySelector('.confirmation')?.textContent).toContain('This form clears itself for the next patient in 30 seconds.');
    expect(root(app).activeElement?.id).toBe('confirmation-title');

    clock.advance(29);
    await settle(app);
    expect(root(app).querySelector('.confirmation')).not.toBeNull();

    clock.advance(1);
    await settle(app);
    await settle(app);
    expect(root(app).querySelector('.confirmation')).toBeNull();
    expect(byId<HTMLInputElement>(app, 'field-full-name').value).toBe('');
    expect(byId<HTMLInputElement>(app, 'field-consent').checked).toBe(false);
    expect(root(app).innerHTML).not.toContain('Ana Ruiz');
    expect(root(app).activeElement?.id).toBe('form-title');
    expect(app['answers']).toEqual({});
  });

  test('"Start over" starts again at once, and the next patient can submit', async () => {
    const { app, collector } = await mountKiosk();
    await submit(app);

    buttonNamed(app, 'Start over for the next patient')?.click();
    await settle(app);
    await settle(app);
    expect(root(app).querySelector('.confirmation')).toBeNull();
    expect(byId<HTMLInputElement>(app, 'field-full-name').value).toBe('');

    await submit(app);
    expect(collector.submissions).toHaveLength(2);
    expect(collector.submissions[1]?.idempotencyKey).not.toBe(collector.submissions[0]?.idempotencyKey);
  });

  test('a timeout starts again without the notice meant for the same patient', async () => {
    const { app, clock } = await mountKiosk();
    enter(app, 'full-name', 'Ana Ruiz');
    await settle(app);

    clock.advance(600);
    await settle(app);
    await settle(app);

    expect(byId<HTMLInputElement>(app, 'field-full-name').value).toBe('');
    expect(root(app).querySelector('#timeout-notice')).toBeNull();
    expect(root(app).activeElement?.id).toBe('form-title');
    expect(posted()).toContainEqual({ source: 'sealpost', type: 'timeout' });
  });

  test('keeps the prefilled location for the next patient', async () => {
    const { app } = await mountKiosk(formWithLocation());
    prefillFromHost({ location: 'hillcrest' });
    await settle(app);
    await settle(app);
    expect(location(app)).toBe('hillcrest');

    await submit(app);
    buttonNamed(app, 'Start over for the next patient')?.click();
    await settle(app);
    await settle(app);

    expect(location(app)).toBe('hillcrest');
  });
});

describe('prefill from the host page', () => {
  test('sets a prefillable item, which reaches the answers', async () => {
    const collector = await createFakeCollector({ definition: formWithLocation() });
    const app = await mountApp(collector.fetch);
    prefillFromHost({ location: 'riverside' });
    await settle(app);
    await vi.waitFor(() => expect(app['answers'].location).toBe('riverside'));
    expect(location(app)).toBe('riverside');

    await submit(app);
    expect((await collector.decrypt(collector.submissions[0]!.jwe)).answers.location).toBe('riverside');
  });

  test('refuses other items and tells the host which', async () => {
    const app = await mountApp((await createFakeCollector({ definition: formWithLocation() })).fetch);
    prefillFromHost({ 'full-name': 'Ana Ruiz', location: 'downtown', nothing: 'x' });
    await settle(app);
    await settle(app);

    expect(byId<HTMLInputElement>(app, 'field-full-name').value).toBe('');
    expect(location(app)).toBe('');
    expect(posted()).toContainEqual({
      source: 'sealpost',
      type: 'prefill-refused',
      items: [
        { id: 'location', reason: 'invalid_value' },
        { id: 'full-name', reason: 'not_prefillable' },
        { id: 'nothing', reason: 'unknown_item' },
      ],
    });
  });

  test('does not overwrite what the patient chose', async () => {
    const app = await mountApp((await createFakeCollector({ definition: formWithLocation() })).fetch);
    tick(app, 'field-location-option-1');
    await settle(app);

    prefillFromHost({ location: 'riverside' });
    await settle(app);
    await settle(app);
    expect(location(app)).toBe('hillcrest');
  });

  test('ignores prefill from a page that is not the parent', async () => {
    const app = await mountApp((await createFakeCollector({ definition: formWithLocation() })).fetch);
    window.dispatchEvent(new MessageEvent('message', { data: { source: 'sealpost-host', type: 'prefill', values: { location: 'riverside' } }, origin: 'https://evil.example', source: window.parent }));
    await settle(app);

    expect(location(app)).toBe('');
  });
});
