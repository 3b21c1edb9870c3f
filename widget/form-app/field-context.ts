import type { Answers } from '../../sdk/form-definition';
import type { FieldContext } from './render-fields';
import type { RepeatKeys } from './repeat-keys';

/** What the form app gives the field templates: its state, and what to do on a drawing or a removed instance. */
export interface FieldContextSource {
  locale: string;
  kiosk: boolean;
  today: string;
  answers: Answers;
  repeatKeys: RepeatKeys;
  errorFor(name: string): string | undefined;
  /** A signature was drawn (`image` is its PNG data URL) or, without `image`, cleared. */
  signatureChanged(name: string, image?: string): void;
  /** An instance of a repeating group was removed; the answers must be read again once rendered. */
  instanceRemoved(): void;
}

/**
 * Builds the context that `renderFields` passes down the field templates.
 *
 * @example
 * renderFields(fields, fieldContext({ locale: 'en', kiosk: false, today: '2026-12-04', answers, repeatKeys, … }));
 */
export function fieldContext(source: FieldContextSource): FieldContext {
  return {
    locale: source.locale,
    kiosk: source.kiosk,
    today: source.today,
    errorFor: source.errorFor,
    scope: { own: source.answers },
    prefix: '',
    signatures: {
      drawn: (name, image) => source.signatureChanged(name, image),
      cleared: (name) => source.signatureChanged(name),
    },
    repeats: {
      keys: (name) => source.repeatKeys.keys(name),
      add: (name) => source.repeatKeys.add(name),
      remove: (name, index) => {
        source.repeatKeys.remove(name, index);
        source.instanceRemoved();
      },
    },
  };
}
