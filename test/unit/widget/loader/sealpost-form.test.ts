import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { defineElement } from '../../../../widget/define-element';
import { LOAD_TIMEOUT_MS, SealpostFormElement } from '../../../../widget/loader/sealpost-form';

const COLLECTOR = 'https://collector.example';

interface HappyDomSettings {
  enableIframePageLoading: boolean;
  fetch: { interceptor: unknown };
}

const settings = (window as unknown as { happyDOM: { settings: HappyDomSettings } }).happyDOM.settings;
const savedSettings = { enableIframePageLoading: settings.enableIframePageLoading, interceptor: settings.fetch.interceptor };

beforeAll(() => {
  defineElement('sealpost-form', SealpostFormElement);

  // happy-dom refuses to load iframe pages by default and logs each refusal,
  // so frames here load a blank page that the interceptor serves without any network.
  settings.enableIframePageLoading = true;
  settings.fetch.interceptor = {
    beforeAsyncRequest: async () => new Response('<!doctype html><title>Form</title>', { headers: { 'content-type': 'text/html' } }),
  };
});

afterAll(() => {
  settings.enableIframePageLoading = savedSettings.enableIframePageLoading;
  settings.fetch.interceptor = savedSettings.interceptor;
});

afterEach(() => {
  document.body.replaceChildren();
  SealpostFormElement.defaultCollector = undefined;
  vi.restoreAllMocks();
});

/**
 * Mounts a form and returns its iframe's window. happy-dom's own postMessage
 * sets a wrong `source`, so tests dispatch MessageEvents naming that window.
 */
function mount(attributes: Record<string, string>) {
  const element = document.createElement('sealpost-form');
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  document.body.append(element);

  const frame = element.shadowRoot?.querySelector('iframe') ?? null;
  return { element, frame, frameWindow: frame?.contentWindow ?? null };
}

function post(data: unknown, origin: string, source: unknown): void {
  window.dispatchEvent(new MessageEvent('message', { data, origin, source: source as Window }));
}

function record(element: HTMLElement, type: string): CustomEvent[] {
  const events: CustomEvent[] = [];
  element.addEventListener(type, (event) => events.push(event as CustomEvent));
  return events;
}

describe('sealpost-form frame', () => {
  test('src from attributes', () => {
    const { frame } = mount({ form: 'new patient/intake', collector: `${COLLECTOR}/`, lang: 'es-MX' });

    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/new%20patient%2Fintake?lang=es`);
  });

  test('idle-timeout goes into src', () => {
    const { frame } = mount({ form: 'intake', collector: COLLECTOR, lang: 'en', 'idle-timeout': '300' });

    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=en&idle=300`);
  });

  test('invalid idle-timeout is left out', () => {
    const { frame } = mount({ form: 'intake', collector: COLLECTOR, lang: 'en', 'idle-timeout': '5m&x=1' });

    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=en`);
  });

  test('keeps collector path prefix', () => {
    const { frame } = mount({ form: 'intake', collector: `${COLLECTOR}/sealpost/`, lang: 'en' });

    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/sealpost/embed/forms/intake?lang=en`);
  });

  test('defaults to script origin', () => {
    SealpostFormElement.defaultCollector = 'http://localhost:8787';
    const { frame } = mount({ form: 'intake', lang: 'en' });

    expect(frame?.getAttribute('src')).toBe('http://localhost:8787/embed/forms/intake?lang=en');
  });

  test('lang falls back to browser', () => {
    vi.spyOn(navigator, 'language', 'get').mockReturnValue('es-US');
    const { frame } = mount({ form: 'intake', collector: COLLECTOR });

    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=es`);
  });

  test('other languages go to the form, which may offer them', () => {
    // The form shows a language its texts offer, such as Arabic, right to left; else English.
    const { frame } = mount({ form: 'intake', collector: COLLECTOR, lang: 'ar-EG' });

    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=ar`);
    expect(frame?.title).toBe('Patient form');
  });

  test('malformed lang becomes en', () => {
    const { frame } = mount({ form: 'intake', collector: COLLECTOR, lang: '"><x' });

    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=en`);
  });

  test('kiosk goes into src', () => {
    const { element, frame } = mount({ form: 'intake', collector: COLLECTOR, lang: 'en', kiosk: '' });
    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=en&kiosk=1`);

    element.removeAttribute('kiosk');
    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=en`);
  });

  test('localized title', () => {
    expect(mount({ form: 'intake', collector: COLLECTOR, lang: 'en' }).frame?.title).toBe('Patient form');
    expect(mount({ form: 'intake', collector: COLLECTOR, lang: 'es' }).frame?.title).toBe('Formulario del paciente');
  });

  test('frame sends origin as referrer', () => {
    const { frame } = mount({ form: 'intake', collector: COLLECTOR });

    expect(frame?.referrerPolicy).toBe('origin');
  });

  test('lang change updates src and title', () => {
    const { element, frame } = mount({ form: 'intake', collector: COLLECTOR, lang: 'en' });

    element.setAttribute('lang', 'es');

    expect(element.shadowRoot?.querySelectorAll('iframe')).toHaveLength(1);
    expect(frame?.getAttribute('src')).toBe(`${COLLECTOR}/embed/forms/intake?lang=es`);
    expect(frame?.title).toBe('Formulario del paciente');
  });

  test('missing form reports error', () => {
    const events: CustomEvent[] = [];
    document.addEventListener('sealpost-error', (event) => events.push(event), { once: true });

    const { frame } = mount({ collector: COLLECTOR });

    expect(frame).toBeNull();
    expect(events[0]?.detail).toEqual({ code: 'missing_form' });
  });

  test('invalid collector reports error', () => {
    const events: CustomEvent[] = [];
    document.addEventListener('sealpost-error', (event) => events.push(event), { once: true });

    const { frame } = mount({ form: 'intake', collector: 'javascript:alert(1)' });

    expect(frame).toBeNull();
    expect(events[0]?.detail).toEqual({ code: 'invalid_collector' });
  });

  test('no collector reports error', () => {
    const events: CustomEvent[] = [];
    document.addEventListener('sealpost-error', (event) => events.push(event), { once: true });

    mount({ form: 'intake' });

    expect(events[0]?.detail).toEqual({ code: 'invalid_collector' });
  });
});

describe('sealpost-form messages', () => {
  test('frame window is stable', () => {
    const { frame, frameWindow } = mount({ form: 'intake', collector: COLLECTOR });

    expect(frameWindow).not.toBeNull();
    expect(frame?.contentWindow).toBe(frameWindow);
  });

  test('submitted re-dispatched with detail', () => {
    const { element, frameWindow } = mount({ form: 'intake', collector: COLLECTOR });
    const events: CustomEvent[] = [];
    document.addEventListener('sealpost-submitted', (event) => events.push(event), { once: true });

    post({ source: 'sealpost', type: 'submitted', receiptId: '7K3M9QXD2BNP4R6T' }, COLLECTOR, frameWindow);

    expect(events).toHaveLength(1);
    expect(events[0]?.detail).toEqual({ receiptId: '7K3M9QXD2BNP4R6T' });
    expect(events[0]?.target).toBe(element);
    expect(events[0]?.bubbles).toBe(true);
    expect(events[0]?.composed).toBe(true);
  });

  test('ready and error re-dispatched', () => {
    const { element, frameWindow } = mount({ form: 'intake', collector: COLLECTOR });
    const ready = record(element, 'sealpost-ready');
    const errors = record(element, 'sealpost-error');

    post({ source: 'sealpost', type: 'ready' }, COLLECTOR, frameWindow);
    post({ source: 'sealpost', type: 'error', code: 'insecure_context' }, COLLECTOR, frameWindow);

    expect(ready).toHaveLength(1);
    expect(ready[0]?.bubbles).toBe(true);
    expect(ready[0]?.composed).toBe(true);
    expect(errors.map((event) => event.detail)).toEqual([{ code: 'insecure_context' }]);
  });

  test('says in the page language when the form does not load', () => {
    vi.useFakeTimers();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { element } = mount({ form: 'intake', collector: COLLECTOR, lang: 'es' });
    const errors = record(element, 'sealpost-error');

    vi.advanceTimersByTime(LOAD_TIMEOUT_MS - 1);
    expect(element.shadowRoot?.querySelector('p')).toBeNull();
    vi.advanceTimersByTime(1);
    vi.useRealTimers();

    const notice = element.shadowRoot?.querySelector('p[role="alert"]');
    expect(notice?.textContent).toBe('No se pudo cargar este formulario. Vuelva a cargar la página o comuníquese con la clínica si vuelve a ocurrir.');
    expect(notice?.getAttribute('lang')).toBe('es');
    expect(errors.map((event) => event.detail)).toEqual([{ code: 'form_not_loaded' }]);
    expect(String(warn.mock.calls[0]?.[0])).toContain("this page's origin is in the form's allowedOrigins");
  });

  test('a form that reports ready in time shows no notice, and a late one removes it', () => {
    vi.useFakeTimers();
    vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const quick = mount({ form: 'intake', collector: COLLECTOR });
    post({ source: 'sealpost', type: 'ready' }, COLLECTOR, quick.frameWindow);
    const slow = mount({ form: 'consent', collector: COLLECTOR });
    const quickErrors = record(quick.element, 'sealpost-error');

    vi.advanceTimersByTime(LOAD_TIMEOUT_MS);
    vi.useRealTimers();
    expect(quick.element.shadowRoot?.querySelector('p')).toBeNull();
    expect(quickErrors).toEqual([]);
    expect(slow.element.shadowRoot?.querySelector('p')?.textContent).toContain('This form could not be loaded.');

    post({ source: 'sealpost', type: 'ready' }, COLLECTOR, slow.frameWindow);
    expect(slow.element.shadowRoot?.querySelector('p')).toBeNull();
  });

  test('passes theme to frame on ready', () => {
    const element = document.createElement('sealpost-form');
    element.setAttribute('form', 'intake');
    element.setAttribute('collector', COLLECTOR);
    element.style.setProperty('--sealpost-accent', '#0b6e4f');
    element.style.setProperty('--other', 'red');
    document.body.append(element);
    const frameWindow = element.shadowRoot?.querySelector('iframe')?.contentWindow;
    const sent: unknown[][] = [];
    if (frameWindow) frameWindow.postMessage = ((...args: unknown[]) => sent.push(args)) as Window['postMessage'];

    post({ source: 'sealpost', type: 'ready' }, COLLECTOR, frameWindow);

    expect(sent).toEqual([[{ source: 'sealpost-host', type: 'theme', theme: { '--sealpost-accent': '#0b6e4f' } }, COLLECTOR]]);
  });

  test('timeout re-dispatched', () => {
    const { element, frameWindow } = mount({ form: 'intake', collector: COLLECTOR });
    const timeouts = record(element, 'sealpost-timeout');

    post({ source: 'sealpost', type: 'timeout' }, COLLECTOR, frameWindow);

    expect(timeouts).toHaveLength(1);
    expect(timeouts[0]?.detail).toBeNull();
    expect(timeouts[0]?.composed).toBe(true);
  });

  test('resize sets frame height', () => {
    const { frame, frameWindow } = mount({ form: 'intake', collector: COLLECTOR });

    post({ source: 'sealpost', type: 'resize', height: 640.2 }, COLLECTOR, frameWindow);

    expect(frame?.style.height).toBe('641px');
  });

  test('wrong origin ignored', () => {
    const { element, frame, frameWindow } = mount({ form: 'intake', collector: COLLECTOR });
    const submitted = record(element, 'sealpost-submitted');

    post({ source: 'sealpost', type: 'submitted', receiptId: 'ABC' }, 'https://evil.example', frameWindow);
    post({ source: 'sealpost', type: 'resize', height: 10 }, 'https://collector.example:8443', frameWindow);

    expect(submitted).toHaveLength(0);
    expect(frame?.style.height).toBe('');
  });

  test('wrong source ignored', () => {
    const { element, frame } = mount({ form: 'intake', collector: COLLECTOR });
    const submitted = record(element, 'sealpost-submitted');

    post({ source: 'sealpost', type: 'submitted', receiptId: 'ABC' }, COLLECTOR, window);
    post({ source: 'sealpost', type: 'submitted', receiptId: 'ABC' }, COLLECTOR, null);
    post({ source: 'sealpost', type: 'resize', height: 10 }, COLLECTOR, { postMessage() {} });

    expect(submitted).toHaveLength(0);
    expect(frame?.style.height).toBe('');
  });

  test('malformed message ignored', () => {
    const { element, frameWindow } = mount({ form: 'intake', collector: COLLECTOR });
    const submitted = record(element, 'sealpost-submitted');

    post({ source: 'sealpost', type: 'submitted', receiptId: 'name: Ana Ruiz' }, COLLECTOR, frameWindow);
    post('{"source":"sealpost","type":"ready"}', COLLECTOR, frameWindow);

    expect(submitted).toHaveLength(0);
  });

  test('two forms keep own messages', () => {
    const first = mount({ form: 'intake', collector: COLLECTOR });
    const second = mount({ form: 'consent', collector: COLLECTOR });
    const firstEvents = record(first.element, 'sealpost-submitted');
    const secondEvents = record(second.element, 'sealpost-submitted');

    post({ source: 'sealpost', type: 'submitted', receiptId: 'SECOND' }, COLLECTOR, second.frameWindow);

    expect(firstEvents).toHaveLength(0);
    expect(secondEvents.map((event) => event.detail)).toEqual([{ receiptId: 'SECOND' }]);
  });

  test('disconnect removes listener', () => {
    const add = vi.spyOn(window, 'addEventListener');
    const remove = vi.spyOn(window, 'removeEventListener');
    const { element } = mount({ form: 'intake', collector: COLLECTOR });
    const listener = add.mock.calls.find(([type]) => type === 'message')?.[1];

    element.remove();

    expect(listener).toBeTypeOf('function');
    expect(remove).toHaveBeenCalledWith('message', listener);
  });

  test('reconnect listens again', () => {
    const { element } = mount({ form: 'intake', collector: COLLECTOR });
    const ready = record(element, 'sealpost-ready');
    element.remove();
    document.body.append(element);
    const frame = element.shadowRoot?.querySelector('iframe');

    post({ source: 'sealpost', type: 'ready' }, COLLECTOR, frame?.contentWindow);

    expect(frame?.contentWindow).not.toBeNull();
    expect(ready).toHaveLength(1);
  });
});

describe('sealpost-form prefill', () => {
  /** Mounts a form whose frame records what the loader posts into it. */
  function mountRecording(attributes: Record<string, string>) {
    const { element, frameWindow } = mount({ form: 'intake', collector: COLLECTOR, ...attributes });
    const sent: unknown[] = [];
    if (frameWindow) frameWindow.postMessage = ((message: unknown, origin: string) => sent.push([message, origin])) as Window['postMessage'];
    const ready = () => post({ source: 'sealpost', type: 'ready' }, COLLECTOR, frameWindow);
    return { element, frameWindow, sent, ready };
  }
  const prefillMessage = (values: Record<string, unknown>) => [{ source: 'sealpost-host', type: 'prefill', values }, COLLECTOR];

  test('sends attributes, JSON and script values on ready', () => {
    const { element, sent, ready } = mountRecording({ 'prefill-location': 'riverside', prefill: '{"room":"12","visits":["lab"]}' });
    element.prefill({ room: 14 });
    expect(sent).toEqual([]);

    ready();

    expect(sent).toEqual([prefillMessage({ room: 14, visits: ['lab'], location: 'riverside' })]);
  });

  test('sends script values at once when the form is ready', () => {
    const { element, sent, ready } = mountRecording({});
    ready();
    element.prefill({ location: 'hillcrest' });

    expect(sent).toEqual([prefillMessage({ location: 'hillcrest' })]);
  });

  test('warns about a refused item by name', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { frameWindow } = mountRecording({ 'prefill-full-name': 'Ana' });

    post({ source: 'sealpost', type: 'prefill-refused', items: [{ id: 'full-name', reason: 'not_prefillable' }, { id: 'room', reason: 'unknown_item' }] }, COLLECTOR, frameWindow);

    expect(warn.mock.calls.map(([text]) => text)).toEqual([
      '[sealpost] <sealpost-form form="intake">: the prefill of "full-name" was refused: the form does not mark this item "prefillable", and only items marked so accept a value from the page.',
      '[sealpost] <sealpost-form form="intake">: the prefill of "room" was refused: the form has no item with this id.',
    ]);
  });

  test('warns about values no form could take, and a malformed prefill attribute', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { element, sent, ready } = mountRecording({ prefill: '{not json' });
    element.prefill({ 'bad id': 'x', note: { nested: true } as never, location: 'riverside' });
    ready();

    expect(sent).toEqual([prefillMessage({ location: 'riverside' })]);
    expect(warn.mock.calls.map(([text]) => String(text).split(': ').slice(1).join(': '))).toEqual([
      'the prefill of "bad id" from prefill() was refused: use an item id and a text of at most 1000 characters, a number, true or false, or a list of texts.',
      'the prefill of "note" from prefill() was refused: use an item id and a text of at most 1000 characters, a number, true or false, or a list of texts.',
      'the prefill attribute is not a JSON object of values by item id, such as {"location":"riverside"}; it was ignored.',
    ]);
  });

  test('a refusal from another window is ignored', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    mountRecording({});

    post({ source: 'sealpost', type: 'prefill-refused', items: [{ id: 'x', reason: 'unknown_item' }] }, COLLECTOR, window);

    expect(warn).not.toHaveBeenCalled();
  });
});

describe('sealpost-form contact token', () => {
  const TOKEN = 'sct1.AAAAAAAA.eyJjIjoiYSJ9.aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa';
  const NEXT = 'sct1.BBBBBBBB.eyJjIjoiYiJ9.bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb';

  function mountRecording(attributes: Record<string, string>) {
    const { element, frame, frameWindow } = mount({ form: 'intake', collector: COLLECTOR, ...attributes });
    const sent: unknown[] = [];
    if (frameWindow) frameWindow.postMessage = ((message: unknown, origin: string) => sent.push([message, origin])) as Window['postMessage'];
    const ready = () => post({ source: 'sealpost', type: 'ready' }, COLLECTOR, frameWindow);
    return { element, frame, frameWindow, sent, ready };
  }
  const tokenMessage = (token: string | null) => [{ source: 'sealpost-host', type: 'contact-token', token }, COLLECTOR];

  test('sends the token by postMessage on ready, never in the frame URL', () => {
    const { frame, sent, ready } = mountRecording({ 'contact-token': TOKEN });
    expect(sent).toEqual([]);
    ready();

    expect(sent).toEqual([tokenMessage(TOKEN)]);
    expect(frame?.getAttribute('src')).not.toContain(TOKEN);
    expect(frame?.getAttribute('src')).not.toContain('token');
  });

  test('sends nothing on ready without a token', () => {
    const { sent, ready } = mountRecording({});
    ready();
    expect(sent).toEqual([]);
  });

  test('sends a changed token at once, and null when it is removed, without reloading the frame', () => {
    const { element, frame, sent, ready } = mountRecording({ 'contact-token': TOKEN });
    const src = frame?.getAttribute('src');
    ready();
    element.setAttribute('contact-token', NEXT);
    element.removeAttribute('contact-token');

    expect(sent).toEqual([tokenMessage(TOKEN), tokenMessage(NEXT), tokenMessage(null)]);
    expect(frame?.getAttribute('src')).toBe(src);
  });

  test('waits for ready before sending a token set early', () => {
    const { element, sent, ready } = mountRecording({});
    element.setAttribute('contact-token', TOKEN);
    expect(sent).toEqual([]);
    ready();
    expect(sent).toEqual([tokenMessage(TOKEN)]);
  });

  test('warns about a malformed token and sends none', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const { sent, ready } = mountRecording({ 'contact-token': 'not a token' });
    ready();
    expect(sent).toEqual([]);
    expect(warn.mock.calls.map(([text]) => text)).toEqual(['[sealpost] <sealpost-form form="intake">: the contact-token attribute is not a token from POST /v1/contacts/:id/form-token; the form was sent none.']);
  });

  test('in kiosk mode, does not send a submitted patient’s token to a reloaded frame', () => {
    const { element, frameWindow, sent, ready } = mountRecording({ 'contact-token': TOKEN, kiosk: '' });
    ready();
    post({ source: 'sealpost', type: 'submitted', receiptId: '7K3M9QXD2BNP4R6T' }, COLLECTOR, frameWindow);
    // The frame reports ready again, as a frame reloaded for another language would.
    ready();
    expect(sent).toEqual([tokenMessage(TOKEN)]);

    // Setting the attribute again names the next patient.
    element.setAttribute('contact-token', TOKEN);
    expect(sent).toEqual([tokenMessage(TOKEN), tokenMessage(TOKEN)]);
  });
});
