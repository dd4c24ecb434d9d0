/**
 * The integrated PVM of the refine host calls (B.4): program code, RAM and instruction counter,
 * held as a value in the refine context and run on the engine the caller chose.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ExitReason, MemoryLayout, PvmEngine } from '../pvm/index.js';
import { deblob } from '../pvm/index.js';
import { PAGE_SIZE } from '../pvm/memory.js';
import { skip } from '../pvm/program.js';

/**
 * One accessible page of a guest's RAM: R or W, and its Z_P octets. A page missing from the RAM
 * is inaccessible; its value is zero, since only `pages` with r < 3 makes a page inaccessible and
 * it zeroes the value as it does so, and a new guest's RAM is all zero.
 */
export interface GuestPage {
  readonly access: 'read' | 'write';
  readonly value: Uint8Array;
}

/** The guest's RAM u: its accessible pages by page index. */
export type GuestRam = ReadonlyMap<number, GuestPage>;

/** @gp B.4 eq:pvmguest -- M = (p in B, u in M, i in N_R): code, RAM, instruction counter. */
export interface PvmGuest {
  readonly p: Uint8Array;
  readonly u: GuestRam;
  readonly i: bigint;
}

const TWO_32 = 2n ** 32n;

/** The pages N_{s..+z} touches, or undefined when the range passes 2^32 (no such indices exist). */
const pagesOf = (s: bigint, z: bigint): ReadonlyArray<number> | undefined => {
  if (z === 0n) return [];
  if (s + z > TWO_32) return undefined;
  const first = Number(s / BigInt(PAGE_SIZE));
  const last = Number((s + z - 1n) / BigInt(PAGE_SIZE));
  return Array.from({ length: last - first + 1 }, (_, k) => first + k);
};

/** N_{s..+z} within V_u (read) or V*_u (write); the empty range always is. */
export const accessible = (u: GuestRam, s: bigint, z: bigint, need: 'read' | 'write'): boolean =>
  pagesOf(s, z)?.every((page) => {
    const access = u.get(page)?.access;
    return access === 'write' || access === need;
  }) ?? false;

/** u_{s..+z}; the caller has checked the range is readable. */
export const readGuest = (u: GuestRam, s: bigint, z: bigint): Uint8Array => {
  const out = new Uint8Array(Number(z));
  for (let k = 0; k < out.length; k++) {
    const a = Number(s) + k;
    out[k] = u.get(Math.floor(a / PAGE_SIZE))?.value[a % PAGE_SIZE] ?? 0;
  }
  return out;
};

/** u with u_{o..+|v|} = v; the caller has checked the range is writable. Pages are copied, not shared. */
export const writeGuest = (u: GuestRam, o: bigint, v: Uint8Array): GuestRam => {
  const next = new Map(u);
  for (const page of pagesOf(o, BigInt(v.length)) ?? []) {
    const old = next.get(page)!;
    const value = old.value.slice();
    const pageStart = page * PAGE_SIZE;
    const from = Math.max(pageStart, Number(o));
    const to = Math.min(pageStart + PAGE_SIZE, Number(o) + v.length);
    value.set(v.subarray(from - Number(o), to - Number(o)), from - pageStart);
    next.set(page, { access: old.access, value });
  }
  return next;
};

/** The machine's exit c of Psi, its counter i', gas g', registers w' and RAM u' (A.1). */
export interface GuestRun {
  readonly c: ExitReason;
  readonly i: bigint;
  readonly g: bigint;
  readonly w: ReadonlyArray<bigint>;
  readonly u: GuestRam;
}

/**
 * Psi(p, i, g, w, u) on the given engine: the guest's RAM goes in as a layout of its pages and
 * its writable pages are read back after the run (read-only pages cannot have changed).
 */
export const runGuest = (engine: PvmEngine, guest: PvmGuest, g: bigint, w: ReadonlyArray<bigint>): GuestRun => {
  const layout: MemoryLayout = {
    pages: [...guest.u].map(([page, { access }]) => ({ address: page * PAGE_SIZE, length: PAGE_SIZE, access })),
    contents: [...guest.u].map(([page, { value }]) => ({ address: page * PAGE_SIZE, data: value })),
  };
  // A counter at or past 2^32 lies outside any code (|c| < 2^32), as 2^32 - 1 does: both trap
  // (opcode 0, A.19), and a trap leaves the counter at 0; the engines take a 32-bit counter.
  const pc = guest.i < TWO_32 ? Number(guest.i) : Number(TWO_32 - 1n);
  const machine = engine.instantiate({ program: guest.p, pc, gas: g, registers: w, memory: layout });
  // `machine` admitted only code that deblobs; a failure here is a broken invariant.
  if (typeof machine === 'string') throw new Error(`a guest's code no longer deblobs: ${machine}`);
  try {
    const c = machine.run();
    const u = new Map(guest.u);
    for (const [page, { access }] of guest.u)
      if (access === 'write') u.set(page, { access, value: machine.readMemory(page * PAGE_SIZE, PAGE_SIZE)! });
    return {
      c,
      i: BigInt(machine.pc),
      g: machine.gas,
      w: Array.from({ length: 13 }, (_, k) => machine.getRegister(k)),
      u,
    };
  } finally {
    machine.dispose();
  }
};

/** i' + skip(i') + 1: the instruction after the guest's ecalli at i', by the code's bitmask (A.3). */
export const afterHostCall = (p: Uint8Array, i: bigint): bigint => {
  const blob = deblob(p);
  if (E.isLeft(blob)) throw new Error(`a guest's code no longer deblobs: ${blob.left}`);
  return i + BigInt(skip(blob.right.k, Number(i))) + 1n;
};
