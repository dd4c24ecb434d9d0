/**
 * Appendix F: the Fisher-Yates shuffle, from a sequence of naturals (F.1) and from a hash (F.3),
 * through the numeric sequence Q derived from it (F.2).
 */
import type { Hash } from '../../spec/bytes.js';
import { blake2b256 } from '../crypto/hash.js';

/**
 * @gp F.1 eq:suffle -- Fisher-Yates shuffle of s by the naturals r (|r| >= |s|). The recursion
 * takes s_{r_0 mod l}, moves the last element into its place and continues on the first l-1
 * elements with r_{1...}; unrolled here into one loop over a working copy.
 */
export const shuffle = <T>(s: ReadonlyArray<T>, r: ReadonlyArray<number>): ReadonlyArray<T> => {
  const l = s.length;
  if (r.length < l) throw new RangeError(`shuffle: ${r.length} naturals for a sequence of ${l}`);
  const work = s.slice();
  const out: T[] = [];
  for (let i = 0; i < l; i++) {
    const len = l - i;
    const j = r[i]! % len;
    out.push(work[j]!);
    work[j] = work[len - 1]!;
  }
  return out;
};

/**
 * @gp F.2 -- Q_l(h): the i-th natural is E_4^{-1} of octets 4i mod 32 ... +4 of H(h ++ E_4(floor(i/8))).
 * One Blake2b call serves eight consecutive naturals.
 */
export const sequenceFromHash = (l: number, h: Hash): ReadonlyArray<number> => {
  const out: number[] = [];
  const preimage = new Uint8Array(36);
  preimage.set(h.subarray(0, 32), 0);
  let block: Uint8Array = new Uint8Array(0);
  for (let i = 0; i < l; i++) {
    if (i % 8 === 0) {
      const c = i / 8; // E_4(floor(i/8)), little-endian
      preimage[32] = c & 0xff;
      preimage[33] = (c >>> 8) & 0xff;
      preimage[34] = (c >>> 16) & 0xff;
      preimage[35] = (c >>> 24) & 0xff;
      block = blake2b256(preimage);
    }
    const o = (4 * i) % 32;
    out.push((block[o]! | (block[o + 1]! << 8) | (block[o + 2]! << 16) | (block[o + 3]! << 24)) >>> 0);
  }
  return out;
};

/** @gp F.3 eq:sequencefromhash -- the shuffle of s seeded by a hash: F(s, Q_{|s|}(h)). */
export const shuffleByHash = <T>(s: ReadonlyArray<T>, h: Hash): ReadonlyArray<T> => shuffle(s, sequenceFromHash(s.length, h));
