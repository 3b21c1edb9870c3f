import type { AnswerErrorCode } from './validate-answers';

/**
 * Patient-facing strings in every supported locale. Read them through
 * `localize(text, locale)`; placeholders in braces (`{label}`, `{limit}`,
 * `{receipt}`) are filled in by the widget after localizing.
 *
 * Each group is its own export so that a bundle keeps only the groups it imports.
 */

/** A string in each supported locale. A type alias, so that it is assignable to `LocalizedText`. */
export type Translation = { en: string; es: string };

/**
 * Title of the iframe that the host page's loader renders, read aloud by screen readers.
 *
 * @example
 * iframe.title = localize(FRAME_TITLE, 'es'); // 'Formulario del paciente'
 */
export const FRAME_TITLE: Translation = { en: 'Patient form', es: 'Formulario del paciente' };

/** Shown by the host element when the form has not loaded in time, in place of an empty box. */
export const FRAME_NOT_LOADED: Translation = {
  en: 'This form could not be loaded. Please reload the page, or contact the clinic if it happens again.',
  es: 'No se pudo cargar este formulario. Vuelva a cargar la página o comuníquese con la clínica si vuelve a ocurrir.',
};

/**
 * Strings of the form app's states and controls.
 *
 * @example
 * localize(UI_MESSAGES.submit, 'es'); // 'Enviar'
 */
export const UI_MESSAGES = {
  loading: { en: 'Loading the form…', es: 'Cargando el formulario…' },
  loadFailed: {
    en: 'The form could not be loaded. Check your internet connection and try again.',
    es: 'No se pudo cargar el formulario. Compruebe su conexión a internet e inténtelo de nuevo.',
  },
  formNotFound: {
    en: 'This form is not available. Please contact the clinic.',
    es: 'Este formulario no está disponible. Comuníquese con la clínica.',
  },
  retry: { en: 'Try again', es: 'Intentar de nuevo' },
  submit: { en: 'Submit', es: 'Enviar' },
  sending: { en: 'Encrypting and sending your answers…', es: 'Cifrando y enviando sus respuestas…' },
  insecureContext: {
    en: 'This form cannot be sent securely because the page was not served over HTTPS. Please contact the clinic.',
    es: 'Este formulario no se puede enviar de forma segura porque la página no se sirvió por HTTPS. Comuníquese con la clínica.',
  },
  errorSummaryTitle: { en: 'There is a problem with your answers', es: 'Hay un problema con sus respuestas' },
  submittedTitle: { en: 'Thank you. Your form was sent.', es: 'Gracias. Su formulario se envió.' },
  receipt: {
    en: 'Your receipt number is {receipt}. Keep it in case you contact the clinic about this form.',
    es: 'Su número de recibo es {receipt}. Guárdelo por si se comunica con la clínica sobre este formulario.',
  },
  selectPlaceholder: { en: 'Select an option', es: 'Seleccione una opción' },
  requiredHidden: { en: '(required)', es: '(obligatorio)' },
  idleNotice: {
    en: 'For your privacy, this form clears your answers after {time} without activity.',
    es: 'Por su privacidad, este formulario borra sus respuestas tras {time} sin actividad.',
  },
  idleTitle: { en: 'Are you still there?', es: '¿Sigue ahí?' },
  idleWarning: {
    en: 'For your privacy, your answers will be cleared in {time}.',
    es: 'Por su privacidad, sus respuestas se borrarán en {time}.',
  },
  keepWorking: { en: 'Keep working', es: 'Seguir trabajando' },
  timedOut: {
    en: 'For your privacy, your answers were cleared after {time} without activity. You can start again.',
    es: 'Por su privacidad, sus respuestas se borraron tras {time} sin actividad. Puede empezar de nuevo.',
  },
  stepProgress: { en: 'Step {number} of {total}', es: 'Paso {number} de {total}' },
  next: { en: 'Next', es: 'Siguiente' },
  back: { en: 'Back', es: 'Atrás' },
  reviewAnswers: { en: 'Review your answers', es: 'Revisar sus respuestas' },
  reviewTitle: { en: 'Check your answers before you submit', es: 'Compruebe sus respuestas antes de enviarlas' },
  reviewProgress: { en: 'Review', es: 'Revisión' },
  changeStep: { en: 'Change the answers of step {number}', es: 'Cambiar las respuestas del paso {number}' },
  changeAnswers: { en: 'Change your answers', es: 'Cambiar sus respuestas' },
  notAnswered: { en: 'Not answered', es: 'Sin respuesta' },
  signatureCanvas: {
    en: 'Signature drawing area. Draw with a mouse, pen or finger, or type your name below.',
    es: 'Área para dibujar la firma. Dibuje con el ratón, un lápiz o el dedo, o escriba su nombre abajo.',
  },
  signatureTyped: { en: 'Or type your full name to sign', es: 'O escriba su nombre completo para firmar' },
  clearSignature: { en: 'Clear the drawing', es: 'Borrar el dibujo' },
  signedDrawn: { en: 'Signed by drawing', es: 'Firmado con un dibujo' },
  fileLimit: { en: 'Files up to {limit}.', es: 'Archivos de hasta {limit}.' },
  yes: { en: 'Yes', es: 'Sí' },
  no: { en: 'No', es: 'No' },
  addRepeat: { en: 'Add another “{label}”', es: 'Añadir otra entrada en «{label}»' },
  removeRepeat: { en: 'Remove entry {number} of “{label}”', es: 'Quitar la entrada {number} de «{label}»' },
  repeatInstance: { en: '{label}, entry {number}', es: '{label}, entrada {number}' },
  kioskRestart: {
    en: 'This form clears itself for the next patient in {time}.',
    es: 'Este formulario se borrará para el siguiente paciente en {time}.',
  },
  kioskNext: { en: 'Start over for the next patient', es: 'Empezar de nuevo para el siguiente paciente' },
} satisfies Record<string, Translation>;

/**
 * Sentences for a failed submit, one per kind of failure. Only `network`
 * suggests trying again. The collector rejects every other kind again on each
 * retry, so those sentences say what the patient can do instead.
 *
 * @example
 * localize(SEND_FAILURE_MESSAGES.linkInvalid, 'es'); // 'Sus respuestas no se enviaron porque el enlace…'
 */
export const SEND_FAILURE_MESSAGES = {
  network: {
    en: 'Your answers could not be sent. They are still in the form: check your internet connection and try again.',
    es: 'No se pudieron enviar sus respuestas. Siguen en el formulario: compruebe su conexión a internet e inténtelo de nuevo.',
  },
  linkInvalid: {
    en: 'Your answers were not sent because the link to this form is no longer valid. Open the form again from the clinic’s latest message, or contact the clinic.',
    es: 'Sus respuestas no se enviaron porque el enlace a este formulario ya no es válido. Abra de nuevo el formulario desde el mensaje más reciente de la clínica o comuníquese con la clínica.',
  },
  formRemoved: {
    en: 'Your answers were not sent because this form is no longer available. Please contact the clinic.',
    es: 'Sus respuestas no se enviaron porque este formulario ya no está disponible. Comuníquese con la clínica.',
  },
  formChanged: {
    en: 'Your answers were not sent because the clinic changed this form after you opened it. Reload the page to get the current form and fill it in again.',
    es: 'Sus respuestas no se enviaron porque la clínica cambió este formulario después de que usted lo abriera. Vuelva a cargar la página para obtener el formulario actual y rellénelo de nuevo.',
  },
  tooLarge: {
    en: 'Your answers were not sent because they are too large. Remove an attached file or choose a smaller one, then submit again.',
    es: 'Sus respuestas no se enviaron porque ocupan demasiado. Quite un archivo adjunto o elija uno más pequeño y vuelva a enviarlas.',
  },
  rejected: {
    en: 'Your answers were not sent because the clinic’s system did not accept them. Reload the page and fill in the form again. If this message appears again, contact the clinic.',
    es: 'Sus respuestas no se enviaron porque el sistema de la clínica no las aceptó. Vuelva a cargar la página y rellene el formulario de nuevo. Si este mensaje vuelve a aparecer, comuníquese con la clínica.',
  },
  encryptionFailed: {
    en: 'Your answers were not sent because this browser could not encrypt them. Update the browser or use another one, or contact the clinic.',
    es: 'Sus respuestas no se enviaron porque este navegador no pudo cifrarlas. Actualice el navegador o use otro, o comuníquese con la clínica.',
  },
} satisfies Record<string, Translation>;

/**
 * Durations in the idle notice, the idle warning and a kiosk's restart
 * notice. Spelled out here rather than with `Intl.NumberFormat`'s unit
 * style, whose first use in a page costs tens of milliseconds, and in the
 * language of the sentence around them.
 *
 * @example
 * localize(DURATION_MESSAGES.minutes, 'es').replace('{n}', '10'); // '10 minutos'
 */
export const DURATION_MESSAGES = {
  minute: { en: '{n} minute', es: '{n} minuto' },
  minutes: { en: '{n} minutes', es: '{n} minutos' },
  second: { en: '{n} second', es: '{n} segundo' },
  seconds: { en: '{n} seconds', es: '{n} segundos' },
} satisfies Record<string, Translation>;

/**
 * Labels of a consent form's authorization section, which `sdk/consent.ts`
 * builds in the page and on the collector alike.
 *
 * @example
 * localize(CONSENT_MESSAGES.agree, 'es'); // 'He leído esta autorización y la acepto'
 */
export const CONSENT_MESSAGES = {
  title: { en: 'Authorization', es: 'Autorización' },
  agree: { en: 'I have read this authorization and I agree to it', es: 'He leído esta autorización y la acepto' },
  fullName: { en: 'Your full name', es: 'Su nombre completo' },
  signature: { en: 'Your signature', es: 'Su firma' },
} satisfies Record<string, Translation>;

/**
 * One sentence per answer error code, for typed answers (text, email, phone,
 * date, number). `{label}` is the field label and `{limit}` the broken limit.
 *
 * @example
 * localize(ANSWER_ERROR_MESSAGES.too_long, 'en'); // 'Enter at most {limit} characters for “{label}”.'
 */
export const ANSWER_ERROR_MESSAGES: Record<AnswerErrorCode, Translation> = {
  required: { en: 'Enter “{label}”.', es: 'Introduzca «{label}».' },
  type_mismatch: {
    en: 'Enter a valid answer for “{label}”.',
    es: 'Introduzca una respuesta válida para «{label}».',
  },
  invalid_email: {
    en: 'Enter an email address for “{label}” in the form name@example.com.',
    es: 'Introduzca en «{label}» un correo electrónico con el formato nombre@ejemplo.com.',
  },
  invalid_tel: {
    en: 'Enter a phone number for “{label}” with 7 to 15 digits, such as +1 555 123 4567.',
    es: 'Introduzca en «{label}» un número de teléfono de 7 a 15 dígitos, por ejemplo +1 555 123 4567.',
  },
  invalid_date: { en: 'Enter a real date for “{label}”.', es: 'Introduzca una fecha válida en «{label}».' },
  invalid_datetime: {
    en: 'Enter a real date and time for “{label}”.',
    es: 'Introduzca una fecha y una hora válidas en «{label}».',
  },
  invalid_time: {
    en: 'Enter a time for “{label}” as hours and minutes, such as 14:30.',
    es: 'Introduzca en «{label}» una hora con horas y minutos, por ejemplo 14:30.',
  },
  invalid_url: {
    en: 'Enter a web address for “{label}” starting with https://.',
    es: 'Introduzca en «{label}» una dirección web que empiece por https://.',
  },
  pattern_mismatch: {
    en: 'Enter “{label}” in the format described.',
    es: 'Introduzca «{label}» con el formato indicado.',
  },
  too_short: {
    en: 'Enter at least {limit} characters for “{label}”.',
    es: 'Introduzca al menos {limit} caracteres en «{label}».',
  },
  too_long: {
    en: 'Enter at most {limit} characters for “{label}”.',
    es: 'Introduzca como máximo {limit} caracteres en «{label}».',
  },
  range_underflow: {
    en: 'Enter a number for “{label}” of {limit} or more.',
    es: 'Introduzca en «{label}» un número igual o mayor que {limit}.',
  },
  range_overflow: {
    en: 'Enter a number for “{label}” of {limit} or less.',
    es: 'Introduzca en «{label}» un número igual o menor que {limit}.',
  },
  step_mismatch: {
    en: 'Enter a number for “{label}” in steps of {limit}.',
    es: 'Introduzca en «{label}» un número en intervalos de {limit}.',
  },
  invalid_option: {
    en: 'Choose one of the listed options for “{label}”.',
    es: 'Elija una de las opciones de la lista en «{label}».',
  },
  unknown_field: {
    en: 'The form has no question “{label}”. Reload the page and try again.',
    es: 'El formulario no tiene la pregunta «{label}». Vuelva a cargar la página e inténtelo de nuevo.',
  },
  not_enabled: {
    en: 'The question “{label}” does not apply to your other answers. Reload the page and try again.',
    es: 'La pregunta «{label}» no corresponde a sus otras respuestas. Vuelva a cargar la página e inténtelo de nuevo.',
  },
  read_only: {
    en: 'The answer to “{label}” cannot be changed. Reload the page and try again.',
    es: 'La respuesta a «{label}» no se puede cambiar. Vuelva a cargar la página e inténtelo de nuevo.',
  },
  too_large: {
    en: 'Choose a file of at most {limit} for “{label}”.',
    es: 'Elija para «{label}» un archivo de {limit} como máximo.',
  },
  invalid_file_type: {
    en: 'Choose a file of one of these types for “{label}”: {limit}.',
    es: 'Elija para «{label}» un archivo de uno de estos tipos: {limit}.',
  },
  too_many_repeats: {
    en: 'Add at most {limit} entries to “{label}”.',
    es: 'Añada como máximo {limit} entradas en «{label}».',
  },
};

/** Field kinds whose wording differs from {@link ANSWER_ERROR_MESSAGES} for some codes. */
export type ErrorMessageKind = 'choice' | 'checkbox' | 'date' | 'number' | 'file' | 'signature';

/**
 * Sentences that replace {@link ANSWER_ERROR_MESSAGES} for a kind of field:
 * `choice` covers select, radio and checkbox-group fields, where a patient
 * chooses rather than types, and `date` limits are dates rather than numbers.
 *
 * @example
 * ANSWER_ERROR_MESSAGES_BY_KIND.choice.required?.en; // 'Choose an answer for “{label}”.'
 */
export const ANSWER_ERROR_MESSAGES_BY_KIND: Record<ErrorMessageKind, Partial<Record<AnswerErrorCode, Translation>>> = {
  choice: {
    required: { en: 'Choose an answer for “{label}”.', es: 'Elija una respuesta para «{label}».' },
    too_short: {
      en: 'Choose at least {limit} of the options for “{label}”.',
      es: 'Elija al menos {limit} de las opciones de «{label}».',
    },
    too_long: {
      en: 'Choose at most {limit} of the options for “{label}”.',
      es: 'Elija como máximo {limit} de las opciones de «{label}».',
    },
  },
  checkbox: {
    required: { en: 'Select “{label}” to continue.', es: 'Marque «{label}» para continuar.' },
  },
  date: {
    range_underflow: {
      en: 'Enter a date for “{label}” on or after {limit}.',
      es: 'Introduzca en «{label}» una fecha igual o posterior al {limit}.',
    },
    range_overflow: {
      en: 'Enter a date for “{label}” on or before {limit}.',
      es: 'Introduzca en «{label}» una fecha igual o anterior al {limit}.',
    },
  },
  number: {
    type_mismatch: { en: 'Enter a number for “{label}”.', es: 'Introduzca un número en «{label}».' },
  },
  signature: {
    required: { en: 'Sign “{label}” by drawing or by typing your name.', es: 'Firme «{label}» con un dibujo o escribiendo su nombre.' },
    too_large: {
      en: 'The drawing for “{label}” is too large. Clear it and sign again with a simpler line.',
      es: 'El dibujo de «{label}» es demasiado grande. Bórrelo y firme de nuevo con un trazo más simple.',
    },
    too_long: { en: 'Type at most {limit} characters for “{label}”.', es: 'Escriba como máximo {limit} caracteres en «{label}».' },
  },
  file: {
    required: { en: 'Choose a file for “{label}”.', es: 'Elija un archivo para «{label}».' },
    type_mismatch: {
      en: 'The file for “{label}” could not be read. Choose it again.',
      es: 'No se pudo leer el archivo de «{label}». Elíjalo de nuevo.',
    },
  },
};

/** The `step_mismatch` sentence for a step of 1, where "in steps of 1" would read awkwardly. */
export const WHOLE_NUMBER_MESSAGE: Translation = {
  en: 'Enter a whole number for “{label}”.',
  es: 'Introduzca un número entero en «{label}».',
};
