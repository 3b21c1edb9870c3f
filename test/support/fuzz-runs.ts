/**
 * Number of generated cases for a property test: `base` by default, so CI
 * stays fast, or FUZZ_RUNS times base / 150 when FUZZ_RUNS is set (FUZZ_RUNS=1500
 * runs ten times the default cases).
 */
export function fuzzRuns(base: number): number {
  const configured = Number(process.env.FUZZ_RUNS);
  if (!Number.isFinite(configured) || configured <= 0) return base;
  return Math.max(1, Math.round((base * configured) / 150));
}

/** Time limit of one property test, generous because FUZZ_RUNS may multiply its cases. */
export const FUZZ_TIMEOUT_MS = 600_000;
