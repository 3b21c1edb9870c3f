import { html, nothing, type TemplateResult } from 'lit';
import type { SignatureField } from '../../sdk/form-definition';
import { localize } from '../../sdk/localize';
import { UI_MESSAGES } from '../../sdk/messages';
import { controlId, errorId, helpId } from './field-ids';
import { autocompleteOf, describedBy, errorText, helpText, named, requiredMarker, type FieldContext } from './render-fields';

/** Callbacks of the form app for a finished stroke and a cleared drawing. */
export interface SignatureHandlers {
  /** A stroke ended: the canvas's PNG data URL. */
  drawn(name: string, image: string): void;
  cleared(name: string): void;
}

/**
 * Renders a signature field: a canvas to draw on with a mouse, pen or finger,
 * a button that clears it, and a text input where a keyboard user types
 * their name instead.
 *
 * @example
 * renderSignature(field, context, { drawn: (name, image) => store(name, image), cleared: (name) => forget(name) });
 */
export function renderSignature(field: SignatureField, context: FieldContext, handlers: SignatureHandlers): TemplateResult {
  const item = named(field, context);
  const { name, locale } = item;
  const typedId = `${controlId(name)}-typed`;

  return html`
    <fieldset class="field signature" id=${controlId(name)} data-field=${field.id} aria-describedby=${describedBy(item)}>
      <legend>${localize(field.label, locale)}${requiredMarker(field)}</legend>
      ${helpText(item)} ${errorText(item)}
      <canvas width="600" height="160" role="img" aria-label=${localize(UI_MESSAGES.signatureCanvas, locale)}
        @pointerdown=${startStroke} @pointermove=${continueStroke}
        @pointerup=${(event: PointerEvent) => endStroke(event, name, handlers)} @pointercancel=${(event: PointerEvent) => endStroke(event, name, handlers)}></canvas>
      <button type="button" class="secondary" @click=${(event: Event) => clear(event, name, handlers)}>${localize(UI_MESSAGES.clearSignature, locale)}</button>
      <label for=${typedId}>${localize(UI_MESSAGES.signatureTyped, locale)}</label>
      <input id=${typedId} name=${name} type="text" autocomplete=${autocompleteOf(context, 'name')} maxlength="200"
        aria-invalid=${item.error ? 'true' : nothing} aria-describedby=${[field.help ? helpId(name) : '', item.error ? errorId(name) : ''].join(' ').trim() || nothing} />
    </fieldset>
  `;
}

function point(event: PointerEvent): [number, number] {
  const canvas = event.currentTarget as HTMLCanvasElement;
  const box = canvas.getBoundingClientRect();
  return [((event.clientX - box.left) * canvas.width) / box.width, ((event.clientY - box.top) * canvas.height) / box.height];
}

function startStroke(event: PointerEvent): void {
  const canvas = event.currentTarget as HTMLCanvasElement;
  const context = canvas.getContext('2d');
  if (!context) return;

  // Capturing keeps the stroke when the pointer leaves the canvas. Touch scrolling is
  // stopped by the canvas's `touch-action: none` style.
  canvas.setPointerCapture?.(event.pointerId);
  event.preventDefault();
  context.lineWidth = 2.5;
  context.lineCap = 'round';
  context.strokeStyle = '#000';
  context.beginPath();
  context.moveTo(...point(event));
  canvas.dataset.drawing = 'true';
}

function continueStroke(event: PointerEvent): void {
  const canvas = event.currentTarget as HTMLCanvasElement;
  if (canvas.dataset.drawing !== 'true') return;

  const context = canvas.getContext('2d');
  context?.lineTo(...point(event));
  context?.stroke();
}

function endStroke(event: PointerEvent, name: string, handlers: SignatureHandlers): void {
  const canvas = event.currentTarget as HTMLCanvasElement;
  if (canvas.dataset.drawing !== 'true') return;

  delete canvas.dataset.drawing;
  handlers.drawn(name, canvas.toDataURL('image/png'));
}

function clear(event: Event, name: string, handlers: SignatureHandlers): void {
  const canvas = (event.currentTarget as HTMLElement).parentElement?.querySelector('canvas');
  canvas?.getContext('2d')?.clearRect(0, 0, canvas.width, canvas.height);
  handlers.cleared(name);
}
