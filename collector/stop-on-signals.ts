import type { Logger } from './log';

/** Runs the closers in order on SIGINT or SIGTERM, then exits; a second signal exits at once. */
export function stopOnSignals(logger: Logger, closers: (() => Promise<void>)[]): void {
  let stopping = false;

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, 'stopping');

    void (async () => {
      for (const close of closers) {
        try {
          await close();
        } catch (error) {
          logger.error({ err: error }, 'error while stopping');
        }
      }
      process.exit(0);
    })();
  };

  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
