/**
 * Returns the command that reruns one benchmark, as its header comment
 * gives it (with `npm run build &&` when the script needs the bundles), or
 * `npx tsx test/bench/<file>` when the header names none.
 */
export function rerunCommand(file: string, source: string): string {
  const escaped = file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`((?:npm run build && )?(?:npx tsx|node --import tsx) test/bench/${escaped}[^\`\\n]*)`);
  const header = source.split('\n').filter((line) => line.startsWith('//')).join('\n');
  return pattern.exec(header)?.[1]?.trim() ?? `npx tsx test/bench/${file}`;
}

/** Builds the page section that lists each benchmark script with its rerun command. */
export function rerunSection(commands: { file: string; command: string }[]): string[] {
  return [
    '## Rerun one benchmark',
    '',
    'Build first (`npm run build`) for the benchmarks that load the bundles. The',
    'PostgreSQL benchmarks use TEST_DATABASE_URL, or the server on',
    '127.0.0.1:5432 by default.',
    '',
    '| Script | Command |',
    '|---|---|',
    // GitHub tables need "|" escaped even inside code spans.
    ...commands.map(({ file, command }) => `| test/bench/${file} | \`${command.replace(/\|/g, "\\|")}\` |`),
    '',
  ];
}
