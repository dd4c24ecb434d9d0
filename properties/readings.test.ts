/**
 * Each implemented reading of `spec/readings.ts` changes what the model does, on both PVM
 * engines where it is the PVM's: the same program or call under the default and under the
 * alternative, with the outcome each gives by the reading's own sentence.
 */
import * as O from 'fp-ts/lib/Option.js';
import { describe, expect, it } from 'vitest';
import { RESULT } from '../model/accumulation/host-calls/common.js';
import { Y, encodeBlob, tsPvm, type PvmInstance } from '../model/pvm/index.js';
import { nativePvm } from '../model/pvm/native.js';
import { Writer } from '../spec/codec.js';
import { paperReadings, readingCatalogue, readingNames, chooseReadings, type PvmReadings } from '../spec/readings.js';
import { account, call, context, machine, nativeBuilt, partialState, setRegisters } from './host-calls/fixture.js';

const paperPvm: PvmReadings = paperReadings;
const makers = nativeBuilt() ? [tsPvm, nativePvm] : [tsPvm];

/** A program of instructions (each a list of octets, the first the opcode) and no jump table. */
const program = (...instructions: ReadonlyArray<ReadonlyArray<number>>): Uint8Array => {
  const c = instructions.flat();
  const k = instructions.flatMap((i) => i.map((_, n) => (n === 0 ? 1 : 0)));
  return encodeBlob({ c: Uint8Array.from(c), k: Uint8Array.from(k), j: [] });
};
const LOAD_IMM_R0_0 = [51, 0];
const TRAP = [0];
/** store_imm_u8 [0x20000] = 0x12: faults, the page being unmapped. */
const STORE_UNMAPPED = [30, 3, 0, 0, 2, 0x12];

const run = (make: (r: PvmReadings) => ReturnType<typeof tsPvm>, readings: Partial<PvmReadings>, p: Uint8Array, gas: bigint) => {
  const m = make({ ...paperPvm, ...readings }).instantiate({
    program: p,
    pc: 0,
    gas,
    registers: new Array<bigint>(13).fill(7n),
    memory: { pages: [], contents: [] },
  }) as PvmInstance;
  try {
    const exit = m.run();
    return { exit: exit.kind, pc: m.pc, gas: m.gas, r0: m.getRegister(0) };
  } finally {
    m.dispose();
  }
};

describe.each(makers.map((make) => [make({ ...paperPvm }).name, make] as const))('the PVM readings on the %s engine', (_name, make) => {
  it('pvm-exit-pc: a panic at pc 2 reports imath 0 (A.1) or 2 (the vectors)', () => {
    const p = program(LOAD_IMM_R0_0, TRAP);
    expect(run(make, {}, p, 10n)).toEqual({ exit: 'panic', pc: 0, gas: 8n, r0: 0n });
    expect(run(make, { 'pvm-exit-pc': 'exiting-instruction' }, p, 10n)).toEqual({ exit: 'panic', pc: 2, gas: 8n, r0: 0n });
  });

  it('pvm-gas: a fault mid-block pays its instructions so far (A.9) or the whole block (the vectors)', () => {
    const p = program(LOAD_IMM_R0_0, STORE_UNMAPPED, TRAP);
    expect(run(make, {}, p, 10n)).toEqual({ exit: 'fault', pc: 2, gas: 8n, r0: 0n });
    expect(run(make, { 'pvm-gas': 'per-basic-block' }, p, 10n)).toEqual({ exit: 'fault', pc: 2, gas: 7n, r0: 0n });
  });

  it('pvm-gas: a block it cannot pay whole is not entered, per basic block', () => {
    const p = program(LOAD_IMM_R0_0, TRAP);
    expect(run(make, {}, p, 1n)).toEqual({ exit: 'out-of-gas', pc: 2, gas: -1n, r0: 0n });
    expect(run(make, { 'pvm-gas': 'per-basic-block' }, p, 1n)).toEqual({ exit: 'out-of-gas', pc: 0, gas: -1n, r0: 7n });
  });

  it('pvm-exception-gas: a fault pays its instruction (A.1\'s text) or not (A.8\'s rows)', () => {
    const p = program(LOAD_IMM_R0_0, STORE_UNMAPPED, TRAP);
    expect(run(make, { 'pvm-exception-gas': 'uncharged' }, p, 10n)).toEqual({ exit: 'fault', pc: 2, gas: 9n, r0: 0n });
    // With no gas left: charged, the access cannot be attempted; uncharged, it faults for free.
    const alone = program(STORE_UNMAPPED, TRAP);
    expect(run(make, {}, alone, 0n)).toEqual({ exit: 'out-of-gas', pc: 0, gas: -1n, r0: 7n });
    expect(run(make, { 'pvm-exception-gas': 'uncharged' }, alone, 0n)).toEqual({ exit: 'fault', pc: 0, gas: 0n, r0: 7n });
  });
});

describe('sbrk-heap-start', () => {
  it('h starts after the read-write data and its zero pages, or at 2 Z_Z + Z(|o|) (A.42)', () => {
    // |o| = 1, |w| = 1, z = 2 zero pages, s = 0, o, w, E_4(|c|) ++ c with c one trap.
    const w = new Writer();
    for (const [n, l] of [[1, 3], [1, 3], [2, 2], [0, 3]] as const) w.bytes(Uint8Array.from({ length: l }, (_, i) => (n >> (8 * i)) & 0xff));
    w.bytes(Uint8Array.of(0xaa, 0xbb));
    w.bytes(Uint8Array.of(5, 0, 0, 0, ...program(TRAP)));
    const heapOf = (start: 'end-of-read-write' | 'start-of-heap'): number | undefined =>
      O.toUndefined(O.map((y: { memory: { heapStart?: number } }) => y.memory.heapStart)(Y(w.result(), new Uint8Array(0), start)));
    const rwStart = 2 * 2 ** 16 + 2 ** 16;
    expect(heapOf('start-of-heap')).toBe(rwStart);
    expect(heapOf('end-of-read-write')).toBe(rwStart + 4096 + 2 * 4096);
  });
});

describe('log-host-call', () => {
  const S = 42;
  it('WHAT for 10 gas (B.11) or nothing for nothing (JIP-1)', () => {
    const what = machine(100n);
    setRegisters(what, 7, [5]);
    expect(call(100, what, context(partialState([[S, account()]]), S))).toMatchObject({ exit: 'continue', r7: RESULT.WHAT, charged: 10n });
    const jip1 = machine(100n);
    setRegisters(jip1, 7, [5]);
    const xy = context(partialState([[S, account()]]), S);
    const r = call(100, jip1, xy, undefined, 'jip-1');
    expect(r).toMatchObject({ exit: 'continue', r7: 5n, charged: 0n });
    expect(r.xy).toBe(xy);
  });
});

describe('the record', () => {
  it('every default is one of its alternatives and implemented', () => {
    for (const name of readingNames) {
      const r = readingCatalogue[name];
      expect((r.alternatives as Readonly<Record<string, { implemented: boolean }>>)[r.default]?.implemented).toBe(true);
    }
  });
  it('choosing: NAME=VALUE applies, an unimplemented alternative is refused', () => {
    expect(chooseReadings(paperReadings, ['pvm-gas=per-basic-block'])).toEqual({ ok: { ...paperReadings, 'pvm-gas': 'per-basic-block' } });
    expect(chooseReadings(paperReadings, ['balance-overflow=saturate'])).toEqual({ error: 'balance-overflow=saturate is documented but not implemented by the model' });
  });
});
