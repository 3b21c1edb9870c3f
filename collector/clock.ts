/** Returns the current time; injected so tests and the send worker can control it. */
export type Clock = () => Date;

/** The real clock. */
export const systemClock: Clock = () => new Date();
