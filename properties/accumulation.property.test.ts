/**
 * Properties of accumulation (section 12) over random blocks of work-reports with random
 * dependencies among a small pool of package hashes, random queues and history, and a stand-in
 * for Psi_A that spends a random share of the gas it is given and passes part of it on in a
 * deferred transfer (as `transfer` does: the attached gas counts as used by the sender):
 * - Q (eq. 12.8) yields each report only after every one of its dependencies, and leaves no
 *   record whose dependencies are all met;
 * - accumulation never spends more gas than the block allows: the gas used, less the gas
 *   forwarded in transfers (charged to the sender, then returned to the budget for the receiver,
 *   eq. 12.18), is at most g of eq. 12.25 plus the free gas of the always-accumulate services;
 * - xi'[E-1] holds the packages of the accumulated prefix of R*, and S counts its every digest;
 * - omega' holds no report accumulated in this block and no dependency on one; its slot m holds
 *   only this block's reports, the slots of skipped timeslots are empty, the others keep only
 *   their prior records (eq. 12.34);
 *   xi' is xi shifted by one with this block's packages last (eqs. 12.32, 12.33);
 * - the prior state is never mutated;
 * - Delta* (eqs. 12.19, 12.20) keeps each service's own account as it left it, the accounts
 *   services create and remove, ignores changes to accounts a service does not own, and sets each
 *   privilege to the manager's choice if it changed it, else to its holder's own choice; an index
 *   that two services contribute (removed twice, or removed while it accumulates) makes the block
 *   invalid (the text after eq. 12.22);
 * - differential: on every `stf/accumulate` vector (tiny and full), Psi_A on the TypeScript PVM
 *   and on the native PVM give the same output and posterior state, field by field.
 */
import { basename } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { chainSpecs, tiny, type ChainSpec } from '../spec/chain-spec.js';
import { toHex, type Hash } from '../spec/bytes.js';
import type { DeferredTransfer, Gas, ReadyRecord, ServiceAccount, ServiceId, WorkReport } from '../spec/types.js';
import {
  accumulatableReports,
  accumulation,
  accumulationPriority,
  editQueue,
  packageHashes,
  type AccumulationState,
} from '../model/accumulation/index.js';
import type { AccumulateInvocation } from '../model/accumulation/types.js';
import { tsEngine } from '../model/pvm/index.js';
import { nativeEngine } from '../model/pvm/native.js';
import { diffValues, listFiles, vectorsDir } from '../chain/index.js';
import { accumulateTestCase, loadStfCase, runAccumulate } from '../vectors/index.js';
import { account as emptyAccount } from './host-calls/fixture.js';

/** A spec whose block gas is small enough that the gas limit cuts R* short. */
const spec: ChainSpec = { ...tiny, Cblockaccgas: 3000n, Creportaccgas: 500n };
const Ep = spec.Cepochlen;
const POOL = 10;
const SERVICES = 4;

const filled = (n: number, byte: number): Uint8Array => new Uint8Array(n).fill(byte);
/** The package hash of pool entry k. */
const pkg = (k: number): Hash => filled(32, k + 1) as Hash;

const report = (k: number, prerequisites: ReadonlyArray<number>, digests: ReadonlyArray<readonly [ServiceId, Gas]>): WorkReport => ({
  avspec: { packageHash: pkg(k), bundleLen: 0, erasureRoot: filled(32, 0) as Hash, segRoot: filled(32, 0) as Hash, segCount: 0 },
  context: {
    anchorHash: filled(32, 0) as Hash,
    anchorPostState: filled(32, 0) as Hash,
    anchorAccOutLog: filled(32, 0) as Hash,
    lookupAnchorHash: filled(32, 0) as Hash,
    lookupAnchorTime: 0,
    prerequisites: prerequisites.map(pkg),
  },
  core: 0,
  authorizer: filled(32, 0) as Hash,
  authGasUsed: 0n,
  authTrace: new Uint8Array(0),
  srLookup: [],
  digests: digests.map(([serviceIndex, gasLimit]) => ({
    serviceIndex,
    codeHash: filled(32, 0) as Hash,
    payloadHash: filled(32, 0) as Hash,
    gasLimit,
    result: { kind: 'ok', value: new Uint8Array(0) },
    gasUsed: 0n,
    importCount: 0,
    xtCount: 0,
    xtSize: 0,
    exportCount: 0,
  })),
});

const digest = fc.tuple(fc.integer({ min: 0, max: SERVICES - 1 }), fc.bigInt({ min: 1n, max: 1500n }));
/** Reports with distinct packages from the pool, each depending on up to three other pool entries. */
const reports = (maxLength: number): fc.Arbitrary<ReadonlyArray<WorkReport>> =>
  fc
    .uniqueArray(fc.integer({ min: 0, max: POOL - 1 }), { maxLength })
    .chain((ks) =>
      fc.tuple(
        ...ks.map((k) =>
          fc
            .tuple(fc.uniqueArray(fc.integer({ min: 0, max: POOL - 1 }), { maxLength: 3 }), fc.array(digest, { minLength: 1, maxLength: 2 }))
            .map(([pre, ds]) => report(k, pre.filter((p) => p !== k), ds)),
        ),
      ),
    );

const account: ServiceAccount = emptyAccount({ codeHash: filled(32, 0) as Hash, balance: 0n });

/** How the stand-in Psi_A behaves for each service: the eighths of its gas it spends, and whom it pays. */
interface Behaviour {
  readonly eighths: number;
  readonly payee: ServiceId | undefined;
}

/**
 * Psi_A's stand-in: spends eighths/8 of g, attaching half of that to one transfer, if it has a
 * payee; `forwarded` tallies the gas so attached (used by the sender, then given back to the
 * block's budget for the receiver by eq. 12.18).
 */
const standIn = (behaviour: ReadonlyArray<Behaviour>): { readonly psiA: AccumulateInvocation; readonly forwarded: () => Gas } => {
  let forwarded = 0n;
  const psiA: AccumulateInvocation = (e, _tau, s, g) => {
    const b = behaviour[s] ?? { eighths: 8, payee: undefined };
    const used = (g * BigInt(b.eighths)) / 8n;
    const xfer: ReadonlyArray<DeferredTransfer> =
      b.payee !== undefined && used / 2n > 0n
        ? [{ source: s, dest: b.payee, amount: 0n, memo: new Uint8Array(spec.Cmemosize), gas: used / 2n }]
        : [];
    forwarded += xfer.reduce((a, x) => a + x.gas, 0n);
    return { poststate: e, defxfers: xfer, yield: undefined, gasUsed: used, provisions: [] };
  };
  return { psiA, forwarded: () => forwarded };
};

const behaviour = fc.array(
  fc.record({ eighths: fc.integer({ min: 0, max: 8 }), payee: fc.option(fc.integer({ min: 0, max: SERVICES - 1 }), { nil: undefined }) }),
  { minLength: SERVICES, maxLength: SERVICES },
);

/** A prior state: omega with a few queued reports (their dependencies as D gives), xi with a few packages. */
const prior = fc
  .record({
    queued: fc.array(fc.tuple(fc.integer({ min: 0, max: Ep - 1 }), reports(3)), { maxLength: 2 }),
    history: fc.array(fc.tuple(fc.integer({ min: 0, max: Ep - 1 }), fc.integer({ min: 0, max: POOL - 1 })), { maxLength: 3 }),
    alwaysAccers: fc.array(fc.tuple(fc.integer({ min: 0, max: SERVICES - 1 }), fc.bigInt({ min: 0n, max: 300n })), { maxLength: 2 }),
    tau: fc.integer({ min: 0, max: 1000 }),
  })
  .map(({ queued, history, alwaysAccers, tau }): AccumulationState => {
    const omega: ReadyRecord[][] = Array.from({ length: Ep }, () => []);
    for (const [slot, rs] of queued)
      for (const r of rs) omega[slot]!.push({ workReport: r, dependencies: [...r.context.prerequisites] });
    const xi: Hash[][] = Array.from({ length: Ep }, () => []);
    for (const [slot, k] of history) if (!xi[slot]!.some((h) => toHex(h) === toHex(pkg(k)))) xi[slot]!.push(pkg(k));
    return {
      omega,
      xi,
      delta: new Map(Array.from({ length: SERVICES }, (_, s) => [s, account] as const)),
      chi: { manager: 0, assigners: [0, 0], delegator: 0, registrar: 0, alwaysAccers: new Map(alwaysAccers) },
      iota: [],
      phi: [[], []],
      tau,
    };
  });

describe('accumulation', () => {
  it('Q yields every report after all of its dependencies and leaves none whose dependencies are met (300 queues)', () => {
    fc.assert(
      fc.property(reports(POOL), (rs) => {
        const r: ReadonlyArray<ReadyRecord> = rs.map((w) => ({ workReport: w, dependencies: w.context.prerequisites }));
        const q = accumulationPriority(r);
        q.forEach((w, k) => {
          const before = packageHashes(q.slice(0, k));
          for (const d of w.context.prerequisites) expect(before.has(toHex(d))).toBe(true);
        });
        expect(editQueue(r, packageHashes(q)).every((x) => x.dependencies.length > 0)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('never spends more gas than the block allows; keeps omega\' and xi\' consistent; mutates nothing (300 blocks)', () => {
    fc.assert(
      fc.property(prior, reports(6), behaviour, fc.integer({ min: 1, max: Ep + 2 }), (state, available, b, step) => {
        const before = structuredClone(state);
        const tauPrime = state.tau + step;
        const { psiA, forwarded } = standIn(b);
        const r = accumulation(spec, psiA)(state, { slot: tauPrime, available, entropy: filled(32, 0) as Hash });
        if (r._tag === 'Left') throw new Error('accumulation rejects nothing');
        const [post, result] = r.right;
        expect(state).toEqual(before);

        const free = [...state.chi.alwaysAccers.values()].reduce((a, x) => a + x, 0n);
        const g0 = spec.Creportaccgas * BigInt(spec.Ccorecount) + free;
        const g = spec.Cblockaccgas > g0 ? spec.Cblockaccgas : g0;
        const used = [...result.accumulationStatistics.values()].reduce((a, x) => a + x.gasUsed, 0n);
        expect(used - forwarded() <= g + free).toBe(true);

        const rStar = accumulatableReports(spec)(state.omega, state.xi, available, tauPrime).accumulatable;
        const accumulated = rStar.slice(0, result.accumulatedCount);
        const justAccumulated = new Set(post.xi[Ep - 1]!.map(toHex));
        expect(justAccumulated).toEqual(packageHashes(accumulated));
        expect(post.xi.slice(0, Ep - 1)).toEqual(state.xi.slice(1));
        for (const records of post.omega)
          for (const { workReport, dependencies } of records) {
            expect(justAccumulated.has(toHex(workReport.avspec.packageHash))).toBe(false);
            for (const d of dependencies) expect(justAccumulated.has(toHex(d))).toBe(false);
          }
        // The rotation: slot m holds this block's queued reports (R^Q, whose packages are new);
        // the slots of the skipped timeslots are empty; every other slot keeps only prior records.
        const m = tauPrime % Ep;
        const fresh = new Set(available.map((w) => toHex(w.avspec.packageHash)));
        post.omega.forEach((records, k) => {
          const age = (m - k + Ep) % Ep;
          const prior = new Set(state.omega[k]!.map((x) => toHex(x.workReport.avspec.packageHash)));
          for (const { workReport } of records)
            expect((age === 0 ? fresh : prior).has(toHex(workReport.avspec.packageHash))).toBe(true);
          if (age !== 0 && age < step) expect(records).toEqual([]);
        });
        const statsCount = [...result.accumulationStatistics.values()].reduce((a, x) => a + x.count, 0);
        expect(statsCount).toBe(accumulated.flatMap((w) => w.digests).length);
      }),
      { numRuns: 300 },
    );
  });
});

describe('accumulation on both PVM engines', () => {
  for (const config of ['tiny', 'full'] as const) {
    const dir = vectorsDir('stf', 'accumulate', config);
    const names = listFiles(dir, '.bin').map((f) => basename(f, '.bin'));
    it(`gives the same output and posterior state on ts and native for the ${names.length} ${config} vectors`, () => {
      const spec = chainSpecs[config];
      for (const name of names) {
        const c = loadStfCase(accumulateTestCase(spec), dir, name);
        if (c._tag === 'Left') throw new Error(`${name}: ${c.left}`);
        const onTs = runAccumulate(tsEngine)(spec)(c.right.preState, c.right.input);
        const onNative = runAccumulate(nativeEngine)(spec)(c.right.preState, c.right.input);
        expect(diffValues(onTs, onNative), name).toEqual([]);
      }
    }, 600_000);
  }
});

/** What a service does to the partial state when the stand-in accumulates it. */
interface Deed {
  /** Its wishes for the privileges (written into its post-state). */
  readonly manager: ServiceId;
  readonly assigners: readonly [ServiceId, ServiceId];
  readonly delegator: ServiceId;
  readonly registrar: ServiceId;
  /** An account it creates (id 100 + s), one it removes, one not its own it alters. */
  readonly creates: boolean;
  readonly removes: ServiceId | undefined;
  readonly tampers: ServiceId | undefined;
}

const service = fc.integer({ min: 0, max: SERVICES - 1 });
const deed: fc.Arbitrary<Deed> = fc.record({
  manager: service,
  assigners: fc.tuple(service, service),
  delegator: service,
  registrar: service,
  creates: fc.boolean(),
  removes: fc.option(service, { nil: undefined }),
  tampers: fc.option(service, { nil: undefined }),
});

/** The stand-in: service s credits its own balance with 1 + s and does its deed. */
const doer =
  (deeds: ReadonlyArray<Deed>): AccumulateInvocation =>
  (e, _tau, s) => {
    const d = deeds[s]!;
    const delta = new Map(e.delta);
    const own = delta.get(s);
    if (own !== undefined) delta.set(s, { ...own, balance: own.balance + 1n + BigInt(s) });
    if (d.creates) delta.set(100 + s, { ...account, parent: s });
    if (d.tampers !== undefined && d.tampers !== s && delta.has(d.tampers)) delta.set(d.tampers, { ...account, balance: 999n });
    if (d.removes !== undefined && d.removes !== s) delta.delete(d.removes);
    const poststate = {
      ...e,
      delta,
      manager: d.manager,
      assigners: d.assigners,
      delegator: d.delegator,
      registrar: d.registrar,
    };
    return { poststate, defxfers: [], yield: undefined, gasUsed: 1n, provisions: [] };
  };

describe('Delta* merges the services\' post-states (eqs. 12.19, 12.20)', () => {
  it('keeps own accounts, new and removed ones, ignores other changes; privileges by R; a conflicting contribution is invalid (300 blocks)', () => {
    fc.assert(
      fc.property(
        fc.array(deed, { minLength: SERVICES, maxLength: SERVICES }),
        fc.uniqueArray(service, { minLength: 1, maxLength: SERVICES }),
        fc.record({ manager: service, assigners: fc.tuple(service, service), delegator: service, registrar: service }),
        (deeds, accumulating, privileges) => {
          const state: AccumulationState = {
            omega: Array.from({ length: Ep }, () => []),
            xi: Array.from({ length: Ep }, () => []),
            delta: new Map(Array.from({ length: SERVICES }, (_, s) => [s, account] as const)),
            chi: { ...privileges, alwaysAccers: new Map() },
            iota: [],
            phi: [[], []],
            tau: 10,
          };
          const available = accumulating.map((s, k) => report(k, [], [[s, 10n]]));
          const r = accumulation(spec, doer(deeds))(state, { slot: 11, available, entropy: filled(32, 0) as Hash });
          const acts = new Set(accumulating);
          const removals = accumulating.flatMap((s) => (deeds[s]!.removes !== undefined && deeds[s]!.removes !== s ? [deeds[s]!.removes!] : []));
          const removed = new Set(removals);
          // The text after 12.22: an index removed by two services, or removed by one while another
          // (the service itself, accumulating) alters it, makes the block invalid.
          const conflict = removed.size < removals.length || removals.some((x) => acts.has(x));
          expect(r).toEqual(conflict ? E.left('service_index_conflict') : E.right(expect.anything()));
          if (E.isLeft(r)) return;
          const [post] = r.right;
          for (let s = 0; s < SERVICES; s++) {
            const a = post.delta.get(s);
            if (removed.has(s)) expect(a).toBeUndefined();
            else if (acts.has(s)) {
              expect(a?.balance).toBe(1n + BigInt(s));
              expect(a?.lastAcc).toBe(11);
            } else expect(a).toEqual(account);
          }
          for (const s of accumulating) expect(post.delta.get(100 + s)?.parent).toBe(deeds[s]!.creates ? s : undefined);
          for (const id of post.delta.keys()) expect(id < SERVICES || (id >= 100 && acts.has(id - 100))).toBe(true);

          /** The wishes of a service, or the prior privileges when it does not accumulate. */
          const wish = (s: ServiceId) => (acts.has(s) ? deeds[s]! : privileges);
          const m = wish(privileges.manager);
          expect(post.chi.manager).toBe(m.manager);
          privileges.assigners.forEach((a, c) => {
            const changedByManager = m.assigners[c] !== a;
            expect(post.chi.assigners[c]).toBe(changedByManager ? m.assigners[c] : wish(a).assigners[c]);
          });
          expect(post.chi.delegator).toBe(m.delegator !== privileges.delegator ? m.delegator : wish(privileges.delegator).delegator);
          expect(post.chi.registrar).toBe(m.registrar !== privileges.registrar ? m.registrar : wish(privileges.registrar).registrar);
        },
      ),
      { numRuns: 300 },
    );
  });
});
