/**
 * Totality of block import (section 4.1) and of Psi_A's host calls (Appendix B): no input makes
 * `importBlock` throw. Each case takes a recorded trace step's pre-state and block, adds a service
 * X that accumulates every block (chi_Z, with free gas) and holds every privilege by chance, whose
 * code is a generated guest program (fuzz/guest: host calls with boundary arguments, answers
 * folded into its storage), and gives X and the
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
import { encode } from '../spec/codec.js';
import { validatorKey } from '../spec/codecs.js';
import { arbGuest, guestProgram, type GuestWorld } from '../fuzz/guest/generators.js';
import { account, withCode } from './host-calls/fixture.js';

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
const TWO_64 = 2n ** 64n;
const arbU64 = fc.bigInt({ min: 0n, max: TWO_64 - 1n });
/** The hash whose keys alias: a_s[H] ~ a_l[(H, 2^32-1)], a_p[H] ~ a_l[(H, 2^32-2)]; the guest's requested hash. */
const REQUESTED = Uint8Array.of(1, 2, 3);
const H = blake2b256(REQUESTED) as Hash;

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

/**
 * X's world (fuzz/guest): the services of every step, X and its child (code hash E_32(X), so X
 * may eject it), the aliasing H as the requested preimage's hash, and the first step's validators.
 */
const worldOf = (steps: ReadonlyArray<{ readonly prior: ImportState }>): GuestWorld => {
  const first = steps[0]!.prior.state;
  return {
    self: X,
    services: [...new Set([...steps.flatMap((s) => [...s.prior.state.delta.keys()]), X, CHILD])],
    absent: [0x1234_5678],
    ejectable: CHILD,
    requested: REQUESTED,
    requestedHash: H,
    ejectHash: H,
    hashes: [...first.delta.values()].map((a) => a.codeHash).slice(0, 2),
    validators: first.iota.map((k) => encode(validatorKey, k)),
    cores: tiny.Ccorecount,
    queueSize: tiny.Cauthqueuesize,
  };
};

const arbCase = (world: GuestWorld) =>
  fc.record({
    step: fc.nat(),
    guest: arbGuest(world, 12),
    self: arbData,
    others: fc.array(arbData, { maxLength: 3 }),
    child: arbData,
    privileged: fc.boolean(),
  });

describe('block import is total', () => {
  let steps: ReadonlyArray<{ readonly prior: ImportState; readonly block: Block }>;
  let world: GuestWorld;
  beforeAll(() => {
    steps = loadSteps();
    world = worldOf(steps);
  });

  it(`a state or a named rejection, never a throw, whatever the guest program and the service data (${CASES} cases)`, () => {
    const counter = hostCallCounter();
    const importer = importerOf(tiny, nativeEngines, counter.observer);
    const outcomes = new Map<string, number>();
    const stages = new Set(['header', 'safrole', 'disputes', 'assurances', 'reports', 'accumulation', 'preimages']);
    fc.assert(
      fc.property(arbCase(world), (c) => {
        const { prior, block } = steps[c.step % steps.length]!;
        const code = withCode(guestProgram(world, c.guest));
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
