import { readConfig } from '../collector/config';
import { createLogger } from '../collector/log';
import { assertPortFree, startCollector } from '../collector/server';
import { stopOnSignals } from '../collector/stop-on-signals';
import path from 'node:path';
import { startDemoSite } from './demo-site';
import { startMailCatcher } from './mail-catcher';
import { publishDemoForms } from './publish-demo-forms';
import { publishDemoWorkflow } from './publish-demo-workflow';

/**
 * `npm start`: the collector with the demo forms, templates and follow-up
 * workflow published, and the sample clinic site on a second origin that
 * embeds the forms. Without SMTP_URL, mail goes to a local catcher that
 * writes it to <data>/demo-mail.
 */
async function main(): Promise<void> {
  let config = readConfig();
  const demoPort = readDemoPort(process.env.DEMO_PORT);
  const demoOrigin = `http://localhost:${demoPort}`;
  const logger = createLogger(config.logLevel);

  // Checked before the slow database start, so a busy port fails at once.
  await assertPortFree(demoPort, '127.0.0.1', 'DEMO_PORT');

  const mailFolder = path.join(config.dataDir, 'demo-mail');
  const catcher = config.smtpUrl ? undefined : await startMailCatcher(mailFolder);
  if (catcher) config = { ...config, smtpUrl: catcher.url };

  let intakeToken = '';
  const collector = await startCollector(config, logger, {
    beforeListen: async (runtime) => {
      for (const result of await publishDemoForms(runtime, demoOrigin)) {
        logger.info({ formId: result.formId, version: result.version, status: result.status }, 'demo form published');
      }
      const demo = await publishDemoWorkflow(runtime);
      intakeToken = demo.intakeToken;
      logger.info({ workflowId: 'intake-follow-up', version: demo.workflowVersion, contactId: demo.contactId }, 'demo workflow published');
    },
  });
  const site = await startDemoSite(demoPort, collector.url, intakeToken);
  logger.info({ url: `${site.url}/intake.html` }, 'demo clinic site started');
  process.stderr.write(`\nSealpost is running.\n  Collector:         ${collector.url}\n  Demo clinic page:  ${site.url}/intake.html\n  Consent form:      ${site.url}/consent.html\n  PHQ-9 (imported):  ${site.url}/phq-9.html\n  Staff console:     ${collector.url}/console\n  Submissions:       npm run sealpost -- submissions list\n${catcher ? `  Demo mail:         ${mailFolder} (SMTP_URL is not set)\n` : ''}Press Ctrl+C to stop.\n\n`);

  stopOnSignals(logger, [site.close, collector.close, ...(catcher ? [catcher.close] : [])]);
}

function readDemoPort(text: string | undefined): number {
  if (text === undefined || text === '') return 8788;
  const port = Number(text);
  if (Number.isInteger(port) && port >= 1 && port <= 65535) return port;
  throw new Error(`DEMO_PORT=${JSON.stringify(text)} is invalid; set a whole number from 1 to 65535, or unset it for 8788.`);
}

main().catch((error: unknown) => {
  process.stderr.write(`\nSealpost could not start: ${(error as Error).message}\n`);
  process.exit(1);
});
