/**
 * The standard program initialization Y (A.37-A.43), the host-call invocation Psi_H (A.35) and
 * the argument invocation Psi_M (A.44), generic over the engine that runs Psi.
 */
import * as O from 'fp-ts/lib/Option.js';
import { paperReadings, type Readings } from '../../spec/readings.js';
import { TWO_32, type MemoryLayout, type PvmEngine, type PvmInstance } from './engine.js';
import { P, PAGE_SIZE } from './memory.js';

/** @gp A.39 -- Z_Z: the major zone size; Z_I: the largest argument blob. */
export const ZONE_SIZE = 2 ** 16;
export const INPUT_SIZE = 2 ** 24;

/** @gp A.40 -- Z(x): x rounded up to whole zones (P, to whole pages, is in memory.ts). */
const Z = (x: number): number => ZONE_SIZE * Math.ceil(x / ZONE_SIZE);

/** The result of Y: the program blob for Psi, the registers, RAM (as a layout) and the heap start h. */
export interface StandardProgram {
  readonly code: Uint8Array;
  readonly registers: ReadonlyArray<bigint>;
  readonly memory: MemoryLayout;
}

const readLE = (p: Uint8Array, at: number, n: number): number => {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + (p[at + i] ?? 0);
  return v;
};

/** Where sbrk's heap pointer starts under Y: the reading `sbrk-heap-start`. */
export type HeapStart = Readings['sbrk-heap-start'];

/**
 * @gp A.37 -- Y(p, a): the standard program initialization, or none when p does not split as
 * A.38 requires or the sections do not fit (A.41). The heap pointer h starts where the reading
 * `sbrk-heap-start` puts it.
 */
export const Y = (p: Uint8Array, a: Uint8Array, heapStart: HeapStart = paperReadings['sbrk-heap-start']): O.Option<StandardProgram> => {
  if (a.length > INPUT_SIZE) return O.none;
  // @gp A.38 -- E_3(|o|) ++ E_3(|w|) ++ E_2(z) ++ E_3(s) ++ o ++ w ++ E_4(|c|) ++ c = p
  if (p.length < 11) return O.none;
  const oLength = readLE(p, 0, 3);
  const wLength = readLE(p, 3, 3);
  const z = readLE(p, 6, 2);
  const s = readLE(p, 8, 3);
  const oStart = 11;
  const wStart = oStart + oLength;
  const cLengthAt = wStart + wLength;
  if (cLengthAt + 4 > p.length) return O.none;
  const cLength = readLE(p, cLengthAt, 4);
  if (cLengthAt + 4 + cLength !== p.length) return O.none;
  // @gp A.41 -- 5 Z_Z + Z(|o|) + Z(|w| + z Z_P) + Z(s) + Z_I <= 2^32
  if (5 * ZONE_SIZE + Z(oLength) + Z(wLength + z * PAGE_SIZE) + Z(s) + INPUT_SIZE > TWO_32) return O.none;

  const rwStart = 2 * ZONE_SIZE + Z(oLength);
  const stackEnd = TWO_32 - 2 * ZONE_SIZE - INPUT_SIZE;
  const argsStart = TWO_32 - ZONE_SIZE - INPUT_SIZE;
  // @gp A.42 -- the memory layout: read-only data, heap (read-write data then z zero pages), stack, arguments
  const memory: MemoryLayout = {
    pages: [
      { address: ZONE_SIZE, length: P(oLength), access: 'read' as const },
      { address: rwStart, length: P(wLength) + z * PAGE_SIZE, access: 'write' as const },
      { address: stackEnd - P(s), length: P(s), access: 'write' as const },
      { address: argsStart, length: P(a.length), access: 'read' as const },
    ].filter((region) => region.length > 0),
    contents: [
      { address: ZONE_SIZE, data: p.subarray(oStart, wStart) },
      { address: rwStart, data: p.subarray(wStart, cLengthAt) },
      { address: argsStart, data: a },
    ].filter((chunk) => chunk.data.length > 0),
    // The initial heap pointer h of sbrk. The text under A.28's table puts h at the start of the
    // heap, 2 Z_Z + Z(|o|) (`start-of-heap`); 0.7.2's default reading starts it at the end of the
    // read-write data and its z zero pages, where the first address that is not yet writable
    // lies (`end-of-read-write`). Starting at 2 Z_Z + Z(|o|) fails 16 of the 30 accumulate
    // vectors of each config on both engines (their gas differs); the default passes all 30. See
    // `sbrk` in interpreter.ts for the whole reading.
    heapStart: heapStart === 'start-of-heap' ? rwStart : rwStart + P(wLength) + z * PAGE_SIZE,
  };
  // @gp A.43 -- registers: omega_0 the halt address, omega_1 the stack top, omega_7/omega_8 the arguments
  const registers = Array.from({ length: 13 }, () => 0n);
  registers[0] = BigInt(TWO_32 - 2 ** 16);
  registers[1] = BigInt(stackEnd);
  registers[7] = BigInt(argsStart);
  registers[8] = BigInt(a.length);
  return O.some({ code: p.subarray(cLengthAt + 4), registers, memory });
};

/** What a host-call handler answers (A.36): continue, or one of the final exits. */
export type HostCallExit = 'continue' | 'halt' | 'panic' | 'out-of-gas';

/**
 * @gp A.36 -- a context mutator f(h, gas, registers, RAM, x): it reads and changes the machine through
 * the instance (gas, registers, memory) and returns how to go on with the new context.
 */
export type HostCall<X> = (id: number, machine: PvmInstance, x: X) => { readonly exit: HostCallExit; readonly x: X };

/** The outcome of Psi_H: the final exit (no host exits), the machine for inspection, the context. */
export interface HostedResult<X> {
  readonly exit: 'halt' | 'panic' | 'out-of-gas' | { readonly fault: number };
  readonly machine: PvmInstance;
  readonly x: X;
}

/** @gp A.35 -- Psi_H: Psi, handling each host exit with f until a final exit. */
export const PsiH = <X>(machine: PvmInstance, f: HostCall<X>, x: X): HostedResult<X> => {
  for (;;) {
    const exit = machine.run();
    switch (exit.kind) {
      case 'halt':
      case 'panic':
      case 'out-of-gas':
        return { exit: exit.kind, machine, x };
      case 'fault':
        return { exit: { fault: exit.address }, machine, x };
      case 'host': {
        const answer = f(exit.id, machine, x);
        x = answer.x;
        if (answer.exit !== 'continue') return { exit: answer.exit, machine, x };
      }
    }
  }
};

/** The outcome of Psi_M: gas used, the result blob or panic/out-of-gas, the context. */
export interface ArgumentResult<X> {
  readonly gasUsed: bigint;
  readonly result: Uint8Array | 'panic' | 'out-of-gas';
  readonly x: X;
}

/** @gp A.44 -- Psi_M(p, imath, gas, a, f, x): Y, then Psi_H, then R reads the result omega'_7 ..+ omega'_8. */
export const PsiM =
  (engine: PvmEngine, heapStart: HeapStart = paperReadings['sbrk-heap-start']) =>
  <X>(p: Uint8Array, pc: number, gas: bigint, a: Uint8Array, f: HostCall<X>, x: X): ArgumentResult<X> => {
    const init = Y(p, a, heapStart);
    if (O.isNone(init)) return { gasUsed: 0n, result: 'panic', x };
    const { code, registers, memory } = init.value;
    const machine = engine.instantiate({ program: code, pc, gas, registers, memory });
    // A.1: a blob that does not deblob panics without running; no gas is used.
    if (typeof machine === 'string') return { gasUsed: 0n, result: 'panic', x };
    try {
      const hosted = PsiH(machine, f, x);
      const remaining = machine.gas;
      // u = gas - max(gas', 0)
      const gasUsed = gas - (remaining > 0n ? remaining : 0n);
      if (hosted.exit === 'out-of-gas') return { gasUsed, result: 'out-of-gas', x: hosted.x };
      if (hosted.exit !== 'halt') return { gasUsed, result: 'panic', x: hosted.x };
      const start = machine.getRegister(7);
      const length = machine.getRegister(8);
      const output =
        start + length <= BigInt(TWO_32) ? machine.readMemory(Number(start), Number(length)) : undefined;
      return { gasUsed, result: output ?? new Uint8Array(0), x: hosted.x };
    } finally {
      machine.dispose();
    }
  };
