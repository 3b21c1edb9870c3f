import { css } from 'lit';

/** Styles every console view shares: readable type, visible focus, plain tables. */
export const sharedStyles = css`
  :host {
    display: block;
    font: 16px/1.5 system-ui, sans-serif;
    color: #1b1f24;
  }
  h1,
  h2 {
    line-height: 1.2;
  }
  h1:focus {
    outline: none;
  }
  button,
  input,
  select {
    font: inherit;
  }
  button {
    padding: 0.4rem 0.9rem;
    border: 1px solid #2f5d8a;
    border-radius: 4px;
    background: #2f5d8a;
    color: #fff;
    cursor: pointer;
  }
  button.secondary {
    background: #fff;
    color: #2f5d8a;
  }
  button:disabled {
    opacity: 0.6;
    cursor: not-allowed;
  }
  :focus-visible {
    outline: 3px solid #f2a900;
    outline-offset: 2px;
  }
  label {
    display: block;
    font-weight: 600;
    margin-top: 0.75rem;
  }
  input {
    display: block;
    width: min(100%, 22rem);
    padding: 0.4rem;
    border: 1px solid #6b7785;
    border-radius: 4px;
  }
  table {
    border-collapse: collapse;
    width: 100%;
  }
  th,
  td {
    text-align: left;
    padding: 0.4rem 0.6rem;
    border-bottom: 1px solid #d0d7de;
  }
  dt {
    font-weight: 600;
    margin-top: 0.5rem;
  }
  dd {
    margin-left: 1.5rem;
  }
  .error {
    color: #a40e26;
  }
  .status {
    color: #4b5563;
  }
  .ok {
    color: #116329;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
  }
`;
