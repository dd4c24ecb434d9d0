/**
 * Properties of disputes (section 10) with real Ed25519 signatures over the tiny configuration:
 * a well-formed extrinsic (good, bad and wonky verdicts signed by kappa or lambda, two culprits per
 * bad verdict, one fault per good verdict) is accepted; psi' only grows, its three verdict sets
 * stay disjoint, psi'_o gains exactly the offenders and H_o lists them; rho-dagger clears exactly
 * the cores whose report was judged bad or wonky. Breaking one rule gives an error and leaves the
 * state exactly as it was; the same extrinsic on the posterior state is `already_judged`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { bytesCompare, bytesEqual, concatBytes } from '../spec/bytes.js';
import type { Ed25519Signature, Hash } from '../spec/bytes.js';
import type { Culprit, DisputesExtrinsic, Fault, PendingReport, Verdict, WorkReport } from '../spec/types.js';
import { disputes, superMajority, oneThird, Xinvalid, Xvalid, type DisputesState } from '../model/disputes/index.js';
import { Xguarantee } from '../model/reports/index.js';
import { workReportHash } from '../model/reports/work-report.js';
import { signingValidators } from './validators.fixture.js';

const spec = tiny;
const V = spec.Cvalcount;
const C = spec.Ccorecount;
const E = spec.Cepochlen;

const { publicKey, kappa, lambda, sign } = signingValidators(spec);

const zero = new Uint8Array(32) as Hash;
/** A work report told apart by its authorizer hash. */
const report = (core: number, authorizer: Hash): WorkReport => ({
  avspec: { packageHash: authorizer, bundleLen: 0, erasureRoot: zero, segRoot: zero, segCount: 0 },
  context: { anchorHash: zero, anchorPostState: zero, anchorAccOutLog: zero, lookupAnchorHash: zero, lookupAnchorTime: 0, prerequisites: [] },
  core,
  authorizer,
  authGasUsed: 0n,
  authTrace: new Uint8Array(0),
  srLookup: [],
  digests: [],
});

type Kind = 'good' | 'bad' | 'wonky';
const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => b as Hash);
const sortedHashes = (max: number) => fc.uniqueArray(hash, { maxLength: max, comparator: bytesEqual }).map((h) => [...h].sort(bytesCompare));

/** A prior state and a valid extrinsic for it. */
const scenario = fc
  .record({
    tau: fc.integer({ min: E, max: 100 * E }),
    kinds: fc.array(fc.constantFrom<Kind>('good', 'bad', 'wonky'), { maxLength: 3 }),
    byLambda: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
    onCore: fc.array(fc.option(fc.nat({ max: 2 }), { nil: undefined }), { minLength: C, maxLength: C }),
    authorizers: fc.uniqueArray(hash, { minLength: 3, maxLength: 3, comparator: bytesEqual }),
    judges: fc.array(fc.shuffledSubarray([...Array(V).keys()], { minLength: superMajority(spec), maxLength: superMajority(spec) }), {
      minLength: 3,
      maxLength: 3,
    }),
    good: sortedHashes(3),
    bad: sortedHashes(3),
    wonky: sortedHashes(3),
    priorOffenders: fc.uniqueArray(fc.nat({ max: 2 * V - 1 }), { maxLength: 3 }),
    offenderPick: fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
  })
  .map((g) => {
    const epoch = Math.floor(g.tau / E);
    // Verdict targets: the hashes of three distinct reports, some of them pending on a core.
    const reports = g.authorizers.map((a, i) => report(i % C, a));
    const targets = reports.map((w) => workReportHash(w));
    const rho: ReadonlyArray<PendingReport | undefined> = g.onCore.map((i, c) =>
      i === undefined ? undefined : { workReport: report(c, g.authorizers[i]!), timestamp: 0 },
    );
    const kinds = g.kinds.map((kind, i) => ({ kind, target: targets[i]!, i }));
    const verdicts: Verdict[] = kinds
      .map(({ kind, target, i }) => {
        const useLambda = g.byLambda[i]!;
        const judges = [...g.judges[i]!].sort((a, b) => a - b);
        const positive = kind === 'good' ? judges.length : kind === 'bad' ? 0 : oneThird(spec);
        return {
          reportHash: target,
          epochIndex: useLambda ? epoch - 1 : epoch,
          judgments: judges.map((v, j) => {
            const validity = j < positive;
            return { validity, judgeIndex: v, signature: sign((useLambda ? V : 0) + v, concatBytes(validity ? Xvalid : Xinvalid, target)) };
          }),
        };
      })
      .sort((a, b) => bytesCompare(a.reportHash, b.reportHash));
    // Offenders: distinct validators not already punished.
    const free = [...Array(2 * V).keys()].filter((i) => !g.priorOffenders.includes(i));
    const pick = (): number => free.splice(g.offenderPick[free.length % 6]! % free.length, 1)[0]!;
    const culprits: Culprit[] = [];
    const faults: Fault[] = [];
    for (const { kind, target } of kinds) {
      if (kind === 'bad')
        for (let n = 0; n < 2; n++) {
          const i = pick();
          culprits.push({ reportHash: target, key: publicKey(i), signature: sign(i, concatBytes(Xguarantee, target)) });
        }
      if (kind === 'good') {
        const i = pick();
        faults.push({ reportHash: target, validity: false, key: publicKey(i), signature: sign(i, concatBytes(Xinvalid, target)) });
      }
    }
    culprits.sort((a, b) => bytesCompare(a.key, b.key));
    faults.sort((a, b) => bytesCompare(a.key, b.key));
    const state: DisputesState = {
      psi: { good: g.good, bad: g.bad, wonky: g.wonky, offenders: g.priorOffenders.map(publicKey).sort(bytesCompare) },
      rho,
      kappa,
      lambda,
      tau: g.tau,
    };
    const extrinsic: DisputesExtrinsic = { verdicts, culprits, faults };
    return { state, extrinsic, kinds };
  });

const has = (set: ReadonlyArray<Uint8Array>, x: Uint8Array): boolean => set.some((y) => bytesEqual(x, y));
const isSortedSet = (xs: ReadonlyArray<Uint8Array>): boolean => xs.every((x, i) => i === 0 || bytesCompare(xs[i - 1]!, x) < 0);

describe('disputes', () => {
  it('accepts a valid extrinsic; psi only grows, verdict sets stay disjoint, rho-dagger clears bad and wonky (100 cases)', () => {
    fc.assert(
      fc.property(scenario, ({ state, extrinsic, kinds }) => {
        const before = structuredClone(state);
        const r = disputes(spec)(state, extrinsic);
        expect(state).toEqual(before);
        if (r._tag === 'Left') throw new Error(`rejected: ${r.left}`);
        const [post, out] = r.right;
        for (const k of ['good', 'bad', 'wonky', 'offenders'] as const) {
          expect(state.psi[k].every((x) => has(post.psi[k], x))).toBe(true);
          expect(isSortedSet(post.psi[k])).toBe(true);
        }
        for (const [a, b] of [['good', 'bad'], ['good', 'wonky'], ['bad', 'wonky']] as const)
          expect(post.psi[a].some((x) => has(post.psi[b], x))).toBe(false);
        for (const { kind, target } of kinds) expect(has(post.psi[kind], target)).toBe(true);
        const offenders = [...extrinsic.culprits.map((c) => c.key), ...extrinsic.faults.map((f) => f.key)];
        expect(out.offendersMark).toEqual(offenders);
        expect(post.psi.offenders.length).toBe(state.psi.offenders.length + offenders.length);
        const cleared = kinds.filter((k) => k.kind !== 'good').map((k) => k.target);
        post.rho.forEach((p, c) => {
          const prior = state.rho[c];
          expect(p).toBe(prior !== undefined && has(cleared, workReportHash(prior.workReport)) ? undefined : prior);
        });
        expect([post.kappa, post.lambda, post.tau]).toEqual([state.kappa, state.lambda, state.tau]);
      }),
      { numRuns: 100 },
    );
  });

  it('the same verdicts again on the posterior state are already_judged (50 cases)', () => {
    fc.assert(
      fc.property(
        scenario.filter((s) => s.extrinsic.verdicts.length > 0),
        ({ state, extrinsic }) => {
          const r = disputes(spec)(state, extrinsic);
          if (r._tag === 'Left') throw new Error(`rejected: ${r.left}`);
          const again = disputes(spec)(r.right[0], extrinsic);
          expect(again).toEqual({ _tag: 'Left', left: 'already_judged' });
        },
      ),
      { numRuns: 50 },
    );
  });

  /** One broken rule, and the error it must give. */
  const breakOne = (x: DisputesExtrinsic, tau: number, which: number): [DisputesExtrinsic, string] | undefined => {
    const v = x.verdicts;
    switch (which) {
      case 0:
        return v.length < 2 ? undefined : [{ ...x, verdicts: [...v].reverse() }, 'verdicts_not_sorted_unique'];
      case 1:
        return v.length === 0
          ? undefined
          : [{ ...x, verdicts: [{ ...v[0]!, epochIndex: Math.floor(tau / E) + 1 }, ...v.slice(1)] }, 'bad_judgement_age'];
      case 2: {
        if (v.length === 0) return undefined;
        const j = v[0]!.judgments;
        const sig = j[0]!.signature.slice() as Ed25519Signature;
        sig[0] = sig[0]! ^ 1;
        return [{ ...x, verdicts: [{ ...v[0]!, judgments: [{ ...j[0]!, signature: sig }, ...j.slice(1)] }, ...v.slice(1)] }, 'bad_signature'];
      }
      case 3:
        return v.length === 0
          ? undefined
          : [{ ...x, verdicts: [{ ...v[0]!, judgments: [...v[0]!.judgments].reverse() }, ...v.slice(1)] }, 'judgements_not_sorted_unique'];
      case 4:
        return x.culprits.length === 0 ? undefined : [{ ...x, culprits: x.culprits.slice(1) }, 'not_enough_culprits'];
      case 5:
        return x.faults.length === 0 ? undefined : [{ ...x, faults: x.faults.slice(1) }, 'not_enough_faults'];
      case 6:
        return x.culprits.length < 2 ? undefined : [{ ...x, culprits: [...x.culprits].reverse() }, 'culprits_not_sorted_unique'];
      case 7:
        return v.length === 0
          ? undefined
          : [{ ...x, verdicts: [{ ...v[0]!, judgments: v[0]!.judgments.slice(1) }, ...v.slice(1)] }, 'bad_vote_split'];
      default:
        return x.faults.length === 0
          ? undefined
          : [{ ...x, faults: [{ ...x.faults[0]!, validity: true }, ...x.faults.slice(1)] }, 'fault_verdict_wrong'];
    }
  };

  it("one broken rule gives that rule's error and leaves the state as it was (200 cases)", () => {
    fc.assert(
      fc.property(scenario, fc.nat({ max: 8 }), ({ state, extrinsic }, which) => {
        const broken = breakOne(extrinsic, state.tau, which);
        fc.pre(broken !== undefined);
        const [x, error] = broken!;
        const before = structuredClone(state);
        expect(disputes(spec)(state, x)).toEqual({ _tag: 'Left', left: error });
        expect(state).toEqual(before);
      }),
      { numRuns: 200 },
    );
  });
});
