/** One measured figure next to the baseline measured in the same run. */
export interface BenchResult {
  benchmark: string;
  metric: string;
  unit: string;
  value: number;
  baselineName: string;
  baseline: number;
  /** value / baseline. */
  ratio: number;
  target?: string;
  notes?: string;
}

const MARKER = 'BENCH_RESULT ';

/** Prints a result for people, then one machine-readable line that run-all.ts collects. */
export function reportResult(result: BenchResult): void {
  process.stdout.write(`${result.benchmark}: ${result.metric} ${result.value} ${result.unit} vs ${result.baselineName} ${result.baseline} ${result.unit} (ratio ${result.ratio.toFixed(3)})${result.target ? `; target ${result.target}` : ''}\n`);
  process.stdout.write(`${MARKER}${JSON.stringify(result)}\n`);
}

/** Extracts the results a benchmark script printed. */
export function parseResults(output: string): BenchResult[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith(MARKER))
    .map((line) => JSON.parse(line.slice(MARKER.length)) as BenchResult);
}
