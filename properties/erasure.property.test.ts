/**
 * Erasure coding (Appendix H): the native engine equals the TypeScript reference; any W_E / 2
 * chunks with distinct indices give the blob back (H.5) on both engines; fewer, mis-sized,
 * duplicated or out-of-range chunks are refused with a named error. Full-config sizes are kept
 * small because the reference is quadratic per piece.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { full, tiny, type ChainSpec } from '../spec/chain-spec.js';
import { erasureCode, erasureRecover, nativeEngine, tsEngine, type ErasureEngine } from '../model/erasure/index.js';

/** A blob of k pieces (W_E * k octets) for the spec, k in [1, maxPieces]. */
const blob = (spec: ChainSpec, maxPieces: number) =>
  fc
    .integer({ min: 1, max: maxPieces })
    .chain((k) => fc.uint8Array({ minLength: spec.Cecpiecesize * k, maxLength: spec.Cecpiecesize * k }));

/** Exactly W_E / 2 distinct chunk indices, in random order. */
const subset = (spec: ChainSpec) => {
  const n = spec.Cecpiecesize / 2;
  return fc.shuffledSubarray(
    Array.from({ length: spec.Cvalcount }, (_, i) => i),
    { minLength: n, maxLength: n },
  );
};

const encode = (spec: ChainSpec, d: Uint8Array, engine: ErasureEngine = nativeEngine): ReadonlyArray<Uint8Array> => {
  const chunks = erasureCode(spec, engine)(d);
  if (E.isLeft(chunks)) throw new Error(`encode refused: ${chunks.left}`);
  return chunks.right;
};

const configs: ReadonlyArray<readonly [ChainSpec, { readonly maxPieces: number; readonly runs: number }]> = [
  [tiny, { maxPieces: 600, runs: 200 }],
  [full, { maxPieces: 8, runs: 25 }],
];

for (const [spec, { maxPieces, runs }] of configs)
  describe(`erasure / ${spec.name}`, () => {
    it('native encoding equals the TypeScript reference', () => {
      fc.assert(
        fc.property(blob(spec, maxPieces), (d) => {
          expect(encode(spec, d, nativeEngine)).toEqual(encode(spec, d, tsEngine));
        }),
        { numRuns: runs },
      );
    });

    it('any W_E / 2 chunks with distinct indices recover the blob, on both engines', () => {
      fc.assert(
        fc.property(blob(spec, maxPieces), subset(spec), (d, indices) => {
          const chunks = encode(spec, d);
          const given = indices.map((i) => [chunks[i]!, i] as const);
          expect(erasureRecover(spec, nativeEngine)(given)).toEqual(E.right(d));
          expect(erasureRecover(spec, tsEngine)(given)).toEqual(E.right(d));
        }),
        { numRuns: runs },
      );
    });

    it('fewer than W_E / 2 chunks are refused as too_few_pieces', () => {
      fc.assert(
        fc.property(blob(spec, 2), subset(spec), fc.nat(), (d, indices, drop) => {
          const chunks = encode(spec, d);
          const given = indices.slice(0, drop % indices.length).map((i) => [chunks[i]!, i] as const);
          expect(erasureRecover(spec, tsEngine)(given)).toEqual(E.left('too_few_pieces'));
          expect(erasureRecover(spec, nativeEngine)(given)).toEqual(E.left('too_few_pieces'));
        }),
        { numRuns: runs },
      );
    });

    it('chunks of different sizes, repeated or out-of-range indices are refused by name', () => {
      fc.assert(
        fc.property(blob(spec, 2), subset(spec), fc.nat(), (d, indices, pick) => {
          const chunks = encode(spec, d);
          const given = indices.map((i) => [chunks[i]!, i] as const);
          const j = pick % given.length;
          const [chunk, index] = given[j]!;
          const replaced = (x: readonly [Uint8Array, number]) => given.map((g, m) => (m === j ? x : g));
          const recover = erasureRecover(spec, tsEngine);
          expect(recover(replaced([chunk.subarray(0, chunk.length - 2), index]))).toEqual(E.left('inconsistent_sizes'));
          expect(recover(replaced([chunk.subarray(0, chunk.length - 1), index]))).toEqual(E.left('inconsistent_sizes'));
          expect(recover([...given, [chunk, index]])).toEqual(E.left('duplicate_index'));
          expect(recover(replaced([chunk, spec.Cvalcount]))).toEqual(E.left('bad_index'));
        }),
        { numRuns: runs },
      );
    });
  });

describe('erasure / shape', () => {
  it('a blob that is not a whole number of pieces is refused as bad_length', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (d) => {
        fc.pre(d.length % full.Cecpiecesize !== 0);
        expect(erasureCode(full, tsEngine)(d)).toEqual(E.left('bad_length'));
        expect(erasureCode(full, nativeEngine)(d)).toEqual(E.left('bad_length'));
      }),
      { numRuns: 100 },
    );
  });
});
