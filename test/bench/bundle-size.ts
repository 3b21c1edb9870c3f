// Prints the gzip size of each browser bundle next to a baseline built in the
// same run: Lit and jose's CompactEncrypt alone, the floor any Lit form app
// that encrypts in the page must carry.
//   npm run build && npx tsx test/bench/bundle-size.ts
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { ROOT } from '../support/processes';
import { reportResult } from './support/report';

const gzipSize = (code: Buffer | string) => gzipSync(code, { level: 9 }).length;

async function baselineGzipBytes(): Promise<number> {
  const dir = await mkdtemp(path.join(ROOT, '.tmp-bench-'));
  try {
    const entry = path.join(dir, 'entry.ts');
    await writeFile(
      entry,
      `import { LitElement, html } from 'lit';\nimport { CompactEncrypt, importJWK } from 'jose';\n` +
        `class BaselineForm extends LitElement { render() { return html\`<form><input name="a"></form>\`; } }\n` +
        `customElements.define('baseline-form', BaselineForm);\nexport { CompactEncrypt, importJWK };\n`,
    );
    await build({
      configFile: false,
      root: ROOT,
      logLevel: 'silent',
      mode: 'production',
      build: {
        outDir: path.join(dir, 'out'),
        minify: true,
        lib: { entry, formats: ['es'], fileName: () => 'baseline.js' },
        rolldownOptions: { output: { minify: true, codeSplitting: false } },
      },
    });
    return gzipSize(await readFile(path.join(dir, 'out', 'baseline.js')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const baseline = await baselineGzipBytes();
const bundles = [
  { name: 'loader dist/sdk/sealpost.js', file: 'dist/sdk/sealpost.js', target: '≤ 4096 B gzip' },
  { name: 'form app dist/embed/form-app.js', file: 'dist/embed/form-app.js', target: '≤ 40960 B gzip' },
];

for (const bundle of bundles) {
  const size = gzipSize(await readFile(path.join(ROOT, bundle.file)));
  reportResult({
    benchmark: `bundle size: ${bundle.name}`,
    metric: 'min+gzip -9',
    unit: 'B',
    value: size,
    baselineName: 'Lit + jose CompactEncrypt alone',
    baseline,
    ratio: size / baseline,
    target: bundle.target,
  });
}
