/**
 * The program side of the PVM: deblob (A.2), the skip function (A.3), zeta (A.4), the
 * basic-block starts varpi (A.5), the opcode function (A.19) and the operand decoding of every
 * argument category (A.21-A.32). A program is decoded once into flat typed arrays indexed by the
 * instruction counter, so the interpreter never decodes an instruction twice.
 */
import * as E from 'fp-ts/lib/Either.js';
import { CodecFailure, Reader, Writer } from '../../spec/codec.js';
import { instructionOf, isValidOpcode, terminators } from './opcodes.js';

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

/** @gp A.5 -- varpi: basic-block starts, as a 0/1 octet per instruction index. */
export const basicBlocks = (c: Uint8Array, k: Uint8Array): Uint8Array => {
  const varpi = new Uint8Array(c.length);
  const isValidStart = (n: number): boolean => n < c.length && k[n] === 1 && isValidOpcode(c[n] ?? 0);
  if (isValidStart(0)) varpi[0] = 1;
  for (let n = 0; n < c.length; n++)
    if (k[n] === 1 && terminators.has(c[n] ?? 0)) {
      const b = n + 1 + skip(k, n);
      if (isValidStart(b)) varpi[b] = 1;
    }
  return varpi;
};

/**
 * A program decoded once: per instruction index i (0 <= i < |c|) the effective opcode and its
 * operands, as the category of the opcode defines them. Immediates are stored already
 * sign-extended to 64 bits (X_n of A.16); offsets as absolute targets imath + Z_n(...).
 */
export interface Program {
  readonly blob: Blob;
  readonly varpi: Uint8Array;
  /** opcode(i) (A.19). */
  readonly opcode: Uint8Array;
  /** i + 1 + skip(i) (A.9). */
  readonly next: Float64Array;
  readonly rA: Uint8Array;
  readonly rB: Uint8Array;
  readonly rD: Uint8Array;
  readonly immX: BigUint64Array;
  readonly immY: BigUint64Array;
  /** The low 32 bits of immX, for address arithmetic without bigint. */
  readonly immXLow: Uint32Array;
  /** The absolute branch target of the offset operand (may be negative or past the code). */
  readonly target: Float64Array;
}

/** zeta (A.4): c followed by zeroes. */
const zeta = (c: Uint8Array, i: number): number => c[i] ?? 0;

/** E_l^-1 of zeta[at .. at + l] (little-endian, l <= 4), as a number. */
const readLE = (c: Uint8Array, at: number, l: number): number => {
  let v = 0;
  for (let i = l - 1; i >= 0; i--) v = v * 256 + zeta(c, at + i);
  return v;
};

/** @gp A.10 -- Z_n: the signed value of an n-octet value. */
const signed = (x: number, n: number): number => (n === 0 || x < 2 ** (8 * n - 1) ? x : x - 2 ** (8 * n));

/** @gp A.16 -- X_n: sign extension of an n-octet value to 64 bits. */
const sext = (x: number, n: number): bigint => BigInt.asUintN(64, BigInt(signed(x, n)));

/** Decodes every instruction index of a deblobbed program (A.21-A.32 per category). */
export const decodeProgram = (blob: Blob): Program => {
  const { c, k } = blob;
  const n = c.length;
  const program: Program = {
    blob,
    varpi: basicBlocks(c, k),
    opcode: new Uint8Array(n),
    next: new Float64Array(n),
    rA: new Uint8Array(n),
    rB: new Uint8Array(n),
    rD: new Uint8Array(n),
    immX: new BigUint64Array(n),
    immY: new BigUint64Array(n),
    immXLow: new Uint32Array(n),
    target: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    // Only an index with k_i = 1 can hold anything but trap (A.19); the arrays start zeroed (trap).
    if (k[i] !== 1) continue;
    const opcode = opcodeAt(c, k, i);
    const l = skip(k, i); // @gp A.20 -- l = skip(imath)
    program.opcode[i] = opcode;
    program.next[i] = i + 1 + l;
    const b1 = zeta(c, i + 1);
    const lowReg = Math.min(12, b1 % 16);
    const highReg = Math.min(12, b1 >> 4);
    let x = 0n;
    let y = 0n;
    const group = instructionOf[opcode]?.[2];
    switch (group) {
      case 'noArgs':
      case undefined:
        break;
      case 'oneImm': {
        const lX = Math.min(4, l);
        x = sext(readLE(c, i + 1, lX), lX);
        break;
      }
      case 'oneRegExtImm':
        program.rA[i] = lowReg;
        x = (BigInt(readLE(c, i + 6, 4)) << 32n) | BigInt(readLE(c, i + 2, 4));
        break;
      case 'twoImm': {
        const lX = Math.min(4, b1 % 8);
        const lY = Math.min(4, Math.max(0, l - lX - 1));
        x = sext(readLE(c, i + 2, lX), lX);
        y = sext(readLE(c, i + 2 + lX, lY), lY);
        break;
      }
      case 'oneOffset': {
        const lX = Math.min(4, l);
        program.target[i] = i + signed(readLE(c, i + 1, lX), lX);
        break;
      }
      case 'oneRegOneImm': {
        const lX = Math.min(4, Math.max(0, l - 1));
        program.rA[i] = lowReg;
        x = sext(readLE(c, i + 2, lX), lX);
        break;
      }
      case 'oneRegTwoImm':
      case 'oneRegImmOffset': {
        const lX = Math.min(4, (b1 >> 4) % 8);
        const lY = Math.min(4, Math.max(0, l - lX - 1));
        program.rA[i] = lowReg;
        x = sext(readLE(c, i + 2, lX), lX);
        const rawY = readLE(c, i + 2 + lX, lY);
        if (group === 'oneRegTwoImm') y = sext(rawY, lY);
        else program.target[i] = i + signed(rawY, lY);
        break;
      }
      case 'twoReg':
        program.rD[i] = lowReg;
        program.rA[i] = highReg;
        break;
      case 'twoRegOneImm':
      case 'twoRegOneOffset': {
        const lX = Math.min(4, Math.max(0, l - 1));
        program.rA[i] = lowReg;
        program.rB[i] = highReg;
        const rawX = readLE(c, i + 2, lX);
        if (group === 'twoRegOneImm') x = sext(rawX, lX);
        else program.target[i] = i + signed(rawX, lX);
        break;
      }
      case 'twoRegTwoImm': {
        const lX = Math.min(4, zeta(c, i + 2) % 8);
        const lY = Math.min(4, Math.max(0, l - lX - 2));
        program.rA[i] = lowReg;
        program.rB[i] = highReg;
        x = sext(readLE(c, i + 3, lX), lX);
        y = sext(readLE(c, i + 3 + lX, lY), lY);
        break;
      }
      case 'threeReg':
        program.rA[i] = lowReg;
        program.rB[i] = highReg;
        program.rD[i] = Math.min(12, zeta(c, i + 2));
        break;
    }
    program.immX[i] = x;
    program.immY[i] = y;
    program.immXLow[i] = Number(x & 0xffffffffn);
  }
  return program;
};
