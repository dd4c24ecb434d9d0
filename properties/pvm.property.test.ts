/**
 * TypeScript-only invariants of the PVM (Appendix A) over generated programs and machines.
 * Differential properties (native vs ts) reuse the generators of `pvm.arbitraries.ts`.
 */
import fc from 'fast-check';
import * as O from 'fp-ts/lib/Option.js';
import { describe, expect, it } from 'vitest';
import { type ExitReason, type PvmEngine, type PvmInit, type PvmInstance, PsiM, Y, deblob, encodeBlob, tsEngine } from '../model/pvm/index.js';
import { op } from '../model/pvm/opcodes.js';
import { toHex } from '../spec/bytes.js';
import { arbBytes, arbPvmInit, arbProgram } from './pvm.arbitraries.js';
import { crosscheck, toPvmVector } from './pvm.crosscheck.js';

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
        if (d._tag === 'Right') expect({ c: [...d.right.c], k: [...d.right.k], j: Array.from({ length: d.right.j.length }, (_, i) => d.right.j.at(i)) }).toEqual({ c: [...c], k: [...k], j });
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

describe('pvm rows no vector executes', () => {
  it('A.28 sbrk (row 101) as a heap pointer from the end of the heap region of Y', () => {
    // |o| = 0, w = [1, 2, 3], z = 1: the heap region is [2 Z_Z, 2 Z_Z + P(3) + Z_P), h starts at its end.
    // omega_1 = sbrk(omega_2); omega_3 = sbrk(omega_4); omega_5 = sbrk(omega_6); trap
    const code = blob([op.sbrk, 0x21, op.sbrk, 0x43, op.sbrk, 0x65, op.trap], [0, 2, 4, 6]);
    const p = Uint8Array.from([0, 0, 0, 3, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, code.length, 0, 0, 0, ...code]);
    const init = Y(p, new Uint8Array(0));
    if (O.isNone(init)) throw new Error('Y failed');
    const h = 2 * 2 ** 16 + 2 * 4096;
    expect(init.value.memory.heapStart).toBe(h);
    const registers = [...init.value.registers];
    registers[2] = 0n;
    registers[4] = 5000n;
    registers[6] = 0n;
    const m = instantiate({ program: init.value.code, pc: 0, gas: 10n, registers, memory: init.value.memory });
    expect(m.run()).toEqual({ kind: 'panic' });
    expect([m.getRegister(1), m.getRegister(3), m.getRegister(5)]).toEqual([BigInt(h), BigInt(h), BigInt(h + 5000)]);
    expect(m.writeMemory(h, new Uint8Array(8192))).toBe(true);
    expect(m.writeMemory(h + 8192, new Uint8Array(1))).toBe(false);
    expect([...(m.readMemory(2 * 2 ** 16, 3) ?? [])]).toEqual([1, 2, 3]);
  });

  it('A.28 sbrk: answers and advances a byte-precise pointer, maps the pages it passes, refuses 2^32', () => {
    // omega_{2i} = sbrk(omega_{2i+1}) for i = 0..5; trap
    const code = blob([...[0, 1, 2, 3, 4, 5].flatMap((i) => [op.sbrk, 2 * i + ((2 * i + 1) << 4)]), op.trap], [0, 2, 4, 6, 8, 10, 12]);
    const arbSize = fc.oneof(fc.constant(0n), fc.bigInt({ min: 1n, max: 20_000n }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }));
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.array(arbSize, { minLength: 6, maxLength: 6 }), (h0, sizes) => {
        const registers = [...zeroRegs];
        sizes.forEach((n, i) => (registers[2 * i + 1] = n));
        const m = instantiate({ program: code, pc: 0, gas: 10n, registers, memory: { ...emptyMemory, heapStart: h0 } });
        expect(m.run()).toEqual({ kind: 'panic' });
        let h = h0;
        const mapped: number[] = [];
        sizes.forEach((n, i) => {
          if (n === 0n) expect(m.getRegister(2 * i)).toBe(BigInt(h));
          else if (BigInt(h) + n >= 2n ** 32n) expect(m.getRegister(2 * i)).toBe(0n);
          else {
            expect(m.getRegister(2 * i)).toBe(BigInt(h));
            if (h + Number(n) > Math.ceil(h / 4096) * 4096) mapped.push(Math.ceil(h / 4096) * 4096, h + Number(n) - 1);
            h += Number(n);
          }
        });
        // The first and last byte of each newly covered range are writable; the page at P(h) and
        // the one below P(h0) are not.
        for (const a of mapped) expect(m.writeMemory(a, new Uint8Array(1))).toBe(true);
        const top = Math.ceil(h / 4096) * 4096;
        if (top < 2 ** 32) expect(m.writeMemory(top, new Uint8Array(1))).toBe(false);
        const bottom = Math.ceil(h0 / 4096) * 4096 - 4096;
        if (bottom >= 0) expect(m.writeMemory(bottom, new Uint8Array(1))).toBe(false);
      }),
      { numRuns: 2000 },
    );
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

describe('pvm cases in the vectors format', () => {
  it('toPvmVector records the ts outcome: rerunning its initial state gives its expected state', () => {
    fc.assert(
      fc.property(arbPvmInit, (init) => {
        const v = toPvmVector('generated', init, tsEngine);
        if (typeof v === 'string') return;
        const m = instantiate(init);
        const exit = runToEnd(m);
        expect(v['expected-status']).toBe(exit.kind === 'fault' ? 'page-fault' : exit.kind);
        expect(v['expected-regs']).toEqual(Array.from({ length: 13 }, (_, i) => m.getRegister(i)));
        expect(v['expected-gas']).toBe(m.gas);
        const memory = new Uint8Array(8192);
        for (const c of v['expected-memory'] as Array<{ address: number; contents: number[] }>)
          if (c.address >= 0x20000) memory.set(c.contents, c.address - 0x20000);
        expect(toHex(memory)).toBe(toHex(m.readMemory(0x20000, 8192) ?? new Uint8Array(0)));
      }),
      { numRuns: 200 },
    );
  });
});

describe('pvm decoding and invocation edges (from the text of A.2, A.37-A.44)', () => {
  const standard = (code: Uint8Array, o: ReadonlyArray<number> = [], w: ReadonlyArray<number> = []): Uint8Array =>
    Uint8Array.from([
      o.length, 0, 0, w.length, 0, 0, 0, 0, 0, 0x10, 0, ...o, ...w,
      code.length & 0xff, code.length >> 8, 0, 0, ...code,
    ]);

  it('A.2: deblob refuses non-canonical naturals, set padding bits, trailing octets and entries of 2^64 or more', () => {
    const ok = blob([op.trap], [0]);
    expect(deblob(ok)._tag).toBe('Right');
    expect(deblob(Uint8Array.from([0x80, 0x00, 0, 1, 0, 1]))._tag).toBe('Left'); // |j| = 0 written in two octets
    expect(deblob(Uint8Array.from([0, 0, 1, 0, 0b11]))._tag).toBe('Left'); // bit 1 of k set with |c| = 1
    expect(deblob(Uint8Array.from([...ok, 0]))._tag).toBe('Left');
    expect(deblob(Uint8Array.from([1, 9, 1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 1]))._tag).toBe('Left'); // 9-octet entry >= 2^64
    expect(deblob(Uint8Array.from([1, 9, 1, 5, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]))._tag).toBe('Right');
  });

  it('A.37: Y is none for arguments over Z_I or a short or overlong blob; the largest sections fit (A.41)', () => {
    const code = blob([op.trap], [0]);
    expect(O.isSome(Y(standard(code), new Uint8Array(0)))).toBe(true);
    expect(O.isNone(Y(standard(code), new Uint8Array(2 ** 24 + 1)))).toBe(true);
    expect(O.isNone(Y(standard(code).subarray(0, 12), new Uint8Array(0)))).toBe(true);
    expect(O.isNone(Y(Uint8Array.from([...standard(code), 0]), new Uint8Array(0)))).toBe(true);
    // A.41 cannot fail: with |o|, |w|, s < 2^24 and z < 2^16 the sum stays below 2^29 + 2^27.
    const largest = standard(code);
    largest.set([0xff, 0xff], 6);
    largest.set([0xff, 0xff, 0xff], 8);
    expect(O.isSome(Y(largest, new Uint8Array(0)))).toBe(true);
  });

  it('A.35/A.44: host calls go to f, which sees and changes the machine; its exit ends Psi_H', () => {
    // ecalli 7; jump_ind r0 + 0 (halt, r0 = 2^32 - 2^16 from Y)
    const p = standard(blob([op.ecalli, 7, op.jump_ind, 0], [0, 2]), [], [1, 2, 3, 4]);
    const heap = 2 * 2 ** 16; // 2 Z_Z + Z(|o|), |o| = 0
    const calls: number[] = [];
    const answer = PsiM(tsEngine)(p, 0, 100n, Uint8Array.from([9]), (id, m, n: number) => {
      calls.push(id, Number(m.gas));
      expect([...(m.readMemory(Number(m.getRegister(7)), Number(m.getRegister(8))) ?? [])]).toEqual([9]);
      m.setRegister(7, BigInt(heap));
      m.setRegister(8, 4n);
      m.gas -= 10n;
      return { exit: 'continue', x: n + 1 };
    }, 0);
    expect(calls).toEqual([7, 99]);
    expect(answer.x).toBe(1);
    expect(answer.gasUsed).toBe(12n);
    expect(answer.result instanceof Uint8Array ? [...answer.result] : answer.result).toEqual([1, 2, 3, 4]);
    const panicked = PsiM(tsEngine)(p, 0, 100n, new Uint8Array(0), (_id, _m, n: number) => ({ exit: 'panic', x: n + 1 }), 0);
    expect(panicked).toEqual({ gasUsed: 1n, result: 'panic', x: 1 });
  });
});
