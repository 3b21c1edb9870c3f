// The clinic's own script: it sets the language from ?lang= and shows the
// PHI-free events that the form sends to the host page.
const form = document.getElementById('intake');
const status = document.getElementById('status');
const lang = new URLSearchParams(location.search).get('lang');

if (lang) form.setAttribute('lang', lang);

form.addEventListener('sealpost-ready', () => {
  status.textContent = '';
});
form.addEventListener('sealpost-submitted', (event) => {
  status.textContent = `Thank you. Your form was received (receipt ${event.detail.receiptId}).`;
});
form.addEventListener('sealpost-timeout', () => {
  status.textContent = 'The form was cleared after a period without activity.';
});
form.addEventListener('sealpost-error', (event) => {
  status.textContent = `The form reported a problem (${event.detail.code}). Please call the clinic.`;
});
