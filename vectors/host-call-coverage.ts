/**
 * Which accumulate host calls, and which of their outcomes, the public `stf/accumulate` vectors
 * reach: every case runs with a host-call observer on Psi_A. Beside it, the (call, answer) pairs
 * that the per-answer tests of `properties/host-calls/answers.test.ts` reach, as that test records
 * them in `answers.json` (and fails when the file is not what it observed).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { chainSpecs } from '../spec/chain-spec.js';
import { hostCalls } from '../model/accumulation/invocation.js';
import type { HostCallOutcome } from '../model/accumulation/types.js';
import { tsEngine } from '../model/pvm/index.js';
import { accumulateTestCase, runAccumulate } from './classes/accumulate.js';
import { packageRoot, vectorsDir } from '../chain/index.js';
import { caseNames, loadStfCase } from './stf.js';

export interface HostCallCoverage {
  /** host-call name -> outcome -> the vectors (config/case) that reach it. */
  readonly reached: ReadonlyMap<string, ReadonlyMap<HostCallOutcome, ReadonlyArray<string>>>;
  /** The host calls Psi_A dispatches, in identifier order, and JIP-1's log (id 100, which F answers as unknown). */
  readonly calls: ReadonlyArray<string>;
  /** host-call name -> the outcomes the per-answer tests reach. */
  readonly tested: ReadonlyMap<string, ReadonlyArray<string>>;
}

/** F's name for JIP-1's log, which B.9's F does not list: it answers it as any unknown id. */
export const LOG = 'unknown(100)';

/** The (call, answer) pairs recorded by properties/host-calls/answers.test.ts: every answer the paper lists. */
export const testedAnswers = (): ReadonlyMap<string, ReadonlyArray<string>> => {
  const pairs = JSON.parse(readFileSync(join(packageRoot(), 'properties', 'host-calls', 'answers.json'), 'utf8')) as ReadonlyArray<string>;
  const out = new Map<string, string[]>();
  for (const pair of pairs) {
    const at = pair.lastIndexOf(':');
    const call = pair.slice(0, at);
    out.set(call, [...(out.get(call) ?? []), pair.slice(at + 1)]);
  }
  return out;
};

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
  return {
    reached,
    calls: [...[...hostCalls.entries()].sort(([a], [b]) => a - b).map(([, h]) => h.name), LOG],
    tested: testedAnswers(),
  };
};
