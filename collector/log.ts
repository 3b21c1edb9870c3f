import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Creates the process's one JSON logger. Callers log ids, codes and counts;
 * request bodies, answers, tokens and keys never reach it, and the redaction
 * below is a second line of defence for header values.
 */
export function createLogger(level = 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'sealpost-collector' },
    redact: { paths: ['req.headers.authorization', 'req.headers.cookie', '*.jwe', '*.answers', '*.token'], censor: '[redacted]' },
  };
  return destination ? pino(options, destination) : pino(options);
}
