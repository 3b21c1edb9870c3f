import './quiet-lit';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { localDateString } from '../../../../sdk/validate-answers';
import { byId, createFakeCollector, fillValid, FORM_ID, mountApp, review, root } from './app-fixture';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

const labelOf = (app: HTMLElement, id: string) => app.shadowRoot?.querySelector(`label[for="${id}"]`)?.textContent?.replace(/\s+/g, ' ').trim();
const legendOf = (app: HTMLElement, id: string) => byId(app as never, id).querySelector('legend')?.textContent?.replace(/\s+/g, ' ').trim();

const TEXTS = {
  en: {
    title: 'New patient intake',
    fullName: 'Full name *',
    dateOfBirth: 'Date of birth *',
    email: 'Email *',
    phone: 'Phone',
    phoneHelp: 'Include the area code.',
    reason: 'Reason for visit *',
    contact: 'Preferred way to contact you *',
    contactOptions: ['Select an option', 'Email', 'Phone call', 'Text message'],
    conditions: 'Do you have any of these conditions?',
    conditionOptions: ['Asthma', 'Diabetes', 'High blood pressure', 'Heart disease'],
    insurance: 'Do you have health insurance? *',
    insuranceOptions: ['Yes', 'No'],
    children: 'Number of children',
    consent: 'I agree to be contacted *',
    note: 'Your answers are encrypted in this page before they are sent.',
    submit: 'Submit',
    review: 'Review your answers',
    reviewTitle: 'Check your answers before you submit',
    change: 'Change your answers',
    reviewedDateOfBirth: 'March 25, 1980',
  },
  es: {
    title: 'Registro de paciente nuevo',
    fullName: 'Nombre completo *',
    dateOfBirth: 'Fecha de nacimiento *',
    email: 'Correo electrónico *',
    phone: 'Teléfono',
    phoneHelp: 'Incluya el código de área.',
    reason: 'Motivo de la consulta *',
    contact: 'Forma preferida de contacto *',
    contactOptions: ['Seleccione una opción', 'Correo electrónico', 'Llamada telefónica', 'Mensaje de texto'],
    conditions: '¿Tiene alguna de estas afecciones?',
    conditionOptions: ['Asma', 'Diabetes', 'Presión arterial alta', 'Enfermedad cardíaca'],
    insurance: '¿Tiene seguro médico? *',
    insuranceOptions: ['Sí', 'No'],
    children: 'Número de hijos',
    consent: 'Acepto que me contacten *',
    note: 'Sus respuestas se cifran en esta página antes de enviarse.',
    submit: 'Enviar',
    review: 'Revisar sus respuestas',
    reviewTitle: 'Compruebe sus respuestas antes de enviarlas',
    change: 'Cambiar sus respuestas',
    reviewedDateOfBirth: '25 de marzo de 1980',
  },
} as const;

describe.each(['en', 'es'] as const)('form app renders in %s', (lang) => {
  const text = TEXTS[lang];

  test('title and root lang', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);

    expect(root(app).querySelector('h1')?.textContent).toBe(text.title);
    expect(root(app).querySelector('.app')?.getAttribute('lang')).toBe(lang);
  });

  test('text inputs with autocomplete', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);

    expect(labelOf(app, 'field-full-name')).toBe(text.fullName);
    expect(byId(app, 'field-full-name').getAttribute('type')).toBe('text');
    expect(byId(app, 'field-full-name').getAttribute('autocomplete')).toBe('name');
    expect(byId(app, 'field-full-name').hasAttribute('required')).toBe(true);

    expect(labelOf(app, 'field-email')).toBe(text.email);
    expect(byId(app, 'field-email').getAttribute('type')).toBe('email');
    expect(byId(app, 'field-email').getAttribute('autocomplete')).toBe('email');

    expect(labelOf(app, 'field-phone')).toBe(text.phone);
    expect(byId(app, 'field-phone').getAttribute('type')).toBe('tel');
    expect(byId(app, 'field-phone').getAttribute('autocomplete')).toBe('tel');
    expect(byId(app, 'field-phone').hasAttribute('required')).toBe(false);
  });

  test('help text is described', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);

    expect(byId(app, 'field-phone').getAttribute('aria-describedby')).toBe('field-phone-help');
    expect(byId(app, 'field-phone-help').textContent).toBe(text.phoneHelp);
    expect(byId(app, 'field-full-name').hasAttribute('aria-describedby')).toBe(false);
  });

  test('date input with limits', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    const date = byId(app, 'field-date-of-birth');

    expect(labelOf(app, 'field-date-of-birth')).toBe(text.dateOfBirth);
    expect(date.getAttribute('type')).toBe('date');
    expect(date.getAttribute('min')).toBe('1900-01-01');
    expect(date.getAttribute('max')).toBe(localDateString(new Date()));
    expect(date.getAttribute('autocomplete')).toBe('bday');
  });

  test('textarea', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);

    expect(byId(app, 'field-reason').tagName).toBe('TEXTAREA');
    expect(labelOf(app, 'field-reason')).toBe(text.reason);
  });

  test('select with placeholder', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    const select = byId<HTMLSelectElement>(app, 'field-preferred-contact');

    expect(select.tagName).toBe('SELECT');
    expect(labelOf(app, 'field-preferred-contact')).toBe(text.contact);
    expect(Array.from(select.options, (option) => option.textContent)).toEqual(text.contactOptions);
    expect(Array.from(select.options, (option) => option.value)).toEqual(['', 'email', 'phone', 'text']);
  });

  test('checkbox group in fieldset', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    const group = byId(app, 'field-conditions');
    const boxes = Array.from(group.querySelectorAll('input'));

    expect(group.tagName).toBe('FIELDSET');
    expect(legendOf(app, 'field-conditions')).toBe(text.conditions);
    expect(boxes.map((box) => box.type)).toEqual(['checkbox', 'checkbox', 'checkbox', 'checkbox']);
    expect(boxes.map((box) => labelOf(app, box.id))).toEqual(text.conditionOptions);
  });

  test('radio group in fieldset', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    const group = byId(app, 'field-has-insurance');
    const radios = Array.from(group.querySelectorAll('input'));

    expect(group.tagName).toBe('FIELDSET');
    expect(legendOf(app, 'field-has-insurance')).toBe(text.insurance);
    expect(radios.map((radio) => radio.type)).toEqual(['radio', 'radio']);
    expect(radios.map((radio) => radio.name)).toEqual(['has-insurance', 'has-insurance']);
    expect(radios.every((radio) => radio.required)).toBe(true);
    expect(radios.map((radio) => labelOf(app, radio.id))).toEqual(text.insuranceOptions);
  });

  test('number input', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    const number = byId(app, 'field-children');

    expect(labelOf(app, 'field-children')).toBe(text.children);
    expect(number.getAttribute('type')).toBe('number');
    expect(number.getAttribute('min')).toBe('0');
    expect(number.getAttribute('max')).toBe('20');
    expect(number.getAttribute('step')).toBe('1');
  });

  test('single checkbox', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    const box = byId<HTMLInputElement>(app, 'field-consent');

    expect(box.type).toBe('checkbox');
    expect(box.required).toBe(true);
    expect(labelOf(app, 'field-consent')).toBe(text.consent);
    expect(box.getAttribute('aria-describedby')).toBe('field-consent-help');
  });

  test('display text', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);

    expect(byId(app, 'field-privacy-note').textContent).toBe(text.note);
  });

  test('every control has a label', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    const controls = Array.from(root(app).querySelectorAll('input, select, textarea'));

    expect(controls).toHaveLength(14);
    for (const control of controls) expect(labelOf(app, control.id), control.id).toBeTruthy();
  });

  test('review page before submit', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);

    // A form of one section has no progress indicator, but a review page like a paged one.
    expect(root(app).querySelector('progress')).toBeNull();
    expect(root(app).querySelector('button[type="submit"]')).toBeNull();
    expect(root(app).querySelector('.actions button')?.textContent).toBe(text.review);

    fillValid(app);
    await review(app);
    expect(root(app).activeElement?.id).toBe('review-title');
    expect(byId(app, 'review-title').textContent).toBe(text.reviewTitle);
    expect(root(app).querySelector('.review dt')?.textContent).toBe(text.fullName.replace(' *', ''));
    expect(root(app).querySelector('.review dd')?.textContent).toBe('Ana Ruiz');
    const reviewed = Array.from(root(app).querySelectorAll('.review dt'), (term) => [term.textContent, term.nextElementSibling?.textContent]);
    expect(reviewed[1]).toEqual([text.dateOfBirth.replace(' *', ''), text.reviewedDateOfBirth]);
    expect(root(app).querySelector('button[type="submit"]')?.textContent).toBe(text.submit);
    expect(Array.from(root(app).querySelectorAll('.section'), (section) => section.hasAttribute('hidden'))).toEqual([true]);
  });

  test('change goes back from the review page', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, lang);
    fillValid(app);
    await review(app);

    Array.from(root(app).querySelectorAll('button')).find((button) => button.textContent?.trim() === text.change)?.click();
    await app.updateComplete;
    await app.updateComplete;

    expect(root(app).querySelector('.review')).toBeNull();
    expect(root(app).activeElement?.id).toBe('form-title');
    expect(byId<HTMLInputElement>(app, 'field-full-name').value).toBe('  Ana Ruiz ');
  });
});

describe('form app states', () => {
  test('loading status', async () => {
    vi.stubGlobal('fetch', () => new Promise(() => undefined));
    const app = document.createElement('sealpost-form-app');
    app.setAttribute('form', FORM_ID);
    app.setAttribute('lang', 'es');
    document.body.append(app);
    await app.updateComplete;

    expect(root(app).querySelector('[role="status"]')?.textContent).toBe('Cargando el formulario…');
  });

  test('not found message', async () => {
    const collector = await createFakeCollector({ formStatuses: [404] });
    vi.stubGlobal('fetch', collector.fetch);
    const app = document.createElement('sealpost-form-app');
    app.setAttribute('form', FORM_ID);
    app.setAttribute('lang', 'en');
    document.body.append(app);

    await vi.waitFor(() => expect(root(app).querySelector('[role="alert"]')?.textContent).toBe('This form is not available. Please contact the clinic.'));
    expect(root(app).querySelector('button')).toBeNull();
  });

  test('load failure offers retry', async () => {
    const collector = await createFakeCollector({ formStatuses: [400] });
    vi.stubGlobal('fetch', collector.fetch);
    const app = document.createElement('sealpost-form-app');
    app.setAttribute('form', FORM_ID);
    app.setAttribute('lang', 'en');
    document.body.append(app);

    await vi.waitFor(() => expect(root(app).querySelector('[role="alert"] button')?.textContent).toBe('Try again'));
    expect(root(app).querySelector('[role="alert"] p')?.textContent).toBe(
      'The form could not be loaded. Check your internet connection and try again.',
    );

    root(app).querySelector<HTMLButtonElement>('[role="alert"] button')?.click();

    await vi.waitFor(() => expect(root(app).querySelector('form')).not.toBeNull());
  });

  test('missing form attribute', async () => {
    const app = document.createElement('sealpost-form-app');
    app.setAttribute('lang', 'en');
    document.body.append(app);
    await app.updateComplete;

    expect(root(app).querySelector('[role="alert"]')?.textContent).toBe('This form is not available. Please contact the clinic.');
  });
});
