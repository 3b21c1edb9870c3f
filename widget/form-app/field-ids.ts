/**
 * Element ids inside the form app's shadow root. Field ids may contain `.`,
 * so look these up with `getElementById`, never with a CSS selector.
 */

/** Id of a field's control, or of its fieldset for radio and checkbox groups. */
export const controlId = (fieldId: string): string => `field-${fieldId}`;

/** Id of one option's input in a radio or checkbox group. */
export const optionId = (fieldId: string, index: number): string => `field-${fieldId}-option-${index}`;

/** Id of a field's help text. */
export const helpId = (fieldId: string): string => `field-${fieldId}-help`;

/** Id of a field's error message. */
export const errorId = (fieldId: string): string => `field-${fieldId}-error`;
