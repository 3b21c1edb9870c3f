// Builds the staff console (collector/console/) into dist/console/: console.js,
// one ES module with Lit and qrcode inside, and the chunks that it imports
// when a page needs them (the reports and workflow pages with uPlot), then
// prints their sizes. It empties only dist/console, so the widget bundles in
// dist/ survive.
// Run alone with `node scripts/build-console.mjs`, or call buildConsole().
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the console bundle and its chunks and prints their minified and gzip sizes. */
export async function buildConsole() {
  const outDir = 'dist/console';
  await build({
    configFile: false,
    root,
    mode: 'production',
    logLevel: 'warn',
    publicDir: false,
    build: {
      outDir,
      emptyOutDir: true,
      sourcemap: false,
      minify: true,
      reportCompressedSize: false,
      lib: {
        entry: path.join(root, 'collector/console/index.ts'),
        formats: ['es'],
        fileName: () => 'console.js',
      },
      rolldownOptions: {
        // Vite 8 fully minifies `es` library output only with this option set.
        // Dynamic imports become chunks beside console.js; the collector serves them from /console/assets/.
        output: { minify: true, chunkFileNames: 'chunk-[name]-[hash].js' },
      },
    },
  });

  const names = (await readdir(path.join(root, outDir))).filter((name) => name.endsWith('.js')).sort((a, b) => (a === 'console.js' ? -1 : b === 'console.js' ? 1 : a.localeCompare(b)));
  for (const name of names) {
    const file = path.join(root, outDir, name);
    const code = await readFile(file);
    console.log(`${path.relative(root, file)}  ${(code.length / 1024).toFixed(2)} KB min, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(2)} KB gzip`);
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildConsole();
