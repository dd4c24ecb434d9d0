/**
 * Totality of block import (section 4.1) and of Psi_A's host calls (Appendix B): no input makes
 * `importBlock` throw. Each case takes a recorded trace step's pre-state and block, adds a service
 * X that accumulates every block (chi_Z, with free gas) and holds every privilege by chance, whose
 * code is a generated sequence of host calls with generated registers, and gives X and the
 * trace's own services generated data: typed entries of a_s, a_p, a_l and opaque entries (what a
 * state given as key-values holds), many under D.2's aliased keys (the storage item of a 32-octet
 * h and the request (h, 2^32-1); the preimage h and the request (h, 2^32-2)), with balances up to
 * 2^64 - 1 and stored footprints that need not match the entries. The prior trie stays the
 * recorded one, so the header's prior state root still holds and the block reaches accumulation.
 * The result must be a posterior state or a named rejection (a stage and its error name).
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Hash } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import type { AccountEntryKey, Block, ServiceAccount, ServiceId } from '../spec/types.js';
import { blake2b256 } from '../model/crypto/index.js';
import { importStateFromKeyvals, type ImportState } from '../model/block-import/index.js';
import { preimageEntryKey, requestEntryKey, storageEntryKey, withPreimage, withRequest, withStorage } from '../model/merklization/serialize.js';
import { importerOf, loadTraceStep, nativeEngines, traceSteps, vectorsDir } from '../chain/index.js';
import { hostCallCounter } from '../model/accumulation/invocation.js';
import { account, serviceProgram, withCode } from './host-calls/fixture.js';

const CASES = 500;

/** Every 12th step of each trace: its pre-state (with the recorded trie) and its block. */
const loadSteps = (): ReadonlyArray<{ readonly prior: ImportState; readonly block: Block }> =>
  ['fallback', 'safrole', 'storage', 'storage_light', 'preimages', 'preimages_light'].flatMap((folder) =>
    traceSteps(vectorsDir('traces', folder))
      .filter((_, i) => i % 12 === 5)
      .map((file) => {
        const step = loadTraceStep(tiny, file);
        if (E.isLeft(step)) throw new Error(step.left);
        const prior = importStateFromKeyvals(tiny, step.right.pre.keyvals);
        if (E.isLeft(prior)) throw new Error(prior.left.reason);
        return { prior: prior.right, block: step.right.block };
      }),
  );

const X = 0x7777_7777;
const CHILD = 0x7777_7778;
const TWO_32 = 2n ** 32n;
const TWO_64 = 2n ** 64n;
/** The hash whose keys alias: a_s[H] ~ a_l[(H, 2^32-1)], a_p[H] ~ a_l[(H, 2^32-2)]; written at the start of the guest's data. */
const H = blake2b256(Uint8Array.of(1, 2, 3)) as Hash;
const RW = 0x20000;

/** load_imm_64 omega_r = v (A.5 oneRegExtImm), ecalli, halt (jump_ind omega_0), trap. */
const LOAD_IMM_64 = (r: number, v: bigint): number[] => [20, r, ...Array.from({ length: 8 }, (_, i) => Number((v >> BigInt(8 * i)) & 0xffn))];
const ECALLI = (id: number): number[] => [10, id];
const HALT = [50, 0];
const TRAP = [0];

const arbU64 = fc.bigInt({ min: 0n, max: TWO_64 - 1n });
const arbRegister = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...[0, 32, 64, 128].map((o) => BigInt(RW + o))) },
  { weight: 3, arbitrary: fc.constantFrom(0n, 1n, 2n, 10n, 32n, 336n, BigInt(X), BigInt(CHILD), TWO_32 - 1n, TWO_32 - 2n, TWO_32, TWO_64 - 1n) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 3 }).map(BigInt) },
  { weight: 1, arbitrary: arbU64 },
);
const arbGuest = fc.record({
  steps: fc.array(fc.record({ registers: fc.array(fc.tuple(fc.integer({ min: 7, max: 12 }), arbRegister), { maxLength: 6 }), id: fc.oneof({ weight: 10, arbitrary: fc.integer({ min: 0, max: 26 }) }, { weight: 1, arbitrary: fc.constant(100) }) }), { minLength: 1, maxLength: 12 }),
  end: fc.constantFrom(HALT, TRAP),
  data: fc.uint8Array({ minLength: 224, maxLength: 224, max: 3 }),
});

/** A value that decodes as request timeslots, or does not; the short ones are also storage values. */
const arbValue = fc.oneof(
  fc.constantFrom(Uint8Array.of(0), Uint8Array.of(5), Uint8Array.of(1, 7, 0, 0, 0), Uint8Array.of(2, 1, 0, 0, 0, 2, 0, 0, 0)),
  fc.uint8Array({ maxLength: 40 }),
);
const arbKey = fc.oneof(fc.constant(H as Uint8Array), fc.uint8Array({ maxLength: 33, max: 3 }));
const arbLength = fc.constantFrom(0, 1, 3, 10, 2 ** 32 - 1, 2 ** 32 - 2);
const arbData = fc.record({
  storage: fc.array(fc.tuple(arbKey, arbValue), { maxLength: 4 }),
  preimages: fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 2 }),
  requests: fc.array(fc.tuple(fc.constantFrom(H, blake2b256(Uint8Array.of(0))), arbLength, fc.array(fc.nat({ max: 2000 }), { maxLength: 3 })), { maxLength: 3 }),
  opaque: fc.array(
    fc.tuple(
      fc.oneof(
        arbKey.map(storageEntryKey),
        fc.constant(preimageEntryKey(H)),
        arbLength.map((l) => requestEntryKey(H, l)),
      ),
      arbValue,
    ),
    { maxLength: 4 },
  ),
  balance: fc.oneof(fc.bigInt({ min: 0n, max: 10_000n }), arbU64),
  items: fc.nat({ max: 10 }),
  octets: fc.oneof(fc.bigInt({ min: 0n, max: 200n }), arbU64),
  gratis: fc.constantFrom(0n, TWO_64 - 1n),
});
type Data = typeof arbData extends fc.Arbitrary<infer T> ? T : never;

const withData = (a: ServiceAccount, d: Data): ServiceAccount => {
  let b: ServiceAccount = { ...a, balance: d.balance, items: d.items, octets: d.octets, gratis: d.gratis };
  for (const [k, v] of d.storage) b = withStorage(b, k, v);
  for (const p of d.preimages) b = withPreimage(b, blake2b256(p), p);
  for (const [h, l, t] of d.requests) b = withRequest(b, h, l, t);
  const opaque = new Map<AccountEntryKey, Uint8Array>(b.opaque);
  for (const [k, v] of d.opaque) opaque.set(k, v);
  return { ...b, opaque };
};

const arbCase = fc.record({
  step: fc.nat(),
  guest: arbGuest,
  self: arbData,
  others: fc.array(arbData, { maxLength: 3 }),
  child: arbData,
  privileged: fc.boolean(),
});

describe('block import is total', () => {
  let steps: ReadonlyArray<{ readonly prior: ImportState; readonly block: Block }>;
  beforeAll(() => {
    steps = loadSteps();
  });

  it(`a state or a named rejection, never a throw, whatever the guest program and the service data (${CASES} cases)`, () => {
    const counter = hostCallCounter();
    const importer = importerOf(tiny, nativeEngines, counter.observer);
    const outcomes = new Map<string, number>();
    const stages = new Set(['header', 'safrole', 'disputes', 'assurances', 'reports', 'accumulation', 'preimages']);
    fc.assert(
      fc.property(arbCase, (c) => {
        const { prior, block } = steps[c.step % steps.length]!;
        const body = c.guest.steps.flatMap((s) => [...s.registers.map(([r, v]) => LOAD_IMM_64(r, v)), ECALLI(s.id)]);
        const code = withCode(serviceProgram([...body, c.guest.end], Uint8Array.from([...H, ...c.guest.data])));
        const self = withData({ ...code, parent: 0 }, c.self);
        const own = new Uint8Array(32);
        new DataView(own.buffer).setUint32(0, X, true);
        const child = withData(account({ codeHash: own as Hash }), c.child);
        const delta = new Map<ServiceId, ServiceAccount>(prior.state.delta);
        [...delta.keys()].forEach((s, i) => {
          const d = c.others[i];
          if (d !== undefined) delta.set(s, withData(delta.get(s)!, d));
        });
        delta.set(X, { ...self, codeHash: code.codeHash }).set(CHILD, child);
        const chi = prior.state.chi;
        const p = (id: ServiceId): ServiceId => (c.privileged ? X : id);
        const state = {
          ...prior.state,
          delta,
          chi: {
            ...chi,
            manager: p(chi.manager),
            delegator: p(chi.delegator),
            registrar: p(chi.registrar),
            assigners: chi.assigners.map(p),
            alwaysAccers: new Map([...chi.alwaysAccers, [X, 100_000n]]),
          },
        };
        const out = importer({ state, trie: prior.trie }, block);
        const outcome = E.isLeft(out) ? `${out.left.stage}: ${out.left.error}` : 'imported';
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        if (E.isLeft(out)) expect(stages.has(out.left.stage) && typeof out.left.error === 'string').toBe(true);
        else expect(out.right.state.delta.size).toBeGreaterThan(0);
      }),
      { numRuns: CASES },
    );
    // The cases must reach accumulation and the guest's host calls, not stop at the header.
    const calls = [...counter.counts.values()].reduce((a, b) => a + b, 0);
    console.log(`totality: ${CASES} cases: ${[...outcomes].map(([o, n]) => `${o} ${n}`).join(', ')}; ${calls} host calls, ${counter.counts.size} (call, answer) pairs`);
    expect(outcomes.get('imported') ?? 0).toBeGreaterThan(CASES / 2);
    expect(counter.counts.size).toBeGreaterThan(40);
  });
});
