// The clinic's own script: it translates the page around the form and lists
// the PHI-free events that the form sends to the host page.
const TEXT = {
  intake: {
    en: {
      title: 'Riverside Family Clinic · New patient intake',
      heading: 'Before your first visit',
      intro: 'Please complete this form before your first visit. It takes about five minutes.',
      consent: 'Then sign the consent to treatment',
    },
    es: {
      title: 'Clínica Familiar Riverside · Registro de paciente nuevo',
      heading: 'Antes de su primera visita',
      intro: 'Complete este formulario antes de su primera visita. Le tomará unos cinco minutos.',
      consent: 'Después firme el consentimiento para el tratamiento',
    },
  },
  consent: {
    en: {
      title: 'Riverside Family Clinic · Consent to treatment',
      heading: 'Consent to treatment',
      intro: 'Before your first visit we ask for your consent to treatment. The clinic keeps a record of exactly which text you signed.',
      back: 'Back to the intake form',
    },
    es: {
      title: 'Clínica Familiar Riverside · Consentimiento para el tratamiento',
      heading: 'Consentimiento para el tratamiento',
      intro: 'Antes de su primera visita le pedimos su consentimiento para el tratamiento. La clínica guarda constancia del texto exacto que firmó.',
      back: 'Volver al formulario de registro',
    },
  },
};
// The panel under each form, for a developer trying the demo.
const DEVELOPER_TEXT = {
  en: {
    developerSummary: 'For developers: events this page received',
    developerNote: "The form runs in an iframe on the collector's origin. This page only receives these PHI-free events.",
  },
  es: {
    developerSummary: 'Para desarrolladores: eventos que recibió esta página',
    developerNote: 'El formulario se ejecuta en un iframe con el origen del collector. Esta página solo recibe estos eventos, que no contienen información de salud protegida (PHI).',
  },
};
const OTHER = { en: { lang: 'es', label: 'Español' }, es: { lang: 'en', label: 'English' } };

const lang = document.documentElement.lang === 'es' ? 'es' : 'en';
const text = { ...DEVELOPER_TEXT[lang], ...TEXT[document.body.dataset.page]?.[lang] };

for (const element of document.querySelectorAll('[data-text]')) {
  if (text[element.dataset.text]) element.textContent = text[element.dataset.text];
}

// Links between the pages keep the language.
for (const link of document.querySelectorAll('#consent-link, #intake-link')) {
  link.href = `${new URL(link.href).pathname}?lang=${lang}`;
}

// Pages with a form in one language only have no language link.
const languageLink = document.getElementById('language-link');
if (languageLink) {
  languageLink.href = `${location.pathname}?lang=${OTHER[lang].lang}`;
  languageLink.lang = OTHER[lang].lang;
  languageLink.textContent = OTHER[lang].label;
}

const events = document.getElementById('events');
for (const type of ['sealpost-ready', 'sealpost-submitted', 'sealpost-error', 'sealpost-timeout']) {
  document.getElementById('intake').addEventListener(type, (event) => {
    const item = document.createElement('li');
    item.textContent = event.detail ? `${type} ${JSON.stringify(event.detail)}` : type;
    events.append(item);
  });
}
