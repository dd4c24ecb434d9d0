/**
 * The TypeScript PVM: Psi (A.1) as a loop of Psi_1 (A.6-A.9) over a program decoded once
 * (`program.ts`). Every instruction follows one skeleton: decode (precomputed), gas (1 per
 * instruction; the machine stops out of gas when the counter would fall below zero), memory-access
 * check (A.7-A.8: a failing access leaves registers and memory untouched, its gas paid), effect,
 * next instruction counter. Each case cites its table (the equation that decodes its operands)
 * and its row (the opcode).
 *
 * Registers live in a BigUint64Array, so every store is reduced mod 2^64 by the array itself;
 * 32-bit results are written as `BigInt.asIntN(32, x)`, which the array stores as X_4(x mod 2^32).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ExitReason, MemoryLayout, PvmEngine, PvmInit, PvmInstance } from './engine.js';
import { ACCESSIBLE, Access, Memory, P, PAGE_SIZE } from './memory.js';
import { op } from './opcodes.js';
import { bytesEqual } from '../../spec/bytes.js';
import { type Program, decodeProgram, deblob } from './program.js';

const TWO_32 = 2 ** 32;
/** The halt address 2^32 - 2^16 of djump (A.18). */
const HALT_ADDRESS = TWO_32 - 2 ** 16;
/** Indices below 2^16 always panic when inaccessible (A.8). */
const LOWEST_ACCESSIBLE = 2 ** 16;
/** C_A = 2: the dynamic-jump alignment factor (A.18). */
const JUMP_ALIGNMENT = 2;
const MAX_U64 = 2n ** 64n - 1n;
/** The largest gas chunk the loop counts in a float without losing exactness. */
const GAS_CHUNK = 2 ** 52;

const halt: ExitReason = { kind: 'halt' };
const panic: ExitReason = { kind: 'panic' };
const outOfGas: ExitReason = { kind: 'out-of-gas' };

const low32 = (x: bigint): number => Number(x & 0xffffffffn);
const s64 = (x: bigint): bigint => BigInt.asIntN(64, x);
const u32 = (x: bigint): bigint => BigInt.asUintN(32, x);
const bool = (b: boolean): bigint => (b ? 1n : 0n);

/** @gp A.12 -- the set bits of B_4(x) for x < 2^32. */
const popcount32 = (x: number): number => {
  x = x - ((x >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
};
/** Trailing zero bits of x < 2^32 (32 for zero). */
const ctz32 = (x: number): number => (x === 0 ? 32 : 31 - Math.clz32(x & -x));
const rotr64 = (x: bigint, n: number): bigint => (n === 0 ? x : (x >> BigInt(n)) | (x << BigInt(64 - n)));
const rotr32 = (x: number, n: number): number => ((x >>> n) | (x << (32 - n))) >>> 0;

/** The 64-bit register value of a signed 32-bit number (X_4 of its two's complement). */
const fromI32 = (x: number): bigint => BigInt(x | 0);

export class TsInstance implements PvmInstance {
  /** @gp A.11 -- omega: every store reduces mod 2^64, which is Z_8^-1 of a signed result. */
  private readonly regs = new BigUint64Array(13);
  private imath: number;
  private gasValue: bigint;
  /** Set after a host exit: the next run() starts after the ecalli (Psi_H, A.35). */
  private hostPending = false;
  /** h of sbrk (A.28): the heap pointer, a byte address below 2^32 that sbrk advances. */
  private heapPointer: number;

  constructor(
    private readonly program: Program,
    private readonly memory: Memory,
    pc: number,
    gas: bigint,
    registers: ReadonlyArray<bigint>,
    /** The initial heap pointer of sbrk (A.28): the heap start of a standard layout, else 0. */
    heapStart: number,
  ) {
    if (!Number.isInteger(pc) || pc < 0 || pc >= TWO_32) throw new RangeError(`pc ${pc} is not a natural below 2^32`);
    if (registers.length !== 13) throw new RangeError(`${registers.length} registers given, the PVM has 13`);
    this.imath = pc;
    this.gasValue = gas;
    this.heapPointer = heapStart;
    registers.forEach((value, i) => this.setRegister(i, value));
  }

  get pc(): number {
    return this.imath;
  }
  get gas(): bigint {
    return this.gasValue;
  }
  set gas(g: bigint) {
    this.gasValue = g;
  }
  getRegister(index: number): bigint {
    const v = this.regs[index];
    if (v === undefined) throw new RangeError(`register ${index} is not one of 0..12`);
    return v;
  }
  setRegister(index: number, value: bigint): void {
    if (!Number.isInteger(index) || index < 0 || index > 12) throw new RangeError(`register ${index} is not one of 0..12`);
    if (value < 0n || value > MAX_U64) throw new RangeError(`register value ${value} is not a 64-bit natural`);
    this.regs[index] = value;
  }
  readMemory(address: number, length: number): Uint8Array | undefined {
    if (!validRange(address, length)) return undefined;
    if (this.memory.firstInaccessible(address, length, Access.Read) !== ACCESSIBLE) return undefined;
    return this.memory.read(address, length);
  }
  writeMemory(address: number, data: Uint8Array): boolean {
    if (!validRange(address, data.length)) return false;
    if (this.memory.firstInaccessible(address, data.length, Access.Write) !== ACCESSIBLE) return false;
    this.memory.write(address, data);
    return true;
  }
  dispose(): void {}

  /** @gp A.1 -- Psi: Psi_1 until an exit; halt and panic return imath = 0. */
  run(): ExitReason {
    const p = this.program;
    const { opcode, next, rA: rAs, rB: rBs, rD: rDs, immX: immXs, immY: immYs, immXLow, target, varpi } = p;
    const j = p.blob.j;
    const n = opcode.length;
    const regs = this.regs;
    const mem = this.memory;
    let pc = this.imath;
    if (this.hostPending) {
      // @gp A.35 -- Psi_H resumes at imath'' = imath' + 1 + skip(imath')
      this.hostPending = false;
      pc = pc < n ? next[pc]! : pc + 1;
    }
    // Gas as a float counter g plus a bigint reserve, exact while |g| < 2^53.
    let reserve = this.gasValue > BigInt(GAS_CHUNK) ? this.gasValue - BigInt(GAS_CHUNK) : 0n;
    let g = Number(this.gasValue - reserve);
    const stop = (exit: ExitReason, at: number): ExitReason => {
      this.imath = at;
      this.gasValue = reserve + BigInt(g);
      return exit;
    };

    /** @gp A.17 -- branch(b, C): not taken continues; a target outside varpi panics. */
    const branchTo = (b: number): number => (b >= 0 && b < n && varpi[b] === 1 ? b : -1);
    /** @gp A.18 -- djump(a): -2 halt, -1 panic, else the jump-table target. */
    const djump = (a: number): number => {
      if (a === HALT_ADDRESS) return -2;
      if (a === 0 || a > j.length * JUMP_ALIGNMENT || a % JUMP_ALIGNMENT !== 0) return -1;
      const t = j.at(a / JUMP_ALIGNMENT - 1);
      return t < n && varpi[t] === 1 ? t : -1;
    };

    // @gp A.6 -- Psi_1: one pass of this loop, (c, k, j, imath, gas, omega, mu) to the next state or an exit
    for (;;) {
      const i = pc;
      // @gp A.4 -- zeta: past the code every octet is 0 (trap)
      const o = i < n ? opcode[i]! : 0;

      // @gp A.9 -- gas: g' = g - 1; below zero the machine stops out of gas, state unchanged (A.1)
      if (g < 1 && reserve > 0n) {
        const add = reserve > BigInt(GAS_CHUNK) ? GAS_CHUNK : Number(reserve);
        reserve -= BigInt(add);
        g += add;
      }
      if (g < 1) {
        g -= 1;
        return stop(outOfGas, i);
      }
      g -= 1;

      // @gp A.7 -- memory-access exception: registers and memory stay untouched, the gas is paid
      // (A.8 writes the prior counter, but A.1's text charges "whenever execution is attempted")
      let address = 0;
      const access = memoryAccess[o]!;
      if (access !== 0) {
        const base = access & BASE_MASK;
        address =
          base === BASE_IMM
            ? immXLow[i]!
            : (immXLow[i]! + low32(regs[base === BASE_RA ? rAs[i]! : rBs[i]!]!)) % TWO_32;
        const x = mem.firstInaccessible(address, access & SIZE_MASK, (access & WRITE) !== 0 ? Access.Write : Access.Read);
        if (x !== ACCESSIBLE) {
          // @gp A.8 -- below 2^16 panic; otherwise a fault at the page of the lowest inaccessible index
          const xm = x % TWO_32;
          return xm < LOWEST_ACCESSIBLE ? stop(panic, 0) : stop({ kind: 'fault', address: xm - (xm % PAGE_SIZE) }, i);
        }
      }

      const rA = rAs[i]!;
      const rB = rBs[i]!;
      const rD = rDs[i]!;
      const immX = immXs[i]!;
      // @gp A.9 -- the default next instruction counter imath + 1 + skip(imath)
      pc = next[i]!;

      switch (o) {
        // ---- @gp A.9 -- without arguments
        case op.trap: // row 0
          return stop(panic, 0);
        case op.fallthrough: // row 1
          break;

        // ---- @gp A.21 -- one immediate
        case op.ecalli: // row 10
          this.hostPending = true;
          return stop({ kind: 'host', id: low32(immX) }, i);

        // ---- @gp A.22 -- one register, one extended-width immediate
        case op.load_imm_64: // row 20
          regs[rA] = immX;
          break;

        // ---- @gp A.23 -- two immediates
        case op.store_imm_u8: // row 30
          mem.storeSmall(address, 1, low32(immYs[i]!));
          break;
        case op.store_imm_u16: // row 31
          mem.storeSmall(address, 2, low32(immYs[i]!));
          break;
        case op.store_imm_u32: // row 32
          mem.storeSmall(address, 4, low32(immYs[i]!));
          break;
        case op.store_imm_u64: // row 33
          mem.store64(address, immYs[i]!);
          break;

        // ---- @gp A.24 -- one offset
        case op.jump: // row 40
          pc = branchTo(target[i]!);
          if (pc < 0) return stop(panic, 0);
          break;

        // ---- @gp A.25 -- one register, one immediate
        case op.jump_ind: {
          // row 50
          const t = djump((low32(regs[rA]!) + immXLow[i]!) % TWO_32);
          if (t === -2) return stop(halt, 0);
          if (t === -1) return stop(panic, 0);
          pc = t;
          break;
        }
        case op.load_imm: // row 51
          regs[rA] = immX;
          break;
        case op.load_u8: // row 52
          regs[rA] = BigInt(mem.loadSmall(address, 1));
          break;
        case op.load_i8: // row 53
          regs[rA] = BigInt.asIntN(8, BigInt(mem.loadSmall(address, 1)));
          break;
        case op.load_u16: // row 54
          regs[rA] = BigInt(mem.loadSmall(address, 2));
          break;
        case op.load_i16: // row 55
          regs[rA] = BigInt.asIntN(16, BigInt(mem.loadSmall(address, 2)));
          break;
        case op.load_u32: // row 56
          regs[rA] = BigInt(mem.loadSmall(address, 4));
          break;
        case op.load_i32: // row 57
          regs[rA] = fromI32(mem.loadSmall(address, 4));
          break;
        case op.load_u64: // row 58
          regs[rA] = mem.load64(address);
          break;
        case op.store_u8: // row 59
          mem.storeSmall(address, 1, low32(regs[rA]!));
          break;
        case op.store_u16: // row 60
          mem.storeSmall(address, 2, low32(regs[rA]!));
          break;
        case op.store_u32: // row 61
          mem.storeSmall(address, 4, low32(regs[rA]!));
          break;
        case op.store_u64: // row 62
          mem.store64(address, regs[rA]!);
          break;

        // ---- @gp A.26 -- one register, two immediates (address omega_A + nu_X)
        case op.store_imm_ind_u8: // row 70
          mem.storeSmall(address, 1, low32(immYs[i]!));
          break;
        case op.store_imm_ind_u16: // row 71
          mem.storeSmall(address, 2, low32(immYs[i]!));
          break;
        case op.store_imm_ind_u32: // row 72
          mem.storeSmall(address, 4, low32(immYs[i]!));
          break;
        case op.store_imm_ind_u64: // row 73
          mem.store64(address, immYs[i]!);
          break;

        // ---- @gp A.27 -- one register, one immediate, one offset
        case op.load_imm_jump: // row 80
          regs[rA] = immX;
          pc = branchTo(target[i]!);
          if (pc < 0) return stop(panic, 0);
          break;
        case op.branch_eq_imm: // row 81
          if (regs[rA] === immX && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_ne_imm: // row 82
          if (regs[rA] !== immX && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_lt_u_imm: // row 83
          if (regs[rA]! < immX && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_le_u_imm: // row 84
          if (regs[rA]! <= immX && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_ge_u_imm: // row 85
          if (regs[rA]! >= immX && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_gt_u_imm: // row 86
          if (regs[rA]! > immX && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_lt_s_imm: // row 87
          if (s64(regs[rA]!) < s64(immX) && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_le_s_imm: // row 88
          if (s64(regs[rA]!) <= s64(immX) && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_ge_s_imm: // row 89
          if (s64(regs[rA]!) >= s64(immX) && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_gt_s_imm: // row 90
          if (s64(regs[rA]!) > s64(immX) && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;

        // ---- @gp A.28 -- two registers (omega'_D from omega_A)
        case op.move_reg: // row 100
          regs[rD] = regs[rA]!;
          break;
        case op.sbrk: // row 101
          regs[rD] = this.sbrk(regs[rA]!);
          break;
        case op.count_set_bits_64: {
          // row 102
          const v = regs[rA]!;
          regs[rD] = BigInt(popcount32(low32(v)) + popcount32(low32(v >> 32n)));
          break;
        }
        case op.count_set_bits_32: // row 103
          regs[rD] = BigInt(popcount32(low32(regs[rA]!)));
          break;
        case op.leading_zero_bits_64: {
          // row 104 @gp A.14 eq:revbitsfunc -- the leading zeros of revbits_8(omega_A): the clear bits from the top
          const hi = low32(regs[rA]! >> 32n);
          regs[rD] = BigInt(hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(low32(regs[rA]!)));
          break;
        }
        case op.leading_zero_bits_32: // row 105
          regs[rD] = BigInt(Math.clz32(low32(regs[rA]!)));
          break;
        case op.trailing_zero_bits_64: {
          // row 106
          const lo = low32(regs[rA]!);
          regs[rD] = BigInt(lo !== 0 ? ctz32(lo) : 32 + ctz32(low32(regs[rA]! >> 32n)));
          break;
        }
        case op.trailing_zero_bits_32: // row 107
          regs[rD] = BigInt(ctz32(low32(regs[rA]!)));
          break;
        case op.sign_extend_8: // row 108
          regs[rD] = BigInt.asIntN(8, regs[rA]!);
          break;
        case op.sign_extend_16: // row 109
          regs[rD] = BigInt.asIntN(16, regs[rA]!);
          break;
        case op.zero_extend_16: // row 110
          regs[rD] = BigInt.asUintN(16, regs[rA]!);
          break;
        case op.reverse_bytes: {
          // row 111
          let v = regs[rA]!;
          let r = 0n;
          for (let b = 0; b < 8; b++) {
            r = (r << 8n) | (v & 0xffn);
            v >>= 8n;
          }
          regs[rD] = r;
          break;
        }

        // ---- @gp A.29 -- two registers, one immediate (omega'_A from omega_B and nu_X)
        case op.store_ind_u8: // row 120
          mem.storeSmall(address, 1, low32(regs[rA]!));
          break;
        case op.store_ind_u16: // row 121
          mem.storeSmall(address, 2, low32(regs[rA]!));
          break;
        case op.store_ind_u32: // row 122
          mem.storeSmall(address, 4, low32(regs[rA]!));
          break;
        case op.store_ind_u64: // row 123
          mem.store64(address, regs[rA]!);
          break;
        case op.load_ind_u8: // row 124
          regs[rA] = BigInt(mem.loadSmall(address, 1));
          break;
        case op.load_ind_i8: // row 125
          regs[rA] = BigInt.asIntN(8, BigInt(mem.loadSmall(address, 1)));
          break;
        case op.load_ind_u16: // row 126
          regs[rA] = BigInt(mem.loadSmall(address, 2));
          break;
        case op.load_ind_i16: // row 127
          regs[rA] = BigInt.asIntN(16, BigInt(mem.loadSmall(address, 2)));
          break;
        case op.load_ind_u32: // row 128
          regs[rA] = BigInt(mem.loadSmall(address, 4));
          break;
        case op.load_ind_i32: // row 129
          regs[rA] = fromI32(mem.loadSmall(address, 4));
          break;
        case op.load_ind_u64: // row 130
          regs[rA] = mem.load64(address);
          break;
        case op.add_imm_32: // row 131
          regs[rA] = BigInt.asIntN(32, regs[rB]! + immX);
          break;
        case op.and_imm: // row 132
          regs[rA] = regs[rB]! & immX;
          break;
        case op.xor_imm: // row 133
          regs[rA] = regs[rB]! ^ immX;
          break;
        case op.or_imm: // row 134
          regs[rA] = regs[rB]! | immX;
          break;
        case op.mul_imm_32: // row 135
          regs[rA] = BigInt.asIntN(32, u32(regs[rB]!) * u32(immX));
          break;
        case op.set_lt_u_imm: // row 136
          regs[rA] = bool(regs[rB]! < immX);
          break;
        case op.set_lt_s_imm: // row 137
          regs[rA] = bool(s64(regs[rB]!) < s64(immX));
          break;
        case op.shlo_l_imm_32: // row 138
          regs[rA] = BigInt.asIntN(32, u32(regs[rB]!) << (immX & 31n));
          break;
        case op.shlo_r_imm_32: // row 139
          regs[rA] = BigInt.asIntN(32, u32(regs[rB]!) >> (immX & 31n));
          break;
        case op.shar_r_imm_32: // row 140
          regs[rA] = BigInt.asIntN(32, regs[rB]!) >> (immX & 31n);
          break;
        case op.neg_add_imm_32: // row 141
          regs[rA] = BigInt.asIntN(32, immX - regs[rB]!);
          break;
        case op.set_gt_u_imm: // row 142
          regs[rA] = bool(regs[rB]! > immX);
          break;
        case op.set_gt_s_imm: // row 143
          regs[rA] = bool(s64(regs[rB]!) > s64(immX));
          break;
        case op.shlo_l_imm_alt_32: // row 144
          regs[rA] = BigInt.asIntN(32, u32(immX) << (regs[rB]! & 31n));
          break;
        case op.shlo_r_imm_alt_32: // row 145
          regs[rA] = BigInt.asIntN(32, u32(immX) >> (regs[rB]! & 31n));
          break;
        case op.shar_r_imm_alt_32: // row 146
          regs[rA] = BigInt.asIntN(32, immX) >> (regs[rB]! & 31n);
          break;
        case op.cmov_iz_imm: // row 147
          if (regs[rB] === 0n) regs[rA] = immX;
          break;
        case op.cmov_nz_imm: // row 148
          if (regs[rB] !== 0n) regs[rA] = immX;
          break;
        case op.add_imm_64: // row 149
          regs[rA] = regs[rB]! + immX;
          break;
        case op.mul_imm_64: // row 150
          regs[rA] = regs[rB]! * immX;
          break;
        case op.shlo_l_imm_64: // row 151
          regs[rA] = regs[rB]! << (immX & 63n);
          break;
        case op.shlo_r_imm_64: // row 152
          regs[rA] = regs[rB]! >> (immX & 63n);
          break;
        case op.shar_r_imm_64: // row 153
          regs[rA] = s64(regs[rB]!) >> (immX & 63n);
          break;
        case op.neg_add_imm_64: // row 154
          regs[rA] = immX - regs[rB]!;
          break;
        case op.shlo_l_imm_alt_64: // row 155
          regs[rA] = immX << (regs[rB]! & 63n);
          break;
        case op.shlo_r_imm_alt_64: // row 156
          regs[rA] = immX >> (regs[rB]! & 63n);
          break;
        case op.shar_r_imm_alt_64: // row 157
          regs[rA] = s64(immX) >> (regs[rB]! & 63n);
          break;
        case op.rot_r_64_imm: // row 158
          regs[rA] = rotr64(regs[rB]!, Number(immX & 63n));
          break;
        case op.rot_r_64_imm_alt: // row 159
          regs[rA] = rotr64(immX, Number(regs[rB]! & 63n));
          break;
        case op.rot_r_32_imm: // row 160
          regs[rA] = fromI32(rotr32(low32(regs[rB]!), Number(immX & 31n)));
          break;
        case op.rot_r_32_imm_alt: // row 161
          regs[rA] = fromI32(rotr32(low32(immX), Number(regs[rB]! & 31n)));
          break;

        // ---- @gp A.30 -- two registers, one offset
        case op.branch_eq: // row 170
          if (regs[rA] === regs[rB] && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_ne: // row 171
          if (regs[rA] !== regs[rB] && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_lt_u: // row 172
          if (regs[rA]! < regs[rB]! && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_lt_s: // row 173
          if (s64(regs[rA]!) < s64(regs[rB]!) && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_ge_u: // row 174
          if (regs[rA]! >= regs[rB]! && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;
        case op.branch_ge_s: // row 175
          if (s64(regs[rA]!) >= s64(regs[rB]!) && (pc = branchTo(target[i]!)) < 0) return stop(panic, 0);
          break;

        // ---- @gp A.31 -- two registers, two immediates
        case op.load_imm_jump_ind: {
          // row 180: the jump reads omega_B before omega'_A = nu_X is written
          const t = djump((low32(regs[rB]!) + low32(immYs[i]!)) % TWO_32);
          regs[rA] = immX;
          if (t === -2) return stop(halt, 0);
          if (t === -1) return stop(panic, 0);
          pc = t;
          break;
        }

        // ---- @gp A.32 -- three registers (omega'_D from omega_A and omega_B)
        case op.add_32: // row 190
          regs[rD] = BigInt.asIntN(32, regs[rA]! + regs[rB]!);
          break;
        case op.sub_32: // row 191
          regs[rD] = BigInt.asIntN(32, regs[rA]! - regs[rB]!);
          break;
        case op.mul_32: // row 192
          regs[rD] = BigInt.asIntN(32, u32(regs[rA]!) * u32(regs[rB]!));
          break;
        case op.div_u_32: {
          // row 193
          const b = u32(regs[rB]!);
          regs[rD] = b === 0n ? MAX_U64 : BigInt.asIntN(32, u32(regs[rA]!) / b);
          break;
        }
        case op.div_s_32: {
          // row 194 (bigint division rounds towards zero: rtz, A.34)
          const a = BigInt.asIntN(32, regs[rA]!);
          const b = BigInt.asIntN(32, regs[rB]!);
          regs[rD] = b === 0n ? MAX_U64 : a === -(2n ** 31n) && b === -1n ? a : a / b;
          break;
        }
        case op.rem_u_32: {
          // row 195
          const b = u32(regs[rB]!);
          regs[rD] = BigInt.asIntN(32, b === 0n ? regs[rA]! : u32(regs[rA]!) % b);
          break;
        }
        case op.rem_s_32: {
          // row 196
          const a = BigInt.asIntN(32, regs[rA]!);
          const b = BigInt.asIntN(32, regs[rB]!);
          regs[rD] = a === -(2n ** 31n) && b === -1n ? 0n : smod(a, b);
          break;
        }
        case op.shlo_l_32: // row 197
          regs[rD] = BigInt.asIntN(32, u32(regs[rA]!) << (regs[rB]! & 31n));
          break;
        case op.shlo_r_32: // row 198
          regs[rD] = BigInt.asIntN(32, u32(regs[rA]!) >> (regs[rB]! & 31n));
          break;
        case op.shar_r_32: // row 199
          regs[rD] = BigInt.asIntN(32, regs[rA]!) >> (regs[rB]! & 31n);
          break;
        case op.add_64: // row 200
          regs[rD] = regs[rA]! + regs[rB]!;
          break;
        case op.sub_64: // row 201
          regs[rD] = regs[rA]! - regs[rB]!;
          break;
        case op.mul_64: // row 202
          regs[rD] = regs[rA]! * regs[rB]!;
          break;
        case op.div_u_64: // row 203
          regs[rD] = regs[rB] === 0n ? MAX_U64 : regs[rA]! / regs[rB]!;
          break;
        case op.div_s_64: {
          // row 204
          const a = s64(regs[rA]!);
          const b = s64(regs[rB]!);
          regs[rD] = b === 0n ? MAX_U64 : a === -(2n ** 63n) && b === -1n ? a : a / b;
          break;
        }
        case op.rem_u_64: // row 205
          regs[rD] = regs[rB] === 0n ? regs[rA]! : regs[rA]! % regs[rB]!;
          break;
        case op.rem_s_64: {
          // row 206
          const a = s64(regs[rA]!);
          const b = s64(regs[rB]!);
          regs[rD] = a === -(2n ** 63n) && b === -1n ? 0n : smod(a, b);
          break;
        }
        case op.shlo_l_64: // row 207
          regs[rD] = regs[rA]! << (regs[rB]! & 63n);
          break;
        case op.shlo_r_64: // row 208
          regs[rD] = regs[rA]! >> (regs[rB]! & 63n);
          break;
        case op.shar_r_64: // row 209
          regs[rD] = s64(regs[rA]!) >> (regs[rB]! & 63n);
          break;
        case op.and: // row 210
          regs[rD] = regs[rA]! & regs[rB]!;
          break;
        case op.xor: // row 211
          regs[rD] = regs[rA]! ^ regs[rB]!;
          break;
        case op.or: // row 212
          regs[rD] = regs[rA]! | regs[rB]!;
          break;
        case op.mul_upper_s_s: // row 213 (>> on bigint is floor division by 2^64)
          regs[rD] = (s64(regs[rA]!) * s64(regs[rB]!)) >> 64n;
          break;
        case op.mul_upper_u_u: // row 214
          regs[rD] = (regs[rA]! * regs[rB]!) >> 64n;
          break;
        case op.mul_upper_s_u: // row 215
          regs[rD] = (s64(regs[rA]!) * regs[rB]!) >> 64n;
          break;
        case op.set_lt_u: // row 216
          regs[rD] = bool(regs[rA]! < regs[rB]!);
          break;
        case op.set_lt_s: // row 217
          regs[rD] = bool(s64(regs[rA]!) < s64(regs[rB]!));
          break;
        case op.cmov_iz: // row 218
          if (regs[rB] === 0n) regs[rD] = regs[rA]!;
          break;
        case op.cmov_nz: // row 219
          if (regs[rB] !== 0n) regs[rD] = regs[rA]!;
          break;
        case op.rot_l_64: // row 220
          regs[rD] = rotr64(regs[rA]!, (64 - Number(regs[rB]! & 63n)) % 64);
          break;
        case op.rot_l_32: // row 221
          regs[rD] = fromI32(rotr32(low32(regs[rA]!), (32 - Number(regs[rB]! & 31n)) % 32));
          break;
        case op.rot_r_64: // row 222
          regs[rD] = rotr64(regs[rA]!, Number(regs[rB]! & 63n));
          break;
        case op.rot_r_32: // row 223
          regs[rD] = fromI32(rotr32(low32(regs[rA]!), Number(regs[rB]! & 31n)));
          break;
        case op.and_inv: // row 224
          regs[rD] = regs[rA]! & ~regs[rB]!;
          break;
        case op.or_inv: // row 225
          regs[rD] = regs[rA]! | ~regs[rB]!;
          break;
        case op.xnor: // row 226
          regs[rD] = ~(regs[rA]! ^ regs[rB]!);
          break;
        case op.max: {
          // row 227
          const a = s64(regs[rA]!);
          const b = s64(regs[rB]!);
          regs[rD] = a > b ? a : b;
          break;
        }
        case op.max_u: // row 228
          regs[rD] = regs[rA]! > regs[rB]! ? regs[rA]! : regs[rB]!;
          break;
        case op.min: {
          // row 229
          const a = s64(regs[rA]!);
          const b = s64(regs[rB]!);
          regs[rD] = a < b ? a : b;
          break;
        }
        case op.min_u: // row 230
          regs[rD] = regs[rA]! < regs[rB]! ? regs[rA]! : regs[rB]!;
          break;
        default:
          throw new Error(`PVM: opcode ${o} decoded as valid but has no case`);
      }
    }
  }

  /**
   * @gp A.28 -- sbrk (row 101) as a byte-precise heap pointer. Ambiguity of 0.7.2: the row asks
   * for the least x >= h with [x, x + omega_A) not readable in mu and writable in mu', but the
   * machine state has no h and the answer is page-granular. The model follows the test vectors
   * and the paper author's advice (traces/README.md, "Notes on SBRK"): h is instance state,
   * starting at the layout's heap start; sbrk(0) answers h; sbrk(n) answers h, sets h to h + n
   * and makes writable the pages from P(h) up to P(h + n). A pointer that would reach 2^32
   * (not an address) is refused: the answer is 0 (no memory) and nothing changes.
   */
  private sbrk(size: bigint): bigint {
    const h = this.heapPointer;
    if (size === 0n) return BigInt(h);
    if (BigInt(h) + size >= BigInt(TWO_32)) return 0n;
    const next = h + Number(size);
    const mappedTo = P(h);
    if (next > mappedTo) this.memory.setAccess(mappedTo, P(next) - mappedTo, Access.Write);
    this.heapPointer = next;
    return BigInt(h);
  }
}

/** @gp A.33 -- smod: the remainder of the absolute values with the sign of the numerator (bigint % does this). */
const smod = (a: bigint, b: bigint): bigint => (b === 0n ? a : a % b);

const validRange = (address: number, length: number): boolean =>
  Number.isInteger(address) && Number.isInteger(length) && address >= 0 && length >= 0 && address + length <= TWO_32;

// Memory-access descriptor per opcode: size (1, 2, 4, 8) | WRITE | base of the address.
const SIZE_MASK = 0x0f;
const WRITE = 0x10;
const BASE_MASK = 0x60;
const BASE_IMM = 0x20;
const BASE_RA = 0x40;
const BASE_RB = 0x60;
const memoryAccess: Uint8Array = (() => {
  const t = new Uint8Array(256);
  const set = (names: ReadonlyArray<keyof typeof op>, base: number, write: boolean): void =>
    names.forEach((name, k) => (t[op[name]] = (1 << k) | base | (write ? WRITE : 0)));
  set(['store_imm_u8', 'store_imm_u16', 'store_imm_u32', 'store_imm_u64'], BASE_IMM, true);
  set(['load_u8', 'load_u16', 'load_u32', 'load_u64'], BASE_IMM, false);
  set(['load_i8', 'load_i16', 'load_i32'], BASE_IMM, false);
  set(['store_u8', 'store_u16', 'store_u32', 'store_u64'], BASE_IMM, true);
  set(['store_imm_ind_u8', 'store_imm_ind_u16', 'store_imm_ind_u32', 'store_imm_ind_u64'], BASE_RA, true);
  set(['store_ind_u8', 'store_ind_u16', 'store_ind_u32', 'store_ind_u64'], BASE_RB, true);
  set(['load_ind_u8', 'load_ind_u16', 'load_ind_u32', 'load_ind_u64'], BASE_RB, false);
  set(['load_ind_i8', 'load_ind_i16', 'load_ind_i32'], BASE_RB, false);
  return t;
})();

/** Builds RAM from a layout: access first, then contents (written regardless of access). */
export const buildMemory = (layout: MemoryLayout): Memory => {
  const memory = new Memory();
  for (const page of layout.pages)
    memory.setAccess(page.address, page.length, page.access === 'write' ? Access.Write : Access.Read);
  for (const chunk of layout.contents) memory.write(chunk.address, chunk.data);
  return memory;
};

/**
 * Decoded programs by content: a memo (invisible to the semantics, a Program is never mutated)
 * so that invoking the same code again, as Psi_M does for every work item and accumulation,
 * skips decoding. The few most recent programs are kept; a hit is confirmed octet by octet.
 */
const decoded = new Map<string, { readonly blob: Uint8Array; readonly program: Program }>();
const DECODED_KEPT = 8;

const fnv1a = (p: Uint8Array): number => {
  let h = 0x811c9dc5;
  for (let i = 0; i < p.length; i++) h = Math.imul(h ^ p[i]!, 0x01000193);
  return h >>> 0;
};

/** deblob (A.2) and decode, or the reason the blob does not deblob. */
const programOf = (p: Uint8Array): Program | string => {
  const key = `${p.length}:${fnv1a(p)}`;
  const hit = decoded.get(key);
  if (hit !== undefined && bytesEqual(hit.blob, p)) {
    decoded.delete(key);
    decoded.set(key, hit);
    return hit.program;
  }
  const blob = deblob(p);
  if (E.isLeft(blob)) return blob.left;
  const program = decodeProgram(blob.right);
  decoded.set(key, { blob: p.slice(), program });
  if (decoded.size > DECODED_KEPT) decoded.delete(decoded.keys().next().value as string);
  return program;
};

/** The TypeScript reference engine. */
export const tsEngine: PvmEngine = {
  name: 'ts',
  instantiate: (init: PvmInit): PvmInstance | string => {
    const program = programOf(init.program);
    if (typeof program === 'string') return program;
    return new TsInstance(
      program,
      buildMemory(init.memory),
      init.pc,
      init.gas,
      init.registers,
      init.memory.heapStart ?? 0,
    );
  },
};
