// Runs every benchmark in test/bench/ one after another and writes their
// figures, the machine and the commands to docs/benchmarks.md.
//   npm run bench
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from '../support/processes';
import { rerunCommand, rerunSection } from './support/commands';
import { parseResults, type BenchResult } from './support/report';

const BENCH_DIR = path.join(ROOT, 'test/bench');
const OUTPUT = path.join(ROOT, 'docs/benchmarks.md');

async function runScript(file: string): Promise<{ output: string; code: number }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      process.stdout.write(chunk);
    });
    child.on('exit', (code) => resolve({ output, code: code ?? 1 }));
  });
}

const scripts = (await readdir(BENCH_DIR)).filter((name) => name.endsWith('.ts') && name !== 'run-all.ts').sort();
const results: BenchResult[] = [];
const failures: string[] = [];

const commands: { file: string; command: string }[] = [];

for (const name of scripts) {
  process.stdout.write(`\n== ${name}\n`);
  commands.push({ file: name, command: rerunCommand(name, await readFile(path.join(BENCH_DIR, name), 'utf8')) });
  const { output, code } = await runScript(path.join(BENCH_DIR, name));
  const found = parseResults(output);
  if (code !== 0) failures.push(`${name} exited with ${code}`);
  // A script that exits 0 without a result would otherwise vanish from the page unnoticed.
  else if (found.length === 0) failures.push(`${name} printed no result`);
  results.push(...found);
}

const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
const lines = [
  '# Benchmarks',
  '',
  'Each figure is measured next to a baseline in the same run, because the',
  'machines are shared and absolute numbers vary from run to run; compare the',
  'ratios. Regenerate this page with `npm run bench` (it builds first); run one',
  'benchmark with `npx tsx test/bench/<name>.ts`.',
  '',
  `Measured on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.type()} ${os.release()}.`,
  '',
  '| Benchmark | Metric | Value | Baseline | Ratio | Target | Notes |',
  '|---|---|---|---|---|---|---|',
  ...results.map((r) => `| ${r.benchmark} | ${r.metric} | ${r.value} ${r.unit} | ${r.baselineName}: ${r.baseline} ${r.unit} | ${r.ratio.toFixed(3)} | ${r.target ?? ''} | ${r.notes ?? ''} |`),
  '',
  ...(failures.length > 0 ? ['Failed scripts:', '', ...failures.map((failure) => `- ${failure}`), ''] : []),
  ...rerunSection(commands),
];

await writeFile(OUTPUT, `${lines.join('\n')}\n`);
process.stdout.write(`\nWrote ${path.relative(ROOT, OUTPUT)} with ${results.length} results.\n`);
if (failures.length > 0) process.exitCode = 1;
