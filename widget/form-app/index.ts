/**
 * Entry of the form app bundle `form-app.js`, which the collector's embed page
 * loads as a module: defines `<sealpost-form-app>` and passes it the idle
 * limit from the page's URL.
 */
import { defineElement } from '../define-element';
import { SealpostFormApp } from './sealpost-form-app';

// The loader passes the host element's idle-timeout attribute as ?idle= in the frame's URL.
const idle = new URLSearchParams(location.search).get('idle');
if (idle && /^\d{1,6}$/.test(idle)) document.querySelector('sealpost-form-app')?.setAttribute('idle-timeout', idle);

defineElement('sealpost-form-app', SealpostFormApp);
