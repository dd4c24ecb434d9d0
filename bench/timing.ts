/** Timing shared by the benchmarks: repeat a call for a time budget, after one warm-up call. */
import { performance } from 'node:perf_hooks';

/** Mean milliseconds per call of `f`, repeated for at least `budgetMs` (and at least twice). */
export const msPerCall = (f: () => unknown, budgetMs: number): number => {
  f(); // warm-up
  let n = 0;
  const start = performance.now();
  let elapsed = 0;
  while (n < 2 || elapsed < budgetMs) {
    f();
    n++;
    elapsed = performance.now() - start;
  }
  return elapsed / n;
};

/** Calls per second of `f`, by `msPerCall`. */
export const opsPerSecond = (f: () => unknown, budgetMs: number): number => 1e3 / msPerCall(f, budgetMs);

/** Summary of a sample of times (ms): count, mean, and the median, p90 and max by nearest rank. */
export interface Stats {
  readonly n: number;
  readonly mean: number;
  readonly median: number;
  readonly p90: number;
  readonly max: number;
}

export const stats = (xs: ReadonlyArray<number>): Stats => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number): number => s[Math.min(s.length - 1, Math.floor(q * s.length))] ?? NaN;
  return { n: s.length, mean: s.reduce((a, b) => a + b, 0) / Math.max(1, s.length), median: at(0.5), p90: at(0.9), max: s[s.length - 1] ?? NaN };
};
