import { version } from '../package.json';

/**
 * Version of this Sealpost build, taken from package.json. Registration compares
 * it so that a page loading two copies of a bundle keeps the first one.
 *
 * @example
 * SEALPOST_VERSION; // '0.1.0'
 */
export const SEALPOST_VERSION: string = version;
