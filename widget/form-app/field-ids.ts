/**
 * Element ids inside the form app's shadow root. They are built from a field's
 * name: its id, or `group[index].id` inside a repeating group. Field ids may
 * contain `.`, so look these up with `getElementById`, never with a CSS selector.
 */

/** Id of a field's control, or of its fieldset for radio and checkbox groups and for groups. */
export const controlId = (name: string): string => `field-${name}`;

/** Id of one option's input in a radio or checkbox group. */
export const optionId = (name: string, index: number): string => `field-${name}-option-${index}`;

/** Id of a field's help text. */
export const helpId = (name: string): string => `field-${name}-help`;

/** Id of a field's error message. */
export const errorId = (name: string): string => `field-${name}-error`;

/** Id of a number field's unit, or of an attachment field's size limit, which describes the control. */
export const unitId = (name: string): string => `field-${name}-unit`;

/** Id of an open-choice field's list of suggestions. */
export const listId = (name: string): string => `field-${name}-list`;
