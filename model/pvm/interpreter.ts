/**
 * The TypeScript PVM: the literal reference of Appendix A. Psi (A.1) runs Psi_1 (A.6) until an
 * exit; Psi_1 decodes the instruction at imath by its group's equation (A.21-A.32, one function
 * per group of A.5.1-A.5.13), applies its row of the table as written, and then the
 * memory-access exception of A.7-A.8 over the indices r and w the row inspected and mutated.
 * Values are unbounded integers (bigint) reduced where the paper reduces them; bit-wise rows go
 * through B_n (A.12-A.14). Nothing is precomputed but varpi, which is a property of the program.
 * Speed is the Rust engine's business; the differential properties keep the two equal.
 */
import * as E from 'fp-ts/lib/Either.js';
import { paperReadings, type PvmReadings } from '../../spec/readings.js';
import { checkedRegister, registerOf, TWO_32, TWO_64, type ExitReason, type MemoryLayout, type PvmEngine, type PvmInit, type PvmInstance } from './engine.js';
import { type Access, P, PAGE_SIZE, Ram } from './memory.js';
import { type Group, type InstructionName, instructionOf, terminators } from './opcodes.js';
import { type Blob, basicBlocks, deblob, opcodeAt, skip, zeta } from './program.js';

/** Z_A = 2: the dynamic-jump alignment factor (A.18). */
const Z_A = 2;

// ---- A.10-A.16, A.33, A.34: the numeric functions of the tables -----------------------------------

const pow2 = (n: number | bigint): bigint => 2n ** BigInt(n);

/** floor(a / b) for integers (bigint `/` truncates towards zero). */
const floorDiv = (a: bigint, b: bigint): bigint => {
  const q = a / b;
  return q * b !== a && a < 0n !== b < 0n ? q - 1n : q;
};

/** a mod b as the paper means it: non-negative for b > 0 (bigint `%` keeps the sign of a). */
const mod = (a: bigint, b: bigint): bigint => ((a % b) + b) % b;

/** @gp A.10 eq:signedfunc -- Z_n: a natural of 8n bits as a signed integer (a < 2^(8n-1) written 2a < 2^(8n), so n = 0 is defined). */
const Z = (n: number, a: bigint): bigint => (2n * a < pow2(8 * n) ? a : a - pow2(8 * n));

/** @gp A.11 -- Z_n^-1: a signed integer as a natural of 8n bits. */
const Zinv = (n: number, a: bigint): bigint => (pow2(8 * n) + a) % pow2(8 * n);

/** @gp A.12 eq:bitsfunc -- B_n: the 8n bits of x, least significant first. */
const B = (n: number, x: bigint): boolean[] =>
  Array.from({ length: 8 * n }, (_, i) => mod(floorDiv(x, pow2(i)), 2n) === 1n);

/** @gp A.13 -- B_n^-1: the natural of a bit sequence, least significant first. */
const Binv = (bits: ReadonlyArray<boolean>): bigint => bits.reduce((y, bit, i) => y + (bit ? pow2(i) : 0n), 0n);

/** @gp A.14 eq:revbitsfunc -- the reversed B_n: the 8n bits of x, most significant first. */
const revB = (n: number, x: bigint): boolean[] => B(n, x).reverse();

/** @gp A.16 eq:signedextension -- X_n: x + floor(x / 2^(8n-1)) (2^64 - 2^(8n)), the quotient written floor(2x / 2^(8n)) so that n = 0 is defined. */
const X = (n: number, x: bigint): bigint => x + floorDiv(2n * x, pow2(8 * n)) * (TWO_64 - pow2(8 * n));

/** @gp A.33 -- smod: the remainder of the absolute values, with the sign of the numerator. */
const smod = (a: bigint, b: bigint): bigint => {
  const abs = (x: bigint): bigint => (x < 0n ? -x : x);
  const sgn = (x: bigint): bigint => (x < 0n ? -1n : x > 0n ? 1n : 0n);
  return b === 0n ? a : sgn(a) * (abs(a) % abs(b));
};

/** @gp A.34 -- rtz(a / b): the quotient rounded towards zero (ceiling below zero, floor otherwise). */
const rtz = (a: bigint, b: bigint): bigint => {
  const floor = floorDiv(a, b);
  return floor < 0n && floor * b !== a ? floor + 1n : floor;
};

/** E_l^-1 of zeta[at .. at + l]: the little-endian natural of l octets of the code (C.12). */
const decode = (c: Uint8Array, at: number, l: number): bigint => {
  let x = 0n;
  for (let i = l - 1; i >= 0; i--) x = x * 256n + BigInt(zeta(c, at + i));
  return x;
};

/** E_n(x): the n little-endian octets of x < 2^(8n) (C.12). */
const encode = (n: number, x: bigint): number[] => Array.from({ length: n }, (_, i) => Number(mod(floorDiv(x, pow2(8 * i)), 256n)));

const bool = (b: boolean): bigint => (b ? 1n : 0n);

// ---- Psi_1's state and its step --------------------------------------------------------------------

/** The program as Psi_1 sees it: c, k, j of deblob and the basic-block starts varpi. */
interface Program {
  readonly blob: Blob;
  readonly varpi: ReadonlySet<number>;
}

/** The exit reason epsilon of Psi_1 (A.6): continue, or an exit of A.1. */
type Epsilon = 'continue' | 'halt' | 'panic' | { readonly host: bigint } | { readonly fault: number };

/**
 * One application of Psi_1 under construction: the posterior values (epsilon, imath', gas',
 * omega'), the octets of mu' written, the new writable pages and heap pointer of sbrk, and the
 * indices r and w by which mu is subscripted for inspection and mutation (A.7).
 */
interface Step {
  epsilon: Epsilon;
  imath: number;
  readonly gas: bigint;
  readonly omega: bigint[];
  /** Indices inspected (before reduction mod 2^32). */
  readonly r: bigint[];
  /** Indices mutated (before reduction mod 2^32) with the octet each receives. */
  readonly w: Map<bigint, number>;
  /** sbrk: pages [from, to) made writable in mu', and the heap pointer h'. */
  sbrk?: { readonly from: number; readonly to: number; readonly h: number };
}

/** What a row sees: the program, the prior machine state, the skip length l, and the step it writes. */
interface Row {
  readonly program: Program;
  readonly imath: number;
  /** @gp A.20 -- l = skip(imath) */
  readonly l: number;
  readonly omega: ReadonlyArray<bigint>;
  readonly ram: Ram;
  /** h of sbrk (A.28). */
  readonly h: number;
  readonly step: Step;
  readonly name: InstructionName;
}

/** mu-circle_{a .. a + n} (the cyclic read, indices mod 2^32): the octets, with the indices recorded in r. */
const load = (row: Row, a: bigint, n: number): bigint => {
  const octets: number[] = [];
  for (let i = 0; i < n; i++) {
    row.step.r.push(a + BigInt(i));
    octets.push(row.ram.octet(Number((a + BigInt(i)) % 2n ** 32n)));
  }
  return octets.reduceRight((x, octet) => x * 256n + BigInt(octet), 0n);
};

/** mu'-circle_{a .. a + n} = E_n(x): the octets to write, with the indices recorded in w. */
const store = (row: Row, a: bigint, n: number, x: bigint): void =>
  encode(n, x).forEach((octet, i) => row.step.w.set(a + BigInt(i), octet));

/** omega'_r = x. */
const set = (row: Row, r: number, x: bigint): void => {
  row.step.omega[r] = x;
};

/** @gp A.17 -- branch(b, C): not taken, the default imath' (A.9); taken to a b outside varpi, panic. */
const branch = (row: Row, b: number, C: boolean): void => {
  if (!C) return;
  if (!row.program.varpi.has(b)) {
    row.step.epsilon = 'panic';
    row.step.imath = row.imath;
  } else row.step.imath = b;
};

/** @gp A.18 eq:jumptablealignment -- djump(a): halt at 2^32 - 2^16; else j_{a/Z_A - 1} if aligned, in j and in varpi; else panic. */
const djump = (row: Row, a: bigint): void => {
  const { j } = row.program.blob;
  const index = Number(a) / Z_A - 1;
  if (a === BigInt(TWO_32 - 2 ** 16)) {
    row.step.epsilon = 'halt';
    row.step.imath = row.imath;
  } else if (a === 0n || a > BigInt(j.length) * BigInt(Z_A) || a % BigInt(Z_A) !== 0n || !row.program.varpi.has(j.at(index))) {
    row.step.epsilon = 'panic';
    row.step.imath = row.imath;
  } else row.step.imath = j.at(index);
};

const noRow = (row: Row): never => {
  throw new Error(`PVM: ${row.name} is in the table but not in its group's function`);
};

// ---- A.5.1-A.5.13: one function per group, each row as its table writes it -------------------------

/** A.5.1 -- instructions without arguments. */
const noArgs = (row: Row): void => {
  switch (row.name) {
    case 'trap':
      row.step.epsilon = 'panic';
      return;
    case 'fallthrough':
      return;
  }
  noRow(row);
};

/** @gp A.21 -- A.5.2: one immediate, l_X = min(4, l), nu_X = X_{l_X}(E^-1(zeta_{imath+1 ..+ l_X})). */
const oneImm = (row: Row): void => {
  const { c } = row.program.blob;
  const lX = Math.min(4, row.l);
  const nuX = X(lX, decode(c, row.imath + 1, lX));
  if (row.name === 'ecalli') row.step.epsilon = { host: nuX };
  else noRow(row);
};

/** @gp A.22 -- A.5.3: one register and one extended-width immediate, nu_X = E_8^-1(zeta_{imath+2 ..+ 8}). */
const oneRegExtImm = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const nuX = decode(c, row.imath + 2, 8);
  if (row.name === 'load_imm_64') set(row, rA, nuX);
  else noRow(row);
};

/** @gp A.23 -- A.5.4: two immediates. */
const twoImm = (row: Row): void => {
  const { c } = row.program.blob;
  const lX = Math.min(4, zeta(c, row.imath + 1) % 8);
  const nuX = X(lX, decode(c, row.imath + 2, lX));
  const lY = Math.min(4, Math.max(0, row.l - lX - 1));
  const nuY = X(lY, decode(c, row.imath + 2 + lX, lY));
  switch (row.name) {
    case 'store_imm_u8':
      return store(row, nuX, 1, nuY % 2n ** 8n);
    case 'store_imm_u16':
      return store(row, nuX, 2, nuY % 2n ** 16n);
    case 'store_imm_u32':
      return store(row, nuX, 4, nuY % 2n ** 32n);
    case 'store_imm_u64':
      return store(row, nuX, 8, nuY);
  }
  noRow(row);
};

/** @gp A.24 -- A.5.5: one offset, nu_X = imath + Z_{l_X}(E^-1(zeta_{imath+1 ..+ l_X})). */
const oneOffset = (row: Row): void => {
  const { c } = row.program.blob;
  const lX = Math.min(4, row.l);
  const nuX = row.imath + Number(Z(lX, decode(c, row.imath + 1, lX)));
  if (row.name === 'jump') branch(row, nuX, true);
  else noRow(row);
};

/** @gp A.25 -- A.5.6: one register and one immediate. */
const oneRegOneImm = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const omegaA = row.omega[rA]!;
  const lX = Math.min(4, Math.max(0, row.l - 1));
  const nuX = X(lX, decode(c, row.imath + 2, lX));
  switch (row.name) {
    case 'jump_ind':
      return djump(row, (omegaA + nuX) % 2n ** 32n);
    case 'load_imm':
      return set(row, rA, nuX);
    case 'load_u8':
      return set(row, rA, load(row, nuX, 1));
    case 'load_i8':
      return set(row, rA, X(1, load(row, nuX, 1)));
    case 'load_u16':
      return set(row, rA, load(row, nuX, 2));
    case 'load_i16':
      return set(row, rA, X(2, load(row, nuX, 2)));
    case 'load_u32':
      return set(row, rA, load(row, nuX, 4));
    case 'load_i32':
      return set(row, rA, X(4, load(row, nuX, 4)));
    case 'load_u64':
      return set(row, rA, load(row, nuX, 8));
    case 'store_u8':
      return store(row, nuX, 1, omegaA % 2n ** 8n);
    case 'store_u16':
      return store(row, nuX, 2, omegaA % 2n ** 16n);
    case 'store_u32':
      return store(row, nuX, 4, omegaA % 2n ** 32n);
    case 'store_u64':
      return store(row, nuX, 8, omegaA);
  }
  noRow(row);
};

/** @gp A.26 -- A.5.7: one register and two immediates. */
const oneRegTwoImm = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const omegaA = row.omega[rA]!;
  const lX = Math.min(4, Math.floor(zeta(c, row.imath + 1) / 16) % 8);
  const nuX = X(lX, decode(c, row.imath + 2, lX));
  const lY = Math.min(4, Math.max(0, row.l - lX - 1));
  const nuY = X(lY, decode(c, row.imath + 2 + lX, lY));
  switch (row.name) {
    case 'store_imm_ind_u8':
      return store(row, omegaA + nuX, 1, nuY % 2n ** 8n);
    case 'store_imm_ind_u16':
      return store(row, omegaA + nuX, 2, nuY % 2n ** 16n);
    case 'store_imm_ind_u32':
      return store(row, omegaA + nuX, 4, nuY % 2n ** 32n);
    case 'store_imm_ind_u64':
      return store(row, omegaA + nuX, 8, nuY);
  }
  noRow(row);
};

/** @gp A.27 -- A.5.8: one register, one immediate and one offset. */
const oneRegImmOffset = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const omegaA = row.omega[rA]!;
  const lX = Math.min(4, Math.floor(zeta(c, row.imath + 1) / 16) % 8);
  const nuX = X(lX, decode(c, row.imath + 2, lX));
  const lY = Math.min(4, Math.max(0, row.l - lX - 1));
  const nuY = row.imath + Number(Z(lY, decode(c, row.imath + 2 + lX, lY)));
  switch (row.name) {
    case 'load_imm_jump':
      // omega'_A is written whatever branch decides: Psi returns omega' on panic too (A.1).
      set(row, rA, nuX);
      return branch(row, nuY, true);
    case 'branch_eq_imm':
      return branch(row, nuY, omegaA === nuX);
    case 'branch_ne_imm':
      return branch(row, nuY, omegaA !== nuX);
    case 'branch_lt_u_imm':
      return branch(row, nuY, omegaA < nuX);
    case 'branch_le_u_imm':
      return branch(row, nuY, omegaA <= nuX);
    case 'branch_ge_u_imm':
      return branch(row, nuY, omegaA >= nuX);
    case 'branch_gt_u_imm':
      return branch(row, nuY, omegaA > nuX);
    case 'branch_lt_s_imm':
      return branch(row, nuY, Z(8, omegaA) < Z(8, nuX));
    case 'branch_le_s_imm':
      return branch(row, nuY, Z(8, omegaA) <= Z(8, nuX));
    case 'branch_ge_s_imm':
      return branch(row, nuY, Z(8, omegaA) >= Z(8, nuX));
    case 'branch_gt_s_imm':
      return branch(row, nuY, Z(8, omegaA) > Z(8, nuX));
  }
  noRow(row);
};

/** The largest n <= bits.length whose first n bits are all clear. */
const clearPrefix = (bits: ReadonlyArray<boolean>): bigint => {
  let n = 0;
  while (n < bits.length && !bits[n]) n++;
  return BigInt(n);
};

/** @gp A.28 -- A.5.9: two registers (omega'_D from omega_A). */
const twoReg = (row: Row): void => {
  const { c } = row.program.blob;
  const rD = Math.min(12, zeta(c, row.imath + 1) % 16);
  const rA = Math.min(12, Math.floor(zeta(c, row.imath + 1) / 16));
  const omegaA = row.omega[rA]!;
  switch (row.name) {
    case 'move_reg':
      return set(row, rD, omegaA);
    case 'sbrk':
      return sbrk(row, rD, omegaA);
    case 'count_set_bits_64':
      return set(row, rD, BigInt(B(8, omegaA).filter(Boolean).length));
    case 'count_set_bits_32':
      return set(row, rD, BigInt(B(4, omegaA % 2n ** 32n).filter(Boolean).length));
    case 'leading_zero_bits_64':
      return set(row, rD, clearPrefix(revB(8, omegaA)));
    case 'leading_zero_bits_32':
      return set(row, rD, clearPrefix(revB(4, omegaA % 2n ** 32n)));
    case 'trailing_zero_bits_64':
      return set(row, rD, clearPrefix(B(8, omegaA)));
    case 'trailing_zero_bits_32':
      return set(row, rD, clearPrefix(B(4, omegaA % 2n ** 32n)));
    case 'sign_extend_8':
      return set(row, rD, Zinv(8, Z(1, omegaA % 2n ** 8n)));
    case 'sign_extend_16':
      return set(row, rD, Zinv(8, Z(2, omegaA % 2n ** 16n)));
    case 'zero_extend_16':
      return set(row, rD, omegaA % 2n ** 16n);
    case 'reverse_bytes': {
      // E_8(omega'_D)_i = E_8(omega_A)_{7-i}
      const octets = encode(8, omegaA);
      return set(row, rD, octets.reduce((x, octet) => x * 256n + BigInt(octet), 0n));
    }
  }
  noRow(row);
};

/**
 * @gp A.28 -- sbrk (row 101). The row asks for the least x >= h with [x, x + omega_A) not
 * readable in mu and writable in mu', which leaves open how h moves between calls, and the text
 * under the table puts h at the start of the heap, 2 Z_Z + Z(|o|) (A.42). The model reads it as
 * the vectors and the paper author's advice (traces README, "Notes on SBRK") do: h is instance
 * state, starting at `MemoryLayout.heapStart` -- the end of the read-write region and its z zero
 * pages under Y, since below it the pages are writable already, so no x there satisfies the row
 * (16 of the 30 accumulate vectors need this start) -- and 0 without a standard layout, as the
 * text says. sbrk(0) answers h; sbrk(n) answers h, moves h to h + n and makes writable the pages
 * from P(h) up to P(h + n); a pointer that would reach 2^32 is refused with 0, nothing changed.
 */
const sbrk = (row: Row, rD: number, omegaA: bigint): void => {
  const { h } = row;
  if (omegaA === 0n) return set(row, rD, BigInt(h));
  if (BigInt(h) + omegaA >= 2n ** 32n) return set(row, rD, 0n);
  const next = h + Number(omegaA);
  row.step.sbrk = { from: P(h), to: P(next), h: next };
  set(row, rD, BigInt(h));
};

/** @gp A.29 -- A.5.10: two registers and one immediate. */
const twoRegOneImm = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const rB = Math.min(12, Math.floor(zeta(c, row.imath + 1) / 16));
  const [omegaA, omegaB] = [row.omega[rA]!, row.omega[rB]!];
  const lX = Math.min(4, Math.max(0, row.l - 1));
  const nuX = X(lX, decode(c, row.imath + 2, lX));
  const bitwise = (f: (p: boolean, q: boolean) => boolean): bigint => {
    const [p, q] = [B(8, omegaB), B(8, nuX)];
    return Binv(p.map((bit, i) => f(bit, q[i]!)));
  };
  switch (row.name) {
    case 'store_ind_u8':
      return store(row, omegaB + nuX, 1, omegaA % 2n ** 8n);
    case 'store_ind_u16':
      return store(row, omegaB + nuX, 2, omegaA % 2n ** 16n);
    case 'store_ind_u32':
      return store(row, omegaB + nuX, 4, omegaA % 2n ** 32n);
    case 'store_ind_u64':
      return store(row, omegaB + nuX, 8, omegaA);
    case 'load_ind_u8':
      return set(row, rA, load(row, omegaB + nuX, 1));
    case 'load_ind_i8':
      return set(row, rA, Zinv(8, Z(1, load(row, omegaB + nuX, 1))));
    case 'load_ind_u16':
      return set(row, rA, load(row, omegaB + nuX, 2));
    case 'load_ind_i16':
      return set(row, rA, Zinv(8, Z(2, load(row, omegaB + nuX, 2))));
    case 'load_ind_u32':
      return set(row, rA, load(row, omegaB + nuX, 4));
    case 'load_ind_i32':
      return set(row, rA, Zinv(8, Z(4, load(row, omegaB + nuX, 4))));
    case 'load_ind_u64':
      return set(row, rA, load(row, omegaB + nuX, 8));
    case 'add_imm_32':
      return set(row, rA, X(4, (omegaB + nuX) % 2n ** 32n));
    case 'and_imm':
      return set(row, rA, bitwise((p, q) => p && q));
    case 'xor_imm':
      return set(row, rA, bitwise((p, q) => p !== q));
    case 'or_imm':
      return set(row, rA, bitwise((p, q) => p || q));
    case 'mul_imm_32':
      return set(row, rA, X(4, (omegaB * nuX) % 2n ** 32n));
    case 'set_lt_u_imm':
      return set(row, rA, bool(omegaB < nuX));
    case 'set_lt_s_imm':
      return set(row, rA, bool(Z(8, omegaB) < Z(8, nuX)));
    case 'shlo_l_imm_32':
      return set(row, rA, X(4, (omegaB * pow2(nuX % 32n)) % 2n ** 32n));
    case 'shlo_r_imm_32':
      return set(row, rA, X(4, floorDiv(omegaB % 2n ** 32n, pow2(nuX % 32n))));
    case 'shar_r_imm_32':
      return set(row, rA, Zinv(8, floorDiv(Z(4, omegaB % 2n ** 32n), pow2(nuX % 32n))));
    case 'neg_add_imm_32':
      return set(row, rA, X(4, mod(nuX + 2n ** 32n - omegaB, 2n ** 32n)));
    case 'set_gt_u_imm':
      return set(row, rA, bool(omegaB > nuX));
    case 'set_gt_s_imm':
      return set(row, rA, bool(Z(8, omegaB) > Z(8, nuX)));
    case 'shlo_l_imm_alt_32':
      return set(row, rA, X(4, (nuX * pow2(omegaB % 32n)) % 2n ** 32n));
    case 'shlo_r_imm_alt_32':
      return set(row, rA, X(4, floorDiv(nuX % 2n ** 32n, pow2(omegaB % 32n))));
    case 'shar_r_imm_alt_32':
      return set(row, rA, Zinv(8, floorDiv(Z(4, nuX % 2n ** 32n), pow2(omegaB % 32n))));
    case 'cmov_iz_imm':
      return set(row, rA, omegaB === 0n ? nuX : omegaA);
    case 'cmov_nz_imm':
      return set(row, rA, omegaB !== 0n ? nuX : omegaA);
    case 'add_imm_64':
      return set(row, rA, (omegaB + nuX) % 2n ** 64n);
    case 'mul_imm_64':
      return set(row, rA, (omegaB * nuX) % 2n ** 64n);
    case 'shlo_l_imm_64':
      return set(row, rA, X(8, (omegaB * pow2(nuX % 64n)) % 2n ** 64n));
    case 'shlo_r_imm_64':
      return set(row, rA, X(8, floorDiv(omegaB, pow2(nuX % 64n))));
    case 'shar_r_imm_64':
      return set(row, rA, Zinv(8, floorDiv(Z(8, omegaB), pow2(nuX % 64n))));
    case 'neg_add_imm_64':
      return set(row, rA, (nuX + 2n ** 64n - omegaB) % 2n ** 64n);
    case 'shlo_l_imm_alt_64':
      return set(row, rA, (nuX * pow2(omegaB % 64n)) % 2n ** 64n);
    case 'shlo_r_imm_alt_64':
      return set(row, rA, floorDiv(nuX, pow2(omegaB % 64n)));
    case 'shar_r_imm_alt_64':
      return set(row, rA, Zinv(8, floorDiv(Z(8, nuX), pow2(omegaB % 64n))));
    case 'rot_r_64_imm':
      return set(row, rA, rotateRight(8, omegaB, nuX));
    case 'rot_r_64_imm_alt':
      return set(row, rA, rotateRight(8, nuX, omegaB));
    case 'rot_r_32_imm':
      return set(row, rA, X(4, rotateRight(4, omegaB % 2n ** 32n, nuX)));
    case 'rot_r_32_imm_alt':
      return set(row, rA, X(4, rotateRight(4, nuX % 2n ** 32n, omegaB)));
  }
  noRow(row);
};

/** y with B_n(y)_i = B_n(x)_{(i + s) mod 8n} for every i (rot_r rows). */
const rotateRight = (n: number, x: bigint, s: bigint): bigint => {
  const bits = B(n, x);
  return Binv(bits.map((_, i) => bits[Number((BigInt(i) + s) % BigInt(8 * n))]!));
};

/** y with B_n(y)_{(i + s) mod 8n} = B_n(x)_i for every i (rot_l rows). */
const rotateLeft = (n: number, x: bigint, s: bigint): bigint => {
  const bits = B(n, x);
  const y = new Array<boolean>(8 * n).fill(false);
  bits.forEach((bit, i) => (y[Number((BigInt(i) + s) % BigInt(8 * n))] = bit));
  return Binv(y);
};

/** @gp A.30 -- A.5.11: two registers and one offset. */
const twoRegOneOffset = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const rB = Math.min(12, Math.floor(zeta(c, row.imath + 1) / 16));
  const [omegaA, omegaB] = [row.omega[rA]!, row.omega[rB]!];
  const lX = Math.min(4, Math.max(0, row.l - 1));
  const nuX = row.imath + Number(Z(lX, decode(c, row.imath + 2, lX)));
  switch (row.name) {
    case 'branch_eq':
      return branch(row, nuX, omegaA === omegaB);
    case 'branch_ne':
      return branch(row, nuX, omegaA !== omegaB);
    case 'branch_lt_u':
      return branch(row, nuX, omegaA < omegaB);
    case 'branch_lt_s':
      return branch(row, nuX, Z(8, omegaA) < Z(8, omegaB));
    case 'branch_ge_u':
      return branch(row, nuX, omegaA >= omegaB);
    case 'branch_ge_s':
      return branch(row, nuX, Z(8, omegaA) >= Z(8, omegaB));
  }
  noRow(row);
};

/** @gp A.31 -- A.5.12: two registers and two immediates. */
const twoRegTwoImm = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const rB = Math.min(12, Math.floor(zeta(c, row.imath + 1) / 16));
  const lX = Math.min(4, zeta(c, row.imath + 2) % 8);
  const nuX = X(lX, decode(c, row.imath + 3, lX));
  const lY = Math.min(4, Math.max(0, row.l - lX - 2));
  const nuY = X(lY, decode(c, row.imath + 3 + lX, lY));
  if (row.name !== 'load_imm_jump_ind') return noRow(row);
  // djump reads omega_B before omega'_A = nu_X; omega'_A stands whatever djump decides (A.1).
  djump(row, (row.omega[rB]! + nuY) % 2n ** 32n);
  set(row, rA, nuX);
};

/** @gp A.32 -- A.5.13: three registers (omega'_D from omega_A and omega_B). */
const threeReg = (row: Row): void => {
  const { c } = row.program.blob;
  const rA = Math.min(12, zeta(c, row.imath + 1) % 16);
  const rB = Math.min(12, Math.floor(zeta(c, row.imath + 1) / 16));
  const rD = Math.min(12, zeta(c, row.imath + 2));
  const [omegaA, omegaB, omegaD] = [row.omega[rA]!, row.omega[rB]!, row.omega[rD]!];
  const bitwise = (f: (p: boolean, q: boolean) => boolean): bigint => {
    const [p, q] = [B(8, omegaA), B(8, omegaB)];
    return Binv(p.map((bit, i) => f(bit, q[i]!)));
  };
  const [a32, b32] = [Z(4, omegaA % 2n ** 32n), Z(4, omegaB % 2n ** 32n)];
  switch (row.name) {
    case 'add_32':
      return set(row, rD, X(4, (omegaA + omegaB) % 2n ** 32n));
    case 'sub_32':
      return set(row, rD, X(4, (omegaA + 2n ** 32n - (omegaB % 2n ** 32n)) % 2n ** 32n));
    case 'mul_32':
      return set(row, rD, X(4, (omegaA * omegaB) % 2n ** 32n));
    case 'div_u_32':
      return set(row, rD, omegaB % 2n ** 32n === 0n ? 2n ** 64n - 1n : X(4, floorDiv(omegaA % 2n ** 32n, omegaB % 2n ** 32n)));
    case 'div_s_32':
      return set(row, rD, b32 === 0n ? 2n ** 64n - 1n : a32 === -(2n ** 31n) && b32 === -1n ? Zinv(8, a32) : Zinv(8, rtz(a32, b32)));
    case 'rem_u_32':
      return set(row, rD, omegaB % 2n ** 32n === 0n ? X(4, omegaA % 2n ** 32n) : X(4, (omegaA % 2n ** 32n) % (omegaB % 2n ** 32n)));
    case 'rem_s_32':
      return set(row, rD, a32 === -(2n ** 31n) && b32 === -1n ? 0n : Zinv(8, smod(a32, b32)));
    case 'shlo_l_32':
      return set(row, rD, X(4, (omegaA * pow2(omegaB % 32n)) % 2n ** 32n));
    case 'shlo_r_32':
      return set(row, rD, X(4, floorDiv(omegaA % 2n ** 32n, pow2(omegaB % 32n))));
    case 'shar_r_32':
      return set(row, rD, Zinv(8, floorDiv(a32, pow2(omegaB % 32n))));
    case 'add_64':
      return set(row, rD, (omegaA + omegaB) % 2n ** 64n);
    case 'sub_64':
      return set(row, rD, (omegaA + 2n ** 64n - omegaB) % 2n ** 64n);
    case 'mul_64':
      return set(row, rD, (omegaA * omegaB) % 2n ** 64n);
    case 'div_u_64':
      return set(row, rD, omegaB === 0n ? 2n ** 64n - 1n : floorDiv(omegaA, omegaB));
    case 'div_s_64':
      return set(
        row,
        rD,
        omegaB === 0n ? 2n ** 64n - 1n : Z(8, omegaA) === -(2n ** 63n) && Z(8, omegaB) === -1n ? omegaA : Zinv(8, rtz(Z(8, omegaA), Z(8, omegaB))),
      );
    case 'rem_u_64':
      return set(row, rD, omegaB === 0n ? omegaA : omegaA % omegaB);
    case 'rem_s_64':
      return set(row, rD, Z(8, omegaA) === -(2n ** 63n) && Z(8, omegaB) === -1n ? 0n : Zinv(8, smod(Z(8, omegaA), Z(8, omegaB))));
    case 'shlo_l_64':
      return set(row, rD, (omegaA * pow2(omegaB % 64n)) % 2n ** 64n);
    case 'shlo_r_64':
      return set(row, rD, floorDiv(omegaA, pow2(omegaB % 64n)));
    case 'shar_r_64':
      return set(row, rD, Zinv(8, floorDiv(Z(8, omegaA), pow2(omegaB % 64n))));
    case 'and':
      return set(row, rD, bitwise((p, q) => p && q));
    case 'xor':
      return set(row, rD, bitwise((p, q) => p !== q));
    case 'or':
      return set(row, rD, bitwise((p, q) => p || q));
    case 'mul_upper_s_s':
      return set(row, rD, Zinv(8, floorDiv(Z(8, omegaA) * Z(8, omegaB), 2n ** 64n)));
    case 'mul_upper_u_u':
      return set(row, rD, floorDiv(omegaA * omegaB, 2n ** 64n));
    case 'mul_upper_s_u':
      return set(row, rD, Zinv(8, floorDiv(Z(8, omegaA) * omegaB, 2n ** 64n)));
    case 'set_lt_u':
      return set(row, rD, bool(omegaA < omegaB));
    case 'set_lt_s':
      return set(row, rD, bool(Z(8, omegaA) < Z(8, omegaB)));
    case 'cmov_iz':
      return set(row, rD, omegaB === 0n ? omegaA : omegaD);
    case 'cmov_nz':
      return set(row, rD, omegaB !== 0n ? omegaA : omegaD);
    case 'rot_l_64':
      return set(row, rD, rotateLeft(8, omegaA, omegaB));
    case 'rot_l_32':
      return set(row, rD, X(4, rotateLeft(4, omegaA % 2n ** 32n, omegaB)));
    case 'rot_r_64':
      return set(row, rD, rotateRight(8, omegaA, omegaB));
    case 'rot_r_32':
      return set(row, rD, X(4, rotateRight(4, omegaA % 2n ** 32n, omegaB)));
    case 'and_inv':
      return set(row, rD, bitwise((p, q) => p && !q));
    case 'or_inv':
      return set(row, rD, bitwise((p, q) => p || !q));
    case 'xnor':
      return set(row, rD, bitwise((p, q) => !(p !== q)));
    case 'max':
      return set(row, rD, Zinv(8, Z(8, omegaA) > Z(8, omegaB) ? Z(8, omegaA) : Z(8, omegaB)));
    case 'max_u':
      return set(row, rD, omegaA > omegaB ? omegaA : omegaB);
    case 'min':
      return set(row, rD, Zinv(8, Z(8, omegaA) < Z(8, omegaB) ? Z(8, omegaA) : Z(8, omegaB)));
    case 'min_u':
      return set(row, rD, omegaA < omegaB ? omegaA : omegaB);
  }
  noRow(row);
};

/** The function of each group of the instruction table. */
const groupFunctions: Readonly<Record<Group, (row: Row) => void>> = {
  noArgs,
  oneImm,
  oneRegExtImm,
  twoImm,
  oneOffset,
  oneRegOneImm,
  oneRegTwoImm,
  oneRegImmOffset,
  twoReg,
  twoRegOneImm,
  twoRegOneOffset,
  twoRegTwoImm,
  threeReg,
};

/** Delta of the instruction at imath (A.9's gas column). */
const gasOf = (blob: Blob, imath: number): bigint => BigInt(instructionOf[opcodeAt(blob.c, blob.k, imath)]![3]);

/**
 * The gas of the basic block (A.5) from imath on: its instructions' Delta up to and including
 * the terminator that ends it, what `pvm-gas = per-basic-block` charges on entering the block.
 */
const blockGas = (blob: Blob, imath: number): bigint => {
  let total = 0n;
  for (let i = imath; ; i += 1 + skip(blob.k, i)) {
    total += gasOf(blob, i);
    if (terminators.has(opcodeAt(blob.c, blob.k, i))) return total;
  }
};

/**
 * @gp A.6 -- Psi_1: one instruction, from the prior state to the posterior (or exceptional) one.
 * @gp A.9 -- the defaults: continue, imath' = imath + 1 + skip(imath), gas' = gas - Delta, omega' = omega.
 * `cost` is the gas this step charges: Delta under A.9 (the reading `pvm-gas = per-instruction`),
 * or its block's gas or nothing when gas is metered per basic block.
 */
const Psi1 = (
  program: Program,
  imath: number,
  gas: bigint,
  cost: bigint,
  omega: ReadonlyArray<bigint>,
  ram: Ram,
  h: number,
  exceptionGas: PvmReadings['pvm-exception-gas'],
): Step => {
  const { c, k } = program.blob;
  const [, name, group] = instructionOf[opcodeAt(c, k, imath)]!;
  const step: Step = { epsilon: 'continue', imath: imath + 1 + skip(k, imath), gas: gas - cost, omega: [...omega], r: [], w: new Map() };
  groupFunctions[group]({ program, imath, l: skip(k, imath), omega, ram, h, step, name });

  // @gp A.7 -- x: the inspected indices not readable and the mutated ones not writable (mod 2^32)
  const index = (i: bigint): number => Number(i % 2n ** 32n);
  const x = [...step.r.filter((i) => !ram.isReadable(index(i))), ...[...step.w.keys()].filter((i) => !ram.isWritable(index(i)))];
  if (x.length === 0) return step;
  // @gp A.8 -- below 2^16 a panic, else a fault at the page of min(x) mod 2^32; machine state unchanged.
  // Its gas is the reading `pvm-exception-gas`. `charged` (0.7.2's default): A.1's text says "some
  // gas is always charged whenever execution is attempted ... even if ... machine state is
  // unchanged", and the PVM vectors' faults and the recorded fuzz session no_forks (step 52, a
  // load below 2^16) charge it; so with gas 0 a faulting access ends out of gas, gas -1 (A.1
  // takes gas' < 0 first). `uncharged`: A.8's rows write the prior counter.
  const lowest = index(x.reduce((m, i) => (i < m ? i : m)));
  const unchanged = { gas: exceptionGas === 'charged' ? step.gas : gas, omega: [...omega], r: [], w: new Map<bigint, number>() };
  return lowest < 2 ** 16
    ? { ...unchanged, epsilon: 'panic', imath }
    : { ...unchanged, epsilon: { fault: PAGE_SIZE * Math.floor(lowest / PAGE_SIZE) }, imath };
};

export class TsInstance implements PvmInstance {
  private imath: number;
  private gasCounter: bigint;
  /** omega: 13 registers, each a natural below 2^64. */
  private readonly omega: bigint[];
  /** Set after a host exit: the next run() starts after the ecalli (Psi_H, A.35). */
  private hostPending = false;
  /** h of sbrk (A.28). */
  private h: number;
  /** Whether the next instruction starts a basic block to pay for (`pvm-gas = per-basic-block`). */
  private entering = true;

  constructor(
    private readonly program: Program,
    private readonly ram: Ram,
    pc: number,
    gas: bigint,
    registers: ReadonlyArray<bigint>,
    heapStart: number,
    private readonly readings: PvmReadings,
  ) {
    if (!Number.isInteger(pc) || pc < 0 || pc >= TWO_32) throw new RangeError(`pc ${pc} is not a natural below 2^32`);
    if (registers.length !== 13) throw new RangeError(`${registers.length} registers given, the PVM has 13`);
    this.imath = pc;
    this.gasCounter = gas;
    this.h = heapStart;
    this.omega = registers.map(() => 0n);
    registers.forEach((value, i) => this.setRegister(i, value));
  }

  get pc(): number {
    return this.imath;
  }
  get gas(): bigint {
    return this.gasCounter;
  }
  set gas(g: bigint) {
    this.gasCounter = g;
  }
  getRegister(index: number): bigint {
    return registerOf(this.omega, index);
  }
  setRegister(index: number, value: bigint): void {
    this.omega[index] = checkedRegister(index, value);
  }
  readMemory(address: number, length: number): Uint8Array | undefined {
    if (!validRange(address, length)) return undefined;
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) {
      if (!this.ram.isReadable(address + i)) return undefined;
      out[i] = this.ram.octet(address + i);
    }
    return out;
  }
  writeMemory(address: number, data: Uint8Array): boolean {
    if (!validRange(address, data.length)) return false;
    for (let i = 0; i < data.length; i++) if (!this.ram.isWritable(address + i)) return false;
    data.forEach((octet, i) => this.ram.setOctet(address + i, octet));
    return true;
  }
  dispose(): void {}

  /**
   * @gp A.1 -- Psi: Psi_1 until an exit. Under `pvm-gas = per-basic-block` a step entering a
   * basic block (the first of a run, or one after a terminator) charges the whole block; a run
   * resumed after an ecalli is inside a block already paid for.
   */
  run(): ExitReason {
    const { blob } = this.program;
    if (this.hostPending) {
      // @gp A.35 -- Psi_H resumes at imath'' = imath' + 1 + skip(imath')
      this.hostPending = false;
      this.imath = this.imath + 1 + skip(blob.k, this.imath);
    } else this.entering = true;
    for (;;) {
      const cost =
        this.readings['pvm-gas'] === 'per-instruction' ? gasOf(blob, this.imath) : this.entering ? blockGas(blob, this.imath) : 0n;
      const step = Psi1(this.program, this.imath, this.gasCounter, cost, this.omega, this.ram, this.h, this.readings['pvm-exception-gas']);
      this.gasCounter = step.gas;
      // Out of gas: imath, omega and mu stay the prior ones, gas' < 0 is returned.
      if (step.gas < 0n) return { kind: 'out-of-gas' };
      this.entering = terminators.has(opcodeAt(blob.c, blob.k, this.imath));
      const { epsilon } = step;
      // Halt and panic return omega' and mu' with imath = 0; the other exits are those of A.8 and
      // ecalli, whose omega' and mu' equal the prior ones, at the exiting instruction.
      this.omega.splice(0, 13, ...step.omega);
      for (const [i, octet] of step.w) this.ram.setOctet(Number(i % 2n ** 32n), octet);
      if (step.sbrk !== undefined) {
        if (step.sbrk.to > step.sbrk.from) this.ram.setAccess(step.sbrk.from, step.sbrk.to - step.sbrk.from, 'W');
        this.h = step.sbrk.h;
      }
      if (epsilon === 'continue') {
        this.imath = step.imath;
        continue;
      }
      // A.1 returns imath = 0 (`pvm-exit-pc = zero`); the PVM vectors keep the exiting instruction's.
      if (epsilon === 'halt' || epsilon === 'panic') {
        if (this.readings['pvm-exit-pc'] === 'zero') this.imath = 0;
        return { kind: epsilon };
      }
      // A fault or a host call: imath stays the exiting instruction's (A.1's "otherwise" case).
      if ('fault' in epsilon) return { kind: 'fault', address: epsilon.fault };
      this.hostPending = true;
      // The identifier nu_X is sign-extended (A.21); the exit reports it mod 2^32.
      return { kind: 'host', id: Number(epsilon.host % 2n ** 32n) };
    }
  }
}

const validRange = (address: number, length: number): boolean =>
  Number.isInteger(address) && Number.isInteger(length) && address >= 0 && length >= 0 && address + length <= TWO_32;

const accessOf = (access: 'read' | 'write'): Access => (access === 'write' ? 'W' : 'R');

/** Builds RAM from a layout: access first, then contents (written regardless of access). */
export const buildRam = (layout: MemoryLayout): Ram => {
  const ram = new Ram();
  for (const page of layout.pages) ram.setAccess(page.address, page.length, accessOf(page.access));
  for (const chunk of layout.contents) chunk.data.forEach((octet, i) => ram.setOctet(chunk.address + i, octet));
  return ram;
};

/**
 * The TypeScript reference engine under the PVM's readings: deblob (A.2; a blob that does not
 * deblob is the caller's panic), varpi (A.5), then Psi.
 */
export const tsPvm = (readings: PvmReadings): PvmEngine => ({
  name: 'ts',
  instantiate: (init: PvmInit): PvmInstance | string => {
    const blob = deblob(init.program);
    if (E.isLeft(blob)) return blob.left;
    const program: Program = { blob: blob.right, varpi: basicBlocks(blob.right.c, blob.right.k) };
    return new TsInstance(program, buildRam(init.memory), init.pc, init.gas, init.registers, init.memory.heapStart ?? 0, readings);
  },
});

/** The TypeScript reference engine under Gray Paper 0.7.2's readings. */
export const tsEngine: PvmEngine = tsPvm(paperReadings);
