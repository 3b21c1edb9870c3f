import './quiet-lit';
import { afterEach, describe, expect, test, vi } from 'vitest';
import type { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';
import { byId, createFakeCollector, enter, leave, mountApp, root, settle, tick } from './app-fixture';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
});

async function submitEmpty(lang = 'en'): Promise<SealpostFormApp> {
  const collector = await createFakeCollector();
  const app = await mountApp(collector.fetch, lang);
  // The first step's forward button, "Review your answers", validates the answers.
  root(app).querySelector<HTMLButtonElement>('.actions button')?.click();
  await settle(app);
  return app;
}

const REQUIRED_EN = [
  'Enter “Full name”.',
  'Enter “Date of birth”.',
  'Enter “Email”.',
  'Enter “Reason for visit”.',
  'Choose an answer for “Preferred way to contact you”.',
  'Choose an answer for “Do you have health insurance?”.',
  'Select “I agree to be contacted” to continue.',
];

describe('form app submit validation', () => {
  test('required text error wiring', async () => {
    const app = await submitEmpty();
    const input = byId(app, 'field-full-name');

    expect(input.getAttribute('aria-invalid')).toBe('true');
    expect(input.getAttribute('aria-describedby')).toBe('field-full-name-error');
    expect(byId(app, 'field-full-name-error').textContent).toBe('Enter “Full name”.');
  });

  test('help and error both described', async () => {
    const app = await submitEmpty();

    expect(byId(app, 'field-consent').getAttribute('aria-describedby')).toBe('field-consent-help field-consent-error');
    expect(byId(app, 'field-consent-error').textContent).toBe('Select “I agree to be contacted” to continue.');
  });

  test('radio group error wiring', async () => {
    const app = await submitEmpty();
    const radios = Array.from(byId(app, 'field-has-insurance').querySelectorAll('input'));

    expect(byId(app, 'field-has-insurance').getAttribute('aria-describedby')).toBe('field-has-insurance-error');
    expect(radios.map((radio) => radio.getAttribute('aria-invalid'))).toEqual(['true', 'true']);
    expect(byId(app, 'field-has-insurance-error').textContent).toBe('Choose an answer for “Do you have health insurance?”.');
  });

  test('optional fields stay valid', async () => {
    const app = await submitEmpty();

    expect(byId(app, 'field-phone').hasAttribute('aria-invalid')).toBe(false);
    expect(byId(app, 'field-conditions').getAttribute('aria-describedby')).toBeNull();
    expect(byId(app, 'field-children').hasAttribute('aria-invalid')).toBe(false);
  });

  test('summary gets focus', async () => {
    const app = await submitEmpty();
    const summary = byId(app, 'error-summary');

    expect(summary.getAttribute('role')).toBe('alert');
    expect(root(app).activeElement).toBe(summary);
    expect(summary.querySelector('h2')?.textContent).toBe('There is a problem with your answers');
    expect(Array.from(summary.querySelectorAll('li button'), (button) => button.textContent)).toEqual(REQUIRED_EN);
  });

  test('summary in Spanish', async () => {
    const app = await submitEmpty('es');
    const summary = byId(app, 'error-summary');

    expect(summary.querySelector('h2')?.textContent).toBe('Hay un problema con sus respuestas');
    expect(summary.querySelector('li button')?.textContent).toBe('Introduzca «Nombre completo».');
    expect(byId(app, 'field-preferred-contact-error').textContent).toBe('Elija una respuesta para «Forma preferida de contacto».');
  });

  test('summary button focuses field', async () => {
    const app = await submitEmpty();
    const buttons = byId(app, 'error-summary').querySelectorAll<HTMLButtonElement>('li button');

    buttons[2]?.click();
    expect(root(app).activeElement?.id).toBe('field-email');

    buttons[5]?.click();
    expect(root(app).activeElement?.id).toBe('field-has-insurance-option-0');
  });

  test('no request when invalid', async () => {
    const collector = await createFakeCollector();
    const app = await mountApp(collector.fetch);

    root(app).querySelector<HTMLButtonElement>('.actions button')?.click();
    await settle(app);

    expect(root(app).querySelector('.review')).toBeNull();
    expect(collector.fetch).toHaveBeenCalledTimes(1);
    expect(collector.submissions).toHaveLength(0);
  });
});

describe('form app field validation', () => {
  test('untouched field not validated on blur', async () => {
    const app = await mountApp((await createFakeCollector()).fetch);

    leave(app, 'field-full-name');
    await settle(app);

    expect(byId(app, 'field-full-name').hasAttribute('aria-invalid')).toBe(false);
  });

  test('changed field validated on change', async () => {
    const app = await mountApp((await createFakeCollector()).fetch);

    enter(app, 'email', 'ana@example');
    leave(app, 'field-email');
    await settle(app);

    expect(byId(app, 'field-email').getAttribute('aria-invalid')).toBe('true');
    expect(byId(app, 'field-email-error').textContent).toBe('Enter an email address for “Email” in the form name@example.com.');
  });

  test('fixed field clears error', async () => {
    const app = await mountApp((await createFakeCollector()).fetch);
    enter(app, 'email', 'ana@example');
    await settle(app);

    enter(app, 'email', 'ana@example.com');
    await settle(app);

    expect(byId(app, 'field-email').hasAttribute('aria-invalid')).toBe(false);
    expect(byId(app, 'field-email').hasAttribute('aria-describedby')).toBe(false);
    expect(root(app).getElementById('field-email-error')).toBeNull();
  });

  test('cleared required field errors on blur', async () => {
    const app = await mountApp((await createFakeCollector()).fetch);
    const input = byId<HTMLInputElement>(app, 'field-full-name');
    input.value = 'Ana';
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.value = '   ';
    input.dispatchEvent(new Event('input', { bubbles: true }));

    leave(app, 'field-full-name');
    await settle(app);

    expect(byId(app, 'field-full-name-error').textContent).toBe('Enter “Full name”.');
  });

  test('date limit in words', async () => {
    const app = await mountApp((await createFakeCollector()).fetch);

    enter(app, 'date-of-birth', '1899-12-31');
    await settle(app);

    expect(byId(app, 'field-date-of-birth-error').textContent).toBe('Enter a date for “Date of birth” on or after January 1, 1900.');
  });

  test('date limit in Spanish', async () => {
    const app = await mountApp((await createFakeCollector()).fetch, 'es');

    enter(app, 'date-of-birth', '1899-12-31');
    await settle(app);

    expect(byId(app, 'field-date-of-birth-error').textContent).toBe(
      'Introduzca en «Fecha de nacimiento» una fecha igual o posterior al 1 de enero de 1900.',
    );
  });

  test('number step and range', async () => {
    const app = await mountApp((await createFakeCollector()).fetch);

    enter(app, 'children', '2.5');
    await settle(app);
    expect(byId(app, 'field-children-error').textContent).toBe('Enter a whole number for “Number of children”.');

    enter(app, 'children', '25');
    await settle(app);
    expect(byId(app, 'field-children-error').textContent).toBe('Enter a number for “Number of children” of 20 or less.');
  });

  test('radio choice clears group error', async () => {
    const app = await submitEmpty();

    tick(app, 'field-has-insurance-option-0');
    await settle(app);

    expect(root(app).getElementById('field-has-insurance-error')).toBeNull();
    expect(byId(app, 'field-has-insurance-option-0').hasAttribute('aria-invalid')).toBe(false);
    expect(byId(app, 'error-summary').querySelectorAll('li')).toHaveLength(6);
  });
});
