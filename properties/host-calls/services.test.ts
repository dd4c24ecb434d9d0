/** checkpoint, new, upgrade, transfer and eject (B.20), from the paper's text. */
import { describe, expect, it } from 'vitest';
import { bytesEqual, toHex } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { accountEntries, requestOf, withRequest } from '../../model/merklization/serialize.js';
import { RESULT } from '../../model/accumulation/host-calls/common.js';
import { RW, UNMAPPED, account, call, context, env, hash, machine, partialState, setRegisters } from './fixture.js';

const S = 42;

describe('checkpoint (17)', () => {
  it("y' = x and omega'_7 = the gas left", () => {
    const xy0 = context(partialState([[S, account()]]), S);
    const xy = { x: { ...xy0.x, yield: hash(1) }, y: xy0.y };
    const r = call(17, machine(500n), xy);
    expect(r).toMatchObject({ r7: 490n, charged: 10n });
    expect(r.xy.y).toBe(xy.x);
  });
});

describe('new (18)', () => {
  // The new account: items 2, octets 81 + l; threshold B_S + 2 B_I + (81 + l) B_L - f.
  const l = 19;
  const newThreshold = 100n + 20n + 81n + BigInt(l);
  const prepared = (gratis = 0, desired = 0) => {
    const m = machine(100n);
    m.writeMemory(RW, hash(0x77));
    setRegisters(m, 7, [RW, l, 5, 6, gratis, desired]);
    return m;
  };
  it("creates x_i with a request (c, l) -> [] and its threshold as balance, taken from s", () => {
    const xy = context(partialState([[S, account({ balance: 1000n })]]), S);
    const id = xy.x.nextFreeId;
    const r = call(18, prepared(), xy);
    expect(r.r7).toBe(BigInt(id));
    const a = r.xy.x.state.delta.get(id)!;
    expect(bytesEqual(a.codeHash, hash(0x77))).toBe(true);
    expect(requestOf(a, hash(0x77), l)).toEqual([]);
    expect(accountEntries(a).size).toBe(1);
    expect([a.balance, a.minAccGas, a.minMemoGas, a.created, a.parent, a.items, a.octets]).toEqual([
      newThreshold,
      5n,
      6n,
      100,
      S,
      2,
      81n + BigInt(l),
    ]);
    expect(r.xy.x.state.delta.get(S)!.balance).toBe(1000n - newThreshold);
    const span = 2 ** 32 - tiny.Cminpublicindex - 2 ** 8;
    expect(r.xy.x.nextFreeId).toBe(tiny.Cminpublicindex + ((id - tiny.Cminpublicindex + 42) % span));
  });
  it('CASH when s would fall below its own threshold', () => {
    const xy = context(partialState([[S, account({ balance: 100n + newThreshold - 1n })]]), S);
    expect(call(18, prepared(), xy).r7).toBe(RESULT.CASH);
  });
  it('HUH for a gratis offset unless s is the manager', () => {
    const xy = context(partialState([[S, account()]]), S);
    expect(call(18, prepared(1), xy).r7).toBe(RESULT.HUH);
    const managed = context(partialState([[S, account()]], { manager: S }), S);
    expect(call(18, prepared(1), managed).r7).toBe(BigInt(managed.x.nextFreeId));
  });
  it('the registrar picks an id below S; FULL if it is taken', () => {
    const xy = context(partialState([[S, account()], [7, account()]], { registrar: S }), S);
    const r = call(18, prepared(0, 9), xy);
    expect(r.r7).toBe(9n);
    expect(r.xy.x.state.delta.has(9)).toBe(true);
    expect(r.xy.x.nextFreeId).toBe(xy.x.nextFreeId);
    expect(call(18, prepared(0, 7), xy).r7).toBe(RESULT.FULL);
  });
  it('panics for an unreadable code hash or l >= 2^32', () => {
    const xy = context(partialState([[S, account()]]), S);
    const m = prepared();
    m.setRegister(7, BigInt(UNMAPPED));
    expect(call(18, m, xy).exit).toBe('panic');
    const m2 = prepared();
    m2.setRegister(8, 1n << 32n);
    expect(call(18, m2, xy).exit).toBe('panic');
  });
});

describe('upgrade (19)', () => {
  it('sets c, g, m of s', () => {
    const m = machine(100n);
    m.writeMemory(RW, hash(0x55));
    setRegisters(m, 7, [RW, 11, 12]);
    const r = call(19, m, context(partialState([[S, account()]]), S));
    const a = r.xy.x.state.delta.get(S)!;
    expect([r.r7, toHex(a.codeHash), a.minAccGas, a.minMemoGas]).toEqual([RESULT.OK, toHex(hash(0x55)), 11n, 12n]);
  });
});

describe('transfer (20)', () => {
  const D = 43;
  const xy = context(partialState([[S, account({ balance: 1000n })], [D, account({ minMemoGas: 50n })]]), S);
  const prepared = (dest: number, amount: bigint, gas: bigint, g = 1000n) => {
    const m = machine(g);
    m.writeMemory(RW, new Uint8Array(tiny.Cmemosize).fill(3));
    setRegisters(m, 7, [dest, amount, gas, RW]);
    return m;
  };
  it('OK appends the transfer, debits s and charges 10 + l', () => {
    const r = call(20, prepared(D, 300n, 60n), xy);
    expect([r.r7, r.charged]).toEqual([RESULT.OK, 70n]);
    expect(r.xy.x.xfers).toEqual([{ source: S, dest: D, amount: 300n, memo: new Uint8Array(128).fill(3), gas: 60n }]);
    expect(r.xy.x.state.delta.get(S)!.balance).toBe(700n);
  });
  it('WHO, LOW, CASH, each charging 10', () => {
    expect(call(20, prepared(99, 1n, 60n), xy)).toMatchObject({ r7: RESULT.WHO, charged: 10n });
    expect(call(20, prepared(D, 1n, 49n), xy)).toMatchObject({ r7: RESULT.LOW, charged: 10n });
    // threshold of s is B_S = 100: 1000 - 901 < 100.
    expect(call(20, prepared(D, 901n, 60n), xy)).toMatchObject({ r7: RESULT.CASH, charged: 10n });
    expect(call(20, prepared(D, 900n, 60n), xy).r7).toBe(RESULT.OK);
  });
  it('out of gas when 10 + l exceeds the gas, nothing changed', () => {
    const m = prepared(D, 1n, 60n, 69n);
    const r = call(20, m, xy);
    expect(r.exit).toBe('out-of-gas');
    expect(r.xy).toBe(xy);
    expect(r.r7).toBe(BigInt(D));
  });
  it('panics on an unreadable memo', () => {
    const m = prepared(D, 1n, 60n);
    m.setRegister(10, BigInt(UNMAPPED));
    expect(call(20, m, xy).exit).toBe('panic');
  });
});

describe('eject (21)', () => {
  const D = 43;
  const h = hash(0x99);
  const ownHash = (id: number) => {
    const b = new Uint8Array(32);
    new DataView(b.buffer).setUint32(0, id, true);
    return b as ReturnType<typeof hash>;
  };
  // d_o = 81 + 10: the one request (h, 10).
  const ejectee = (slots: number[], fields = {}) =>
    withRequest(account({ codeHash: ownHash(S), balance: 77n, items: 2, octets: 91n, ...fields }), h, 10, slots);
  const run = (d: ReturnType<typeof account>, tau = 100) => {
    const m = machine(100n);
    m.writeMemory(RW, h);
    setRegisters(m, 7, [D, RW]);
    return call(21, m, context(partialState([[S, account({ balance: 1000n })], [D, d]]), S), env({ tau }));
  };
  it('OK removes d and credits its balance once its request expired (y < t - D)', () => {
    const r = run(ejectee([1, 100 - tiny.Cexpungeperiod - 1]));
    expect(r.r7).toBe(RESULT.OK);
    expect(r.xy.x.state.delta.has(D)).toBe(false);
    expect(r.xy.x.state.delta.get(S)!.balance).toBe(1077n);
  });
  it('HUH before expiry, for other request shapes or item counts', () => {
    expect(run(ejectee([1, 100 - tiny.Cexpungeperiod])).r7).toBe(RESULT.HUH);
    expect(run(ejectee([1])).r7).toBe(RESULT.HUH);
    expect(run(ejectee([1, 2], { items: 3 })).r7).toBe(RESULT.HUH);
  });
  it('WHO for a code hash other than E_32(s), or d = s', () => {
    expect(run(ejectee([1, 2], { codeHash: ownHash(S + 5) })).r7).toBe(RESULT.WHO);
    const m = machine(100n);
    m.writeMemory(RW, h);
    setRegisters(m, 7, [S, RW]);
    expect(call(21, m, context(partialState([[S, account()]]), S)).r7).toBe(RESULT.WHO);
  });
});
