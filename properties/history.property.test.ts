/**
 * Properties of recent history (section 7) over random chains of blocks: beta_H never holds more
 * than H blocks and ends with the new block (zero state root, eq. 7.8); the block before it gets
 * the parent's state root (eq. 7.5); everything else carried over is unchanged; the belt beta_B
 * has one non-empty peak per set bit of the number of blocks (eq. 7.7) and the new entry's
 * super-peak is that of the belt; the prior state is never mutated. The accumulation-output
 * root (eq. 7.6), which the vectors give ready-made, is checked against the paper's well-balanced
 * tree for up to two outputs: zero, keccak(E_4(s) ++ h), keccak($node ++ leaf ++ leaf).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import type { RecentHistory } from '../spec/types.js';
import { ascii, concatBytes, type Hash } from '../spec/bytes.js';
import { encode, u32 } from '../spec/codec.js';
import { keccak256, zeroHash } from '../model/crypto/index.js';
import { mmrSuperPeak } from '../model/merklization/index.js';
import { accoutLogRoot, correctLastStateRoot, history, type HistoryInput } from '../model/history/index.js';

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }) as fc.Arbitrary<Hash>;
const input: fc.Arbitrary<HistoryInput & { readonly priorStateRoot: Hash }> = fc.record({
  headerHash: hash,
  priorStateRoot: hash,
  accoutLogRoot: hash,
  reportedPackageHashes: fc.array(fc.record({ hash, exportsRoot: hash }), { maxLength: 3 }),
});

const empty: RecentHistory = { history: [], accOutBelt: [] };

describe('history', () => {
  // H is the same in tiny and full.
  const spec = tiny;
  it('keeps the last H blocks, corrects the parent\'s state root, grows the belt (100 chains of 1-20 blocks)', () => {
      fc.assert(
        fc.property(fc.array(input, { minLength: 1, maxLength: 20 }), (blocks) => {
          let beta = empty;
          for (const [n, i] of blocks.entries()) {
            const before = structuredClone(beta);
            const r = history(spec)({ betaDagger: correctLastStateRoot(beta, i.priorStateRoot) }, i);
            if (r._tag === 'Left') throw new Error('history rejects nothing');
            const next = r.right[0].beta;
            expect(beta).toEqual(before);
            expect(next.history.length).toBe(Math.min(beta.history.length + 1, spec.Crecenthistorylen));
            const last = next.history[next.history.length - 1]!;
            expect(last.headerHash).toEqual(i.headerHash);
            expect(last.stateRoot).toEqual(zeroHash);
            expect(last.accOutLogSuperPeak).toEqual(mmrSuperPeak(next.accOutBelt));
            const previous = next.history[next.history.length - 2];
            if (previous !== undefined) expect(previous.stateRoot).toEqual(i.priorStateRoot);
            const kept = beta.history.slice(beta.history.length + 1 - next.history.length, -1);
            expect(next.history.slice(0, kept.length)).toEqual(kept);
            const count = n + 1;
            expect(next.accOutBelt.map((p) => p !== undefined)).toEqual(
              [...count.toString(2)].reverse().map((b) => b === '1'),
            );
            beta = next;
          }
        }),
        { numRuns: 100 },
      );
    });
});

describe('accoutLogRoot', () => {
  it('is the well-balanced Keccak root of E_4(s) ++ h for 0, 1 and 2 outputs (200 cases)', () => {
    const output = fc.record({ serviceIndex: fc.nat({ max: 2 ** 32 - 1 }), hash });
    fc.assert(
      fc.property(output, output, (a, b) => {
        const leaf = (o: typeof a) => concatBytes(encode(u32, o.serviceIndex), o.hash);
        expect(accoutLogRoot([])).toEqual(zeroHash);
        expect(accoutLogRoot([a])).toEqual(keccak256(leaf(a)));
        expect(accoutLogRoot([a, b])).toEqual(keccak256(concatBytes(ascii('node'), leaf(a), leaf(b))));
      }),
      { numRuns: 200 },
    );
  });
});
