import { describe, expect, test } from 'vitest';
import { formLanguage, primaryLanguage } from '../../../sdk/localize';

describe('formLanguage', () => {
  const bilingual = { title: { en: 'Intake', es: 'Registro' } };
  const arabic = { title: { en: 'Intake', ar: 'استمارة' } };

  test('English and Spanish forms run left to right', () => {
    expect(formLanguage(bilingual, 'es-MX')).toEqual({ locale: 'es', contentLanguage: 'es', dir: 'ltr' });
    expect(formLanguage(bilingual, 'fr')).toEqual({ locale: 'en', contentLanguage: 'en', dir: 'ltr' });
    expect(formLanguage(bilingual, undefined)).toEqual({ locale: 'en', contentLanguage: 'en', dir: 'ltr' });
  });

  test.each(['ar', 'he', 'fa', 'ur'])('a form offered in %s runs right to left', (tag) => {
    expect(formLanguage({ title: { en: 'Intake', [tag]: 'x' } }, `${tag}-XX`)).toEqual({ locale: tag, contentLanguage: tag, dir: 'rtl' });
  });

  test('a form not offered in the language stays English', () => {
    expect(formLanguage(bilingual, 'ar')).toEqual({ locale: 'en', contentLanguage: 'en', dir: 'ltr' });
    expect(formLanguage(arabic, 'es')).toEqual({ locale: 'es', contentLanguage: 'en', dir: 'ltr' });
  });

  test('a form of plain strings is in its language', () => {
    expect(formLanguage({ title: 'استمارة', language: 'ar' }, 'en')).toEqual({ locale: 'en', contentLanguage: 'ar', dir: 'rtl' });
    expect(formLanguage({ title: 'PHQ-9' }, 'es')).toEqual({ locale: 'es', contentLanguage: 'en', dir: 'ltr' });
  });

  test('primary subtag', () => {
    expect(['ar-EG', 'HE', 'fa_IR', 'x', '1a', ''].map(primaryLanguage)).toEqual(['ar', 'he', 'fa', '', '', '']);
  });
});
