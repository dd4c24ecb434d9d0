/** query, solicit, forget, yield and provide (B.20), from the paper's text. */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import type { TimeSlot } from '../../spec/types.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { accountEntries, preimageOf, requestOf, withPreimage, withRequest } from '../../model/merklization/serialize.js';
import { RESULT, SELF } from '../../model/accumulation/host-calls/common.js';
import { RW, UNMAPPED, account, call, context, env, hash, machine, partialState, setRegisters } from './fixture.js';

const S = 42;
const h = hash(0x31);
const z = 10;
const TAU = 100;
const old = TAU - tiny.Cexpungeperiod - 1;
const recent = TAU - tiny.Cexpungeperiod;

/** s with the request (h, z) -> slots (footprint included), when given, and the preimage h. */
const requesting = (slots: TimeSlot[] | undefined, balance = 1000n) =>
  withRequest(
    withPreimage(
      account({ balance, items: slots === undefined ? 0 : 2, octets: slots === undefined ? 0n : 81n + BigInt(z) }),
      h,
      new Uint8Array(z),
    ),
    h,
    z,
    slots,
  );

const run = (id: number, slots: TimeSlot[] | undefined, balance = 1000n) => {
  const m = machine(100n);
  m.writeMemory(RW, h);
  setRegisters(m, 7, [RW, z]);
  return call(id, m, context(partialState([[S, requesting(slots, balance)]]), S), env({ tau: TAU }));
};

describe('query (22)', () => {
  it('packs the request into omega_7, omega_8', () => {
    const X = 1n << 32n;
    expect([run(22, undefined).r7, run(22, undefined).r8]).toEqual([RESULT.NONE, 0n]);
    expect([run(22, []).r7, run(22, []).r8]).toEqual([0n, 0n]);
    expect([run(22, [5]).r7, run(22, [5]).r8]).toEqual([1n + 5n * X, 0n]);
    expect([run(22, [5, 6]).r7, run(22, [5, 6]).r8]).toEqual([2n + 5n * X, 6n]);
    expect([run(22, [5, 6, 7]).r7, run(22, [5, 6, 7]).r8]).toEqual([3n + 5n * X, 6n + 7n * X]);
  });
});

describe('solicit (23)', () => {
  it('a new request (h, z) -> [], a_i + 2, a_o + 81 + z', () => {
    const r = run(23, undefined);
    const a = r.xy.x.state.delta.get(S)!;
    expect([r.r7, requestOf(a, h, z), a.items, a.octets]).toEqual([RESULT.OK, [], 2, 81n + BigInt(z)]);
  });
  it('[x, y] -> [x, y, t]', () => {
    expect(requestOf(run(23, [1, 2]).xy.x.state.delta.get(S)!, h, z)).toEqual([1, 2, TAU]);
  });
  it('HUH for [], [x] or [x, y, z]', () => {
    for (const slots of [[], [1], [1, 2, 3]]) expect(run(23, slots).r7).toBe(RESULT.HUH);
  });
  it('FULL when the new threshold exceeds the balance', () => {
    // B_S + 2 B_I + (81 + z) B_L = 100 + 20 + 91 = 211.
    expect(run(23, undefined, 210n).r7).toBe(RESULT.FULL);
    expect(run(23, undefined, 211n).r7).toBe(RESULT.OK);
  });
});

describe('forget (24)', () => {
  const after = (slots: TimeSlot[]) => run(24, slots).xy.x.state.delta.get(S)!;
  it('[] and an expired [x, y] drop the request and the preimage', () => {
    for (const slots of [[], [1, old]]) {
      const a = after(slots);
      expect([requestOf(a, h, z), preimageOf(a, h), accountEntries(a).size, a.items, a.octets]).toEqual([undefined, undefined, 0, 0, 0n]);
    }
  });
  it('[x] -> [x, t]; expired [x, y, w] -> [w, t]', () => {
    expect(requestOf(after([5]), h, z)).toEqual([5, TAU]);
    expect(requestOf(after([5, old, 7]), h, z)).toEqual([7, TAU]);
  });
  it('HUH for a missing request or one not yet expired', () => {
    expect(run(24, undefined).r7).toBe(RESULT.HUH);
    expect(run(24, [1, recent]).r7).toBe(RESULT.HUH);
    expect(run(24, [1, recent, 3]).r7).toBe(RESULT.HUH);
  });
  it('panics on an unreadable hash', () => {
    const m = machine(100n);
    setRegisters(m, 7, [UNMAPPED, z]);
    expect(call(24, m, context(partialState([[S, account()]]), S)).exit).toBe('panic');
  });
});

describe('yield (25)', () => {
  it('sets x_y', () => {
    const r = run(25, undefined);
    expect([r.r7, toHex(r.xy.x.yield!)]).toEqual([RESULT.OK, toHex(h)]);
    expect(r.xy.y.yield).toBeUndefined();
  });
});

describe('provide (26)', () => {
  const data = Uint8Array.of(1, 2, 3, 4);
  const requested = (slots: TimeSlot[]) =>
    withRequest(account(), blake2b256(data), data.length, slots);
  const prepared = (service: bigint | number) => {
    const m = machine(100n);
    m.writeMemory(RW, data);
    setRegisters(m, 7, [service, RW, data.length]);
    return m;
  };
  const xy = context(partialState([[S, account()], [7, requested([])], [8, requested([1])]]), S);
  it('OK adds (s, i) to x_p; the same pair again is HUH', () => {
    const r = call(26, prepared(7), xy);
    expect(r.r7).toBe(RESULT.OK);
    expect(r.xy.x.provisions).toEqual([{ service: 7, data }]);
    expect(call(26, prepared(7), r.xy).r7).toBe(RESULT.HUH);
  });
  it('WHO for an unknown service; HUH unless the request is []', () => {
    expect(call(26, prepared(9), xy).r7).toBe(RESULT.WHO);
    expect(call(26, prepared(8), xy).r7).toBe(RESULT.HUH);
    expect(call(26, prepared(SELF), xy).r7).toBe(RESULT.HUH);
  });
  it('panics on unreadable data', () => {
    const m = prepared(7);
    m.setRegister(8, BigInt(UNMAPPED));
    expect(call(26, m, xy).exit).toBe('panic');
  });
});
