/**
 * The program side of the PVM: deblob (A.2), the skip function (A.3), zeta (A.4), the
 * basic-block starts varpi (A.5) and the opcode function (A.19). The operands of each instruction
 * are decoded where it runs, by its group's function in `interpreter.ts` (A.21-A.32).
 */
import * as E from 'fp-ts/lib/Either.js';
import { CodecFailure, Reader, Writer } from '../../spec/codec.js';
import { isValidOpcode, terminators } from './opcodes.js';

/**
 * The dynamic jump table j. With entry size z = 0 every entry is 0 and |j| may be anything up to
 * 2^64 at no cost in octets, so j is read through `at` rather than held as an array.
 */
export interface JumpTable {
  readonly length: number;
  /** j_i for i < |j|; entries at or above 2^32 read as 2^32 (they can never be a basic-block start). */
  readonly at: (i: number) => number;
}

/** The parts deblob separates: instruction data c, opcode bitmask k (one octet per bit), jump table j. */
export interface BlobParts<J> {
  readonly c: Uint8Array;
  /** k as one 0/1 octet per instruction octet (|k| = |c|). */
  readonly k: Uint8Array;
  readonly j: J;
}

/** The result of deblob. */
export type Blob = BlobParts<JumpTable>;

const TWO_32 = 2 ** 32;

/**
 * @gp A.2 -- the blob deblob inverts: E(|j|) ++ E_1(z) ++ E(|c|) ++ E_z(j) ++ E(c) ++ E(k), with z
 * the fewest octets holding every entry of j. k is given one 0/1 octet per instruction octet.
 */
export const encodeBlob = ({ c, k, j }: BlobParts<ReadonlyArray<number>>): Uint8Array => {
  const max = j.reduce((m, x) => Math.max(m, x), 0);
  let z = 0;
  while (max >= 2 ** (8 * z)) z++;
  const w = new Writer();
  w.natural(j.length);
  w.uint(1, z);
  w.natural(c.length);
  for (const x of j) w.ubig(z, BigInt(x));
  w.bytes(c);
  const bits = new Uint8Array(Math.ceil(c.length / 8));
  for (let i = 0; i < c.length; i++) if (k[i] === 1) bits[i >> 3]! |= 1 << (i & 7);
  w.bytes(bits);
  return w.result();
};

/** @gp A.2 -- deblob: p = E(|j|) ++ E_1(z) ++ E(|c|) ++ E_z(j) ++ E(c) ++ E(k), |k| = |c|. */
export const deblob = (p: Uint8Array): E.Either<string, Blob> => {
  // The header E(|j|) ++ E_1(z) ++ E(|c|), read with the codec's canonical general naturals (C.5).
  const r = new Reader(p);
  let jLength: number, z: number, cLength: number;
  try {
    jLength = Number(r.natural());
    z = r.u8();
    cLength = r.naturalBelow(2 ** 32);
  } catch (e) {
    if (e instanceof CodecFailure) return E.left(`deblob: bad header: ${e.reason} at offset ${e.offset}`);
    throw e;
  }
  const jStart = r.offset;
  const cStart = jStart + jLength * z;
  const kStart = cStart + cLength;
  const kLength = Math.ceil(cLength / 8);
  if (kStart + kLength !== p.length)
    return E.left(`deblob: blob is ${p.length} octets, its header implies ${kStart + kLength}`);
  const entries: number[] = [];
  for (let n = 0; z > 0 && n < jLength; n++) {
    let value = 0;
    for (let i = z - 1; i >= 0; i--) {
      const octet = p[jStart + n * z + i] ?? 0;
      // j is a sequence of N_R (< 2^64): with z > 8 the octets above the eighth must be zero.
      if (i >= 8 && octet !== 0) return E.left(`deblob: jump-table entry ${n} is not below 2^64`);
      value = value * 256 + octet;
    }
    entries.push(Math.min(value, TWO_32));
  }
  const j: JumpTable = z === 0 ? { length: jLength, at: () => 0 } : { length: entries.length, at: (i) => entries[i]! };
  const c = p.slice(cStart, kStart);
  const k = new Uint8Array(cLength);
  for (let i = 0; i < cLength; i++) k[i] = ((p[kStart + (i >> 3)] ?? 0) >> (i & 7)) & 1;
  // E(k) of a bitstring of length |c| pads the last octet with zeroes.
  if (cLength % 8 !== 0 && (p[p.length - 1] ?? 0) >> cLength % 8 !== 0)
    return E.left(`deblob: bitmask padding bits are not zero at offset ${p.length - 1}`);
  return E.right({ c, k, j });
};

/** @gp A.3 -- skip(i): octets, minus one, to the next opcode (k padded with ones), at most 24. */
export const skip = (k: Uint8Array, i: number): number => {
  for (let j = 0; j < 24; j++) if (i + 1 + j >= k.length || k[i + 1 + j] === 1) return j;
  return 24;
};

/** @gp A.19 -- opcode(n): c_n if k_n = 1 and c_n is in U, else 0 (trap). */
export const opcodeAt = (c: Uint8Array, k: Uint8Array, n: number): number => {
  const x = c[n];
  return x !== undefined && k[n] === 1 && isValidOpcode(x) ? x : 0;
};

/** @gp A.4 eq:instructions -- zeta: c followed by an indefinite sequence of zeroes. */
export const zeta = (c: Uint8Array, i: number): number => c[i] ?? 0;

/** @gp A.5 -- varpi: 0 and the successors of the terminators T, where a valid opcode starts. */
export const basicBlocks = (c: Uint8Array, k: Uint8Array): ReadonlySet<number> => {
  const isValidStart = (n: number): boolean => k[n] === 1 && isValidOpcode(zeta(c, n));
  const varpi = new Set<number>();
  if (isValidStart(0)) varpi.add(0);
  for (let n = 0; n < c.length; n++)
    if (k[n] === 1 && terminators.has(zeta(c, n)) && isValidStart(n + 1 + skip(k, n))) varpi.add(n + 1 + skip(k, n));
  return varpi;
};
