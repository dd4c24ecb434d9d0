/**
 * A second, deliberately literal transcription of the register-only rows of the A.5 tables
 * (two registers; two registers and one immediate; three registers), written with unbounded
 * integers and bit sequences exactly as the paper states them (Z_n, U_n, X_n, B_n, rtz, smod,
 * floor division), without the interpreter's shortcuts. The property test runs each row on the
 * interpreter and compares the destination register with this oracle.
 */
import type { InstructionName } from '../model/pvm/opcodes.js';

const TWO_64 = 2n ** 64n;
const pow2 = (n: bigint): bigint => 2n ** n;
const mod = (x: bigint, m: bigint): bigint => ((x % m) + m) % m;
const floorDiv = (x: bigint, y: bigint): bigint => (x >= 0n ? x / y : -((-x + y - 1n) / y));
const abs = (x: bigint): bigint => (x < 0n ? -x : x);
const sgn = (x: bigint): bigint => (x < 0n ? -1n : x > 0n ? 1n : 0n);
/** A.10 */
const Z = (n: number, x: bigint): bigint => (x < pow2(BigInt(8 * n - 1)) ? x : x - pow2(BigInt(8 * n)));
/** A.11 */
const U = (n: number, x: bigint): bigint => mod(pow2(BigInt(8 * n)) + x, pow2(BigInt(8 * n)));
/** A.16 */
const X = (n: number, x: bigint): bigint => x + floorDiv(x, pow2(BigInt(8 * n - 1))) * (TWO_64 - pow2(BigInt(8 * n)));
/** A.12, A.13 */
const B = (n: number, x: bigint): boolean[] => Array.from({ length: 8 * n }, (_, i) => mod(x / pow2(BigInt(i)), 2n) === 1n);
const unB = (bits: ReadonlyArray<boolean>): bigint => bits.reduce((s, b, i) => s + (b ? pow2(BigInt(i)) : 0n), 0n);
/** A.14 */
const revB = (n: number, x: bigint): boolean[] => B(n, x).reverse();
/** A.34 */
const rtz = (a: bigint, b: bigint): bigint => sgn(a) * sgn(b) * (abs(a) / abs(b));
/** A.33 */
const smod = (a: bigint, b: bigint): bigint => (b === 0n ? a : sgn(a) * mod(abs(a), abs(b)));
const bit = (b: boolean): bigint => (b ? 1n : 0n);
const bitwise = (x: bigint, y: bigint, f: (p: boolean, q: boolean) => boolean): bigint => {
  const bx = B(8, x);
  const by = B(8, y);
  return unB(bx.map((p, i) => f(p, by[i] ?? false)));
};
const countZeroPrefix = (bits: ReadonlyArray<boolean>): bigint => {
  let n = 0;
  while (n < bits.length && !bits[n]) n++;
  return BigInt(n);
};
/** r with B_n(r)_i = B_n(x)_{(i + k) mod 8n}: a right rotation. */
const rotate = (n: number, x: bigint, k: bigint): bigint => {
  const bits = B(n, x);
  return unB(bits.map((_, i) => bits[Number(mod(BigInt(i) + k, BigInt(8 * n)))] ?? false));
};
/** r with B_n(r)_{(i + k) mod 8n} = B_n(x)_i: a left rotation. */
const rotateLeft = (n: number, x: bigint, k: bigint): bigint => {
  const bits = B(n, x);
  const out = new Array<boolean>(8 * n).fill(false);
  bits.forEach((b, i) => (out[Number(mod(BigInt(i) + k, BigInt(8 * n)))] = b));
  return unB(out);
};
const m32 = (x: bigint): bigint => mod(x, 2n ** 32n);

/**
 * Row -> destination value. Arguments, by table: two registers (x = omega_A); two registers and
 * one immediate (x = omega_B, y = nu_X, prior = omega_A); three registers (x = omega_A,
 * y = omega_B, prior = omega_D).
 */
export const oracle: Partial<Record<InstructionName, (x: bigint, y: bigint, prior: bigint) => bigint>> = {
  move_reg: (x) => x,
  count_set_bits_64: (x) => BigInt(B(8, x).filter(Boolean).length),
  count_set_bits_32: (x) => BigInt(B(4, m32(x)).filter(Boolean).length),
  leading_zero_bits_64: (x) => countZeroPrefix(revB(8, x)),
  leading_zero_bits_32: (x) => countZeroPrefix(revB(4, m32(x))),
  trailing_zero_bits_64: (x) => countZeroPrefix(B(8, x)),
  trailing_zero_bits_32: (x) => countZeroPrefix(B(4, m32(x))),
  sign_extend_8: (x) => U(8, Z(1, mod(x, 2n ** 8n))),
  sign_extend_16: (x) => U(8, Z(2, mod(x, 2n ** 16n))),
  zero_extend_16: (x) => mod(x, 2n ** 16n),
  reverse_bytes: (x) => {
    let r = 0n;
    for (let i = 0n; i < 8n; i++) r += mod(x / pow2(8n * (7n - i)), 256n) * pow2(8n * i);
    return r;
  },

  add_imm_32: (x, y) => X(4, mod(x + y, 2n ** 32n)),
  and_imm: (x, y) => bitwise(x, y, (p, q) => p && q),
  xor_imm: (x, y) => bitwise(x, y, (p, q) => p !== q),
  or_imm: (x, y) => bitwise(x, y, (p, q) => p || q),
  mul_imm_32: (x, y) => X(4, mod(x * y, 2n ** 32n)),
  set_lt_u_imm: (x, y) => bit(x < y),
  set_lt_s_imm: (x, y) => bit(Z(8, x) < Z(8, y)),
  shlo_l_imm_32: (x, y) => X(4, mod(x * pow2(mod(y, 32n)), 2n ** 32n)),
  shlo_r_imm_32: (x, y) => X(4, m32(x) / pow2(mod(y, 32n))),
  shar_r_imm_32: (x, y) => U(8, floorDiv(Z(4, m32(x)), pow2(mod(y, 32n)))),
  neg_add_imm_32: (x, y) => X(4, mod(y + 2n ** 32n - x, 2n ** 32n)),
  set_gt_u_imm: (x, y) => bit(x > y),
  set_gt_s_imm: (x, y) => bit(Z(8, x) > Z(8, y)),
  shlo_l_imm_alt_32: (x, y) => X(4, mod(y * pow2(mod(x, 32n)), 2n ** 32n)),
  shlo_r_imm_alt_32: (x, y) => X(4, m32(y) / pow2(mod(x, 32n))),
  shar_r_imm_alt_32: (x, y) => U(8, floorDiv(Z(4, m32(y)), pow2(mod(x, 32n)))),
  cmov_iz_imm: (x, y, prior) => (x === 0n ? y : prior),
  cmov_nz_imm: (x, y, prior) => (x !== 0n ? y : prior),
  add_imm_64: (x, y) => mod(x + y, TWO_64),
  mul_imm_64: (x, y) => mod(x * y, TWO_64),
  shlo_l_imm_64: (x, y) => X(8, mod(x * pow2(mod(y, 64n)), TWO_64)),
  shlo_r_imm_64: (x, y) => X(8, x / pow2(mod(y, 64n))),
  shar_r_imm_64: (x, y) => U(8, floorDiv(Z(8, x), pow2(mod(y, 64n)))),
  neg_add_imm_64: (x, y) => mod(y + TWO_64 - x, TWO_64),
  shlo_l_imm_alt_64: (x, y) => mod(y * pow2(mod(x, 64n)), TWO_64),
  shlo_r_imm_alt_64: (x, y) => y / pow2(mod(x, 64n)),
  shar_r_imm_alt_64: (x, y) => U(8, floorDiv(Z(8, y), pow2(mod(x, 64n)))),
  rot_r_64_imm: (x, y) => rotate(8, x, y),
  rot_r_64_imm_alt: (x, y) => rotate(8, y, x),
  rot_r_32_imm: (x, y) => X(4, rotate(4, m32(x), y)),
  rot_r_32_imm_alt: (x, y) => X(4, rotate(4, m32(y), x)),

  add_32: (x, y) => X(4, mod(x + y, 2n ** 32n)),
  sub_32: (x, y) => X(4, mod(x + 2n ** 32n - m32(y), 2n ** 32n)),
  mul_32: (x, y) => X(4, mod(x * y, 2n ** 32n)),
  div_u_32: (x, y) => (m32(y) === 0n ? TWO_64 - 1n : X(4, m32(x) / m32(y))),
  div_s_32: (x, y) => {
    const a = Z(4, m32(x));
    const b = Z(4, m32(y));
    return b === 0n ? TWO_64 - 1n : a === -(2n ** 31n) && b === -1n ? U(8, a) : U(8, rtz(a, b));
  },
  rem_u_32: (x, y) => (m32(y) === 0n ? X(4, m32(x)) : X(4, mod(m32(x), m32(y)))),
  rem_s_32: (x, y) => {
    const a = Z(4, m32(x));
    const b = Z(4, m32(y));
    return a === -(2n ** 31n) && b === -1n ? 0n : U(8, smod(a, b));
  },
  shlo_l_32: (x, y) => X(4, mod(x * pow2(mod(y, 32n)), 2n ** 32n)),
  shlo_r_32: (x, y) => X(4, m32(x) / pow2(mod(y, 32n))),
  shar_r_32: (x, y) => U(8, floorDiv(Z(4, m32(x)), pow2(mod(y, 32n)))),
  add_64: (x, y) => mod(x + y, TWO_64),
  sub_64: (x, y) => mod(x + TWO_64 - y, TWO_64),
  mul_64: (x, y) => mod(x * y, TWO_64),
  div_u_64: (x, y) => (y === 0n ? TWO_64 - 1n : x / y),
  div_s_64: (x, y) =>
    y === 0n ? TWO_64 - 1n : Z(8, x) === -(2n ** 63n) && Z(8, y) === -1n ? x : U(8, rtz(Z(8, x), Z(8, y))),
  rem_u_64: (x, y) => (y === 0n ? x : mod(x, y)),
  rem_s_64: (x, y) => (Z(8, x) === -(2n ** 63n) && Z(8, y) === -1n ? 0n : U(8, smod(Z(8, x), Z(8, y)))),
  shlo_l_64: (x, y) => mod(x * pow2(mod(y, 64n)), TWO_64),
  shlo_r_64: (x, y) => x / pow2(mod(y, 64n)),
  shar_r_64: (x, y) => U(8, floorDiv(Z(8, x), pow2(mod(y, 64n)))),
  and: (x, y) => bitwise(x, y, (p, q) => p && q),
  xor: (x, y) => bitwise(x, y, (p, q) => p !== q),
  or: (x, y) => bitwise(x, y, (p, q) => p || q),
  mul_upper_s_s: (x, y) => U(8, floorDiv(Z(8, x) * Z(8, y), TWO_64)),
  mul_upper_u_u: (x, y) => (x * y) / TWO_64,
  mul_upper_s_u: (x, y) => U(8, floorDiv(Z(8, x) * y, TWO_64)),
  set_lt_u: (x, y) => bit(x < y),
  set_lt_s: (x, y) => bit(Z(8, x) < Z(8, y)),
  cmov_iz: (x, y, prior) => (y === 0n ? x : prior),
  cmov_nz: (x, y, prior) => (y !== 0n ? x : prior),
  rot_l_64: (x, y) => rotateLeft(8, x, y),
  rot_l_32: (x, y) => X(4, rotateLeft(4, m32(x), y)),
  rot_r_64: (x, y) => rotate(8, x, y),
  rot_r_32: (x, y) => X(4, rotate(4, m32(x), y)),
  and_inv: (x, y) => bitwise(x, y, (p, q) => p && !q),
  or_inv: (x, y) => bitwise(x, y, (p, q) => p || !q),
  xnor: (x, y) => bitwise(x, y, (p, q) => p === q),
  max: (x, y) => U(8, Z(8, x) > Z(8, y) ? Z(8, x) : Z(8, y)),
  max_u: (x, y) => (x > y ? x : y),
  min: (x, y) => U(8, Z(8, x) < Z(8, y) ? Z(8, x) : Z(8, y)),
  min_u: (x, y) => (x < y ? x : y),
};
