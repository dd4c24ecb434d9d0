/**
 * Differential property: the native engine (`native/pvm`) and the TypeScript reference
 * (`model/pvm`) run the same generated programs from the same registers, memory and gas, and
 * must agree after every exit on the exit reason, pc, gas, registers and memory. Host-call exits
 * are resumed on both after the same random register change. A second property feeds garbage
 * (blobs, numbers, page maps) to the native binding: it must answer or throw a `PVM_*` error,
 * never crash the process.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ExitReason, MemoryLayout, PvmEngine, PvmInit, PvmInstance } from '../model/pvm/engine.js';
import { PsiM, tsEngine, tsPvm } from '../model/pvm/index.js';
import { nativeEngine, nativePvm, type Recompile } from '../model/pvm/native.js';
import { paperReadings, readingCatalogue, type PvmReadings } from '../spec/readings.js';
import { loadNative } from '../model/native.js';
import { Writer } from '../spec/codec.js';
import { type Group, instructions, terminators } from '../model/pvm/opcodes.js';
import { arbPvmInit } from './pvm.arbitraries.js';
import { crosscheck } from './pvm.crosscheck.js';

const PAGE = 4096;
/** Generated memory lives in [REGION, REGION_END); sbrk may also map below it (h = 0). */
const REGION = 0x10000;
const REGION_END = REGION + 8 * PAGE;
const TOP_PAGE = 2 ** 32 - PAGE;
const HALT_ADDRESS = 0xffff0000n;

// ---- operands --------------------------------------------------------------------------------

/** A value and the number of octets its immediate keeps (0..4); the decoder sign-extends them. */
const arbImmValue = fc.oneof(
  { weight: 3, arbitrary: fc.integer({ min: -16, max: 16 }) },
  { weight: 2, arbitrary: fc.integer({ min: REGION - 64, max: REGION_END + 64 }) },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 0x7fffffff, -0x80000000, 0xffff, 0x10000) },
);
const le = (value: number | bigint, length: number): number[] => {
  const v = BigInt.asUintN(64, BigInt(value));
  return Array.from({ length }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));
};
const arbImm = fc.tuple(arbImmValue, fc.integer({ min: 0, max: 4 })).map(([v, l]) => le(v, l));
/** A register nibble: mostly 0..12, sometimes 13..15 (the decoder clamps to 12). */
const arbReg = fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 0, max: 12 }) }, { weight: 1, arbitrary: fc.integer({ min: 13, max: 15 }) });
/** A branch target: a basic block (resolved after layout) plus a small skew, 0 mostly. */
const arbTarget = fc.tuple(fc.nat({ max: 63 }), fc.oneof({ weight: 8, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: -3, max: 3 }) }));

/** One instruction before layout: its octets, with an optional 4-octet offset to resolve at `offsetAt`. */
interface Draft {
  readonly octets: number[];
  readonly target?: readonly [number, number];
}

const arbOperands = (opcode: number, category: Group): fc.Arbitrary<Draft> => {
  switch (category) {
    case 'noArgs':
      return fc.constant({ octets: [opcode] });
    case 'oneImm':
      return arbImm.map((x) => ({ octets: [opcode, ...x] }));
    case 'oneRegExtImm':
      return fc.tuple(arbReg, fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })).map(([r, x]) => ({ octets: [opcode, r, ...le(x, 8)] }));
    case 'twoImm':
      return fc.tuple(arbImm, arbImm, fc.nat({ max: 31 })).map(([x, y, junk]) => ({ octets: [opcode, x.length | (junk << 3), ...x, ...y] }));
    case 'oneOffset':
      return arbTarget.map((t) => ({ octets: [opcode], target: t }));
    case 'oneRegOneImm':
      return fc.tuple(arbReg, fc.nat({ max: 15 }), arbImm).map(([r, junk, x]) => ({ octets: [opcode, r | (junk << 4), ...x] }));
    case 'oneRegTwoImm':
      return fc.tuple(arbReg, arbImm, arbImm).map(([r, x, y]) => ({ octets: [opcode, r | (x.length << 4), ...x, ...y] }));
    case 'oneRegImmOffset':
      return fc.tuple(arbReg, arbImm, arbTarget).map(([r, x, t]) => ({ octets: [opcode, r | (x.length << 4), ...x], target: t }));
    case 'twoReg':
      return fc.tuple(arbReg, arbReg).map(([d, a]) => ({ octets: [opcode, d | (a << 4)] }));
    case 'twoRegOneImm':
      return fc.tuple(arbReg, arbReg, arbImm).map(([a, b, x]) => ({ octets: [opcode, a | (b << 4), ...x] }));
    case 'twoRegOneOffset':
      return fc.tuple(arbReg, arbReg, arbTarget).map(([a, b, t]) => ({ octets: [opcode, a | (b << 4)], target: t }));
    case 'twoRegTwoImm':
      return fc
        .tuple(arbReg, arbReg, arbImm, arbImm)
        .map(([a, b, x, y]) => ({ octets: [opcode, a | (b << 4), x.length, ...x, ...y] }));
    case 'threeReg':
      return fc.tuple(arbReg, arbReg, fc.nat({ max: 15 })).map(([a, b, d]) => ({ octets: [opcode, a | (b << 4), d] }));
  }
};

/** Any instruction of the table; the block terminators less often, so that programs run longer. */
const arbInstruction: fc.Arbitrary<Draft> = fc.oneof(
  ...instructions.map(([n, , category]) => ({ weight: terminators.has(n) ? 1 : 4, arbitrary: arbOperands(n, category) })),
);

/** The natural serialization E of A.2's lengths (C.6), for lengths below 2^14. */
const natural = (x: number): number[] => (x < 0x80 ? [x] : [0x80 | (x >> 8), x & 0xff]);

/** Lays drafts out: resolves offsets, builds k, a jump table of instruction starts, and the blob. */
const layout = (drafts: ReadonlyArray<Draft>, tableTargets: ReadonlyArray<number>, z: number, flips: ReadonlyArray<number>): { blob: Uint8Array; starts: number[] } => {
  const starts: number[] = [];
  let at = 0;
  for (const d of drafts) {
    starts.push(at);
    at += d.octets.length + (d.target === undefined ? 0 : 4);
  }
  // Branch targets are mostly basic-block starts (A.5: 0 and the instruction after a terminator).
  const blocks = [0, ...drafts.flatMap((d, i) => (terminators.has(d.octets[0] ?? 0) && i + 1 < drafts.length ? [i + 1] : []))];
  const code: number[] = [];
  drafts.forEach((d, i) => {
    code.push(...d.octets);
    if (d.target !== undefined) {
      const [index, skew] = d.target;
      const to = (starts[blocks[index % blocks.length] ?? 0] ?? 0) + skew;
      code.push(...le(to - (starts[i] ?? 0), 4));
    }
  });
  const k = new Array<number>(Math.ceil(code.length / 8)).fill(0);
  for (const s of starts) k[s >> 3] = (k[s >> 3] ?? 0) | (1 << (s & 7));
  // A few flipped bits make instructions start (or stop starting) mid-operand.
  for (const f of flips) if (code.length > 0) k[(f % code.length) >> 3] = (k[(f % code.length) >> 3] ?? 0) ^ (1 << ((f % code.length) & 7));
  if (code.length % 8 !== 0) k[k.length - 1] = (k[k.length - 1] ?? 0) & ((1 << (code.length % 8)) - 1);
  const j = tableTargets.flatMap((t) => le(starts[t % Math.max(1, starts.length)] ?? t, z));
  return { blob: Uint8Array.from([...natural(tableTargets.length), z, ...natural(code.length), ...j, ...code, ...k]), starts };
};

// ---- machine state -----------------------------------------------------------------------------

const arbRegister = (tableSize: number): fc.Arbitrary<bigint> =>
  fc.oneof(
    fc.constantFrom(0n, 1n, 2n ** 63n, 2n ** 64n - 1n, 2n ** 32n - 1n, 2n ** 31n, HALT_ADDRESS, 2n ** 32n),
    { weight: 4, arbitrary: fc.integer({ min: REGION - 16, max: REGION_END + 16 }).map(BigInt) },
    fc.integer({ min: 0, max: tableSize + 1 }).map((i) => BigInt(2 * i)),
    fc.integer({ min: -100, max: 100 }).map((i) => BigInt.asUintN(64, BigInt(i))),
    fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
  );

const arbLayout: fc.Arbitrary<MemoryLayout> = fc
  .record({
    pages: fc.uniqueArray(fc.record({ page: fc.nat({ max: (REGION_END - REGION) / PAGE - 1 }), write: fc.boolean() }), {
      maxLength: 8,
      selector: (p) => p.page,
    }),
    top: fc.boolean(),
    fill: fc.array(fc.record({ which: fc.nat(), offset: fc.nat({ max: PAGE - 1 }), data: fc.uint8Array({ minLength: 1, maxLength: 64 }) }), { maxLength: 4 }),
    // sbrk's heap pointer is byte-precise: starts off a page boundary exercise its rounding P(h).
    heap: fc.option(fc.oneof(fc.integer({ min: REGION / PAGE, max: REGION_END / PAGE }).map((p) => p * PAGE), fc.integer({ min: REGION, max: REGION_END })), { nil: undefined }),
  })
  .map(({ pages, top, fill, heap }) => {
    const mapped = [
      ...pages.map((p) => ({ address: REGION + p.page * PAGE, length: PAGE, access: p.write ? ('write' as const) : ('read' as const) })),
      ...(top ? [{ address: TOP_PAGE, length: PAGE, access: 'write' as const }] : []),
    ];
    const contents = mapped.length === 0 ? [] : fill.map((f) => {
      const page = mapped[f.which % mapped.length]!;
      return { address: page.address + f.offset, data: f.data.slice(0, PAGE - f.offset) };
    });
    return heap === undefined ? { pages: mapped, contents } : { pages: mapped, contents, heapStart: heap };
  });

interface Case {
  readonly init: PvmInit;
  /** Register changes applied on both engines at each host-call exit. */
  readonly hostChanges: ReadonlyArray<readonly [number, bigint]>;
  readonly hasSbrk: boolean;
}

const arbProgramCase: fc.Arbitrary<Case> = fc
  .record({
    drafts: fc.array(arbInstruction, { minLength: 1, maxLength: 24 }),
    loop: fc.oneof({ weight: 3, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    table: fc.array(fc.nat({ max: 63 }), { maxLength: 6 }),
    // Entry sizes z over the whole octet: 0 (every entry 0), 1..8, and widths above 64 bits.
    z: fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.integer({ min: 0, max: 255 }) }),
    flips: fc.oneof({ weight: 5, arbitrary: fc.constant([]) }, { weight: 1, arbitrary: fc.array(fc.nat(), { maxLength: 3 }) }),
    pcPick: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.nat({ max: 200 }) }),
    gas: fc.oneof(fc.integer({ min: 0, max: 40 }).map(BigInt), fc.integer({ min: 0, max: 3000 }).map(BigInt)),
    memory: arbLayout,
    hostChanges: fc.array(fc.tuple(fc.nat({ max: 12 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), { minLength: 8, maxLength: 8 }),
    registers: fc.array(arbRegister(6), { minLength: 13, maxLength: 13 }),
  })
  .map(({ drafts, loop, table, z, flips, pcPick, gas, memory, hostChanges, registers }) => {
    // Most programs end by jumping back to the start, so that they run until gas or an exception stops them.
    const body = loop ? [...drafts, { octets: [40], target: [0, 0] as const }] : drafts;
    const { blob, starts } = layout(body, table, z, flips);
    const pc = pcPick === 0 ? 0 : (starts[pcPick % starts.length] ?? 0) + (pcPick % 7 === 0 ? 1 : 0);
    return { init: { program: blob, pc, gas, registers, memory }, hostChanges, hasSbrk: drafts.some((d) => d.octets[0] === 101) };
  });

/** A valid header around random code and bitmask octets. */
const arbRandomCode: fc.Arbitrary<Case> = fc
  .record({
    code: fc.uint8Array({ minLength: 1, maxLength: 96 }),
    k: fc.uint8Array({ minLength: 12, maxLength: 12 }),
    gas: fc.integer({ min: 0, max: 500 }).map(BigInt),
    memory: arbLayout,
    registers: fc.array(arbRegister(0), { minLength: 13, maxLength: 13 }),
    hostChanges: fc.array(fc.tuple(fc.nat({ max: 12 }), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n })), { minLength: 8, maxLength: 8 }),
  })
  .map(({ code, k, gas, memory, registers, hostChanges }) => {
    const bits = Array.from(k.slice(0, Math.ceil(code.length / 8)));
    if (code.length % 8 !== 0) bits[bits.length - 1] = (bits[bits.length - 1] ?? 0) & ((1 << (code.length % 8)) - 1);
    const program = Uint8Array.from([0, 0, ...natural(code.length), ...code, ...bits]);
    return { init: { program, pc: 0, gas, registers, memory }, hostChanges, hasSbrk: code.includes(101) };
  });

/** The fields of A.2's blob, each as octets, in order: E(|j|), E_1(z), E(|c|), E_z(j), E(c), E(k). */
const blobFields = (jLength: bigint, z: number, cLength: number, j: ReadonlyArray<ReadonlyArray<number>>, c: ReadonlyArray<number>, k: ReadonlyArray<number>): number[][] => {
  const E = (x: bigint | number): number[] => {
    const w = new Writer();
    w.natural(x);
    return [...w.result()];
  };
  return [E(jLength), [z], E(cLength), j.flat(), [...c], [...k]];
};

/**
 * Blobs at every decoding boundary of deblob (A.2): a valid blob with entries of z = 0..255
 * octets (some with octets above the eighth set, i.e. entries of 2^64 or more), then cut short at
 * or next to a field boundary, or with |j|, z or |c| off by one, or |j| large (z = 0 makes it
 * cost no octets), or a trailing octet, or a padding bit of k set.
 */
const arbBoundaryBlob: fc.Arbitrary<Case> = fc
  .record({
    z: fc.oneof(fc.constantFrom(0, 1, 2, 4, 8, 9, 16, 255), fc.integer({ min: 0, max: 255 })),
    entries: fc.array(fc.tuple(fc.nat({ max: 40 }), fc.option(fc.tuple(fc.nat({ max: 254 }), fc.integer({ min: 1, max: 255 })), { freq: 3 })), { maxLength: 3 }),
    code: fc.array(fc.oneof(fc.constantFrom(0, 1, 40, 50, 51), fc.nat({ max: 255 })), { minLength: 0, maxLength: 20 }),
    mutation: fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.record({ kind: fc.constant('cut' as const), field: fc.nat({ max: 6 }), skew: fc.integer({ min: -1, max: 1 }) }),
      fc.record({ kind: fc.constant('offByOne' as const), field: fc.constantFrom('j', 'z', 'c'), delta: fc.constantFrom(-1, 1) }),
      fc.record({ kind: fc.constant('largeJ' as const), jLength: fc.constantFrom(2n ** 14n, 2n ** 32n, 2n ** 63n, 2n ** 64n - 1n), zero: fc.boolean() }),
      fc.constant({ kind: 'trailing' as const }),
      fc.constant({ kind: 'padding' as const }),
    ),
    gas: fc.integer({ min: 0, max: 50 }).map(BigInt),
    registers: fc.array(arbRegister(3), { minLength: 13, maxLength: 13 }),
  })
  .map(({ z, entries, code, mutation, gas, registers }) => {
    const j = entries.map(([value, high]) => {
      const octets = le(value, z);
      if (high !== null && z > 8) octets[8 + (high[0] % (z - 8))] = high[1];
      return octets;
    });
    const k = new Array<number>(Math.ceil(code.length / 8)).fill(0);
    for (let i = 0; i < code.length; i += 2) k[i >> 3]! |= 1 << (i & 7);
    let jLength = BigInt(j.length);
    let zField = z;
    let cLength = code.length;
    if (mutation.kind === 'offByOne') {
      if (mutation.field === 'j') jLength = jLength + BigInt(mutation.delta) < 0n ? 1n : jLength + BigInt(mutation.delta);
      if (mutation.field === 'z') zField = (z + mutation.delta + 256) % 256;
      if (mutation.field === 'c') cLength = Math.max(0, cLength + mutation.delta);
    }
    if (mutation.kind === 'largeJ') {
      jLength = mutation.jLength;
      if (mutation.zero) zField = 0;
    }
    if (mutation.kind === 'padding' && code.length % 8 !== 0) k[k.length - 1]! |= 0x80;
    const fields = blobFields(jLength, zField, cLength, zField === 0 && mutation.kind === 'largeJ' ? [] : j, code, k);
    let octets = fields.flat();
    if (mutation.kind === 'cut') {
      const boundary = fields.slice(0, mutation.field).reduce((n, f) => n + f.length, 0);
      octets = octets.slice(0, Math.max(0, Math.min(octets.length - 1, boundary + mutation.skew)));
    }
    if (mutation.kind === 'trailing') octets.push(0);
    return {
      init: { program: Uint8Array.from(octets), pc: 0, gas, registers, memory: { pages: [], contents: [] } },
      hostChanges: [],
      hasSbrk: false,
    };
  });

/** Random octets as a blob: almost always rejected by deblob, by both engines alike. */
const arbRandomBlob: fc.Arbitrary<Case> = fc.uint8Array({ maxLength: 40 }).map((program) => ({
  init: { program, pc: 0, gas: 100n, registers: new Array<bigint>(13).fill(0n), memory: { pages: [], contents: [] } },
  hostChanges: [],
  hasSbrk: false,
}));

// ---- comparison ---------------------------------------------------------------------------------

const show = (e: ExitReason): string => (e.kind === 'fault' ? `fault@0x${e.address.toString(16)}` : e.kind === 'host' ? `host(${e.id})` : e.kind);

/** The pages whose contents and access are compared: the layout's and, with sbrk, all below 16 pages past the region (where small requests land). */
const pagesToCompare = (c: Case): number[] => {
  const pages = new Set(c.init.memory.pages.map((p) => p.address));
  if (c.hasSbrk) for (let a = 0; a < REGION_END + 16 * PAGE; a += PAGE) pages.add(a);
  return [...pages].sort((a, b) => a - b);
};

/** Every difference between the two machines, as readable lines (empty when they agree). */
const differences = (c: Case, ts: PvmInstance, native: PvmInstance, exits: readonly [ExitReason, ExitReason]): string[] => {
  const d: string[] = [];
  if (show(exits[0]) !== show(exits[1])) d.push(`exit: ts ${show(exits[0])}, native ${show(exits[1])}`);
  if (ts.pc !== native.pc) d.push(`pc: ts ${ts.pc}, native ${native.pc}`);
  if (ts.gas !== native.gas) d.push(`gas: ts ${ts.gas}, native ${native.gas}`);
  for (let i = 0; i < 13; i++)
    if (ts.getRegister(i) !== native.getRegister(i)) d.push(`r${i}: ts ${ts.getRegister(i)}, native ${native.getRegister(i)}`);
  for (const page of pagesToCompare(c)) {
    const a = ts.readMemory(page, PAGE);
    const b = native.readMemory(page, PAGE);
    if ((a === undefined) !== (b === undefined)) {
      d.push(`page 0x${page.toString(16)} readable: ts ${a !== undefined}, native ${b !== undefined}`);
      continue;
    }
    if (a === undefined || b === undefined) continue;
    const at = a.findIndex((x, i) => x !== b[i]);
    if (at >= 0) d.push(`memory[0x${(page + at).toString(16)}]: ts ${a[at]}, native ${b[at]}`);
    if (c.hasSbrk && ts.writeMemory(page, a) !== native.writeMemory(page, a)) d.push(`page 0x${page.toString(16)} writability differs`);
  }
  return d;
};

/** Runs a case on both engines through up to 8 host calls; returns the differences found. */
const runBoth = (c: Case, engines: readonly [PvmEngine, PvmEngine] = [tsEngine, nativeEngine]): string[] => {
  const ts = engines[0].instantiate(c.init);
  const native = engines[1].instantiate(c.init);
  if (typeof ts === 'string' || typeof native === 'string')
    return (typeof ts === 'string') === (typeof native === 'string') ? [] : [`deblob: ts ${typeof ts === 'string' ? ts : 'ok'}, native ${typeof native === 'string' ? native : 'ok'}`];
  try {
    for (let step = 0; ; step++) {
      const exits = [ts.run(), native.run()] as const;
      const d = differences(c, ts, native, exits);
      if (d.length > 0) return [`after exit ${step}:`, ...d];
      const change = c.hostChanges[step];
      if (exits[0].kind !== 'host' || change === undefined) return [];
      ts.setRegister(change[0], change[1]);
      native.setRegister(change[0], change[1]);
    }
  } finally {
    ts.dispose();
    native.dispose();
  }
};

const describeCase = (c: Case): string =>
  `program 0x${Buffer.from(c.init.program).toString('hex')} pc ${c.init.pc} gas ${c.init.gas} regs [${c.init.registers.join(', ')}] ` +
  `memory ${JSON.stringify(c.init.memory, (_k, v: unknown) => (v instanceof Uint8Array ? Buffer.from(v).toString('hex') : v))}`;

const agree = (c: Case, readings?: PvmReadings, recompile: Recompile = 'hot'): void => {
  const d = runBoth(c, readings === undefined && recompile === 'hot' ? undefined : [tsPvm(readings ?? paperReadings), nativePvm(readings ?? paperReadings, recompile)]);
  if (d.length > 0)
    throw new Error(`engines differ${readings === undefined ? '' : ` under ${JSON.stringify(readings)}`} (recompile ${recompile}) on ${describeCase(c)}\n  ${d.join('\n  ')}`);
};

/** Any choice of the PVM's readings (each of `spec/readings.ts`'s alternatives). */
const alternativesOf = <N extends keyof PvmReadings>(name: N): ReadonlyArray<PvmReadings[N]> =>
  Object.keys(readingCatalogue[name].alternatives) as unknown as ReadonlyArray<PvmReadings[N]>;
const arbPvmReadings: fc.Arbitrary<PvmReadings> = fc.record({
  'pvm-exit-pc': fc.constantFrom(...alternativesOf('pvm-exit-pc')),
  'pvm-gas': fc.constantFrom(...alternativesOf('pvm-gas')),
  'pvm-exception-gas': fc.constantFrom(...alternativesOf('pvm-exception-gas')),
});

// ---- the properties ----------------------------------------------------------------------------

/** Cases per run: at least 20,000 generated programs (measured: a few seconds on one core). */
const RUNS = 20_000;

describe('pvm: native engine = TypeScript reference', () => {
  it(`agrees on ${RUNS} generated programs (instruction streams, random code, blobs at every deblob boundary, random blobs)`, () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 16, arbitrary: arbProgramCase },
          { weight: 3, arbitrary: arbRandomCode },
          { weight: 2, arbitrary: arbBoundaryBlob },
          { weight: 1, arbitrary: arbRandomBlob },
        ),
        (c) => agree(c),
      ),
      { numRuns: RUNS },
    );
  });

  it('agrees under every choice of the PVM readings on 8,000 generated programs', () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 4, arbitrary: arbProgramCase }, { weight: 1, arbitrary: arbRandomCode }),
        arbPvmReadings,
        (c, readings) => agree(c, readings),
      ),
      { numRuns: 8_000 },
    );
  });

  it(`agrees on ${RUNS} generated programs with the native engine's recompiled code from the first run, under every choice of the readings`, () => {
    fc.assert(
      fc.property(
        fc.oneof({ weight: 16, arbitrary: arbProgramCase }, { weight: 3, arbitrary: arbRandomCode }, { weight: 2, arbitrary: arbBoundaryBlob }),
        arbPvmReadings,
        (c, readings) => agree(c, readings, 'always'),
      ),
      { numRuns: RUNS },
    );
  });

  it('agrees step by step (at most 300 steps) on 500 machines of the reference generator (pvm.arbitraries)', () => {
    fc.assert(
      fc.property(
        arbPvmInit,
        (init) => {
          const diff = crosscheck(tsEngine, nativeEngine, init, 300);
          if (diff !== undefined) throw new Error(`engines differ on ${describeCase({ init, hostChanges: [], hasSbrk: false })}\n${diff}`);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('agrees again on 2,000 programs run twice (the second time from the binding\'s decoded-program cache)', () => {
    fc.assert(
      fc.property(arbProgramCase, (c) => {
        agree(c);
        agree(c);
      }),
      { numRuns: 2_000 },
    );
  });

  it('A.2: a jump-table entry of 2^64 or more does not deblob, so Psi_M panics with no gas used on both engines', () => {
    // Code blob: |j| = 1, z = 9, j_0 = 2^64 (its ninth octet set), c = jump_ind r0 + 0, k = [1, 0].
    // Under Y, omega_0 = 2^32 - 2^16, so a machine that accepted the blob would halt and yield.
    const code = [1, 9, 2, 0, 0, 0, 0, 0, 0, 0, 0, 1, 50, 0, 0b01];
    const p = Uint8Array.from([...new Array<number>(11).fill(0), code.length, 0, 0, 0, ...code]);
    for (const engine of [tsEngine, nativeEngine])
      expect({ engine: engine.name, ...PsiM(engine)(p, 0, 100n, new Uint8Array(0), () => ({ exit: 'panic', x: 0 }), 0) }).toEqual({
        engine: engine.name,
        gasUsed: 0n,
        result: 'panic',
        x: 0,
      });
  });

  it('reading of A.1/A.8: with gas 0 a faulting access ends out of gas, gas -1; with gas 1 it faults, gas 0 (both engines)', () => {
    // store_imm_u8 [0x20000] = 0x12 with nothing mapped.
    const program = Uint8Array.from([0, 0, 6, 30, 3, 0, 0, 2, 0x12, 0b1]);
    for (const engine of [tsEngine, nativeEngine])
      for (const [gas, exit, after] of [[0n, { kind: 'out-of-gas' }, -1n], [1n, { kind: 'fault', address: 0x20000 }, 0n]] as const) {
        const m = engine.instantiate({ program, pc: 0, gas, registers: new Array<bigint>(13).fill(0n), memory: { pages: [], contents: [] } });
        if (typeof m === 'string') throw new Error(m);
        expect({ engine: engine.name, exit: m.run(), pc: m.pc, gas: m.gas }).toEqual({ engine: engine.name, exit, pc: 0, gas: after });
        m.dispose();
      }
  });

  it('agrees on a long-running loop with a host call in it', () => {
    // 0: ecalli 1; 2: fallthrough; 3: add_imm_64 r0 = r0 + 1; 6: branch_ne_imm r0 != 50000 -> 3; 15: trap.
    const code = [10, 1, 1, 149, 0x00, 1, 82, 0x30, 0x50, 0xc3, 0x00, 0xfd, 0xff, 0xff, 0xff, 0];
    const k = [0b0100_1101, 0b1000_0000];
    const program = Uint8Array.from([0, 0, code.length, ...code, ...k]);
    agree({
      init: { program, pc: 0, gas: 200_000n, registers: new Array<bigint>(13).fill(0n), memory: { pages: [], contents: [] } },
      hostChanges: [[0, 7n]],
      hasSbrk: false,
    });
  });
});

describe('pvm: garbage never crashes the native binding', () => {
  const { NativePvm } = loadNative();
  const arbNumber = fc.oneof(fc.double(), fc.integer(), fc.constantFrom(-1, 2 ** 32, 2 ** 32 - 1, 2 ** 53, NaN, Infinity, 0.5, -0));
  const arbBig = fc.oneof(fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }), fc.constantFrom(-1n, 0n, 2n ** 64n, 2n ** 64n - 1n));
  const arbPage = fc.record({ address: arbNumber, length: arbNumber, writable: fc.boolean() });
  const arbAlignedPage = fc.record({
    address: fc.nat({ max: 2 ** 20 - 1 }).map((p) => p * PAGE),
    length: fc.nat({ max: 64 }).map((n) => n * PAGE),
    writable: fc.boolean(),
  });

  it('declares a zero-width jump table of 2^63 entries without materialising it', () => {
    // |j| = 2^63, z = 0 (every entry E_0^-1 = 0), code: fallthrough; jump_ind r0 + 0.
    // (Found while developing: the TypeScript reference once built such a table entry by entry
    // and ran out of heap; both engines now read j through its length alone.)
    const program = Uint8Array.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0x80, 0, 3, 1, 50, 0, 0b011]);
    for (const engine of [nativeEngine, tsEngine]) {
      const m = engine.instantiate({ program, pc: 0, gas: 5n, registers: [6n, ...new Array<bigint>(12).fill(0n)], memory: { pages: [], contents: [] } });
      if (typeof m === 'string') throw new Error(m);
      expect(m.run()).toEqual({ kind: 'out-of-gas' });
      expect(m.pc).toBe(1);
      m.dispose();
    }
  });

  /** A stable code from the binding, or a result: anything else (or a crash) fails. */
  const tolerate = (f: () => void): void => {
    try {
      f();
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      if (typeof code !== 'string' || !code.startsWith('PVM_')) throw e;
    }
  };

  it('answers or throws a PVM_* error for 5,000 garbage inputs', () => {
    fc.assert(
      fc.property(
        fc.record({
          program: fc.oneof(fc.uint8Array({ maxLength: 64 }), arbProgramCase.map((c) => c.init.program)),
          pc: arbNumber,
          gas: arbBig,
          registers: fc.array(arbBig, { minLength: 11, maxLength: 14 }),
          pages: fc.array(fc.oneof(arbPage, arbAlignedPage), { maxLength: 4 }),
          contents: fc.array(fc.record({ address: arbNumber, data: fc.uint8Array({ maxLength: 16 }) }), { maxLength: 3 }),
          heap: fc.option(arbNumber, { nil: undefined }),
          probes: fc.array(fc.tuple(arbNumber, arbNumber, arbBig), { maxLength: 4 }),
        }),
        ({ program, pc, gas, registers, pages, contents, heap, probes }) => {
          tolerate(() => {
            const g = gas > 100_000n ? gas % 100_000n : gas;
            const m = new NativePvm(program, pc, g, registers, pages, contents, heap);
            const omega = new BigUint64Array(13);
            // The counter's magnitude and sign (the machine starts each run from them).
            const gasWords = BigUint64Array.of(g < 0n ? -g : g, g < 0n ? 1n : 0n);
            const exit = m.run(omega, gasWords);
            expect([0, 1, 2, 3, 4]).toContain(Math.floor(exit / 2 ** 32));
            for (const [address, length, value] of probes) {
              tolerate(() => m.readMemory(address, length % 65536));
              tolerate(() => m.readMemoryInto(address, new Uint8Array(Math.abs(length) % 64 | 0)));
              tolerate(() => m.writeMemory(address, new Uint8Array(4)));
              tolerate(() => m.run(new BigUint64Array(Math.abs(length) % 16 | 0), gasWords));
              tolerate(() => m.run(omega, new BigUint64Array(Math.abs(length) % 4 | 0)));
              omega[Math.abs(address) % 13 | 0] = BigInt.asUintN(64, value);
              gasWords[0] = BigInt.asUintN(64, value);
              tolerate(() => m.run(omega, gasWords));
            }
            tolerate(() => m.run(omega, gasWords));
            m.dispose();
            tolerate(() => m.run(omega, gasWords));
          });
        },
      ),
      { numRuns: 5_000 },
    );
  });
});
