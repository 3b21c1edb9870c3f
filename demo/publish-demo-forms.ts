import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FormDefinition } from '../sdk/form-definition';
import { publishForm, type PublishResult } from '../collector/forms/publish-form';
import type { Runtime } from '../collector/runtime';

const FORMS = fileURLToPath(new URL('./forms', import.meta.url));
const DEFAULT_DEMO_ORIGIN = 'http://localhost:8788';

/**
 * Publishes every form in demo/forms. The files allow the demo site on its
 * default port; when DEMO_PORT moves the site, that origin is allowed instead.
 */
export async function publishDemoForms(runtime: Runtime, demoOrigin: string): Promise<PublishResult[]> {
  const files = (await readdir(FORMS)).filter((name) => name.endsWith('.json')).sort();
  const results: PublishResult[] = [];

  for (const name of files) {
    const definition = JSON.parse(await readFile(path.join(FORMS, name), 'utf8')) as FormDefinition;
    definition.allowedOrigins = definition.allowedOrigins.map((origin) => (origin === DEFAULT_DEMO_ORIGIN ? demoOrigin : origin));
    results.push(await publishForm(runtime.db, runtime.custody, definition, 'system:demo-start'));
  }
  return results;
}
