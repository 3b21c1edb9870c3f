import { compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import { vi } from 'vitest';
import intake from '../../../../demo/forms/new-patient-intake.json';
import type { FormDefinition, PublishedForm, SubmissionEnvelope, SubmissionPayload } from '../../../../sdk/form-definition';
import { parseFormDefinition } from '../../../../sdk/parse-form';
import { defineElement } from '../../../../widget/define-element';
import { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';

defineElement('sealpost-form-app', SealpostFormApp);

export const FORM_ID = 'new-patient-intake';
export const RECEIPT_ID = '7K3M9QXD2BNP4R6T';
/** The origin that the demo form lists in allowedOrigins. */
export const HOST_ORIGIN = 'http://localhost:8788';

/** Returns the demo intake form plus the two field types it lacks: a number and a single checkbox. */
export function testForm(): FormDefinition {
  const fields = [
    ...intake.fields,
    { id: 'children', type: 'number', label: { en: 'Number of children', es: 'Número de hijos' }, min: 0, max: 20, step: 1 },
    {
      id: 'consent',
      type: 'checkbox',
      label: { en: 'I agree to be contacted', es: 'Acepto que me contacten' },
      help: { en: 'We contact you only about this visit.', es: 'Solo le contactamos sobre esta visita.' },
      required: true,
    },
  ];
  const result = parseFormDefinition({ ...intake, fields });
  if (!result.ok) throw new Error(`The test form is invalid: ${JSON.stringify(result.errors)}`);
  return result.form;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

/** Status codes that the fake collector answers submissions with, one per POST; 201 once the list is used up. */
export interface FakeCollectorOptions {
  submitStatuses?: number[];
  /** Error code of every failed submission reply; `invalid_answers` when left out. */
  submitErrorCode?: string;
  formStatuses?: number[];
  /** Form to publish instead of the test intake form; its id must be FORM_ID. */
  definition?: FormDefinition;
}

/**
 * A fake collector behind an injected fetch. It publishes the test form with a
 * fresh P-256 key, records every submission envelope, and can hold the reply
 * to a submission until `release()` so that tests can act while it is sending.
 */
export async function createFakeCollector(options: FakeCollectorOptions = {}) {
  const { publicKey, privateKey } = await generateKeyPair('ECDH-ES+A256KW', { extractable: true });
  const jwk = { ...(await exportJWK(publicKey)), kid: 'key-1' };
  const published: PublishedForm = { definition: options.definition ?? testForm(), key: { kid: 'key-1', jwk } };
  const submitStatuses = [...(options.submitStatuses ?? [])];
  const formStatuses = [...(options.formStatuses ?? [])];
  const submissions: SubmissionEnvelope[] = [];
  let held: Promise<void> | undefined;
  let release = () => undefined as void;

  const fetch = vi.fn(async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const url = String(input);
    if (init?.method === 'GET' && url === `${location.origin}/v1/forms/${FORM_ID}`) {
      const status = formStatuses.shift() ?? 200;
      return status === 200 ? json(200, published) : json(status, { error: { code: `http_${status}`, message: 'Failed.' } });
    }

    if (init?.method === 'POST' && url === `${location.origin}/v1/forms/${FORM_ID}/submissions`) {
      submissions.push(JSON.parse(String(init.body)) as SubmissionEnvelope);
      if (held) await held;
      const status = submitStatuses.shift() ?? 201;
      return status === 201
        ? json(201, { id: RECEIPT_ID, receivedAt: '2026-12-04T10:00:00.000Z' })
        : json(status, { error: { code: options.submitErrorCode ?? 'invalid_answers', message: 'The submission was rejected.' } });
    }

    return json(404, { error: { code: 'not_found', message: `No route for ${url}.` } });
  });

  return {
    fetch,
    published,
    submissions,
    /** Holds submission replies until release() is called. */
    hold() {
      held = new Promise<void>((resolve) => {
        release = resolve;
      });
    },
    release: () => release(),
    async decrypt(jwe: string): Promise<SubmissionPayload> {
      const { plaintext, protectedHeader } = await compactDecrypt(jwe, privateKey);
      expectHeader(protectedHeader);
      return JSON.parse(new TextDecoder().decode(plaintext)) as SubmissionPayload;
    },
  };
}

function expectHeader(header: Record<string, unknown>): void {
  const expected = { alg: 'ECDH-ES+A256KW', enc: 'A256GCM', kid: 'key-1', cty: 'application/vnd.sealpost.submission+json' };
  for (const [name, value] of Object.entries(expected)) {
    if (header[name] !== value) throw new Error(`JWE header ${name} is ${String(header[name])}, expected ${value}.`);
  }
}

/**
 * Mounts `<sealpost-form-app>` with the fetch stubbed and waits until the form has rendered.
 * `prepare` runs before the element connects, to set a clock or attributes.
 */
export async function mountApp(fetch: typeof globalThis.fetch, lang = 'en', prepare?: (app: SealpostFormApp) => void): Promise<SealpostFormApp> {
  vi.stubGlobal('fetch', fetch);
  const app = document.createElement('sealpost-form-app');
  app.setAttribute('form', FORM_ID);
  app.setAttribute('lang', lang);
  prepare?.(app);
  document.body.append(app);

  await vi.waitFor(() => {
    if (!app.shadowRoot?.querySelector('form')) throw new Error('The form has not rendered yet.');
  });
  return app;
}

export function root(app: SealpostFormApp): ShadowRoot {
  if (!app.shadowRoot) throw new Error('The app has no shadow root.');
  return app.shadowRoot;
}

export function byId<T extends HTMLElement = HTMLElement>(app: SealpostFormApp, id: string): T {
  const element = root(app).getElementById(id);
  if (!element) throw new Error(`No element #${id} in the form app.`);
  return element as T;
}

/** Types into a text-like control or picks a select option, firing input and change as a browser does. */
export function enter(app: SealpostFormApp, fieldId: string, value: string): void {
  const control = byId<HTMLInputElement>(app, `field-${fieldId}`);
  control.value = value;
  control.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  control.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

/** Ticks a checkbox or radio button by id, firing input and change. */
export function tick(app: SealpostFormApp, id: string, checked = true): void {
  const box = byId<HTMLInputElement>(app, id);
  box.checked = checked;
  box.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  box.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

/** Moves focus out of a control, as Tab does, firing focusout. */
export function leave(app: SealpostFormApp, id: string): void {
  byId(app, id).dispatchEvent(new FocusEvent('focusout', { bubbles: true, composed: true, relatedTarget: null }));
}

/** Fills every field with a valid answer, leaving the optional phone empty. */
export function fillValid(app: SealpostFormApp): void {
  enter(app, 'full-name', '  Ana Ruiz ');
  enter(app, 'date-of-birth', '1980-03-25');
  enter(app, 'email', 'ana.ruiz@example.com');
  enter(app, 'reason', 'Annual check-up');
  enter(app, 'preferred-contact', 'phone');
  tick(app, 'field-conditions-option-0');
  tick(app, 'field-conditions-option-2');
  tick(app, 'field-has-insurance-option-1');
  enter(app, 'children', '2');
  tick(app, 'field-consent');
}

export async function settle(app: SealpostFormApp): Promise<void> {
  await app.updateComplete;
}

/** Returns the button whose text is `text`, or undefined. */
export function buttonNamed(app: SealpostFormApp, text: string): HTMLButtonElement | undefined {
  return Array.from(root(app).querySelectorAll('button')).find((button) => button.textContent?.trim() === text);
}

/** Presses "Review your answers" (every form has a review page before Submit) and waits for the render. */
export async function review(app: SealpostFormApp): Promise<void> {
  const button = buttonNamed(app, 'Review your answers') ?? buttonNamed(app, 'Revisar sus respuestas');
  if (!button) throw new Error('No “Review your answers” button.');
  button.click();
  await settle(app);
  await settle(app);
}
