/**
 * The host calls of Psi_I and Psi_R (Appendix B, B.2, B.6, B.16, B.18), one case per answer the
 * paper gives each: its register result, memory and context effects, and the gas (10 each).
 * The refine context and the inner machines run on both PVM engines.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { encode } from '../../spec/codec.js';
import { codecs, refineContext, workPackage } from '../../spec/codecs.js';
import type { AccumulationInput, ServiceAccount, WorkPackage } from '../../spec/types.js';
import { RESULT } from '../../model/accumulation/host-calls/common.js';
import { constantsBlob } from '../../model/accumulation/host-calls/general.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { RO, RW, UNMAPPED, account as emptyAccount, hash, machine, setRegisters, withProvided } from '../host-calls/fixture.js';
import { type PvmEngine, type PvmInstance, encodeBlob, tsEngine } from '../../model/pvm/index.js';
import { nativeEngine } from '../../model/pvm/native.js';
import type { GuestPage, PvmGuest } from '../../model/in-core/guest.js';
import { INNER, type RefineContextPair, emptyRefineContext, fetchCall } from '../../model/in-core/host-calls.js';
import { type RefineArguments, isAuthorizedDispatch, refineDispatch } from '../../model/in-core/invocations.js';

const SELF = 2n ** 64n - 1n;
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

const S = 7;
const account = (preimages: ReadonlyArray<readonly [Uint8Array, ReadonlyArray<number>]> = []): ServiceAccount =>
  preimages.reduce((a, [p, t]) => withProvided(a, p, t), emptyAccount());

const pkg: WorkPackage = {
  authCodeHost: S,
  authCodeHash: hash(1),
  context: {
    anchorHash: hash(2),
    anchorPostState: hash(3),
    anchorAccOutLog: hash(4),
    lookupAnchorHash: hash(5),
    lookupAnchorTime: 50,
    prerequisites: [],
  },
  authToken: bytes(9, 9),
  authConfig: bytes(8, 8, 8),
  workItems: [
    {
      serviceIndex: S,
      codeHash: hash(6),
      refGasLimit: 1000n,
      accGasLimit: 2000n,
      exportCount: 1,
      payload: bytes(1, 2, 3),
      importSegments: [{ treeRoot: hash(0x11), index: 0 }],
      extrinsics: [{ hash: blake2b256(bytes(0xe0)), len: 1 }],
    },
    {
      serviceIndex: S,
      codeHash: hash(6),
      refGasLimit: 1000n,
      accGasLimit: 2000n,
      exportCount: 0,
      payload: bytes(4),
      importSegments: [],
      extrinsics: [],
    },
  ],
};
const segment = (b: number): Uint8Array => new Uint8Array(tiny.Csegmentsize).fill(b);

const args = (fields: Partial<RefineArguments> = {}): RefineArguments => ({
  c: 1,
  i: 0,
  p: pkg,
  r: bytes(0xa0, 0xa1),
  imports: [[segment(0x51)], []],
  extrinsics: [[bytes(0xe0)], []],
  segoff: 0,
  ...fields,
});

interface Called {
  readonly exit: string;
  readonly x: RefineContextPair;
  readonly r7: bigint;
  readonly r8: bigint;
  readonly charged: bigint;
}

const refine = (
  id: number,
  m: PvmInstance,
  x: RefineContextPair = emptyRefineContext,
  fields: Partial<RefineArguments> = {},
  engine: PvmEngine = tsEngine,
  delta: ReadonlyMap<number, ServiceAccount> = new Map([[S, account()]]),
): Called => {
  const before = m.gas;
  const answer = refineDispatch(tiny, engine, delta, args(fields))(id, m, x);
  return { exit: answer.exit, x: answer.x, r7: m.getRegister(7), r8: m.getRegister(8), charged: before - m.gas };
};

describe('the dispatch of Psi_R (B.6) and Psi_I (B.2)', () => {
  it('gas = 0: omega_7 is the gas left after its 10', () => {
    expect(refine(0, machine(1000n))).toMatchObject({ exit: 'continue', r7: 990n, charged: 10n });
  });
  it('any call runs out of gas below 10, registers unchanged (B.17)', () => {
    const m = machine(9n);
    setRegisters(m, 7, [123]);
    expect(refine(12, m)).toMatchObject({ exit: 'out-of-gas', r7: 123n });
  });
  it.each([2, 3, 4, 5, 14, 26, 100])('Psi_R: id %i is not a refine call: 10 gas and WHAT', (id) => {
    expect(refine(id, machine(100n))).toMatchObject({ exit: 'continue', r7: RESULT.WHAT, charged: 10n });
  });
  it.each([6, 7, 8, 12, 13])('Psi_I: id %i (a refine call) is WHAT', (id) => {
    const m = machine(100n);
    const answer = isAuthorizedDispatch(tiny, pkg)(id, m, null);
    expect(answer.exit).toBe('continue');
    expect(m.getRegister(7)).toBe(RESULT.WHAT);
    expect(m.gas).toBe(90n);
  });
});

describe('fetch = 1 (B.16) as Psi_R gives it (p, H_0, r, i, i-bar, x-bar)', () => {
  const fetched = (kind: number, r11 = 0, r12 = 0, fields: Partial<RefineArguments> = {}): { r7: bigint; out: Uint8Array } => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 0, 0x4000, kind, r11, r12]);
    const r = refine(1, m, emptyRefineContext, fields);
    const out = r.r7 < 0x4000n ? m.readMemory(RW, Number(r.r7))! : new Uint8Array(0);
    return { r7: r.r7, out };
  };
  it.each<[string, number, number, number, Uint8Array]>([
    ['0: the constants c', 0, 0, 0, constantsBlob(tiny)],
    ['1: n = H_0', 1, 0, 0, new Uint8Array(32)],
    ['2: the trace r', 2, 0, 0, bytes(0xa0, 0xa1)],
    ['3: x-bar[0][0]', 3, 0, 0, bytes(0xe0)],
    ['4: x-bar[i][0]', 4, 0, 0, bytes(0xe0)],
    ['5: i-bar[0][0]', 5, 0, 0, segment(0x51)],
    ['6: i-bar[i][0]', 6, 0, 0, segment(0x51)],
    ['7: E(p)', 7, 0, 0, encode(workPackage, pkg)],
    ['8: p_f', 8, 0, 0, pkg.authConfig],
    ['9: p_j', 9, 0, 0, pkg.authToken],
    ['10: E(p_x)', 10, 0, 0, encode(refineContext, pkg.context)],
    ['13: the payload of item 1', 13, 1, 0, bytes(4)],
  ])('variant %s', (_name, kind, r11, r12, expected) => {
    const { r7, out } = fetched(kind, r11, r12);
    expect(r7).toBe(BigInt(expected.length));
    expect(toHex(out)).toBe(toHex(expected));
  });
  it('variant 12: S(w) = E_4(w_s) ++ w_c ++ E_8(w_g, w_a) ++ E_2(w_e, |w_i|, |w_x|) ++ E_4(|w_y|)', () => {
    const { out } = fetched(12, 0);
    expect(out.length).toBe(4 + 32 + 16 + 6 + 4);
    expect(out.subarray(0, 4)).toEqual(bytes(S, 0, 0, 0));
    expect(out.subarray(52, 62)).toEqual(bytes(1, 0, 1, 0, 1, 0, 3, 0, 0, 0));
    expect(fetched(11).out.subarray(0, 1)).toEqual(bytes(2));
    expect(toHex(fetched(11).out.subarray(1, 63))).toBe(toHex(out));
  });
  it.each<[string, number, number, number]>([
    ['3 past the items', 3, 2, 0],
    ['3 past the extrinsics', 3, 0, 1],
    ['4 past the extrinsics of i', 4, 1, 0],
    ['5 past the imports', 5, 1, 0],
    ['12 past the items', 12, 2, 0],
    ['13 past the items', 13, 5, 0],
    ['14 (no inputs in refine)', 14, 0, 0],
    ['15 (no inputs in refine)', 15, 0, 0],
    ['16 (no such variant)', 16, 0, 0],
  ])('NONE for variant %s', (_name, kind, r11, r12) => {
    expect(fetched(kind, r11, r12).r7).toBe(RESULT.NONE);
  });
  it('writes v_{f..+l} with f = min(omega_8, |v|), l = min(omega_9, |v| - f)', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 1, 5, 2]);
    expect(refine(1, m).r7).toBe(2n);
    expect(m.readMemory(RW, 2)).toEqual(bytes(0xa1, 0));
  });
  it('panics when the output range is not writable, registers unchanged', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RO, 0, 10, 2]);
    expect(refine(1, m)).toMatchObject({ exit: 'panic', r7: BigInt(RO), charged: 10n });
  });
  it('Psi_I: variant 1 (n) and 2 (r) are NONE, 7 is E(p)', () => {
    for (const [kind, expected] of [
      [1, RESULT.NONE],
      [2, RESULT.NONE],
      [7, BigInt(encode(workPackage, pkg).length)],
    ] as const) {
      const m = machine(100n);
      setRegisters(m, 7, [RW, 0, 0x4000, kind]);
      isAuthorizedDispatch(tiny, pkg)(1, m, null);
      expect(m.getRegister(7)).toBe(expected);
    }
  });
});

describe('fetch = 1 (B.16) with the accumulation inputs i-bold (as Psi_A gives them)', () => {
  const inputs: ReadonlyArray<AccumulationInput> = [
    { kind: 'transfer', value: { source: 1, dest: 2, amount: 3n, memo: new Uint8Array(tiny.Cmemosize), gas: 4n } },
  ];
  const fetched = (kind: number, r11: number): { r7: bigint; out: Uint8Array | undefined } => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 0, 0x4000, kind, r11]);
    fetchCall(tiny, { inputs })(m, null);
    const r7 = m.getRegister(7);
    return { r7, out: r7 < 0x4000n ? m.readMemory(RW, Number(r7)) : undefined };
  };
  const one = encode(codecs(tiny).accumulationInput, inputs[0]!);
  it('variant 14: E(var(i)); variant 15: E(i[omega_11]), NONE past the end', () => {
    expect(fetched(14, 0).out).toEqual(Uint8Array.from([1, ...one]));
    expect(fetched(15, 0).out).toEqual(one);
    expect(fetched(15, 1).r7).toBe(RESULT.NONE);
    expect(fetched(7, 0).r7).toBe(RESULT.NONE);
  });
});

describe('historical_lookup = 6 (B.18)', () => {
  const preimage = bytes(1, 2, 3, 4);
  const h = blake2b256(preimage);
  const delta = (t: ReadonlyArray<number>): ReadonlyMap<number, ServiceAccount> =>
    new Map([
      [S, account([[preimage, t]])],
      [S + 1, account([[preimage, [60]]])],
    ]);
  const lookup = (service: bigint, t: ReadonlyArray<number>, hashAt = RO, out = RW): { r: Called; m: PvmInstance } => {
    const m = machine(100n, h);
    setRegisters(m, 7, [service, hashAt, out, 0, 100]);
    return { r: refine(6, m, emptyRefineContext, {}, tsEngine, delta(t)), m };
  };
  it('answers |v| and writes the preimage available at the lookup anchor (2^64 - 1: the item service)', () => {
    const { r, m } = lookup(SELF, [40]);
    expect(r.r7).toBe(4n);
    expect(m.readMemory(RW, 4)).toEqual(preimage);
  });
  it('reads another service by index', () => {
    expect(lookup(BigInt(S), [10, 20, 45]).r.r7).toBe(4n);
  });
  it.each<[string, ReadonlyArray<number>]>([
    ['requested, never provided', []],
    ['available only after t', [51]],
    ['unavailable since before t', [10, 50]],
  ])('NONE when %s (Lambda = none)', (_name, t) => {
    expect(lookup(SELF, t).r.r7).toBe(RESULT.NONE);
  });
  it('NONE when the preimage appears at t = 60 > 50 in another service', () => {
    expect(lookup(BigInt(S + 1), [40]).r.r7).toBe(RESULT.NONE);
  });
  it('NONE for an unknown service', () => {
    expect(lookup(99n, [40]).r.r7).toBe(RESULT.NONE);
  });
  it('panics when the hash is not readable', () => {
    expect(lookup(SELF, [40], UNMAPPED).r.exit).toBe('panic');
  });
  it('panics when the output is not writable', () => {
    expect(lookup(SELF, [40], RO, RO).r.exit).toBe('panic');
  });
});

describe('export = 7 (B.18)', () => {
  it('appends P_{W_G}(mu_{p..+z}) and answers segoff + |e|', () => {
    const m = machine(100n, bytes(1, 2, 3));
    setRegisters(m, 7, [RO, 3]);
    const r = refine(7, m, { m: new Map(), e: [segment(9)] }, { segoff: 5 });
    expect(r.r7).toBe(6n);
    expect(r.x.e.length).toBe(2);
    expect(r.x.e[1]!.subarray(0, 4)).toEqual(bytes(1, 2, 3, 0));
    expect(r.x.e[1]!.length).toBe(tiny.Csegmentsize);
  });
  it('reads at most W_G octets: z = min(omega_8, W_G)', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 2n ** 40n]);
    expect(refine(7, m).x.e[0]!.length).toBe(tiny.Csegmentsize);
  });
  it('FULL when segoff + |e| reaches W_X, e unchanged', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 1]);
    const r = refine(7, m, emptyRefineContext, { segoff: tiny.Cmaxpackageexports });
    expect(r.r7).toBe(RESULT.FULL);
    expect(r.x.e).toEqual([]);
  });
  it('panics when the range is not readable', () => {
    const m = machine(100n);
    setRegisters(m, 7, [UNMAPPED, 1]);
    expect(refine(7, m).exit).toBe('panic');
  });
});

/** Guest programs (A.2 blobs): an instruction list, each instruction's first octet a start. */
const guestCode = (...instructions: ReadonlyArray<ReadonlyArray<number>>): Uint8Array => {
  const c = instructions.flat();
  const k = instructions.flatMap((ins) => ins.map((_, i) => (i === 0 ? 1 : 0)));
  return encodeBlob({ c: Uint8Array.from(c), k: Uint8Array.from(k), j: [] });
};
const HALT_ADDRESS = 2n ** 32n - 2n ** 16n;
/** jump_ind omega_0 + 0: halts when omega_0 = 2^32 - 2^16. */
const jumpInd0 = [50, 0];
/** store_u8 omega_1 -> 0x20000. */
const storeU8 = [59, 1, 0x00, 0x00, 0x02];
/** load_u8 omega_1 <- 0x30000. */
const loadU8 = [52, 1, 0x00, 0x00, 0x03];

/** A refine context with guest 0 given code at RO and 0 at 0. */
const withGuest = (p: Uint8Array, u: PvmGuest['u'] = new Map(), i = 0n): RefineContextPair => ({
  m: new Map([[0n, { p, u, i }]]),
  e: [],
});

describe('machine = 8 (B.18)', () => {
  it('adds a guest at the least free index with no accessible page, counter omega_9', () => {
    const p = guestCode([0]);
    const m = machine(100n, p);
    setRegisters(m, 7, [RO, p.length, 5]);
    const r = refine(8, m, { m: new Map([[0n, { p, u: new Map(), i: 0n }]]), e: [] });
    expect(r.r7).toBe(1n);
    expect(r.x.m.get(1n)).toEqual({ p, u: new Map(), i: 5n });
  });
  it('HUH when the code does not deblob', () => {
    const m = machine(100n, bytes(0xff, 0xff, 0xff));
    setRegisters(m, 7, [RO, 3, 0]);
    const r = refine(8, m);
    expect(r.r7).toBe(RESULT.HUH);
    expect(r.x.m.size).toBe(0);
  });
  it('panics when the code is not readable', () => {
    const m = machine(100n);
    setRegisters(m, 7, [UNMAPPED, 4, 0]);
    expect(refine(8, m).exit).toBe('panic');
  });
});

const page32: ReadonlyArray<readonly [number, GuestPage]> = [[32, { access: 'write', value: new Uint8Array(4096).fill(0x77) }]];
const page33ro: ReadonlyArray<readonly [number, GuestPage]> = [[33, { access: 'read', value: new Uint8Array(4096).fill(0x66) }]];

describe('peek = 9 (B.18)', () => {
  const x = withGuest(guestCode([0]), new Map([...page32, ...page33ro]));
  it('copies the guest range to the outer memory: OK', () => {
    const m = machine(100n);
    setRegisters(m, 7, [0, RW, 0x20ffe, 4]);
    expect(refine(9, m, x).r7).toBe(RESULT.OK);
    expect(m.readMemory(RW, 4)).toEqual(bytes(0x77, 0x77, 0x66, 0x66));
  });
  it('WHO for no guest n', () => {
    const m = machine(100n);
    setRegisters(m, 7, [1, RW, 0x20000, 4]);
    expect(refine(9, m, x).r7).toBe(RESULT.WHO);
  });
  it('OOB when the guest range is not readable', () => {
    const m = machine(100n);
    setRegisters(m, 7, [0, RW, 0x21ffe, 4]);
    expect(refine(9, m, x).r7).toBe(RESULT.OOB);
  });
  it('panics when the outer range is not writable (before WHO)', () => {
    const m = machine(100n);
    setRegisters(m, 7, [5, RO, 0x20000, 4]);
    expect(refine(9, m, x).exit).toBe('panic');
    expect(m.readMemory(RO, 4)).toEqual(bytes(0, 0, 0, 0));
  });
});

describe('poke = 10 (B.18)', () => {
  const x = withGuest(guestCode([0]), new Map([...page32, ...page33ro]));
  it('copies the outer range into the guest: OK', () => {
    const m = machine(100n, bytes(1, 2, 3));
    setRegisters(m, 7, [0, RO, 0x20ffe, 2]);
    const r = refine(10, m, x);
    expect(r.r7).toBe(RESULT.OK);
    expect(r.x.m.get(0n)!.u.get(32)!.value.subarray(4094)).toEqual(bytes(1, 2));
    expect(x.m.get(0n)!.u.get(32)!.value[4094]).toBe(0x77);
  });
  it('WHO for no guest n', () => {
    const m = machine(100n);
    setRegisters(m, 7, [3, RO, 0x20000, 2]);
    expect(refine(10, m, x).r7).toBe(RESULT.WHO);
  });
  it('OOB when the guest range is not writable (a read-only page)', () => {
    const m = machine(100n);
    setRegisters(m, 7, [0, RO, 0x20fff, 2]);
    expect(refine(10, m, x).r7).toBe(RESULT.OOB);
  });
  it('panics when the outer range is not readable', () => {
    const m = machine(100n);
    setRegisters(m, 7, [0, UNMAPPED, 0x20000, 2]);
    expect(refine(10, m, x).exit).toBe('panic');
  });
});

describe('pages = 11 (B.18)', () => {
  const x = withGuest(guestCode([0]), new Map([...page32, ...page33ro]));
  const pages = (n: number, p: number | bigint, c: number, r: number): Called => {
    const m = machine(100n);
    setRegisters(m, 7, [n, p, c, r]);
    return refine(11, m, x);
  };
  it('r = 2: pages become writable and zeroed: OK', () => {
    const r = pages(0, 32, 3, 2);
    expect(r.r7).toBe(RESULT.OK);
    for (const page of [32, 33, 34]) expect(r.x.m.get(0n)!.u.get(page)).toEqual({ access: 'write', value: new Uint8Array(4096) });
  });
  it('r = 3: read-only, values kept', () => {
    const r = pages(0, 32, 2, 3);
    expect(r.r7).toBe(RESULT.OK);
    expect(r.x.m.get(0n)!.u.get(32)).toEqual({ access: 'read', value: new Uint8Array(4096).fill(0x77) });
  });
  it('r = 0: pages become inaccessible', () => {
    expect(pages(0, 32, 1, 0).x.m.get(0n)!.u.has(32)).toBe(false);
  });
  it('WHO for no guest n', () => {
    expect(pages(1, 32, 1, 2).r7).toBe(RESULT.WHO);
  });
  it.each<[string, number | bigint, number, number]>([
    ['r > 4', 32, 1, 5],
    ['p < 16', 15, 1, 2],
    ['p + c >= 2^32 / Z_P', 2 ** 20 - 1, 1, 2],
    ['r > 2 over an inaccessible page', 33, 2, 4],
  ])('HUH when %s, guest unchanged', (_name, p, c, r) => {
    const answer = pages(0, p, c, r);
    expect(answer.r7).toBe(RESULT.HUH);
    expect(answer.x).toBe(x);
  });
});

describe.each<[string, PvmEngine]>([
  ['ts', tsEngine],
  ['native', nativeEngine],
])('invoke = 12 (B.18) on the %s engine', (_name, engine) => {
  /** Writes E_8(g) ++ E_8(w) at RW and invokes guest n. */
  const invoke = (x: RefineContextPair, g: bigint, w: ReadonlyArray<bigint>, n = 0): { r: Called; g: bigint; w: ReadonlyArray<bigint> } => {
    const m = machine(100n);
    const buf = new DataView(new ArrayBuffer(112));
    buf.setBigUint64(0, g, true);
    for (let k = 0; k < 13; k++) buf.setBigUint64(8 + 8 * k, w[k] ?? 0n, true);
    m.writeMemory(RW, new Uint8Array(buf.buffer));
    setRegisters(m, 7, [n, RW]);
    const r = refine(12, m, x, {}, engine);
    const out = new DataView(m.readMemory(RW, 112)!.buffer);
    return { r, g: out.getBigUint64(0, true), w: Array.from({ length: 13 }, (_, k) => out.getBigUint64(8 + 8 * k, true)) };
  };
  it('HALT: registers and gas written back, guest RAM updated', () => {
    const x = withGuest(guestCode(storeU8, jumpInd0), new Map([[32, { access: 'write', value: new Uint8Array(4096) }]]));
    const { r, g, w } = invoke(x, 100n, [HALT_ADDRESS, 0xabn]);
    expect(r.r7).toBe(INNER.HALT);
    expect(g).toBe(98n);
    expect(w[1]).toBe(0xabn);
    expect(r.x.m.get(0n)!.u.get(32)!.value[0]).toBe(0xab);
  });
  it('PANIC on a trap', () => {
    expect(invoke(withGuest(guestCode([0])), 100n, []).r.r7).toBe(INNER.PANIC);
  });
  it('FAULT with omega_8 the faulting page address', () => {
    const { r } = invoke(withGuest(guestCode(loadU8, [0])), 100n, []);
    expect(r.r7).toBe(INNER.FAULT);
    expect(r.r8).toBe(0x30000n);
  });
  it('HOST with omega_8 the call id, the counter past the ecalli', () => {
    const { r } = invoke(withGuest(guestCode([10, 7], [0])), 100n, []);
    expect(r.r7).toBe(INNER.HOST);
    expect(r.r8).toBe(7n);
    expect(r.x.m.get(0n)!.i).toBe(2n);
  });
  it('OOG with no gas', () => {
    expect(invoke(withGuest(guestCode([0])), 0n, []).r.r7).toBe(INNER.OOG);
  });
  it('WHO for no guest n', () => {
    expect(invoke(withGuest(guestCode([0])), 100n, [], 3).r.r7).toBe(RESULT.WHO);
  });
  it('panics when the 112 octets are not writable', () => {
    const m = machine(100n);
    setRegisters(m, 7, [0, RO]);
    expect(refine(12, m, withGuest(guestCode([0])), {}, engine).exit).toBe('panic');
  });
});

describe('expunge = 13 (B.18)', () => {
  it('removes guest n and answers its counter', () => {
    const m = machine(100n);
    setRegisters(m, 7, [0]);
    const r = refine(13, m, withGuest(guestCode([0]), new Map(), 42n));
    expect(r.r7).toBe(42n);
    expect(r.x.m.size).toBe(0);
  });
  it('WHO for no guest n', () => {
    const m = machine(100n);
    setRegisters(m, 7, [1]);
    expect(refine(13, m, withGuest(guestCode([0]))).r7).toBe(RESULT.WHO);
  });
});
