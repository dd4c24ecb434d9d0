/**
 * The general host calls as Psi_A dispatches them (B.9 F, B.16), from the paper's text: each
 * call's register result, memory effect, context effect and gas.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { accountEntries, storageOf, withPreimage, withStorage } from '../../model/merklization/serialize.js';
import { RESULT, SELF, thresholdBalance } from '../../model/accumulation/host-calls/common.js';
import { RO, RW, UNMAPPED, account, call, context, env, hash, machine, partialState, setRegisters } from './fixture.js';
import { constantsBlob } from '../../model/accumulation/host-calls/general.js';

const S = 42;
const bytes = (...b: number[]): Uint8Array => Uint8Array.from(b);

describe('gas (0)', () => {
  it('answers the gas left after its own 10', () => {
    const m = machine(1000n);
    const r = call(0, m, context(partialState([[S, account()]]), S));
    expect(r).toMatchObject({ exit: 'continue', r7: 990n, charged: 10n });
  });
  it('runs out of gas below 10, registers unchanged', () => {
    const m = machine(9n);
    setRegisters(m, 7, [123]);
    const r = call(0, m, context(partialState([[S, account()]]), S));
    expect(r).toMatchObject({ exit: 'out-of-gas', r7: 123n });
    expect(r.outcomes).toEqual([['gas', 'out-of-gas']]);
  });
});

describe('unknown ids (F otherwise)', () => {
  it.each([6, 13, 27, 100])('id %i costs 10 and answers WHAT', (id) => {
    const m = machine(100n);
    const r = call(id, m, context(partialState([[S, account()]]), S));
    expect(r).toMatchObject({ exit: 'continue', r7: RESULT.WHAT, charged: 10n });
  });
});

describe('fetch (1)', () => {
  const xy = context(partialState([[S, account()]]), S);
  it('variant 0: the constants blob, E_8(B_I) first', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 0, 1000, 0]);
    const c = constantsBlob(tiny);
    const r = call(1, m, xy);
    expect(r.r7).toBe(BigInt(c.length));
    expect(toHex(m.readMemory(RW, c.length)!)).toBe(toHex(c));
    expect(m.readMemory(RW, 8)).toEqual(bytes(10, 0, 0, 0, 0, 0, 0, 0));
  });
  it('variant 1: eta_0 sliced by omega_8 (from) and omega_9 (length)', () => {
    const m = machine(100n);
    const e = env({ entropy: Uint8Array.from({ length: 32 }, (_, i) => i) as ReturnType<typeof hash> });
    setRegisters(m, 7, [RW, 30, 5, 1]);
    const r = call(1, m, xy, e);
    expect(r.r7).toBe(32n);
    expect(m.readMemory(RW, 3)).toEqual(bytes(30, 31, 0));
  });
  it('variant 14 with no inputs: E(0); variant 15 past the end: NONE', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 0, 10, 14]);
    expect(call(1, m, xy).r7).toBe(1n);
    setRegisters(m, 10, [15, 0]);
    expect(call(1, m, xy).r7).toBe(RESULT.NONE);
  });
  it('variants of other invocations (2..13) are NONE for Psi_A', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 0, 10, 7]);
    expect(call(1, m, xy)).toMatchObject({ r7: RESULT.NONE, outcomes: [['fetch', 'NONE']] });
  });
  it('panics when the output range is not writable', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RO, 0, 10, 1]);
    expect(call(1, m, xy).exit).toBe('panic');
  });
  it('an empty output range never panics', () => {
    const m = machine(100n);
    setRegisters(m, 7, [UNMAPPED, 0, 0, 1]);
    expect(call(1, m, xy)).toMatchObject({ exit: 'continue', r7: 32n });
  });
});

describe('lookup (2)', () => {
  const h = hash(7);
  const me = withPreimage(account(), h, bytes(1, 2, 3));
  const other = withPreimage(account(), h, bytes(9));
  const xy = context(partialState([[S, me], [S + 1, other]]), S);
  const at = (r7: bigint | number): ReturnType<typeof machine> => {
    const m = machine(100n);
    m.writeMemory(RW, h);
    setRegisters(m, 7, [r7, RW, RW + 64, 0, 10]);
    return m;
  };
  it('own preimage by 2^64 - 1 and by s', () => {
    for (const r7 of [SELF, BigInt(S)]) {
      const m = at(r7);
      expect(call(2, m, xy).r7).toBe(3n);
      expect(m.readMemory(RW + 64, 3)).toEqual(bytes(1, 2, 3));
    }
  });
  it("another service's preimage", () => expect(call(2, at(S + 1), xy).r7).toBe(1n));
  it('NONE for an unknown service or hash', () => {
    expect(call(2, at(999), xy).r7).toBe(RESULT.NONE);
    const m = at(SELF);
    m.writeMemory(RW, hash(8));
    expect(call(2, m, xy).r7).toBe(RESULT.NONE);
  });
  it('panics when the hash is unreadable', () => {
    const m = at(SELF);
    m.setRegister(8, BigInt(UNMAPPED));
    expect(call(2, m, xy).exit).toBe('panic');
  });
});

describe('read (3)', () => {
  const key = bytes(0xaa, 0xbb);
  const me = withStorage(account(), key, bytes(5, 6, 7, 8));
  const other = withStorage(account(), key, bytes(1));
  const xy = context(partialState([[S, me], [S + 1, other]]), S);
  const at = (r7: bigint | number, k: Uint8Array = key): ReturnType<typeof machine> => {
    const m = machine(100n);
    m.writeMemory(RW, k);
    setRegisters(m, 7, [r7, RW, k.length, RW + 64, 1, 2]);
    return m;
  };
  it('own value, from omega_11 for omega_12 octets', () => {
    const m = at(SELF);
    expect(call(3, m, xy).r7).toBe(4n);
    expect(m.readMemory(RW + 64, 3)).toEqual(bytes(6, 7, 0));
  });
  it("another service's value", () => expect(call(3, at(S + 1), xy).r7).toBe(1n));
  it('NONE for a missing key or service', () => {
    expect(call(3, at(SELF, bytes(1)), xy).r7).toBe(RESULT.NONE);
    expect(call(3, at(2 ** 40), xy).r7).toBe(RESULT.NONE);
  });
  it('panics when the key is unreadable', () => {
    const m = at(SELF);
    m.setRegister(8, BigInt(UNMAPPED));
    expect(call(3, m, xy).exit).toBe('panic');
  });
});

describe('write (4)', () => {
  const key = bytes(1, 2, 3);
  const run = (balance: bigint, storage: ReadonlyArray<readonly [Uint8Array, Uint8Array]>, value: Uint8Array | undefined) => {
    const octets = storage.reduce((n, [k, v]) => n + 34n + BigInt(k.length + v.length), 0n);
    const me = storage.reduce((a, [k, v]) => withStorage(a, k, v), account({ balance, items: storage.length, octets }));
    const m = machine(100n);
    m.writeMemory(RW, key);
    if (value !== undefined) m.writeMemory(RW + 32, value);
    setRegisters(m, 7, [RW, key.length, RW + 32, value?.length ?? 0]);
    return call(4, m, context(partialState([[S, me]]), S));
  };
  it('a new item: NONE, a_i + 1, a_o + 34 + |k| + |v|', () => {
    const r = run(1000n, [], bytes(9, 9));
    expect(r.r7).toBe(RESULT.NONE);
    const a = r.xy.x.state.delta.get(S)!;
    expect(storageOf(a, key)).toEqual(bytes(9, 9));
    expect([accountEntries(a).size, a.items, a.octets]).toEqual([1, 1, 34n + 3n + 2n]);
    expect(accountEntries(r.xy.y.state.delta.get(S)!).size).toBe(0);
  });
  it('an overwrite answers the old length', () => {
    const r = run(1000n, [[key, bytes(1, 1, 1, 1)]], bytes(2));
    expect(r.r7).toBe(4n);
    const a = r.xy.x.state.delta.get(S)!;
    expect(storageOf(a, key)).toEqual(bytes(2));
    expect([accountEntries(a).size, a.items, a.octets]).toEqual([1, 1, 34n + 3n + 1n]);
  });
  it('v_Z = 0 removes the item', () => {
    const r = run(1000n, [[key, bytes(1, 1)]], undefined);
    expect(r.r7).toBe(2n);
    const a = r.xy.x.state.delta.get(S)!;
    expect([accountEntries(a).size, a.items, a.octets]).toEqual([0, 0, 0n]);
  });
  it('FULL when the new threshold exceeds the balance, state unchanged', () => {
    // B_S + B_I + B_L (34 + 3 + 2) = 100 + 10 + 39 = 149.
    const r = run(148n, [], bytes(9, 9));
    expect(r.r7).toBe(RESULT.FULL);
    expect(accountEntries(r.xy.x.state.delta.get(S)!).size).toBe(0);
    expect(run(149n, [], bytes(9, 9)).r7).toBe(RESULT.NONE);
  });
  it('panics when the value is unreadable', () => {
    const m = machine(100n);
    setRegisters(m, 7, [RW, 1, UNMAPPED, 1]);
    expect(call(4, m, context(partialState([[S, account()]]), S)).exit).toBe('panic');
  });
});

describe('info (5)', () => {
  const me = account({ balance: 5000n, items: 2, octets: 100n, gratis: 7n, created: 3, lastAcc: 4, parent: 5 });
  const xy = context(partialState([[S, me]]), S);
  it('encodes the account: c, E_8(b, t, g, m, o), E_4(i), E_8(f), E_4(r, a, p)', () => {
    const m = machine(100n);
    setRegisters(m, 7, [SELF, RW, 0, 200]);
    expect(call(5, m, xy).r7).toBe(96n);
    const v = m.readMemory(RW, 96)!;
    const view = new DataView(v.buffer, v.byteOffset);
    expect(v.subarray(0, 32)).toEqual(me.codeHash);
    expect(view.getBigUint64(32, true)).toBe(5000n);
    expect(view.getBigUint64(40, true)).toBe(thresholdBalance(tiny, me));
    expect(view.getUint32(72, true)).toBe(2);
    expect(view.getBigUint64(76, true)).toBe(7n);
    expect([view.getUint32(84, true), view.getUint32(88, true), view.getUint32(92, true)]).toEqual([3, 4, 5]);
  });
  it('NONE for an unknown service', () => {
    const m = machine(100n);
    setRegisters(m, 7, [S + 1, RW, 0, 200]);
    expect(call(5, m, xy).r7).toBe(RESULT.NONE);
  });
});
