/**
 * Properties of Psi_A's host calls (B.9 F, B.16, B.20) over random registers, memory, gas and
 * small states: no call throws; gas is charged exactly (10, or 10 + l for a transfer that
 * succeeds; out of gas when the gas left is below that, with registers and context untouched);
 * only checkpoint touches the exceptional dimension; the footprint a_i, a_o of every account
 * stays equal to its definition (9.8).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../spec/bytes.js';
import { requestMapKey } from '../spec/codecs.js';
import type { ServiceAccount, TimeSlot } from '../spec/types.js';
import { SELF } from '../model/accumulation/host-calls/common.js';
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
  partialState,
} from '../model/accumulation/host-calls/fixture.js';

const RUNS = 3000;
/** The (host call, outcome) pairs the first property reached: the third test checks the generators reach most of them. */
const SEEN = new Map<string, number>();
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
    const s = new Map(storage.map(([k, v]) => [toHex(k), v]));
    const r = new Map(requests.map(([h, z, slots]) => [requestMapKey(hash(h), z), slots as TimeSlot[]]));
    return account({ balance, gratis, minMemoGas, storage: s, requests: r, ...footprint(s, r) });
  });

/** @gp 9.8 -- a_i and a_o from the dictionaries. */
const footprint = (storage: ReadonlyMap<string, Uint8Array>, requests: ReadonlyMap<string, unknown>) => {
  let octets = 0n;
  for (const [k, v] of storage) octets += 34n + BigInt((k.length - 2) / 2 + v.length);
  for (const k of requests.keys()) octets += 81n + BigInt(k.split(':')[1] ?? 0);
  return { items: 2 * requests.size + storage.size, octets };
};

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

describe('host calls of Psi_A', () => {
  it('never throw, charge gas exactly, and keep footprints and the exceptional dimension', () => {
    fc.assert(
      fc.property(arbCase, (c) => {
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
        const r = call(c.id, m, xy, e);
        for (const [n, o] of r.outcomes) SEEN.set(`${n}:${o}`, (SEEN.get(`${n}:${o}`) ?? 0) + 1);

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
          expect({ items: a.items, octets: a.octets }).toEqual(footprint(a.storage, a.requests));
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

  it('the generators reach the results of every host call (not just panics)', () => {
    const reached = (call: string) =>
      [...SEEN.keys()].filter((k) => k.startsWith(`${call}:`) && !k.endsWith(':panic') && !k.endsWith(':out-of-gas'));
    const calls = ['gas', 'fetch', 'lookup', 'read', 'write', 'info', 'bless', 'assign', 'designate', 'checkpoint'];
    const more = ['new', 'upgrade', 'transfer', 'eject', 'query', 'solicit', 'forget', 'yield', 'provide'];
    for (const name of [...calls, ...more]) expect(reached(name), name).not.toEqual([]);
    expect(SEEN.size).toBeGreaterThan(60);
  });
});
