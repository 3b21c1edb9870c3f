import { existsSync } from 'node:fs';
import { mkdir, mkdtemp } from 'node:fs/promises';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { ROOT } from './processes';

// The binary starts faster than Debian's /usr/bin/chromium wrapper script.
const CANDIDATES = ['/usr/lib/chromium/chromium', '/usr/bin/chromium', '/usr/bin/chromium-browser'];

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? CANDIDATES.find((candidate) => existsSync(candidate));

/** Why browser tests cannot run here, or undefined when they can. */
export const chromiumMissing = CHROMIUM_PATH
  ? undefined
  : 'Chromium is not installed, so the browser tests are skipped. Install it with `apt-get install -y chromium` (Debian) or set CHROMIUM_PATH.';

/**
 * Launches headless Chromium kept on loopback: the proxy points nowhere, and
 * loopback addresses bypass it, so only the test's own servers are reachable.
 */
export async function launchChromium(): Promise<Browser> {
  if (!CHROMIUM_PATH) throw new Error(chromiumMissing);

  // A failed launch leaves playwright-* folders in the temp folder; keep them in the project's scratch space.
  const scratch = path.join(ROOT, '.tmp');
  await mkdir(scratch, { recursive: true });
  process.env.TMPDIR = await mkdtemp(path.join(scratch, 'chromium-'));

  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-dev-shm-usage',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--proxy-server=http://127.0.0.1:9',
    ],
  });
}
