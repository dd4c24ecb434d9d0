/**
 * Which accumulate host calls, and which of their outcomes, the public `stf/accumulate` vectors
 * reach: every case runs with a host-call observer on Psi_A. What no vector reaches is covered by
 * the unit tests in `model/accumulation/host-calls/*.test.ts`.
 */
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { chainSpecs } from '../spec/chain-spec.js';
import { hostCalls } from '../model/accumulation/invocation.js';
import type { HostCallOutcome } from '../model/accumulation/types.js';
import { tsEngine } from '../model/pvm/index.js';
import { accumulateTestCase, runAccumulate } from './classes/accumulate.js';
import { vectorsDir } from '../chain/index.js';
import { caseNames, loadStfCase } from './stf.js';

export interface HostCallCoverage {
  /** host-call name -> outcome -> the vectors (config/case) that reach it. */
  readonly reached: ReadonlyMap<string, ReadonlyMap<HostCallOutcome, ReadonlyArray<string>>>;
  /** The host calls Psi_A dispatches, in identifier order. */
  readonly calls: ReadonlyArray<string>;
}

export const hostCallCoverage = (configs: ReadonlyArray<'tiny' | 'full'> = ['tiny', 'full']): HostCallCoverage => {
  const reached = new Map<string, Map<HostCallOutcome, string[]>>();
  for (const config of configs) {
    const spec = chainSpecs[config];
    const dir = vectorsDir('stf', 'accumulate', config);
    const testCase = accumulateTestCase(spec);
    for (const name of caseNames(dir)) {
      const c = loadStfCase(testCase, dir, name);
      if (E.isLeft(c)) throw new Error(`${join(dir, name)}: ${c.left}`);
      const seen = new Set<string>();
      runAccumulate(tsEngine, (call, outcome) => {
        const key = `${call}:${outcome}`;
        if (seen.has(key)) return;
        seen.add(key);
        const byOutcome = reached.get(call) ?? new Map<HostCallOutcome, string[]>();
        reached.set(call, byOutcome.set(outcome, [...(byOutcome.get(outcome) ?? []), `${config}/${name}`]));
      })(spec)(c.right.preState, c.right.input);
    }
  }
  return { reached, calls: [...hostCalls.entries()].sort(([a], [b]) => a - b).map(([, h]) => h.name) };
};
