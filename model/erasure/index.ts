/**
 * Erasure coding, Gray Paper 0.7.2 Appendix H: blobs of W_E * k octets (684k in the full
 * config) become V chunks of 2k octets, any W_E / 2 of which give the blob back.
 *
 * Two engines compute the same functions: `ts`, the readable reference of this folder, and
 * `native`, reed-solomon-simd behind the napi binding. `erasureCode` and `erasureRecover` take
 * the engine after the chain spec; a differential property keeps the two equal.
 */
import * as E from 'fp-ts/lib/Either.js';
import { concatBytes } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { loadNative } from '../native.js';
import { encodePiece, pieceRecoverer, type CodeShape } from './reed-solomon.js';

/** Why a set of chunks does not give a blob back. */
export type ErasureError =
  /** Fewer chunks with distinct indices than W_E / 2. */
  | 'too_few_pieces'
  /** Chunks of different lengths, or of an odd length. */
  | 'inconsistent_sizes'
  /** A chunk index not below V. */
  | 'bad_index'
  /** Two chunks with the same index. */
  | 'duplicate_index'
  /** A blob to encode whose length is not a multiple of W_E. */
  | 'bad_length';

/** The code of a chain spec: W_E / 2 message words, V code words. */
export const codeShape = (spec: ChainSpec): CodeShape => ({ originals: spec.Cecpiecesize / 2, total: spec.Cvalcount });

/**
 * One erasure-coding engine: `encode` maps the n = W_E / 2 data shards of 2k octets (the blob,
 * `split_2k`) to the V chunks; `recover` maps exactly n chunks with distinct indices back to the
 * blob. Inputs are validated before they reach an engine.
 */
export interface ErasureEngine {
  readonly name: 'ts' | 'native';
  readonly encode: (shape: CodeShape, data: Uint8Array, k: number) => ReadonlyArray<Uint8Array>;
  readonly recover: (shape: CodeShape, chunks: ReadonlyArray<readonly [Uint8Array, number]>, k: number) => Uint8Array;
}

/** @gp H.1 -- split_n: d in B_{kn} as k consecutive blobs of n octets. */
export const split = (n: number, d: Uint8Array): ReadonlyArray<Uint8Array> =>
  Array.from({ length: d.length / n }, (_, i) => d.subarray(i * n, (i + 1) * n));

/** @gp H.2 -- join: the concatenation of a sequence of blobs. */
export const join = (c: ReadonlyArray<Uint8Array>): Uint8Array => concatBytes(...c);

/** @gp H.3 eq:transpose -- transposition of a sequence of equal-length sequences. */
export const transpose = <T>(x: ReadonlyArray<ArrayLike<T>>): ReadonlyArray<ReadonlyArray<T>> =>
  Array.from({ length: x[0]?.length ?? 0 }, (_, j) => x.map((row) => row[j]!));

/** split_2 of a 2k-octet blob, each octet pair read as its little-endian word (the paper's E_2). */
const words = (shard: Uint8Array): Uint16Array => {
  const w = new Uint16Array(shard.length / 2);
  for (let p = 0; p < w.length; p++) w[p] = shard[2 * p]! | (shard[2 * p + 1]! << 8);
  return w;
};

/** join of k words, each as its two little-endian octets. */
const octets = (w: ArrayLike<number>): Uint8Array => {
  const b = new Uint8Array(2 * w.length);
  for (let p = 0; p < w.length; p++) {
    b[2 * p] = w[p]! & 0xff;
    b[2 * p + 1] = w[p]! >> 8;
  }
  return b;
};

/** The TypeScript reference, H.4 and H.5 as written. */
export const tsEngine: ErasureEngine = {
  name: 'ts',
  encode: (shape, d, k) => {
    // the k pieces: word p of each of the n data shards split_2k(d)
    const pieces = transpose(split(2 * k, d).map(words));
    // each coded to N words, then regrouped by validator and joined: N chunks of 2k octets
    return transpose(pieces.map((p) => encodePiece(shape, p))).map(octets);
  },
  recover: (shape, chunks, _k) => {
    const recoverPiece = pieceRecoverer(shape, chunks.map(([, i]) => i));
    // piece p: word p of each given chunk, recovered to its n message words
    const pieces = transpose(chunks.map(([c]) => words(c))).map(recoverPiece);
    // regrouped by data shard and joined
    return join(transpose(pieces).map(octets));
  },
};

/** reed-solomon-simd through the napi binding (`npm run build:native`). */
export const nativeEngine: ErasureEngine = {
  name: 'native',
  encode: (shape, data, k) => split(2 * k, loadNative().erasureEncode(data, shape.originals, shape.total)),
  recover: (shape, chunks, k) => {
    const indices = Uint32Array.from(chunks.map(([, i]) => i));
    return loadNative().erasureRecover(join(chunks.map(([c]) => c)), indices, shape.originals, shape.total, 2 * k);
  },
};

export const erasureEngines: Readonly<Record<ErasureEngine['name'], ErasureEngine>> = { ts: tsEngine, native: nativeEngine };

/**
 * @gp H.4 eq:erasurecoding -- C_k: a blob of W_E * k octets to V chunks of 2k octets each;
 * chunk i < W_E / 2 is the blob's i-th run of 2k octets (the code is systematic).
 */
export const erasureCode =
  (spec: ChainSpec, engine: ErasureEngine) =>
  (d: Uint8Array): E.Either<ErasureError, ReadonlyArray<Uint8Array>> => {
    if (d.length % spec.Cecpiecesize !== 0) return E.left('bad_length');
    const k = d.length / spec.Cecpiecesize;
    if (k === 0) return E.right(Array.from({ length: spec.Cvalcount }, () => new Uint8Array(0)));
    return E.right(engine.encode(codeShape(spec), d, k));
  };

/**
 * @gp H.5 eq:erasurecodinginv -- R_k: the blob from any W_E / 2 chunks with distinct indices
 * below V (more are accepted; the W_E / 2 of lowest index are used). When those are the data
 * chunks 0 ... W_E / 2 - 1 the blob is their concatenation.
 */
export const erasureRecover =
  (spec: ChainSpec, engine: ErasureEngine) =>
  (chunks: ReadonlyArray<readonly [Uint8Array, number]>): E.Either<ErasureError, Uint8Array> => {
    const shape = codeShape(spec);
    const size = chunks[0]?.[0].length ?? 0;
    if (chunks.some(([c]) => c.length !== size) || size % 2 !== 0) return E.left('inconsistent_sizes');
    if (chunks.some(([, i]) => !Number.isInteger(i) || i < 0 || i >= shape.total)) return E.left('bad_index');
    if (new Set(chunks.map(([, i]) => i)).size !== chunks.length) return E.left('duplicate_index');
    if (chunks.length < shape.originals) return E.left('too_few_pieces');
    const used = [...chunks].sort((a, b) => a[1] - b[1]).slice(0, shape.originals);
    const k = size / 2;
    if (k === 0) return E.right(new Uint8Array(0));
    if (used.every(([, i], j) => i === j)) return E.right(join(used.map(([c]) => c)));
    return E.right(engine.recover(shape, used, k));
  };

/** @gp 14.18 eq:zeropadding -- P_n: x zero-padded to the next multiple of n octets. */
export const zeroPad = (n: number, x: Uint8Array): Uint8Array => {
  const padded = new Uint8Array(Math.ceil(x.length / n) * n);
  padded.set(x);
  return padded;
};

/**
 * @gp 14.17 -- a blob of any length erasure-coded as the work-package bundle is:
 * C_{ceil(|b| / W_E)}(P_{W_E}(b)).
 */
export const erasureCodeBlob =
  (spec: ChainSpec, engine: ErasureEngine) =>
  (b: Uint8Array): ReadonlyArray<Uint8Array> => {
    const chunks = erasureCode(spec, engine)(zeroPad(spec.Cecpiecesize, b));
    if (E.isLeft(chunks)) throw new Error('a zero-padded blob is a multiple of W_E');
    return chunks.right;
  };

/**
 * A segment (W_G octets) to V chunks of 2 W_P octets: C_k with k = W_G / W_E = W_P (6 in the
 * full config), as Appendix H says segments are coded.
 */
export const erasureCodeSegment =
  (spec: ChainSpec, engine: ErasureEngine) =>
  (segment: Uint8Array): E.Either<ErasureError, ReadonlyArray<Uint8Array>> =>
    segment.length !== spec.Csegmentsize ? E.left('bad_length') : erasureCode(spec, engine)(segment);

/** A segment from any W_E / 2 of its chunks (R_k with k = W_P). */
export const erasureRecoverSegment =
  (spec: ChainSpec, engine: ErasureEngine) =>
  (chunks: ReadonlyArray<readonly [Uint8Array, number]>): E.Either<ErasureError, Uint8Array> =>
    chunks.some(([c]) => c.length !== 2 * spec.Csegmentecpieces) ? E.left('inconsistent_sizes') : erasureRecover(spec, engine)(chunks);
