/**
 * Issue 15's regressions, each built from the paper's text:
 * - the three dictionaries of an account (9.3) are kept apart although D.2's keys alias: a
 *   storage item of a 32-octet key h and the request (h, 2^32 - 1) share a serialized key, and so
 *   do the preimage h and the request (h, 2^32 - 2); query, solicit and forget (B.20) read a_l only;
 * - new's check (B.14) tests the base state of Psi_A, so an id ejected earlier in the same
 *   invocation is not handed out again;
 * - Delta* (12.19) with two services contributing the same index (the text after 12.22) makes the
 *   block invalid;
 * - M* (11.22) while tau' < R reads t mod E in P (11.20) as the paper's mod (never negative).
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import type { Hash } from '../../spec/bytes.js';
import type { ServiceAccount, ServiceId, State, ValidatorKey } from '../../spec/types.js';
import { guarantorAssignmentsUnderLastRotation, permute } from '../../model/reports/assignments.js';
import { importBlock, importStateFromKeyvals, type Accumulate } from '../../model/block-import/index.js';
import { embeddedRingSrs } from '../../model/crypto/bandersnatch.js';
import { loadTraceStep, traceSteps, vectorsDir } from '../../chain/index.js';
import { accumulation, type AccumulationState } from '../../model/accumulation/index.js';
import type { AccumulateInvocation, PartialState } from '../../model/accumulation/types.js';
import { RESULT } from '../../model/accumulation/host-calls/common.js';
import { preimageOf, requestOf, storageOf, withRequest, withStorage } from '../../model/merklization/serialize.js';
import { RW, account, call, context, env, hash, machine, partialState, setRegisters, withCode } from './fixture.js';

const S = 42;
const TWO_32 = 2 ** 32;

/** Runs query, solicit or forget on (h, z) for service S holding `a`. */
const onRequest = (id: number, a: ServiceAccount, h: Hash, z: number) => {
  const m = machine(100n);
  m.writeMemory(RW, h);
  setRegisters(m, 7, [RW, z]);
  return call(id, m, context(partialState([[S, a]]), S), env({ tau: 100 }));
};

describe('the dictionaries of an account are kept apart (9.3; D.2 aliases)', () => {
  const h = hash(0x51);
  // a_s[h] = [5]: one item, 34 + 32 + 1 octets.
  const storing = (value: Uint8Array) => withStorage(account({ balance: 10n ** 12n, items: 1, octets: 67n }), h, value);

  it('query (h, 2^32 - 1) with a_s[h] = [5] and no request: NONE, 0 (B.20 query: a = error)', () => {
    const r = onRequest(22, storing(Uint8Array.of(5)), h, TWO_32 - 1);
    expect([r.exit, r.r7, r.r8]).toEqual(['continue', RESULT.NONE, 0n]);
  });

  it("query (c, 2^32 - 2) with c the service's own code hash: NONE, 0 (a_p[c] is no request)", () => {
    const a = { ...withCode(Uint8Array.of(0)), balance: 10n ** 12n };
    const r = onRequest(22, a, a.codeHash, TWO_32 - 2);
    expect([r.exit, r.r7, r.r8]).toEqual(['continue', RESULT.NONE, 0n]);
  });

  it('solicit (c, 2^32 - 2): a new request (c, 2^32 - 2) -> [], the code preimage untouched', () => {
    const a = { ...withCode(Uint8Array.of(0)), balance: 10n ** 12n };
    const r = onRequest(23, a, a.codeHash, TWO_32 - 2);
    expect([r.exit, r.r7]).toEqual(['continue', RESULT.OK]);
    const after = r.xy.x.state.delta.get(S)!;
    expect(requestOf(after, a.codeHash, TWO_32 - 2)).toEqual([]);
    expect(preimageOf(after, a.codeHash)).toEqual(preimageOf(a, a.codeHash));
    expect([after.items, after.octets]).toEqual([a.items + 2, a.octets + 81n + BigInt(TWO_32 - 2)]);
  });

  it('forget (h, 2^32 - 1) with a_s[h] = [] encoded (0x00) and no request: HUH, storage and footprint untouched', () => {
    const a = storing(Uint8Array.of(0));
    const r = onRequest(24, a, h, TWO_32 - 1);
    expect([r.exit, r.r7]).toEqual(['continue', RESULT.HUH]);
    const after = r.xy.x.state.delta.get(S)!;
    expect(storageOf(after, h)).toEqual(Uint8Array.of(0));
    expect([after.items, after.octets]).toEqual([1, 67n]);
  });
});

describe("new's check tests Psi_A's base state (B.14)", () => {
  it('an account ejected earlier in the invocation keeps its id: a later new does not get it', () => {
    const span = TWO_32 - tiny.Cminpublicindex - 2 ** 8;
    const e0 = env({ tau: 100 });
    const x0 = context(partialState([[S, account({ balance: 10n ** 6n })]]), S, e0).x;
    // The id the second new would be given if check looked at the context: x_i + 42.
    const D = tiny.Cminpublicindex + ((x0.nextFreeId - tiny.Cminpublicindex + 42) % span);
    const own = new Uint8Array(32);
    new DataView(own.buffer).setUint32(0, S, true);
    const child = withRequest(account({ codeHash: own as Hash, balance: 77n, items: 2, octets: 91n }), hash(0x99), 10, [0, 1]);
    const base = partialState([[S, account({ balance: 10n ** 6n })], [D, child]]);
    const e = env({ tau: 100, baseAccounts: base.delta });
    const m = machine(1000n);
    m.writeMemory(RW, hash(0x99));
    setRegisters(m, 7, [D, RW]);
    const ejected = call(21, m, context(base, S, e), e);
    expect(ejected.r7).toBe(RESULT.OK);
    m.writeMemory(RW, hash(0x77));
    setRegisters(m, 7, [RW, 0, 0, 0, 0, 0]);
    const first = call(18, m, ejected.xy, e);
    setRegisters(m, 7, [RW, 0, 0, 0, 0, 0]);
    const second = call(18, m, first.xy, e);
    expect(first.r7).toBe(BigInt(x0.nextFreeId));
    expect(second.r7).not.toBe(BigInt(D));
    expect(base.delta.has(Number(second.r7))).toBe(false);
  });
});

/** An accumulation state over the given accounts with the given always-accumulate services and nothing queued. */
const accumulationState = (accounts: ReadonlyArray<readonly [ServiceId, ServiceAccount]>, alwaysAccers: ReadonlyArray<ServiceId>): AccumulationState => {
  const e = partialState(accounts);
  return {
    omega: Array.from({ length: tiny.Cepochlen }, () => []),
    xi: Array.from({ length: tiny.Cepochlen }, () => []),
    delta: e.delta,
    chi: { manager: 0, assigners: e.assigners, delegator: 0, registrar: 0, alwaysAccers: new Map(alwaysAccers.map((s) => [s, 100n])) },
    iota: e.iota,
    phi: e.phi,
    tau: 9,
  } as AccumulationState & Pick<State, 'tau'>;
};

/** A stand-in for Psi_A: service s's post-state and transfers are `act(e, s, inputs)`. */
const stub =
  (act: (e: PartialState, s: ServiceId, transfers: number) => Pick<ReturnType<AccumulateInvocation>, 'poststate' | 'defxfers'>): AccumulateInvocation =>
  (e, _tau, s, _g, inputs) => ({
    ...act(e, s, inputs.filter((i) => i.kind === 'transfer').length),
    yield: undefined,
    gasUsed: 1n,
    provisions: [],
  });

const withAccountIn = (e: PartialState, id: ServiceId, a: ServiceAccount | undefined): PartialState => {
  const delta = new Map(e.delta);
  if (a === undefined) delta.delete(id);
  else delta.set(id, a);
  return { ...e, delta };
};

describe('Delta*: two services contributing the same index make the block invalid (text after 12.22)', () => {
  const input = { slot: 10, available: [], entropy: hash(0xee) };

  it('two services creating the same new id', () => {
    const psiA = stub((e, s) => ({ poststate: withAccountIn(e, 999_999, account({ parent: s })), defxfers: [] }));
    const r = accumulation(tiny, psiA)(accumulationState([[1, account()], [2, account()]], [1, 2]), input);
    expect(r).toEqual(E.left('service_index_conflict'));
  });

  it('an ejected child that a deferred transfer of the same round credits', () => {
    const P = 1;
    const Q = 2;
    const D = 3;
    const memo = new Uint8Array(tiny.Cmemosize);
    const psiA = stub((e, s, transfers) => {
      // Round 1: Q sends 5 to D and 1 to P; round 2: P (woken by its transfer) ejects D, D is credited.
      if (s === Q && transfers === 0)
        return {
          poststate: e,
          defxfers: [
            { source: Q, dest: P, amount: 1n, memo, gas: 0n },
            { source: Q, dest: D, amount: 5n, memo, gas: 0n },
          ],
        };
      if (s === P) return { poststate: withAccountIn(withAccountIn(e, D, undefined), P, { ...e.delta.get(P)!, balance: e.delta.get(P)!.balance + e.delta.get(D)!.balance }), defxfers: [] };
      if (s === D) return { poststate: withAccountIn(e, D, { ...e.delta.get(D)!, balance: e.delta.get(D)!.balance + 5n }), defxfers: [] };
      return { poststate: e, defxfers: [] };
    });
    const r = accumulation(tiny, psiA)(accumulationState([[P, account()], [Q, account()], [D, account()]], [Q]), input);
    expect(r).toEqual(E.left('service_index_conflict'));
  });
});

describe("M* (11.22) while tau' < R: P's t mod E is the paper's mod, in [0, E)", () => {
  it('every core is in N_C, and P(e, tau\' - R) = P(e, tau\' - R + E)', () => {
    const e = hash(0x21);
    const keys = Array.from({ length: tiny.Cvalcount }, () => ({
      bs: hash(1), ed: hash(2), bls: new Uint8Array(144), metadata: new Uint8Array(128),
    })) as unknown as ReadonlyArray<ValidatorKey>;
    for (let tau = 0; tau < tiny.Crotationperiod; tau++) {
      const m = guarantorAssignmentsUnderLastRotation(tiny, { eta: [e, e, e, e], kappa: keys, lambda: keys, offenders: [], tau });
      expect(m.cores.every((c) => Number.isInteger(c) && c >= 0 && c < tiny.Ccorecount)).toBe(true);
      expect(m.cores).toEqual(permute(tiny, e, tau - tiny.Crotationperiod + tiny.Cepochlen));
    }
  });
});

describe('readings (README: where the paper, the vectors and clients part)', () => {
  it('query with z >= 2^32: NONE, 0 (no key of a_l has such a length); solicit: HUH; forget: HUH', () => {
    const a = account({ balance: 10n ** 12n });
    const q = onRequest(22, a, hash(1), 2 ** 32);
    expect([q.r7, q.r8]).toEqual([RESULT.NONE, 0n]);
    expect(onRequest(23, a, hash(1), 2 ** 32).r7).toBe(RESULT.HUH);
    expect(onRequest(24, a, hash(1), 2 ** 32).r7).toBe(RESULT.HUH);
  });

  it('bless with one service twice in z: the last pair wins', () => {
    const m = machine(100n);
    const z = new Uint8Array(24);
    const view = new DataView(z.buffer);
    view.setUint32(0, 5, true);
    view.setBigUint64(4, 10n, true);
    view.setUint32(12, 5, true);
    view.setBigUint64(16, 20n, true);
    m.writeMemory(RW + 64, z);
    setRegisters(m, 7, [S, RW, S, S, RW + 64, 2]);
    const r = call(14, m, context(partialState([[S, account()]]), S));
    expect([r.r7, [...r.xy.x.state.alwaysAccers]]).toEqual([RESULT.OK, [[5, 20n]]]);
  });

  it("block import rejects a block whose accumulation is invalid, at stage 'accumulation'", () => {
    const file = traceSteps(vectorsDir('traces', 'storage'))[1]!;
    const step = loadTraceStep(tiny, file);
    if (E.isLeft(step)) throw new Error(step.left);
    const prior = importStateFromKeyvals(tiny, step.right.pre.keyvals);
    if (E.isLeft(prior)) throw new Error(prior.left.reason);
    const invalid: Accumulate = () => () => E.left('service_index_conflict');
    const r = importBlock(tiny, { srs: embeddedRingSrs(), accumulate: invalid })(prior.right, step.right.block);
    expect(r).toEqual(E.left({ stage: 'accumulation', error: 'service_index_conflict' }));
  });
});
