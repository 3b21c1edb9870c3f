// The clinic's own script: it translates the page around the form and lists
// the PHI-free events that the form sends to the host page.
const TEXT = {
  en: {
    title: 'Riverside Family Clinic · New patient intake',
    heading: 'Before your first visit',
    intro: 'Please complete this form before your first visit. It takes about five minutes.',
    other: { lang: 'es', label: 'Español' },
  },
  es: {
    title: 'Clínica Familiar Riverside · Registro de paciente nuevo',
    heading: 'Antes de su primera visita',
    intro: 'Complete este formulario antes de su primera visita. Le tomará unos cinco minutos.',
    other: { lang: 'en', label: 'English' },
  },
};

const lang = document.documentElement.lang === 'es' ? 'es' : 'en';
const text = TEXT[lang];

for (const element of document.querySelectorAll('[data-text]')) {
  element.textContent = text[element.dataset.text];
}

// Pages with a form in one language only have no language link.
const languageLink = document.getElementById('language-link');
if (languageLink) {
  languageLink.href = `${location.pathname}?lang=${text.other.lang}`;
  languageLink.lang = text.other.lang;
  languageLink.textContent = text.other.label;
}

const events = document.getElementById('events');
for (const type of ['sealpost-ready', 'sealpost-submitted', 'sealpost-error', 'sealpost-timeout']) {
  document.getElementById('intake').addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = event.detail ? `${type} ${JSON.stringify(event.detail)}` : type;
    events.append(item);
  });
}
