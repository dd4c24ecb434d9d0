/**
 * Properties of Psi_A's host calls (B.9 F, B.16, B.20) over random registers, memory, gas and
 * small states: no call throws; gas is charged exactly (10, or 10 + l for a transfer that
 * succeeds; out of gas when the gas left is below that, with registers and context untouched);
 * only checkpoint touches the exceptional dimension; the footprint a_i, a_o of every account
 * stays equal to its definition (9.8).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServiceAccount, TimeSlot } from '../spec/types.js';
import { SELF } from '../model/accumulation/host-calls/common.js';
import { requestOfKey, withRequest, withStorage } from '../model/merklization/serialize.js';
import { PsiA, hostCallCounter } from '../model/accumulation/invocation.js';
import { tsEngine } from '../model/pvm/index.js';
import { nativeEngine } from '../model/pvm/native.js';
import { tiny } from '../spec/chain-spec.js';
import type { Item } from '../fuzz/guest/assembler.js';
import {
  RO,
  RW,
  RW_SIZE,
  UNMAPPED,
  account,
  call,
  context,
  env,
  hash,
  machine,
  nativeBuilt,
  partialState,
  serviceProgram,
  withCode,
} from './host-calls/fixture.js';

const RUNS = 3000;
const S = 42;
const OTHER = 43;

/** Register values that reach every branch: addresses in and out of memory, ids, lengths, extremes. */
const arbRegister = fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(0n, 1n, 2n, 3n, 4n, 10n, 32n, BigInt(S), BigInt(OTHER), SELF) },
  { weight: 4, arbitrary: fc.constantFrom(...[0, 64, 128, 192].map((o) => BigInt(RW + o))) },
  { weight: 1, arbitrary: fc.constantFrom(BigInt(RO), BigInt(UNMAPPED), BigInt(RW + RW_SIZE - 16), 1n << 32n) },
  { weight: 1, arbitrary: fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }) },
);

/** Keys and values drawn from a handful of octets, so that generated calls hit existing entries. */
const arbSmallBytes = fc.uint8Array({ minLength: 0, maxLength: 4, max: 3 });

/**
 * @gp 9.8 -- a_i = 2|a_l| + |a_s| and a_o = the sum of 81 + z over the requests (h, z) and of
 * 34 + |k| + |v| over the storage items (k, v); the accounts here hold no opaque entries.
 */
const footprint = (a: ServiceAccount) => {
  let [items, octets] = [a.opaque.size === 0 ? 0 : Number.NaN, 0n];
  for (const [k, v] of a.storage) [items, octets] = [items + 1, octets + 34n + BigInt((k.length - 2) / 2 + v.length)];
  for (const key of a.requests.keys()) [items, octets] = [items + 2, octets + 81n + BigInt(requestOfKey(key)[1])];
  return { items, octets };
};

/** An account whose a_i and a_o agree with its dictionaries. */
const arbAccount = fc
  .record({
    balance: fc.bigInt({ min: 0n, max: 5000n }),
    gratis: fc.constantFrom(0n, 50n),
    storage: fc.array(fc.tuple(arbSmallBytes, arbSmallBytes), { maxLength: 3 }),
    requests: fc.array(
      fc.tuple(fc.integer({ min: 0, max: 3 }), fc.constantFrom(0, 10), fc.array(fc.constantFrom(1, 60, 99), { maxLength: 3 })),
      { maxLength: 3 },
    ),
    minMemoGas: fc.constantFrom(0n, 20n),
  })
  .map(({ balance, gratis, storage, requests, minMemoGas }): ServiceAccount => {
    const withS = storage.reduce((a, [k, v]) => withStorage(a, k, v), account({ balance, gratis, minMemoGas }));
    const a = requests.reduce((b, [h, z, slots]) => withRequest(b, hash(h), z, slots as TimeSlot[]), withS);
    return { ...a, ...footprint(a) };
  });

const arbCase = fc.record({
  id: fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 27 }) }, { weight: 1, arbitrary: fc.constantFrom(100, 2 ** 31) }),
  gas: fc.oneof({ weight: 1, arbitrary: fc.bigInt({ min: 0n, max: 40n }) }, { weight: 4, arbitrary: fc.bigInt({ min: 0n, max: 1n << 40n }) }),
  registers: fc.array(arbRegister, { minLength: 6, maxLength: 6 }),
  memory: fc.uint8Array({ minLength: 64, maxLength: 64, max: 3 }),
  self: arbAccount,
  other: arbAccount,
  privileged: fc.boolean(),
  tau: fc.constantFrom(0, 100, 1000),
});
type Case = typeof arbCase extends fc.Arbitrary<infer T> ? T : never;

/** One generated host call: the machine (rw pages filled, registers set), the context, the registers before, the result. */
const runCase = (c: Case) => {
  const m = machine(c.gas, c.memory);
  for (let i = 0; i < 4; i++) m.writeMemory(RW + 64 * i, c.memory);
  c.registers.forEach((v, i) => m.setRegister(7 + i, v));
  const p = c.privileged ? S : 0;
  const state = partialState(
    [
      [S, c.self],
      [OTHER, c.other],
    ],
    { manager: p, delegator: p, registrar: p, assigners: [p, 0] },
  );
  const e = env({ tau: c.tau });
  const xy = context(state, S, e);
  const before = Array.from({ length: 13 }, (_, i) => m.getRegister(i));
  return { m, xy, before, r: call(c.id, m, xy, e) };
};

describe('host calls of Psi_A', () => {
  it('never throw, charge gas exactly, and keep footprints and the exceptional dimension', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const { m, xy, before, r } = runCase(c);

        const transferred = c.id === 20 && r.outcomes[0]?.[1] === 'OK';
        const cost = transferred ? 10n + (c.registers[2] ?? 0n) : 10n;
        if (r.exit === 'out-of-gas') {
          expect(m.gas).toBe(0n);
          expect(r.xy).toBe(xy);
          expect(Array.from({ length: 13 }, (_, i) => m.getRegister(i))).toEqual(before);
          return;
        }
        expect(r.charged).toBe(cost);
        expect(c.gas >= cost).toBe(true);
        if (c.id !== 17) expect(r.xy.y).toBe(xy.y);
        for (const a of r.xy.x.state.delta.values())
          expect({ items: a.items, octets: a.octets }).toEqual(footprint(a));
      }),
      { numRuns: RUNS },
    );
  });

  it('out of gas exactly when the gas left is below 10 (transfers: below 10 + l once they would succeed)', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
        const m = machine(c.gas, c.memory);
        c.registers.forEach((v, i) => m.setRegister(7 + i, v));
        const xy = context(partialState([[S, c.self], [OTHER, c.other]]), S);
        const r = call(c.id, m, xy);
        if (c.gas < 10n) expect(r.exit).toBe('out-of-gas');
        else if (c.id !== 20) expect(r.exit).not.toBe('out-of-gas');
      }),
      { numRuns: RUNS },
    );
  });

  it('the generators reach the results of every host call (not just panics; a fixed sample)', () => {
    const SEEN = new Set<string>();
    for (const c of fc.sample(arbCase, { seed: 7, numRuns: RUNS }))
      for (const [n, o] of runCase(c).r.outcomes) SEEN.add(`${n}:${o}`);
    const reached = (call: string) =>
      [...SEEN.keys()].filter((k) => k.startsWith(`${call}:`) && !k.endsWith(':panic') && !k.endsWith(':out-of-gas'));
    const calls = ['gas', 'fetch', 'lookup', 'read', 'write', 'info', 'bless', 'assign', 'designate', 'checkpoint'];
    const more = ['new', 'upgrade', 'transfer', 'eject', 'query', 'solicit', 'forget', 'yield', 'provide'];
    for (const name of [...calls, ...more]) expect(reached(name), name).not.toEqual([]);
    expect(SEEN.size).toBeGreaterThan(60);
  });
});

/** load_imm omega_r = v sign-extended from 32 bits (A.25), ecalli, halt (jump_ind omega_0), trap. */
const LOAD_IMM = (r: number, v: number): Item => ({ name: 'load_imm', regs: [r], imms: [BigInt.asUintN(64, BigInt(v | 0))] });
const ECALLI = (id: number): Item => ({ name: 'ecalli', imms: [BigInt(id)] });
const HALT: Item = { name: 'jump_ind', regs: [0], imms: [0n] };
const TRAP: Item = { name: 'trap' };

/** Register values for generated code: addresses in the rw data (2^17), read-only, unmapped; ids; 2^32 - 1 (-> 2^64 - 1). */
const arbImm = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom(0, 1, 2, 4, 10, 32, S, OTHER, 0xffffffff) },
  { weight: 3, arbitrary: fc.constantFrom(0x20000, 0x20020, 0x20040, 0x10000, 0xfeff0000) },
  { weight: 1, arbitrary: fc.integer({ min: 0, max: 0xffffffff }) },
);
const arbStep = fc.record({
  registers: fc.array(fc.tuple(fc.integer({ min: 7, max: 12 }), arbImm), { maxLength: 6 }),
  id: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 0, max: 26 }) }, { weight: 1, arbitrary: fc.constant(100) }),
});
const arbService = fc.record({
  steps: fc.array(arbStep, { minLength: 1, maxLength: 8 }),
  end: fc.constantFrom(HALT, TRAP),
  rw: fc.uint8Array({ minLength: 96, maxLength: 96, max: 3 }),
  gas: fc.bigInt({ min: 0n, max: 2000n }),
  self: arbAccount,
  other: arbAccount,
  transfer: fc.bigInt({ min: 0n, max: 100n }),
  privileged: fc.boolean(),
});

describe('Psi_A over generated host-call sequences', () => {
  const engines = nativeBuilt() ? [tsEngine, nativeEngine] : [tsEngine];
  it('never throws, uses at most g, and (with the native engine built) both engines agree', () => {
    fc.assert(
      fc.property(arbService, (c) => {
        const body = c.steps.flatMap((step) => [...step.registers.map(([r, v]) => LOAD_IMM(r, v)), ECALLI(step.id)]);
        const code = serviceProgram([...body, c.end], c.rw);
        const p = c.privileged ? S : 0;
        const state = partialState(
          [
            [S, (({ codeHash, preimages }) => ({ ...c.self, codeHash, preimages }))(withCode(code, c.self.balance))],
            [OTHER, c.other],
          ],
          { manager: p, delegator: p, registrar: p, assigners: [p, 0] },
        );
        const input = {
          kind: 'transfer' as const,
          value: { source: OTHER, dest: S, amount: c.transfer, memo: new Uint8Array(128), gas: 0n },
        };
        const runs = engines.map((engine) => {
          const counter = hostCallCounter();
          const o = PsiA(tiny, engine)(state, 100, S, c.gas, [input], hash(9), counter.observer);
          return { o, counts: [...counter.counts] };
        });
        for (const { o } of runs) expect(o.gasUsed <= c.gas).toBe(true);
        const [first, ...rest] = runs;
        for (const r of rest) expect(r).toEqual(first);
      }),
      { numRuns: 300 },
    );
  });
});
