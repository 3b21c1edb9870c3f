// Builds the staff console (collector/console/) into dist/console/console.js,
// one ES module with Lit and qrcode inside, and prints its size. It empties
// only dist/console, so the widget bundles in dist/ survive.
// Run alone with `node scripts/build-console.mjs`, or call buildConsole().
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the console bundle and prints its minified and gzip sizes. */
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
        output: { minify: true, codeSplitting: false },
      },
    },
  });

  const file = path.join(root, outDir, 'console.js');
  const code = await readFile(file);
  console.log(`${path.relative(root, file)}  ${(code.length / 1024).toFixed(2)} KB min, ${(gzipSync(code, { level: 9 }).length / 1024).toFixed(2)} KB gzip`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await buildConsole();
