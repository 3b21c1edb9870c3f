import { css } from 'lit';

/**
 * Styles of `<sealpost-form-app>`. Colours come from custom properties whose
 * defaults meet WCAG AA contrast against white (computed with the WCAG 2
 * formula): text 15.8:1, help 8.7:1, error 6.5:1, field borders 6.4:1,
 * white on the accent 6.7:1.
 */
export const formAppStyles = css`
  :host {
    display: block;
    color: var(--sealpost-text, #1f2328);
    font: var(--sealpost-font, 1rem/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif);
  }

  .app {
    box-sizing: border-box;
    max-width: 40rem;
    padding: 1rem;
  }

  h1 {
    font-size: 1.5rem;
    line-height: 1.25;
    margin: 0 0 0.5rem;
  }

  h2 {
    font-size: 1.25rem;
    margin: 0 0 0.5rem;
  }

  .field {
    border: 0;
    margin: 0 0 1.5rem;
    min-width: 0;
    padding: 0;
  }

  label,
  legend {
    display: block;
    font-weight: 600;
    margin: 0 0 0.25rem;
    padding: 0;
  }

  .help {
    color: var(--sealpost-help, #444c56);
    margin: 0 0 0.25rem;
  }

  .error-text,
  .notice {
    color: var(--sealpost-error, #b3261e);
    font-weight: 600;
    margin: 0 0 0.25rem;
  }

  input:not([type='radio'], [type='checkbox']),
  select,
  textarea {
    background: #fff;
    border: 2px solid var(--sealpost-border, #57606a);
    border-radius: var(--sealpost-radius, 4px);
    box-sizing: border-box;
    color: inherit;
    /* 16 px or more keeps iOS Safari from zooming into the field. */
    font: inherit;
    max-width: 100%;
    min-height: 2.75rem;
    padding: 0.5rem;
    width: 100%;
  }

  textarea {
    resize: vertical;
  }

  [aria-invalid='true'] {
    border-color: var(--sealpost-error, #b3261e);
  }

  .options {
    display: grid;
    gap: 0.5rem;
  }

  .option {
    align-items: flex-start;
    display: flex;
    gap: 0.5rem;
  }

  .option input {
    flex: none;
    height: 1.5rem;
    margin: 0;
    width: 1.5rem;
  }

  .option label {
    font-weight: 400;
    margin: 0;
  }

  :focus-visible {
    outline: 3px solid var(--sealpost-focus, #1f2328);
    outline-offset: 2px;
  }

  button {
    background: var(--sealpost-accent, #1d4ed8);
    border: 2px solid transparent;
    border-radius: var(--sealpost-radius, 4px);
    color: #fff;
    cursor: pointer;
    font: inherit;
    font-weight: 600;
    min-height: 2.75rem;
    padding: 0.5rem 1.25rem;
  }

  button.secondary {
    background: transparent;
    border-color: var(--sealpost-accent, #1d4ed8);
    color: var(--sealpost-accent, #1d4ed8);
  }

  button:disabled {
    cursor: not-allowed;
    opacity: 0.6;
  }

  .group {
    border: 1px solid var(--sealpost-border, #57606a);
    border-radius: var(--sealpost-radius, 4px);
    margin: 0 0 1.5rem;
    padding: 1rem;
  }

  .group > legend {
    font-size: 1.125rem;
    padding: 0 0.25rem;
  }

  /* A consent form's authorization text, set off from the answers below it. Logical properties follow dir="rtl". */
  .consent .display {
    border-inline-start: 4px solid var(--sealpost-accent, #1d4ed8);
    margin: 0 0 1.5rem;
    padding-inline-start: 1rem;
  }

  .display p {
    margin: 0 0 0.75rem;
  }

  .instance {
    border: 1px dashed var(--sealpost-border, #57606a);
    border-radius: var(--sealpost-radius, 4px);
    margin: 0 0 1rem;
    padding: 0.75rem;
  }

  .signature canvas {
    border: 2px solid var(--sealpost-border, #57606a);
    border-radius: var(--sealpost-radius, 4px);
    display: block;
    height: auto;
    margin: 0 0 0.5rem;
    max-width: 100%;
    touch-action: none;
    width: 100%;
  }

  .signature button {
    margin: 0 0 1rem;
  }

  .with-unit {
    align-items: center;
    display: flex;
    gap: 0.5rem;
  }

  .step-progress {
    font-weight: 600;
    margin: 0 0 0.25rem;
  }

  progress {
    accent-color: var(--sealpost-accent, #1d4ed8);
    display: block;
    margin: 0 0 1.5rem;
    width: 100%;
  }

  .review dl {
    display: grid;
    gap: 0.25rem 1rem;
    grid-template-columns: minmax(8rem, 1fr) 2fr;
    margin: 0 0 1rem;
  }

  .review dt {
    font-weight: 600;
  }

  .review dd {
    margin: 0;
  }

  .review-section {
    border-bottom: 1px solid var(--sealpost-border, #57606a);
    margin: 0 0 1.5rem;
    padding: 0 0 1rem;
  }

  .dialog-backdrop {
    align-items: center;
    background: rgb(0 0 0 / 50%);
    display: flex;
    inset: 0;
    justify-content: center;
    position: fixed;
  }

  .dialog {
    background: var(--sealpost-background, #fff);
    border-radius: var(--sealpost-radius, 4px);
    max-width: 28rem;
    padding: 1.5rem;
  }

  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }

  .actions {
    align-items: center;
    display: flex;
    flex-wrap: wrap;
    gap: 1rem;
  }

  .error-summary,
  .notice {
    border: 3px solid var(--sealpost-error, #b3261e);
    border-radius: var(--sealpost-radius, 4px);
    margin: 0 0 1.5rem;
    padding: 1rem;
  }

  /* No bullets: a wrapped button's baseline is its last line, so a marker would sit beside that line. */
  .error-summary ul {
    display: grid;
    gap: 0.5rem;
    list-style: none;
    margin: 0;
    padding: 0;
  }

  .error-summary button {
    background: none;
    color: var(--sealpost-error, #b3261e);
    font-weight: 600;
    min-height: 0;
    padding: 0.25rem 0;
    text-align: start;
    text-decoration: underline;
  }

  .confirmation {
    border: 3px solid var(--sealpost-success, #1a7f37);
    border-radius: var(--sealpost-radius, 4px);
    padding: 1rem;
  }

  .visually-hidden {
    clip-path: inset(50%);
    height: 1px;
    overflow: hidden;
    position: absolute;
    white-space: nowrap;
    width: 1px;
  }

  @media (max-width: 24rem) {
    .app {
      padding: 0.75rem;
    }

    h1 {
      font-size: 1.25rem;
    }

    button[type='submit'] {
      width: 100%;
    }
  }

  @media (forced-colors: active) {
    button {
      border-color: ButtonText;
    }
  }
`;
