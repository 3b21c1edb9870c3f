import type { FormDefinition, Locale } from '../../sdk/form-definition';
import { formLanguage, localize, primaryLanguage } from '../../sdk/localize';

const NOT_FOUND = {
  en: { title: 'Form not found', body: 'This form is not available. Please contact the clinic.' },
  es: { title: 'Formulario no encontrado', body: 'Este formulario no está disponible. Comuníquese con la clínica.' },
} as const;

/**
 * The HTML document that runs inside the iframe; the form app renders into
 * it. `requested` is the language the page asked for, such as `es` or `ar`;
 * the document takes the language and direction of the form's texts.
 */
export function embedPage(form: FormDefinition, requested: string | undefined): string {
  const { locale, contentLanguage, dir } = formLanguage(form, requested);
  const title = escapeHtml(localize(form.title, locale));
  const lang = primaryLanguage(requested) || locale;
  return `<!doctype html>
<html lang="${escapeHtml(contentLanguage)}" dir="${dir}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title}</title>
<style>html,body{margin:0;padding:0;background:transparent}</style>
<script type="module" src="/embed/assets/form-app.js"></script>
</head>
<body>
<sealpost-form-app form="${escapeHtml(form.id)}" lang="${lang}"></sealpost-form-app>
</body>
</html>
`;
}

/** A short page in the patient's language for a form id that is not published. */
export function notFoundPage(locale: Locale): string {
  const text = NOT_FOUND[locale];
  return `<!doctype html>
<html lang="${locale}">
<head><meta charset="utf-8"><title>${text.title}</title></head>
<body><p role="alert">${text.body}</p></body>
</html>
`;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
