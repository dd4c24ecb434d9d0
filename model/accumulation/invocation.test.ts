/**
 * Psi_A (B.9) on hand-written service code: the code lookup with its metadata prefix (9.4),
 * the transfer credit, the collapse C after halt (regular) and panic (exceptional, as left by
 * checkpoint), and the host-call counter. Runs on both engines when the native one is built.
 */
import { describe, expect, it } from 'vitest';
import { toHex } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { Writer } from '../../spec/codec.js';
import type { AccumulationInput } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import { type PvmEngine, encodeBlob, tsEngine } from '../pvm/index.js';
import { nativeEngine } from '../pvm/native.js';
import { account, hash, partialState } from './host-calls/fixture.js';
import { PsiA, hostCallCounter, serviceCode } from './invocation.js';

const S = 42;

/** Five fallthroughs (Psi_A enters at 5), then `body`; k marks each given instruction start. */
const program = (body: ReadonlyArray<ReadonlyArray<number>>): Uint8Array => {
  const c: number[] = [1, 1, 1, 1, 1];
  const k: number[] = [1, 1, 1, 1, 1];
  for (const instruction of body) {
    instruction.forEach((b, i) => {
      c.push(b);
      k.push(i === 0 ? 1 : 0);
    });
  }
  const code = encodeBlob({ c: Uint8Array.from(c), k: Uint8Array.from(k), j: [] });
  // A.38: E_3(|o|) ++ E_3(|w|) ++ E_2(z) ++ E_3(s) ++ o ++ w ++ E_4(|c|) ++ c, all sections empty.
  const w = new Writer();
  w.bytes(new Uint8Array(11));
  w.uint(4, code.length);
  w.bytes(code);
  return w.result();
};

/** An account whose code preimage is E(var(metadata), p). */
const withCode = (p: Uint8Array, balance = 1000n) => {
  const w = new Writer();
  w.natural(3);
  w.bytes(Uint8Array.of(7, 7, 7));
  w.bytes(p);
  const preimage = w.result();
  const codeHash = blake2b256(preimage);
  return account({ balance, codeHash, preimages: new Map([[toHex(codeHash), preimage]]) });
};

const transferIn = (amount: bigint): AccumulationInput => ({
  kind: 'transfer',
  value: { source: 1, dest: S, amount, memo: new Uint8Array(tiny.Cmemosize), gas: 0n },
});

const ECALLI = (id: number) => [10, id];
const HALT = [50, 0]; // jump_ind omega_0 + 0: omega_0 is the halt address 2^32 - 2^16 (A.43)
const TRAP = [0];

const engines: Array<[string, PvmEngine]> = [['ts', tsEngine]];
try {
  nativeEngine.instantiate({ program: encodeBlob({ c: Uint8Array.of(0), k: Uint8Array.of(1), j: [] }), pc: 0, gas: 0n, registers: Array(13).fill(0n), memory: { pages: [], contents: [] } });
  engines.push(['native', nativeEngine]);
} catch {
  // native addon not built: the TypeScript engine only.
}

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
