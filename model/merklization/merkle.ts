/**
 * Appendix E: general Merklization. Binary Merkle trees (the node function N and the trace T),
 * the well-balanced root M_B, the constant-depth root M with its page justification J_x and leaf
 * page L_x, and the Merkle Mountain Range: append and super-peak.
 *
 * H defaults to Blake2b-256, as the paper assumes when none is given.
 */
import { ascii, concatBytes, type Hash } from '../../spec/bytes.js';
import { encode } from '../../spec/codec.js';
import { mmr } from '../../spec/codecs.js';
import type { Mmr } from '../../spec/types.js';
import { blake2b256, keccak256, zeroHash } from '../crypto/hash.js';

/** A hash function B -> H. */
export type HashFn = (data: Uint8Array) => Hash;

const $node = ascii('node');
const $leaf = ascii('leaf');
const $peak = ascii('peak');

const half = (n: number): number => Math.ceil(n / 2);

/**
 * @gp E.1 eq:merklenode -- N(v, H): the zero hash for no items, the item itself for one, else
 * H($node ++ N(first half) ++ N(second half)), the first half taking ceil(|v|/2) items.
 */
export const merkleNode = (v: ReadonlyArray<Uint8Array>, H: HashFn = blake2b256): Uint8Array => {
  if (v.length === 0) return zeroHash;
  if (v.length === 1) return v[0]!;
  const c = half(v.length);
  return H(concatBytes($node, merkleNode(v.slice(0, c), H), merkleNode(v.slice(c), H)));
};

/**
 * @gp E.2 -- T(v, i, H): the trace to item i, each opposite node from the top down: at each level
 * N of the half not holding i (P^bottom), then the trace within the half holding it (P^top).
 */
export const merkleTrace = (v: ReadonlyArray<Uint8Array>, i: number, H: HashFn = blake2b256): ReadonlyArray<Uint8Array> => {
  const out: Uint8Array[] = [];
  let items = v;
  let index = i;
  while (items.length > 1) {
    const c = half(items.length);
    const inFirst = index < c;
    out.push(merkleNode(inFirst ? items.slice(c) : items.slice(0, c), H));
    items = inFirst ? items.slice(0, c) : items.slice(c);
    index -= inFirst ? 0 : c; // P_I(v, i)
  }
  return out;
};

/** @gp E.3 eq:simplemerkleroot -- M_B(v, H): H(v_0) for a single item, else N(v, H). */
export const merkleWellBalanced = (v: ReadonlyArray<Uint8Array>, H: HashFn = blake2b256): Hash =>
  v.length === 1 ? H(v[0]!) : (merkleNode(v, H) as Hash);

/**
 * @gp E.7 -- C(v, H): the constancy preprocessor: each item hashed as H($leaf ++ v_i), padded with
 * zero hashes to the next power of two (at least one item).
 */
export const merkleConstancy = (v: ReadonlyArray<Uint8Array>, H: HashFn = blake2b256): ReadonlyArray<Hash> => {
  const size = 2 ** Math.ceil(Math.log2(Math.max(1, v.length)));
  const out: Hash[] = [];
  for (let i = 0; i < size; i++) out.push(i < v.length ? H(concatBytes($leaf, v[i]!)) : zeroHash);
  return out;
};

/** @gp E.4 eq:constantdepthmerkleroot -- M(v, H) = N(C(v, H), H): the constant-depth root. */
export const merkleConstantDepth = (v: ReadonlyArray<Uint8Array>, H: HashFn = blake2b256): Hash =>
  merkleNode(merkleConstancy(v, H), H) as Hash;

/**
 * @gp E.5 eq:constantdepthsubtreemerklejust -- J_x(v, i, H): the path to page i (pages of 2^x
 * items): the first ceil(log2(max(1, |v|))) - x nodes of the trace to item 2^x i.
 */
export const merkleJustifyPage = (x: number, v: ReadonlyArray<Uint8Array>, i: number, H: HashFn = blake2b256): ReadonlyArray<Hash> =>
  merkleTrace(merkleConstancy(v, H), 2 ** x * i, H).slice(0, Math.max(0, Math.ceil(Math.log2(Math.max(1, v.length))) - x)) as ReadonlyArray<Hash>;

/** @gp E.6 eq:constantdepthsubtreemerkleleafpage -- L_x(v, i, H): page i of hashed leaves, H($leaf ++ l). */
export const merkleLeafPage = (x: number, v: ReadonlyArray<Uint8Array>, i: number, H: HashFn = blake2b256): ReadonlyArray<Hash> =>
  v.slice(2 ** x * i, Math.min(2 ** x * i + 2 ** x, v.length)).map((l) => H(concatBytes($leaf, l)));

/**
 * @gp E.8 eq:mmrappend -- A(r, l, H) = P(r, l, 0, H): the leaf is carried up while peak n is
 * occupied (each step replacing peak n by none and the carry by H(r_n ++ l)), then set at the
 * first empty peak, or appended after the last.
 */
export const mmrAppend = (r: Mmr, l: Hash, H: HashFn = blake2b256): Mmr => {
  const peaks = r.slice();
  let carry = l;
  for (let n = 0; ; n++) {
    if (n >= peaks.length) return [...peaks, carry];
    const peak = peaks[n];
    if (peak === undefined) {
      peaks[n] = carry;
      return peaks;
    }
    peaks[n] = undefined;
    carry = H(concatBytes(peak, carry));
  }
};

/** @gp E.9 -- M_E(b) = E(↕[¿x | x <- b]): the peaks with a length prefix, each optional. */
export const mmrEncode = (b: Mmr): Uint8Array => encode(mmr, b);

/**
 * @gp E.10 -- M_R(b): the super-peak of the non-empty peaks h: the zero hash when none, h_0 for
 * one, else H_K($peak ++ M_R(h without its last) ++ the last), Keccak-256 whatever H built the peaks.
 */
export const mmrSuperPeak = (b: Mmr): Hash => {
  const h = b.filter((x): x is Hash => x !== undefined);
  if (h.length === 0) return zeroHash;
  let acc = h[0]!;
  for (let j = 1; j < h.length; j++) acc = keccak256(concatBytes($peak, acc, h[j]!));
  return acc;
};
