// Builds the browser bundles into dist/ with Vite and prints their sizes.
//   dist/sdk/sealpost.js     the host-page loader, a classic script (IIFE)
//   dist/embed/form-app.js   the form app inside the iframe, one ES module
//   dist/console/console.js  the staff console, built by build-console.mjs
// Each build empties only its own folder, so other output in dist/ survives.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { buildConsole } from './build-console.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const KB = 1024;

/**
 * `maxGzipBytes` is the size budget after gzip -9. Going over it fails the
 * build where `enforced`, and prints a warning otherwise.
 */
const bundles = [
  {
    name: 'loader',
    entry: 'widget/loader/index.ts',
    outDir: 'dist/sdk',
    fileName: 'sealpost.js',
    format: 'iife',
    maxGzipBytes: 4 * KB,
    enforced: true,
  },
  {
    name: 'form app',
    entry: 'widget/form-app/index.ts',
    outDir: 'dist/embed',
    fileName: 'form-app.js',
    format: 'es',
    maxGzipBytes: 40 * KB,
    enforced: false,
  },
];

let overBudget = false;
for (const bundle of bundles) {
  await buildBundle(bundle);
  overBudget = (await reportSize(bundle)) || overBudget;
}
if (overBudget) process.exitCode = 1;

await buildConsole();

async function buildBundle(bundle) {
  await build({
    configFile: false,
    root,
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir: bundle.outDir,
      emptyOutDir: true,
      sourcemap: false,
      minify: true,
      reportCompressedSize: false,
      lib: {
        entry: path.join(root, bundle.entry),
        formats: [bundle.format],
        // Vite requires a global name for IIFE output; the loader exports nothing, so it stays undefined.
        name: bundle.format === 'iife' ? 'SealpostLoader' : undefined,
        fileName: () => bundle.fileName,
      },
      rolldownOptions: {
        // Vite 8 fully minifies `es` library output only with this option set.
        output: { minify: true, codeSplitting: false },
      },
    },
  });
}

/** Prints the bundle's minified and gzip sizes; returns true when an enforced budget is exceeded. */
async function reportSize(bundle) {
  const file = path.join(root, bundle.outDir, bundle.fileName);
  const code = await readFile(file);
  const gzipBytes = gzipSync(code, { level: 9 }).length;
  const over = gzipBytes > bundle.maxGzipBytes;

  const sizes = `${formatKb(code.length)} min, ${formatKb(gzipBytes)} gzip (budget ${formatKb(bundle.maxGzipBytes)})`;
  console.log(`${path.relative(root, file)}  ${sizes}`);
  if (over) {
    const verdict = bundle.enforced ? 'error' : 'warning';
    console.error(`${verdict}: the ${bundle.name} bundle is over its gzip budget; remove code or dependencies from ${bundle.entry}.`);
  }

  return over && bundle.enforced;
}

function formatKb(bytes) {
  return `${(bytes / KB).toFixed(2)} KB`;
}
