/**
 * Entry of the form app bundle `form-app.js`, which the collector's embed page
 * loads as a module: defines `<sealpost-form-app>` and passes it the idle
 * limit and kiosk mode from the page's URL.
 */
import { defineElement } from '../define-element';
import { SealpostFormApp } from './sealpost-form-app';

// The loader passes the host element's idle-timeout and kiosk attributes as ?idle= and ?kiosk=1 in the frame's URL.
const params = new URLSearchParams(location.search);
const app = document.querySelector('sealpost-form-app');
const idle = params.get('idle');
if (idle && /^\d{1,6}$/.test(idle)) app?.setAttribute('idle-timeout', idle);
if (params.get('kiosk') === '1') app?.setAttribute('kiosk', '');

defineElement('sealpost-form-app', SealpostFormApp);
