import './quiet-lit';
import { afterEach, beforeEach, describe, expect, test, vi, type MockInstance } from 'vitest';
import type { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';
import { byId, createFakeCollector, fillValid, HOST_ORIGIN, mountApp, RECEIPT_ID, review, root, settle } from './app-fixture';

let consoleSpies: MockInstance[] = [];
let postMessage: ReturnType<typeof vi.fn>;

const originalParent = Object.getOwnPropertyDescriptor(window, 'parent');

/** Makes the page look framed by `referrer`'s origin, as in a browser without location.ancestorOrigins. */
function frameBy(referrer: string): void {
  postMessage = vi.fn();
  Object.defineProperty(window, 'parent', { value: { postMessage }, configurable: true });
  Object.defineProperty(document, 'referrer', { value: referrer, configurable: true });
}

function unframe(): void {
  if (originalParent) Object.defineProperty(window, 'parent', originalParent);
  else Reflect.deleteProperty(window, 'parent');
  Reflect.deleteProperty(document, 'referrer');
}

beforeEach(() => {
  consoleSpies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((method) => vi.spyOn(console, method));
  frameBy(`${HOST_ORIGIN}/book-a-visit`);
});

afterEach(() => {
  document.body.replaceChildren();
  unframe();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const submitButton = (app: SealpostFormApp) => root(app).querySelector<HTMLButtonElement>('button[type="submit"]');
const posted = () => postMessage.mock.calls.map(([message, origin]) => ({ message, origin }));

describe('form app submit', () => {
  test('encrypts and posts payload', async () => {
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());

    expect(collector.submissions).toHaveLength(1);
    const envelope = collector.submissions[0]!;
    expect(envelope.formVersion).toBe(1);
    expect(envelope.kid).toBe('key-1');
    expect(envelope.idempotencyKey).toMatch(/^[0-9a-f]{32}$/);
    expect(await collector.decrypt(envelope.jwe)).toEqual({
      formId: 'new-patient-intake',
      formVersion: 1,
      locale: 'en',
      answers: {
        'full-name': 'Ana Ruiz',
        'date-of-birth': '1980-03-25',
        email: 'ana.ruiz@example.com',
        reason: 'Annual check-up',
        'preferred-contact': 'phone',
        conditions: ['asthma', 'hypertension'],
        'has-insurance': 'no',
        children: 2,
        consent: true,
      },
    });
  });

  test('envelope carries no plaintext', async () => {
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(collector.submissions).toHaveLength(1));

    expect(JSON.stringify(collector.submissions[0])).not.toMatch(/Ana|Ruiz|example\.com|check-up/);
  });

  test('double click submits once', async () => {
    const collector = await createFakeCollector();
    collector.hold();
    const app = await mountApp(collector.fetch);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    submitButton(app)?.click();
    root(app).querySelector('form')?.requestSubmit();
    await vi.waitFor(() => expect(collector.submissions).toHaveLength(1));
    await settle(app);

    expect(submitButton(app)?.getAttribute('aria-disabled')).toBe('true');
    expect(root(app).querySelector('.progress')?.textContent).toBe('Encrypting and sending your answers…');
    submitButton(app)?.click();

    collector.release();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());
    expect(collector.submissions).toHaveLength(1);
  });

  test('confirmation with receipt', async () => {
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch, 'es');
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());
    await settle(app);

    const title = byId(app, 'confirmation-title');
    expect(title.textContent).toBe('Gracias. Su formulario se envió.');
    expect(root(app).querySelector('.confirmation p')?.textContent).toBe(
      'Su número de recibo es 7K3M-9QXD-2BNP-4R6T. Guárdelo por si se comunica con la clínica sobre este formulario.',
    );
    expect(root(app).activeElement).toBe(title);
  });

  test('answers gone after success', async () => {
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch);
    const href = location.href;
    fillValid(app);
    await review(app);
    expect(app['answers']).not.toEqual({});

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());

    expect(app['answers']).toEqual({});
    expect(root(app).querySelectorAll('input, select, textarea')).toHaveLength(0);
    expect(root(app).textContent).not.toMatch(/Ana Ruiz|ana\.ruiz|check-up/);
    expect(localStorage.length).toBe(0);
    expect(sessionStorage.length).toBe(0);
    expect(document.cookie).toBe('');
    expect(location.href).toBe(href);
    for (const spy of consoleSpies) expect(spy).not.toHaveBeenCalled();
  });

  test('retries reuse idempotency key', async () => {
    const collector = await createFakeCollector({ submitStatuses: [503] });
    const app = await mountApp(collector.fetch);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull(), { timeout: 3000 });

    expect(collector.submissions).toHaveLength(2);
    expect(collector.submissions[1]).toEqual(collector.submissions[0]);
  });

  test('rejected submit keeps answers', async () => {
    const collector = await createFakeCollector({ submitStatuses: [422] });
    const app = await mountApp(collector.fetch);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).getElementById('send-error')).not.toBeNull());
    await settle(app);

    expect(byId(app, 'send-error').textContent).toBe(
      'Your answers were not sent because the clinic’s system did not accept them. Reload the page and fill in the form again. If this message appears again, contact the clinic.',
    );
    expect(root(app).activeElement?.id).toBe('send-error');
    expect(collector.submissions).toHaveLength(1);
    expect(posted()).toContainEqual({ message: { source: 'sealpost', type: 'error', code: 'invalid_answers' }, origin: HOST_ORIGIN });

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());

    expect(collector.submissions).toHaveLength(2);
    expect(collector.submissions[1]?.idempotencyKey).not.toBe(collector.submissions[0]?.idempotencyKey);
    expect((await collector.decrypt(collector.submissions[1]!.jwe)).answers['full-name']).toBe('Ana Ruiz');
  });
});

describe('form app permanent submit failures', () => {
  test.each([
    [422, 'invalid_contact_token', 'en', 'Your answers were not sent because the link to this form is no longer valid. Open the form again from the clinic’s latest message, or contact the clinic.'],
    [422, 'invalid_contact_token', 'es', 'Sus respuestas no se enviaron porque el enlace a este formulario ya no es válido. Abra de nuevo el formulario desde el mensaje más reciente de la clínica o comuníquese con la clínica.'],
    [404, 'form_not_found', 'es', 'Sus respuestas no se enviaron porque este formulario ya no está disponible. Comuníquese con la clínica.'],
    [422, 'unknown_form_version', 'en', 'Your answers were not sent because the clinic changed this form after you opened it. Reload the page to get the current form and fill it in again.'],
    [413, 'payload_too_large', 'en', 'Your answers were not sent because they are too large. Remove an attached file or choose a smaller one, then submit again.'],
    [400, 'decryption_failed', 'es', 'Sus respuestas no se enviaron porque el sistema de la clínica no las aceptó. Vuelva a cargar la página y rellene el formulario de nuevo. Si este mensaje vuelve a aparecer, comuníquese con la clínica.'],
  ])('%i %s in %s', async (status, code, lang, expected) => {
    const collector = await createFakeCollector({ submitStatuses: [status], submitErrorCode: code });
    const app = await mountApp(collector.fetch, lang);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).getElementById('send-error')).not.toBeNull());
    await settle(app);

    expect(byId(app, 'send-error').textContent).toBe(expected);
    expect(byId(app, 'send-error').textContent).not.toMatch(/internet|try again|inténtelo/);
    expect(root(app).activeElement?.id).toBe('send-error');
    expect(collector.submissions).toHaveLength(1);
    expect(posted()).toContainEqual({ message: { source: 'sealpost', type: 'error', code }, origin: HOST_ORIGIN });
  });

  test('encryption failure names the browser', async () => {
    const collector = await createFakeCollector();
    // A public key that is not a point on P-256 makes encryption throw before any request.
    collector.published.key.jwk = { kty: 'EC', crv: 'P-256', x: 'AA', y: 'AA', kid: 'key-1' };
    const app = await mountApp(collector.fetch, 'es');
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).getElementById('send-error')).not.toBeNull());

    expect(byId(app, 'send-error').textContent).toBe(
      'Sus respuestas no se enviaron porque este navegador no pudo cifrarlas. Actualice el navegador o use otro, o comuníquese con la clínica.',
    );
    expect(collector.submissions).toHaveLength(0);
    expect(posted()).toContainEqual({ message: { source: 'sealpost', type: 'error', code: 'encryption_failed' }, origin: HOST_ORIGIN });
  });
});

describe('form app insecure context', () => {
  test('refuses without WebCrypto', async () => {
    const collector = await createFakeCollector();
    // An insecure context keeps crypto.getRandomValues but has no crypto.subtle.
    const realCrypto = globalThis.crypto;
    vi.stubGlobal('crypto', { getRandomValues: (bytes: Uint8Array<ArrayBuffer>) => realCrypto.getRandomValues(bytes) });
    const app = await mountApp(collector.fetch);
    const notice = byId(app, 'insecure-notice');

    expect(notice.textContent).toBe(
      'This form cannot be sent securely because the page was not served over HTTPS. Please contact the clinic.',
    );

    fillValid(app);
    await review(app);
    submitButton(app)?.click();
    await settle(app);
    await settle(app);

    expect(collector.submissions).toHaveLength(0);
    expect(root(app).activeElement?.id).toBe('insecure-notice');
    expect(posted()).toContainEqual({ message: { source: 'sealpost', type: 'error', code: 'insecure_context' }, origin: HOST_ORIGIN });
  });
});

describe('form app parent messages', () => {
  test('ready and submitted to host', async () => {
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch);
    await vi.waitFor(() => expect(postMessage).toHaveBeenCalled());
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());

    const messages = posted();
    expect(messages.every(({ origin }) => origin === HOST_ORIGIN)).toBe(true);
    expect(messages.map(({ message }) => message.type)).toEqual(['ready', 'resize', 'submitted']);
    expect(messages[2]?.message).toEqual({ source: 'sealpost', type: 'submitted', receiptId: RECEIPT_ID });
  });

  test('unlisted host gets nothing', async () => {
    frameBy('https://evil.example/page');
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());

    expect(postMessage).not.toHaveBeenCalled();
  });

  test('unframed page posts nothing', async () => {
    const parent = postMessage;
    unframe();
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch);
    fillValid(app);
    await review(app);

    submitButton(app)?.click();
    await vi.waitFor(() => expect(root(app).querySelector('.confirmation')).not.toBeNull());

    expect(window.parent).toBe(window);
    expect(parent).not.toHaveBeenCalled();
  });
});
