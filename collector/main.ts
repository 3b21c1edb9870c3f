import { readConfig } from './config';
import { createLogger } from './log';
import { startCollector } from './server';
import { stopOnSignals } from './stop-on-signals';

/** Starts the collector alone, configured from the environment. */
async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  const collector = await startCollector(config, logger);
  stopOnSignals(logger, [collector.close]);
}

main().catch((error: unknown) => {
  process.stderr.write(`The collector could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
