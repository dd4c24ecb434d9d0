/**
 * The generic mutations' rule `reimport`: the same block again is drawn only when asked for, and
 * then it is drawn (so that leaving it out is the rule's doing, not chance).
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import { loadTraceStep, traceSteps, vectorsDir } from '../../chain/index.js';
import { noneLeftOut } from './rules.js';
import { mutate, rng, sameBlockAgain } from './source.js';

describe('fuzzer mutations', () => {
  it('draw the same block again only when rule reimport is not in force', () => {
    const step = loadTraceStep(tiny, traceSteps(vectorsDir('traces', 'fallback'))[0]!);
    if (E.isLeft(step)) throw new Error(step.left);
    const names = (includeReimport: boolean): ReadonlySet<string> => {
      const r = rng(9);
      return new Set(Array.from({ length: 300 }, () => mutate(tiny, step.right.block, r, includeReimport ? noneLeftOut : new Set(['reimport'])).name));
    };
    expect(names(true).has(sameBlockAgain)).toBe(true);
    expect(names(false).has(sameBlockAgain)).toBe(false);
    expect(names(false).size).toBeGreaterThan(5);
  });
});
