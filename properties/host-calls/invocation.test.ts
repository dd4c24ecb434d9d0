/**
 * Psi_A (B.9) on hand-written service code: the code lookup with its metadata prefix (9.4),
 * the transfer credit, the collapse C after halt (regular) and panic (exceptional, as left by
 * checkpoint), and the host-call counter. Runs on both engines when the native one is built.
 */
import { describe, expect, it } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import type { AccumulationInput } from '../../spec/types.js';
import { type PvmEngine, tsEngine } from '../../model/pvm/index.js';
import { nativeEngine } from '../../model/pvm/native.js';
import { account, hash, nativeBuilt, partialState, serviceProgram as program, withCode } from './fixture.js';
import { PsiA, hostCallCounter, serviceCode } from '../../model/accumulation/invocation.js';
import type { Item } from '../../fuzz/guest/assembler.js';

const S = 42;

const transferIn = (amount: bigint): AccumulationInput => ({
  kind: 'transfer',
  value: { source: 1, dest: S, amount, memo: new Uint8Array(tiny.Cmemosize), gas: 0n },
});

const ECALLI = (id: number): Item => ({ name: 'ecalli', imms: [BigInt(id)] });
// jump_ind omega_0 + 0: omega_0 is the halt address 2^32 - 2^16 (A.43)
const HALT: Item = { name: 'jump_ind', regs: [0], imms: [0n] };
const TRAP: Item = { name: 'trap' };

const engines: Array<[string, PvmEngine]> = nativeBuilt() ? [['ts', tsEngine], ['native', nativeEngine]] : [['ts', tsEngine]];

describe.each(engines)('Psi_A on the %s engine', (_name, engine) => {
  it('a_c drops the metadata prefix', () => {
    const p = program([HALT]);
    expect(serviceCode(withCode(p))).toEqual(p);
    expect(serviceCode(account())).toBeUndefined();
  });

  it('without code: the transfers are credited, nothing runs, no gas', () => {
    const state = partialState([[S, account({ balance: 10n })]]);
    const o = PsiA(tiny, engine)(state, 5, S, 1000n, [transferIn(7n), transferIn(8n)], hash(1));
    expect(o.gasUsed).toBe(0n);
    expect(o.poststate.delta.get(S)!.balance).toBe(25n);
  });

  it('halt: the regular dimension, gas 1 per instruction plus 10 per host call', () => {
    const state = partialState([[S, withCode(program([ECALLI(0), HALT]))]]);
    const counter = hostCallCounter();
    const o = PsiA(tiny, engine)(state, 5, S, 1000n, [transferIn(5n)], hash(1), counter.observer);
    expect(o.gasUsed).toBe(1n + 10n + 1n);
    expect(o.poststate.delta.get(S)!.balance).toBe(1005n);
    expect(o.yield).toBeUndefined();
    expect([...counter.counts]).toEqual([['gas:value', 1]]);
  });

  it("panic after checkpoint: the exceptional dimension is the checkpoint's", () => {
    // upgrade (19) with omega_7 = 0 panics (address 0 is unreadable), after a checkpoint.
    const state = partialState([[S, withCode(program([ECALLI(17), ECALLI(19), TRAP]))]]);
    const counter = hostCallCounter();
    const o = PsiA(tiny, engine)(state, 5, S, 1000n, [transferIn(5n)], hash(1), counter.observer);
    expect(o.gasUsed).toBe(2n + 20n);
    expect(o.poststate.delta.get(S)!.balance).toBe(1005n);
    expect([...counter.counts]).toEqual([
      ['checkpoint:value', 1],
      ['upgrade:panic', 1],
    ]);
  });

  it('out of gas: the exceptional dimension (no checkpoint: the initial context)', () => {
    const state = partialState([[S, withCode(program([ECALLI(0), HALT]))]]);
    const o = PsiA(tiny, engine)(state, 5, S, 5n, [], hash(1));
    expect(o.gasUsed).toBe(5n);
    expect(o.poststate).toEqual(state);
  });
});

/** omega_7 = 2^17 (readable), omega_8 = 2^28 + 1 (past every page), then halt. */
const longOutput = program([{ name: 'load_imm', regs: [7], imms: [0x20000n] }, { name: 'load_imm', regs: [8], imms: [0x1000_0001n] }, HALT]);

// @gp A.44 -- R: an unreadable output range omega_7..+omega_8 gives the empty blob (no yield).
it('Psi_M on the ts engine: halting with an unreadable output range yields nothing', () => {
  const o = PsiA(tiny, tsEngine)(partialState([[S, withCode(longOutput)]]), 5, S, 1000n, [], hash(1));
  expect([o.gasUsed, o.yield]).toEqual([3n, undefined]);
});

describe.runIf(nativeBuilt())('Psi_M on the native engine', () => {
  it('halting with an unreadable output range of 2^28 + 1 octets yields nothing', () => {
    const o = PsiA(tiny, nativeEngine)(partialState([[S, withCode(longOutput)]]), 5, S, 1000n, [], hash(1));
    expect([o.gasUsed, o.yield]).toEqual([3n, undefined]);
  });
});
