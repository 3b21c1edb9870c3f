/**
 * Entry of the host-page loader `sealpost.js`: defines `<sealpost-form>`.
 * Loading the script twice is harmless, because registration is guarded.
 */
import { defineElement } from '../define-element';
import { SealpostFormElement } from './sealpost-form';

export type { SealpostErrorDetail, SealpostSubmittedDetail } from './events';

// document.currentScript is set only while a classic script first runs, so read it now.
const script = document.currentScript as HTMLScriptElement | null;
if (script?.src) {
  SealpostFormElement.defaultCollector = new URL(script.src).origin;
}

defineElement('sealpost-form', SealpostFormElement);
