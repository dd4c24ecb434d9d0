/**
 * The program side of the PVM: deblob (A.2), the skip function (A.3), zeta (A.4), the
 * basic-block starts varpi (A.5), the opcode function (A.19) and the operand decoding of every
 * argument category (A.21-A.32). A program is decoded once into flat typed arrays indexed by the
 * instruction counter, so the interpreter never decodes an instruction twice.
 */
import * as E from 'fp-ts/lib/Either.js';
import { categoryOf, terminators } from './opcodes.js';

/** The result of deblob: instruction data c, opcode bitmask k (one octet per bit), jump table j. */
export interface Blob {
  readonly c: Uint8Array;
  /** k as one 0/1 octet per instruction octet (|k| = |c|). */
  readonly k: Uint8Array;
  /** j; entries at or above 2^32 are kept as 2^32 (they can never be a basic-block start). */
  readonly j: ReadonlyArray<number>;
}

const TWO_32 = 2 ** 32;

/** @gp C.6 -- the inverse of the general natural serialization; undefined unless canonical and in bounds. */
const decodeNatural = (p: Uint8Array, offset: number): { value: number; next: number } | undefined => {
  const first = p[offset];
  if (first === undefined) return undefined;
  let l = 0;
  while (l < 8 && (first & (0x80 >> l)) !== 0) l++;
  if (offset + 1 + l > p.length) return undefined;
  let low = 0;
  for (let i = l - 1; i >= 0; i--) low = low * 256 + (p[offset + 1 + i] ?? 0);
  // l = 8: [255] ++ E_8(x); otherwise the prefix carries the high part x / 2^(8l).
  const value = l === 8 ? low : (first - (256 - 2 ** (8 - l))) * 2 ** (8 * l) + low;
  // Canonical: E picks the unique l with 2^(7l) <= x < 2^(7(l+1)) (x >= 2^56 for l = 8).
  const min = l === 0 ? 0 : 2 ** (7 * l);
  if (value < min) return undefined;
  return { value, next: offset + 1 + l };
};

/** @gp C.6 -- E(x): the general natural serialization (x < 2^53 here). */
const encodeNatural = (x: number): number[] => {
  if (x === 0) return [0];
  for (let l = 0; l < 8; l++)
    if (x < 2 ** (7 * (l + 1))) {
      const out = [256 - 2 ** (8 - l) + Math.floor(x / 2 ** (8 * l))];
      for (let i = 0; i < l; i++) out.push(Math.floor(x / 2 ** (8 * i)) % 256);
      return out;
    }
  const out = [255];
  for (let i = 0; i < 8; i++) out.push(Math.floor(x / 2 ** (8 * i)) % 256);
  return out;
};

/**
 * @gp A.2 -- the blob deblob inverts: E(|j|) ++ E_1(z) ++ E(|c|) ++ E_z(j) ++ E(c) ++ E(k), with z
 * the fewest octets holding every entry of j. k is given one 0/1 octet per instruction octet.
 */
export const encodeBlob = ({ c, k, j }: Blob): Uint8Array => {
  const max = j.reduce((m, x) => Math.max(m, x), 0);
  let z = 0;
  while (max >= 2 ** (8 * z)) z++;
  const out = [...encodeNatural(j.length), z, ...encodeNatural(c.length)];
  for (const x of j) for (let i = 0; i < z; i++) out.push(Math.floor(x / 2 ** (8 * i)) % 256);
  out.push(...c);
  for (let i = 0; i < c.length; i += 8) {
    let byte = 0;
    for (let b = 0; b < 8 && i + b < c.length; b++) byte |= (k[i + b] === 1 ? 1 : 0) << b;
    out.push(byte);
  }
  return Uint8Array.from(out);
};

/** @gp A.2 -- deblob: p = E(|j|) ++ E_1(z) ++ E(|c|) ++ E_z(j) ++ E(c) ++ E(k), |k| = |c|. */
export const deblob = (p: Uint8Array): E.Either<string, Blob> => {
  const jl = decodeNatural(p, 0);
  if (jl === undefined) return E.left('deblob: bad jump-table length at offset 0');
  const z = p[jl.next];
  if (z === undefined) return E.left(`deblob: missing jump-table entry size at offset ${jl.next}`);
  const cl = decodeNatural(p, jl.next + 1);
  if (cl === undefined) return E.left(`deblob: bad code length at offset ${jl.next + 1}`);
  const jStart = cl.next;
  const cStart = jStart + jl.value * z;
  const kStart = cStart + cl.value;
  const kLength = Math.ceil(cl.value / 8);
  if (kStart + kLength !== p.length)
    return E.left(`deblob: blob is ${p.length} octets, its header implies ${kStart + kLength}`);
  const j: number[] = [];
  for (let n = 0; n < jl.value; n++) {
    let value = 0;
    for (let i = z - 1; i >= 0; i--) value = value * 256 + (p[jStart + n * z + i] ?? 0);
    j.push(Math.min(value, TWO_32));
  }
  const c = p.slice(cStart, kStart);
  const k = new Uint8Array(cl.value);
  for (let i = 0; i < cl.value; i++) k[i] = ((p[kStart + (i >> 3)] ?? 0) >> (i & 7)) & 1;
  // E(k) of a bitstring of length |c| pads the last octet with zeroes.
  if (cl.value % 8 !== 0 && (p[p.length - 1] ?? 0) >> cl.value % 8 !== 0)
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
  return x !== undefined && k[n] === 1 && categoryOf[x] !== undefined ? x : 0;
};

/** @gp A.5 -- varpi: basic-block starts, as a 0/1 octet per instruction index. */
export const basicBlocks = (c: Uint8Array, k: Uint8Array): Uint8Array => {
  const varpi = new Uint8Array(c.length);
  const isValidStart = (n: number): boolean => n < c.length && opcodeAt(c, k, n) === c[n] && k[n] === 1;
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

/** E_l^-1 of zeta[at .. at + l] (little-endian, l <= 8), as a bigint. */
const readLE = (c: Uint8Array, at: number, l: number): bigint => {
  let v = 0n;
  for (let i = l - 1; i >= 0; i--) v = (v << 8n) | BigInt(zeta(c, at + i));
  return v;
};

/** @gp A.16 -- X_n: sign extension of an n-octet value to 64 bits. */
const sext = (x: bigint, n: number): bigint => (n === 0 ? 0n : BigInt.asUintN(64, BigInt.asIntN(8 * n, x)));

/** @gp A.10 -- Z_n: the signed value of an n-octet value. */
const signed = (x: bigint, n: number): number => (n === 0 ? 0 : Number(BigInt.asIntN(8 * n, x)));

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
    const opcode = opcodeAt(c, k, i);
    const l = skip(k, i); // @gp A.20 -- l = skip(imath)
    program.opcode[i] = opcode;
    program.next[i] = i + 1 + l;
    const b1 = zeta(c, i + 1);
    const lowReg = Math.min(12, b1 % 16);
    const highReg = Math.min(12, b1 >> 4);
    let x = 0n;
    let y = 0n;
    switch (categoryOf[opcode]) {
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
        x = readLE(c, i + 2, 8);
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
        if (categoryOf[opcode] === 'oneRegTwoImm') y = sext(rawY, lY);
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
        if (categoryOf[opcode] === 'twoRegOneImm') x = sext(rawX, lX);
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
