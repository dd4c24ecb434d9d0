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
