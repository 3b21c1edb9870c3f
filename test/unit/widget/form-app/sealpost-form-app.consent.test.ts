import './quiet-lit';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { CONSENT_AGREE_ID, CONSENT_NAME_ID, CONSENT_SIGNATURE_ID } from '../../../../sdk/consent';
import type { FormDefinition } from '../../../../sdk/form-definition';
import type { SealpostFormApp } from '../../../../widget/form-app/sealpost-form-app';
import { buttonNamed, byId, createFakeCollector, enter, FORM_ID, mountApp, review, root, settle, tick } from './app-fixture';

afterEach(() => {
  document.body.replaceChildren();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const text = {
  en: 'I consent to treatment by the clinic.\n\nI may withdraw this consent in writing.',
  es: 'Doy mi consentimiento para que la clínica me trate.\n\nPuedo retirarlo por escrito.',
};
const consentForm: FormDefinition = {
  id: FORM_ID,
  version: 4,
  title: { en: 'Consent to treatment', es: 'Consentimiento para el tratamiento' },
  allowedOrigins: ['http://localhost:8788'],
  consent: { text },
  fields: [{ id: 'location', type: 'text', label: { en: 'Clinic location', es: 'Centro' } }],
};

const sha256 = (value: string) => createHash('sha256').update(value, 'utf8').digest('hex');

async function sign(app: SealpostFormApp, name = 'Ana Ruiz'): Promise<void> {
  tick(app, `field-${CONSENT_AGREE_ID}`);
  enter(app, CONSENT_NAME_ID, name);
  enter(app, `${CONSENT_SIGNATURE_ID}-typed`, name);
  await settle(app);
}

/** The consent section is the form's last step: Next from the first step leads to it. */
async function toConsentStep(app: SealpostFormApp, next = 'Next'): Promise<void> {
  buttonNamed(app, next)?.click();
  await settle(app);
  await settle(app);
}

describe('consent form', () => {
  test('shows the authorization, an unticked box, the name and the signature', async () => {
    const app = await mountApp((await createFakeCollector({ definition: consentForm })).fetch);
    await toConsentStep(app);

    const paragraphs = Array.from(byId(app, 'field-_consent-text').querySelectorAll('p'), (paragraph) => paragraph.textContent);
    expect(paragraphs).toEqual(['I consent to treatment by the clinic.', 'I may withdraw this consent in writing.']);
    expect(byId(app, 'field-_consent').querySelector('legend')?.textContent).toBe('Authorization');
    const box = byId<HTMLInputElement>(app, `field-${CONSENT_AGREE_ID}`);
    expect(box.type).toBe('checkbox');
    expect(box.checked).toBe(false);
    expect(root(app).querySelector(`label[for="field-${CONSENT_AGREE_ID}"]`)?.textContent?.trim()).toBe('I have read this authorization and I agree to it *');
    expect(root(app).querySelector(`label[for="field-${CONSENT_NAME_ID}"]`)?.textContent?.trim()).toBe('Your full name *');
    expect(byId(app, `field-${CONSENT_SIGNATURE_ID}`).querySelector('canvas')).not.toBeNull();
    expect(byId(app, `field-${CONSENT_SIGNATURE_ID}-typed`).tagName).toBe('INPUT');
  });

  test('in Spanish', async () => {
    const app = await mountApp((await createFakeCollector({ definition: consentForm })).fetch, 'es');
    await toConsentStep(app, 'Siguiente');

    expect(byId(app, 'field-_consent-text').querySelector('p')?.textContent).toBe('Doy mi consentimiento para que la clínica me trate.');
    expect(root(app).querySelector(`label[for="field-${CONSENT_AGREE_ID}"]`)?.textContent?.trim()).toBe('He leído esta autorización y la acepto *');
  });

  test('cannot continue without the box, the name and the signature', async () => {
    const app = await mountApp((await createFakeCollector({ definition: consentForm })).fetch);
    await toConsentStep(app);
    await review(app);

    expect(root(app).querySelector('.review')).toBeNull();
    expect(Array.from(byId(app, 'error-summary').querySelectorAll('li'), (item) => item.textContent)).toEqual([
      'Select “I have read this authorization and I agree to it” to continue.',
      'Enter “Your full name”.',
      'Sign “Your signature” by drawing or by typing your name.',
    ]);
  });

  test('records the version, locale and SHA-256 of the text shown', async () => {
    const collector = await createFakeCollector({ definition: consentForm });
    const app = await mountApp(collector.fetch, 'es');
    enter(app, 'location', 'Riverside');
    await toConsentStep(app, 'Siguiente');
    await sign(app, 'Ana María Ruiz');
    await review(app);
    buttonNamed(app, 'Enviar')?.click();
    await vi.waitFor(() => expect(collector.submissions).toHaveLength(1));

    const payload = await collector.decrypt(collector.submissions[0]!.jwe);
    expect(payload.consent).toEqual({ formVersion: 4, locale: 'es', textSha256: sha256(text.es) });
    expect(payload.answers).toEqual({
      location: 'Riverside',
      [CONSENT_AGREE_ID]: true,
      [CONSENT_NAME_ID]: 'Ana María Ruiz',
      [CONSENT_SIGNATURE_ID]: { method: 'typed', name: 'Ana María Ruiz' },
    });
  });

  test('the review page lists the consent answers', async () => {
    const app = await mountApp((await createFakeCollector({ definition: consentForm })).fetch);
    await toConsentStep(app);
    await sign(app);
    await review(app);

    const review_ = Array.from(root(app).querySelectorAll('.review dt, .review dd'), (element) => element.textContent);
    expect(review_).toEqual(['Clinic location', 'Not answered', 'I have read this authorization and I agree to it', 'Yes', 'Your full name', 'Ana Ruiz', 'Your signature', 'Ana Ruiz']);
  });
});

describe('right-to-left forms', () => {
  const arabic: FormDefinition = {
    id: FORM_ID,
    version: 1,
    title: { en: 'Intake', ar: 'استمارة التسجيل' },
    allowedOrigins: ['http://localhost:8788'],
    fields: [{ id: 'name', type: 'text', label: { en: 'Name', ar: 'الاسم' }, required: true }],
  };

  test('lays out right to left in Arabic', async () => {
    const app = await mountApp((await createFakeCollector({ definition: arabic })).fetch, 'ar');
    const main = root(app).querySelector('main');

    expect(main?.getAttribute('dir')).toBe('rtl');
    expect(main?.getAttribute('lang')).toBe('ar');
    expect(root(app).querySelector('h1')?.textContent).toBe('استمارة التسجيل');
    expect(root(app).querySelector('label[for="field-name"]')?.textContent?.trim()).toBe('الاسم *');
    // Patient strings without an Arabic translation fall back to English.
    expect(root(app).querySelector('.actions button')?.textContent).toBe('Review your answers');
  });

  test('stays left to right in English', async () => {
    const app = await mountApp((await createFakeCollector({ definition: arabic })).fetch, 'en');

    expect(root(app).querySelector('main')?.getAttribute('dir')).toBe('ltr');
    expect(root(app).querySelector('h1')?.textContent).toBe('Intake');
  });
});
