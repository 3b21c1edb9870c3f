/**
 * Entry of the form app bundle `form-app.js`, which the collector's embed page
 * loads as a module: defines `<sealpost-form-app>`.
 */
import { defineElement } from '../define-element';
import { SealpostFormApp } from './sealpost-form-app';

defineElement('sealpost-form-app', SealpostFormApp);
