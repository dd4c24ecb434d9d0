/** bless, assign and designate (B.20), from the paper's text. */
import { describe, expect, it } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import { RESULT } from '../../model/accumulation/host-calls/common.js';
import { RW, RW_SIZE, UNMAPPED, account, call, context, machine, partialState, setRegisters } from './fixture.js';

const S = 42;
const le = (n: number, v: bigint): number[] => Array.from({ length: n }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn));

describe('bless (14)', () => {
  const xy = context(partialState([[S, account()]], { manager: S }), S);
  const prepared = () => {
    const m = machine(100n);
    // a: C = 2 assigners; z: two (service, gas) pairs.
    m.writeMemory(RW, Uint8Array.from([...le(4, 7n), ...le(4, 8n)]));
    m.writeMemory(RW + 64, Uint8Array.from([...le(4, 5n), ...le(8, 1000n), ...le(4, 6n), ...le(8, 2000n)]));
    setRegisters(m, 7, [11, RW, 12, 13, RW + 64, 2]);
    return m;
  };
  it('OK sets (m, a, v, r, z)', () => {
    const r = call(14, prepared(), xy);
    expect(r.r7).toBe(RESULT.OK);
    const e = r.xy.x.state;
    expect([e.manager, e.assigners, e.delegator, e.registrar]).toEqual([11, [7, 8], 12, 13]);
    expect([...e.alwaysAccers]).toEqual([
      [5, 1000n],
      [6, 2000n],
    ]);
    expect(r.xy.y.state.manager).toBe(S);
  });
  it('WHO when m, v or r is no service id', () => {
    const m = prepared();
    m.setRegister(9, 1n << 32n);
    const r = call(14, m, xy);
    expect(r.r7).toBe(RESULT.WHO);
    expect(r.xy).toBe(xy);
  });
  it('panics when a or z is unreadable', () => {
    const m = prepared();
    m.setRegister(8, BigInt(UNMAPPED));
    expect(call(14, m, xy).exit).toBe('panic');
    const m2 = prepared();
    m2.setRegister(12, 1n << 40n);
    expect(call(14, m2, xy).exit).toBe('panic');
  });
});

describe('assign (15)', () => {
  const xy = context(partialState([[S, account()]], { assigners: [S, 0] }), S);
  const prepared = (c: number, a: bigint | number = 9) => {
    const m = machine(100n);
    m.writeMemory(RW, new Uint8Array(32 * tiny.Cauthqueuesize).fill(0xab));
    setRegisters(m, 7, [c, RW, a]);
    return m;
  };
  it('OK sets phi[c] and the assigner of c', () => {
    const r = call(15, prepared(0), xy);
    expect(r.r7).toBe(RESULT.OK);
    expect(r.xy.x.state.phi[0]!.every((h) => h.every((b) => b === 0xab))).toBe(true);
    expect(r.xy.x.state.assigners).toEqual([9, 0]);
  });
  it('CORE for c >= C, HUH for a core s does not assign, WHO for a bad assigner', () => {
    expect(call(15, prepared(2), xy).r7).toBe(RESULT.CORE);
    expect(call(15, prepared(1), xy).r7).toBe(RESULT.HUH);
    expect(call(15, prepared(0, 1n << 32n), xy).r7).toBe(RESULT.WHO);
  });
  it('panics on an unreadable queue before checking the core', () => {
    const m = prepared(5);
    m.setRegister(8, BigInt(UNMAPPED));
    expect(call(15, m, xy).exit).toBe('panic');
  });
});

describe('designate (16)', () => {
  const prepared = () => {
    const m = machine(100n);
    m.writeMemory(RW, Uint8Array.from({ length: 336 * tiny.Cvalcount }, (_, i) => Math.floor(i / 336)));
    setRegisters(m, 7, [RW]);
    return m;
  };
  it('OK sets iota to the V keys', () => {
    const xy = context(partialState([[S, account()]], { delegator: S }), S);
    const r = call(16, prepared(), xy);
    expect(r.r7).toBe(RESULT.OK);
    expect(r.xy.x.state.iota.map((k) => k.bs[0])).toEqual([0, 1, 2, 3, 4, 5]);
    expect(r.xy.x.state.iota[5]!.metadata[127]).toBe(5);
  });
  it('HUH unless s is the delegator', () => {
    const xy = context(partialState([[S, account()]], { delegator: 1 }), S);
    expect(call(16, prepared(), xy).r7).toBe(RESULT.HUH);
  });
  it('panics when the keys run past the end of the writable pages', () => {
    const xy = context(partialState([[S, account()]], { delegator: S }), S);
    const m = prepared();
    m.setRegister(7, BigInt(RW + RW_SIZE - 336));
    expect(call(16, m, xy).exit).toBe('panic');
  });
});
