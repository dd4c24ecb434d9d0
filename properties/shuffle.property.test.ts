/**
 * Properties of the Fisher-Yates shuffle (Appendix F): the shuffle is a permutation for any length
 * and any naturals or seed; the loop equals the paper's recursion (eq. F.1) read literally; Q_l(h)
 * (eq. F.2) is the prefix of Q_{l+k}(h) and gives 32-bit naturals.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sequenceFromHash, shuffle, shuffleByHash } from '../model/shuffle/index.js';

/** Eq. F.1 word for word: the recursion, as the oracle for the loop in `shuffle`. */
const shuffleRecursive = <T>(s: ReadonlyArray<T>, r: ReadonlyArray<number>): ReadonlyArray<T> => {
  const l = s.length;
  if (l === 0) return [];
  const j = r[0]! % l;
  const sPrime = s.slice();
  sPrime[j] = s[l - 1]!;
  return [s[j]!, ...shuffleRecursive(sPrime.slice(0, l - 1), r.slice(1))];
};

const isPermutationOfRange = (out: ReadonlyArray<number>, n: number): boolean =>
  out.length === n && [...out].sort((a, b) => a - b).every((x, i) => x === i);

const uint32 = fc.nat({ max: 0xffffffff });
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });

describe('shuffle (Appendix F)', () => {
  it('F.1: shuffling 0..n-1 by any naturals gives a permutation (1000 cases)', () => {
    fc.assert(
      fc.property(
        fc.array(uint32, { maxLength: 400 }),
        (r) => isPermutationOfRange(shuffle(Array.from({ length: r.length }, (_, i) => i), r), r.length),
      ),
      { numRuns: 1000 },
    );
  });

  it('F.1: the loop equals the recursion of the paper (1000 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer(), { maxLength: 60 }), fc.array(uint32, { minLength: 60, maxLength: 80 }), (s, r) => {
        expect(shuffle(s, r)).toEqual(shuffleRecursive(s, r));
      }),
      { numRuns: 1000 },
    );
  });

  it('F.3: shuffling 0..n-1 by any hash gives a permutation, for any n up to 1100 (300 cases)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1100 }), hash, (n, h) =>
        isPermutationOfRange(shuffleByHash(Array.from({ length: n }, (_, i) => i), h), n),
      ),
      { numRuns: 300 },
    );
  });

  it('F.2: Q_l(h) is a prefix of Q_{l+k}(h), of 32-bit naturals (500 cases)', () => {
    fc.assert(
      fc.property(fc.nat({ max: 70 }), fc.nat({ max: 30 }), hash, (l, k, h) => {
        const long = sequenceFromHash(l + k, h);
        expect(sequenceFromHash(l, h)).toEqual(long.slice(0, l));
        expect(long.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});
