import pino from 'pino';
import type { Logger } from '../../collector/log';

/** Creates a pino logger at info level that keeps its lines in memory, so tests can check what reached the log. */
export function captureLogs(): { logger: Logger; text(): string } {
  const lines: string[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => lines.push(line) });
  return { logger, text: () => lines.join('') };
}
