import type { ReactiveController, ReactiveControllerHost } from 'lit';
import type { Answers, Field, FormDefinition } from '../../sdk/form-definition';
import { localDateString, validateAnswers, type AnswerError } from '../../sdk/validate-answers';
import { controlId } from './field-ids';
import type { FieldIndex } from './field-index';
import { PointerSettle } from './pointer-settle';
import { readAnswers } from './read-answers';
import { StoredAnswers } from './stored-answers';

/** The form app as the tracker sees it. */
export interface AnswerTrackerHost extends ReactiveControllerHost {
  readonly shadowRoot: ShadowRoot | null;
}

/** The form being answered, read afresh on each use because prefill and a new load replace it. */
export interface TrackedForm {
  definition: FormDefinition | undefined;
  /** Every item shown, a consent form's authorization section included. */
  fields: Field[];
  fieldIndex: FieldIndex;
  /** False while sending or after the submit, when no error may appear. */
  accepting: boolean;
}

/**
 * Holds a session's answers and errors. Answers live only here and in the
 * controls, never in storage, URLs or logs, and are read back from the
 * controls after each input rather than bound into them, so a render never
 * rewrites what the patient is typing. A field is validated as focus leaves
 * it, but not while a pointer is pressed (`PointerSettle`).
 *
 * @example
 * const tracker = new AnswerTracker(app, () => ({ definition, fields, fieldIndex, accepting: phase === 'ready' }));
 * html`<form @input=${tracker.onInput} @change=${tracker.onChange} @focusout=${tracker.onFocusOut}>…</form>`;
 */
export class AnswerTracker implements ReactiveController {
  answers: Answers = {};
  errors: ReadonlyMap<string, AnswerError> = new Map();
  /** Whether the error summary shows the errors. */
  summaryVisible = false;
  /** Field names (`id`, or `group[index].id`) the patient has changed. */
  readonly touched = new Set<string>();
  /** Chosen files and drawn signatures, which no control keeps as its value. */
  readonly stored = new StoredAnswers();
  private pointerSettle: PointerSettle | undefined;

  constructor(
    private readonly host: AnswerTrackerHost,
    private readonly form: () => TrackedForm,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.pointerSettle = new PointerSettle(window);
  }

  hostDisconnected(): void {
    this.pointerSettle?.dispose();
    this.pointerSettle = undefined;
  }

  private get formElement(): HTMLFormElement | null | undefined {
    return this.host.shadowRoot?.querySelector('form');
  }

  /** Reads every answer from the rendered controls, files and drawings included. */
  readControls(): void {
    const element = this.formElement;
    if (element) this.set({ answers: readAnswers(this.form().fields, element, this.stored.values) });
  }

  /**
   * Reads every answer from the controls, then renders again until the set of
   * shown fields stops changing: an answer can show a field whose own answer
   * shows another. Each pass can only add or remove fields, so a few suffice.
   */
  async refresh(): Promise<void> {
    for (let pass = 0; this.form().definition && pass < 8; pass++) {
      const element = this.formElement;
      if (!element) return;

      const answers = readAnswers(this.form().fields, element, this.stored.values);
      if (JSON.stringify(answers) === JSON.stringify(this.answers)) break;
      this.set({ answers });
      await this.host.updateComplete;
    }
    this.dropErrorsOfHiddenFields();
  }

  /** Forgets the errors of fields that conditions have hidden, since the patient can no longer fix them. */
  private dropErrorsOfHiddenFields(): void {
    const shown = [...this.errors.keys()].filter((name) => this.host.shadowRoot?.getElementById(controlId(name)));
    if (shown.length !== this.errors.size) this.set({ errors: new Map(shown.map((name) => [name, this.errors.get(name)!])) });
  }

  readonly onInput = async (event: Event): Promise<void> => {
    const name = fieldName(event.target);
    if (name) this.touched.add(name);
    await this.refresh();
  };

  readonly onChange = async (event: Event): Promise<void> => {
    const name = fieldName(event.target);
    if (!name) return;

    this.touched.add(name);
    if (event.target instanceof HTMLInputElement && event.target.type === 'file') await this.stored.storeFile(this.form().fieldIndex.get(name), name, event.target);
    await this.refresh();
    // A text field's change fires as focus leaves it, possibly in the middle of a click elsewhere.
    this.validateSettled(name);
  };

  /** Validates a field the patient has changed once focus leaves it, but not when focus moves within a group. */
  readonly onFocusOut = (event: FocusEvent): void => {
    const name = fieldName(event.target);
    if (!name || !this.touched.has(name)) return;

    const container = (event.target as Element).closest('[data-field]');
    if (event.relatedTarget instanceof Node && container?.contains(event.relatedTarget)) return;
    this.validateSettled(name);
  };

  /** Stores a drawn signature (its PNG data URL), or forgets a cleared one, and reads the answers again. */
  signatureChanged(name: string, image: string | undefined): void {
    if (image === undefined) {
      this.stored.delete(name);
      void this.refresh();
      return;
    }
    this.stored.drawn(name, image);
    this.touched.add(name);
    void this.refresh().then(() => this.validate(name));
  }

  /** Validates once any pointer press has ended, so the layout does not move under a click. */
  private validateSettled(name: string): void {
    const validate = () => {
      if (this.form().accepting) this.validate(name);
    };
    if (this.pointerSettle) this.pointerSettle.run(validate);
    else validate();
  }

  /** Validates the whole form with the SDK's rules and updates the error of one field name. */
  validate(name: string): void {
    if (!this.form().definition) return;

    const error = this.validateAll().find((candidate) => candidate.field === name);
    const errors = new Map(this.errors);
    if (error) errors.set(name, error);
    else errors.delete(name);
    this.set({ errors });
  }

  /** Every error of the current answers, in field order. */
  validateAll(): AnswerError[] {
    const definition = this.form().definition;
    return definition ? validateAnswers(definition, this.answers, localDateString(new Date())) : [];
  }

  /** Shows these errors under their fields and in the summary; returns true when there are any. */
  showErrors(errors: AnswerError[]): boolean {
    for (const error of errors) this.touched.add(error.field);
    this.set({ errors: new Map(errors.map((error) => [error.field, error])), summaryVisible: errors.length > 0 });
    return errors.length > 0;
  }

  hideSummary(): void {
    this.set({ summaryVisible: false });
  }

  /** Forgets every answer, file, drawing and error. */
  clear(): void {
    this.touched.clear();
    this.stored.clear();
    this.set({ answers: {}, errors: new Map(), summaryVisible: false });
  }

  private set(changes: Partial<Pick<AnswerTracker, 'answers' | 'errors' | 'summaryVisible'>>): void {
    Object.assign(this, changes);
    this.host.requestUpdate();
  }
}

function fieldName(target: EventTarget | null): string | undefined {
  const control = target instanceof Element ? target.closest('input, select, textarea') : null;
  return control?.getAttribute('name') ?? undefined;
}
