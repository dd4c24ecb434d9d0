/**
 * TypeScript-only invariants of the PVM (Appendix A) over generated programs and machines.
 * Differential properties (native vs ts) reuse the generators of `pvm.arbitraries.ts`.
 */
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import { describe, expect, it } from 'vitest';
import { type ExitReason, type PvmEngine, type PvmInit, type PvmInstance, PsiM, Y, deblob, encodeBlob, tsEngine } from '../model/pvm/index.js';
import { op, opcodes } from '../model/pvm/opcodes.js';
import { toHex } from '../spec/bytes.js';
import { arbBytes, arbPvmInit, arbProgram } from './pvm.arbitraries.js';
import { crosscheck } from './pvm.crosscheck.js';
import { oracle } from './pvm.oracle.js';

const RUNS = 500;

const instantiate = (init: PvmInit): PvmInstance => {
  const m = tsEngine.instantiate(init);
  if (typeof m === 'string') throw new Error(`unexpected deblob failure: ${m}`);
  return m;
};

/** Runs through host exits (resuming at once) to a final exit. */
const runToEnd = (m: PvmInstance): ExitReason => {
  for (;;) {
    const exit = m.run();
    if (exit.kind !== 'host') return exit;
  }
};

const snapshot = (m: PvmInstance, exit: ExitReason) => ({
  exit,
  pc: m.pc,
  gas: m.gas,
  regs: Array.from({ length: 13 }, (_, i) => m.getRegister(i)),
  ro: toHex(m.readMemory(0x10000, 4096) ?? new Uint8Array(0)),
  rw: toHex(m.readMemory(0x20000, 8192) ?? new Uint8Array(0)),
});

const blob = (c: ReadonlyArray<number>, starts: ReadonlyArray<number>, j: ReadonlyArray<number> = []): Uint8Array => {
  const k = new Uint8Array(c.length);
  for (const s of starts) k[s] = 1;
  return encodeBlob({ c: Uint8Array.from(c), k, j });
};

const emptyMemory = { pages: [], contents: [] };
const zeroRegs = Array.from({ length: 13 }, () => 0n);

describe('pvm properties (ts engine)', () => {
  it('decoding and instantiating random bytes never throws', () => {
    fc.assert(
      fc.property(arbBytes, (p) => {
        deblob(p);
        tsEngine.instantiate({ program: p, pc: 0, gas: 10n, registers: zeroRegs, memory: emptyMemory });
      }),
      { numRuns: 2000 },
    );
  });

  it('A.2: deblob inverts encodeBlob', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), fc.array(fc.nat(2 ** 32 - 1), { maxLength: 5 }), (c, j) => {
        const k = c.map((x) => x & 1);
        const d = deblob(encodeBlob({ c, k, j }));
        expect(d._tag).toBe('Right');
        if (d._tag === 'Right') expect({ c: [...d.right.c], k: [...d.right.k], j: d.right.j }).toEqual({ c: [...c], k: [...k], j });
      }),
      { numRuns: RUNS },
    );
  });

  it('A.1: gas never increases and a run always ends; out of gas only when the gas would fall below zero', () => {
    fc.assert(
      fc.property(arbPvmInit, (init) => {
        const m = tsEngine.instantiate(init);
        if (typeof m === 'string') return;
        let before = m.gas;
        for (;;) {
          const exit = m.run();
          expect(m.gas <= before).toBe(true);
          if (exit.kind === 'out-of-gas') expect(m.gas).toBe(-1n);
          else expect(m.gas >= 0n).toBe(true);
          if (exit.kind !== 'host') break;
          before = m.gas;
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('A.1: halt and panic return imath = 0; fault, host and out-of-gas keep the exiting instruction', () => {
    fc.assert(
      fc.property(arbPvmInit, (init) => {
        const m = tsEngine.instantiate(init);
        if (typeof m === 'string') return;
        const exit = m.run();
        if (exit.kind === 'halt' || exit.kind === 'panic') expect(m.pc).toBe(0);
        if (exit.kind === 'fault') expect(exit.address % 4096).toBe(0);
        if (exit.kind === 'fault') expect(exit.address >= 2 ** 16).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('running out of gas and resuming with the rest ends exactly as one run with all the gas', () => {
    fc.assert(
      fc.property(arbPvmInit, fc.nat(), (init, cut) => {
        const whole = tsEngine.instantiate(init);
        if (typeof whole === 'string') return;
        const wholeEnd = snapshot(whole, runToEnd(whole));
        const used = init.gas - (wholeEnd.gas < 0n ? 0n : wholeEnd.gas);
        if (used < 2n || wholeEnd.exit.kind === 'out-of-gas') return;
        const first = BigInt(cut) % used; // 0 <= first < used: the split run must run out of gas
        const split = instantiate({ ...init, gas: first });
        let exit = split.run();
        while (exit.kind === 'host') exit = split.run();
        expect(exit.kind).toBe('out-of-gas');
        expect(split.gas).toBe(-1n);
        split.gas = init.gas - first;
        expect(snapshot(split, runToEnd(split))).toEqual(wholeEnd);
      }),
      { numRuns: RUNS },
    );
  });

  it('a program of only trap panics at pc 0 and charges one gas', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), fc.bigInt({ min: 1n, max: 2n ** 64n - 1n }), (n, gas) => {
        const traps = Array.from({ length: n }, () => op.trap);
        const m = instantiate({ program: blob(traps, traps.map((_, i) => i)), pc: 0, gas, registers: zeroRegs, memory: emptyMemory });
        expect(m.run()).toEqual({ kind: 'panic' });
        expect(m.pc).toBe(0);
        expect(m.gas).toBe(gas - 1n);
      }),
      { numRuns: RUNS },
    );
  });

  it('A.18: a dynamic jump to 2^32 - 2^16 halts; A.35: ecalli exits with its id and resumes after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), (id) => {
        // ecalli id; jump_ind r0 + 0
        const m = instantiate({
          program: blob([op.ecalli, id, op.jump_ind, 0], [0, 2]),
          pc: 0,
          gas: 10n,
          registers: [2n ** 32n - 2n ** 16n, ...zeroRegs.slice(1)],
          memory: emptyMemory,
        });
        expect(m.run()).toEqual({ kind: 'host', id: id < 128 ? id : 2 ** 32 - 256 + id });
        expect(m.pc).toBe(0);
        expect(m.run()).toEqual({ kind: 'halt' });
        expect(m.gas).toBe(8n);
      }),
      { numRuns: 256 },
    );
  });

  it('A.37/A.44: Y lays out the arguments at omega_7 ..+ omega_8, so a program that halts at once returns them', () => {
    const code = blob([op.jump_ind, 0], [0]);
    const header = (o: number, w: number, z: number, s: number): number[] => [
      o & 0xff, (o >> 8) & 0xff, o >> 16, w & 0xff, (w >> 8) & 0xff, w >> 16, z & 0xff, z >> 8, s & 0xff, (s >> 8) & 0xff, s >> 16,
    ];
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 300 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.nat(4),
        fc.nat(9000),
        fc.uint8Array({ maxLength: 5000 }),
        fc.bigInt({ min: 1n, max: 10_000n }),
        (o, w, z, s, a, gas) => {
          const p = Uint8Array.from([
            ...header(o.length, w.length, z, s), ...o, ...w,
            code.length & 0xff, (code.length >> 8) & 0xff, 0, 0, ...code,
          ]);
          const init = Y(p, a);
          expect(O.isSome(init)).toBe(true);
          const r = PsiM(tsEngine)(p, 0, gas, a, () => ({ exit: 'panic', x: 0 }), 0);
          expect(r.gasUsed).toBe(1n);
          expect(r.result instanceof Uint8Array ? [...r.result] : r.result).toEqual([...a]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('A.44: Psi_M with no gas is out of gas and uses none; a trailing octet makes Y none (panic)', () => {
    const code = blob([op.jump_ind, 0], [0]);
    const p = Uint8Array.from([...new Array<number>(11).fill(0), code.length, 0, 0, 0, ...code]);
    expect(PsiM(tsEngine)(p, 0, 0n, new Uint8Array(0), () => ({ exit: 'panic', x: 0 }), 0)).toEqual({ gasUsed: 0n, result: 'out-of-gas', x: 0 });
    const bad = Uint8Array.from([...p, 0]);
    expect(PsiM(tsEngine)(bad, 0, 5n, new Uint8Array(0), () => ({ exit: 'panic', x: 0 }), 0).result).toBe('panic');
  });

  it('generated programs run deterministically', () => {
    fc.assert(
      fc.property(arbPvmInit, (init) => {
        const a = tsEngine.instantiate(init);
        const b = tsEngine.instantiate(init);
        if (typeof a === 'string' || typeof b === 'string') expect(typeof a).toBe(typeof b);
        else expect(snapshot(a, runToEnd(a))).toEqual(snapshot(b, runToEnd(b)));
      }),
      { numRuns: RUNS },
    );
  });

  it('arbProgram mostly yields blobs that deblob', () => {
    const sample = fc.sample(arbProgram, 300);
    const ok = sample.filter((p) => deblob(p)._tag === 'Right').length;
    expect(ok).toBeGreaterThan(200);
  });
});

describe('pvm crosscheck (the stepwise comparison the differential property uses)', () => {
  it('finds no difference between the ts engine and itself', () => {
    fc.assert(
      fc.property(arbPvmInit, (init) => {
        expect(crosscheck(tsEngine, tsEngine, init, 300)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('reports the first step where a register differs', () => {
    // An engine that corrupts omega_5 from its third run on.
    const mutant: PvmEngine = {
      name: 'native',
      instantiate: (init) => {
        const m = tsEngine.instantiate(init);
        if (typeof m === 'string') return m;
        let runs = 0;
        const corrupted: PvmInstance = {
          run: () => m.run(),
          get pc() {
            return m.pc;
          },
          get gas() {
            return m.gas;
          },
          set gas(g: bigint) {
            runs++;
            m.gas = g;
          },
          getRegister: (i) => m.getRegister(i) ^ (i === 5 && runs >= 3 ? 1n : 0n),
          setRegister: (i, v) => m.setRegister(i, v),
          readMemory: (address, length) => m.readMemory(address, length),
          writeMemory: (address, data) => m.writeMemory(address, data),
          dispose: () => m.dispose(),
        };
        return corrupted;
      },
    };
    const program = blob([op.fallthrough, op.fallthrough, op.fallthrough, op.fallthrough, op.trap], [0, 1, 2, 3, 4]);
    const diff = crosscheck(tsEngine, mutant, { program, pc: 0, gas: 100n, registers: zeroRegs, memory: emptyMemory });
    expect(diff).toBe('step 2 (from pc 2):\n  regs[5]: ts 0, native 1');
  });
});

describe('pvm register rows against a literal transcription of the tables (A.28, A.29, A.32)', () => {
  const edge = fc.oneof(
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
    fc.bigInt({ min: 0n, max: 70n }),
    fc.bigInt({ min: 2n ** 64n - 70n, max: 2n ** 64n - 1n }),
    fc.constantFrom(2n ** 31n, 2n ** 31n - 1n, 2n ** 32n - 1n, 2n ** 32n, 2n ** 63n, 2n ** 63n - 1n, 0xffffffff80000000n),
  );
  const rows = opcodes.filter(([, name, category]) =>
    ['twoReg', 'twoRegOneImm', 'threeReg'].includes(category) && oracle[name] !== undefined);

  it('covers every register-only row but sbrk', () => {
    const all = opcodes.filter(([, , category]) => ['twoReg', 'twoRegOneImm', 'threeReg'].includes(category));
    const memoryRows = all.filter(([, name]) => /^(load|store)_/.test(name));
    expect(rows.length + memoryRows.length + 1).toBe(all.length);
  });

  it('each row writes exactly its destination with the oracle value', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...rows),
        fc.array(edge, { minLength: 13, maxLength: 13 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 15 }),
        fc.integer({ min: 0, max: 20 }),
        fc.integer({ min: 0, max: 4 }).chain((l) => fc.array(fc.integer({ min: 0, max: 255 }), { minLength: l, maxLength: l })),
        ([opcode, name, category], regs, lo, hi, third, immBytes) => {
          const clamp = (r: number) => Math.min(12, r);
          let operands: number[];
          let dest: number;
          let x: bigint;
          let y = 0n;
          let prior: bigint;
          if (category === 'twoReg') {
            operands = [lo | (hi << 4)];
            dest = clamp(lo);
            x = regs[clamp(hi)]!;
            prior = regs[dest]!;
          } else if (category === 'twoRegOneImm') {
            operands = [lo | (hi << 4), ...immBytes];
            dest = clamp(lo);
            x = regs[clamp(hi)]!;
            const l = immBytes.length;
            const raw = immBytes.reduceRight((v, b) => v * 256n + BigInt(b), 0n);
            y = l > 0 && raw >= 2n ** BigInt(8 * l - 1) ? raw + 2n ** 64n - 2n ** BigInt(8 * l) : raw;
            prior = regs[dest]!;
          } else {
            operands = [lo | (hi << 4), third];
            dest = clamp(third);
            x = regs[clamp(lo)]!;
            y = regs[clamp(hi)]!;
            prior = regs[dest]!;
          }
          const m = instantiate({
            program: blob([opcode, ...operands, op.trap], [0, 1 + operands.length]),
            pc: 0,
            gas: 10n,
            registers: regs,
            memory: emptyMemory,
          });
          expect(m.run()).toEqual({ kind: 'panic' });
          const expected = [...regs];
          expected[dest] = oracle[name]!(x, y, prior);
          expect({ name, regs: Array.from({ length: 13 }, (_, i) => m.getRegister(i)) }).toEqual({ name, regs: expected });
        },
      ),
      { numRuns: 5000 },
    );
  });
});

describe('pvm rows no vector executes', () => {
  it('A.28 sbrk (row 101), read literally: x = max(h, q - omega_A + 1) for q the first unreadable address from h', () => {
    // Y with empty o and w and z = 0: the heap [h, h) is empty, so q = h = 2 Z_Z.
    const code = blob([op.sbrk, 0x21, op.sbrk, 0x43, op.trap], [0, 2, 4]); // omega_1 = sbrk(omega_2); omega_3 = sbrk(omega_4)
    const p = Uint8Array.from([...new Array<number>(11).fill(0), code.length, 0, 0, 0, ...code]);
    const init = Y(p, new Uint8Array(0));
    if (O.isNone(init)) throw new Error('Y failed');
    const h = 2 * 2 ** 16;
    const registers = [...init.value.registers];
    registers[2] = 4096n;
    registers[4] = 16n;
    const m = instantiate({ program: init.value.code, pc: 0, gas: 10n, registers, memory: init.value.memory });
    expect(m.run()).toEqual({ kind: 'panic' });
    expect(m.getRegister(1)).toBe(BigInt(h));
    expect(m.getRegister(3)).toBe(BigInt(h + 4096 - 16 + 1));
    expect(m.writeMemory(h, new Uint8Array(4096 + 16))).toBe(true);
    expect(m.writeMemory(h + 2 * 4096, new Uint8Array(1))).toBe(false);
  });

  it('A.29 cmov_nz_imm (row 148): omega_A = nu_X when omega_B is not zero', () => {
    for (const [b, expected] of [[0n, 7n], [5n, 2n ** 64n - 2n]] as const) {
      const m = instantiate({
        program: blob([op.cmov_nz_imm, 0x21, 0xfe, op.trap], [0, 3]),
        pc: 0,
        gas: 10n,
        registers: [0n, 7n, b, ...zeroRegs.slice(3)],
        memory: emptyMemory,
      });
      expect(m.run()).toEqual({ kind: 'panic' });
      expect(m.getRegister(1)).toBe(expected);
    }
  });
});
