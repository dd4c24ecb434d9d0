/**
 * Section 11.4-11.5: work-report guarantees. The guarantees extrinsic E_G is checked against
 * the guarantor assignments (M, M*), the authorizer pools, the recent history and the service
 * accounts; accepted reports are placed on their cores with the present time (rho').
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { ascii, bytesCompare, bytesEqual, concatBytes } from '../../spec/bytes.js';
import type { Ed25519Key, Hash } from '../../spec/bytes.js';
import type { Guarantee, PendingReport, ReportedPackage, ServiceId, ServiceInfo, State, WorkReport } from '../../spec/types.js';
import { ed25519VerifyEach, noKey } from '../crypto/index.js';
import {
  guarantorAssignments,
  guarantorAssignmentsUnderLastRotation,
  type AssignmentInputs,
  type GuarantorAssignments,
} from './assignments.js';
import { workReportHash } from './work-report.js';

/**
 * What the guarantees read: rho-double-dagger (as `rho`), the posterior kappa', lambda', eta',
 * psi', the recent history beta-dagger (beta with the parent's state root filled in, 7.5; the
 * anchor check 11.33 reads it, the rest reads beta), the authorizer pools alpha and the service
 * accounts delta.
 */
export type ReportsState = Pick<State, 'rho' | 'kappa' | 'lambda' | 'eta' | 'psi' | 'beta' | 'alpha'> & {
  /** delta restricted to what guarantees read: each service's code hash and minimum item gas. */
  readonly delta: ReadonlyMap<ServiceId, ServiceInfo>;
};

export interface ReportsInput {
  /** E_G. */
  readonly guarantees: ReadonlyArray<Guarantee>;
  /** H_t = tau'. */
  readonly slot: number;
  /**
   * The package hashes already in the pipeline (11.38): those reported in beta, those
   * accumulated (xi), those ready (q) and those pending availability (a); see `knownPackages`.
   */
  readonly knownPackages: ReadonlyArray<Hash>;
  /**
   * A: the (timeslot, header hash) of the last L headers, when the caller retains them (11.35
   * cannot be checked from the state alone; the vectors do not carry the header chain).
   */
  readonly ancestors?: ReadonlyArray<{ readonly timeslot: number; readonly headerHash: Hash }>;
}

/** @gp 11.36 -- q: the packages of the reports waiting in the ready queue omega */
export const readyPackages = (omega: State['omega']): ReadonlyArray<Hash> =>
  omega.flatMap((slot) => slot.map((r) => r.workReport.avspec.packageHash));

/** @gp 11.37 -- a: the packages of the reports pending availability in rho */
export const pendingPackages = (rho: State['rho']): ReadonlyArray<Hash> =>
  rho.flatMap((r) => (r === undefined ? [] : [r.workReport.avspec.packageHash]));

/** The pipeline 11.38 keeps new packages out of: beta's reported packages, xi, q and a. */
export const knownPackages = (state: Pick<State, 'beta' | 'xi' | 'omega' | 'rho'>): ReadonlyArray<Hash> => [
  ...state.beta.history.flatMap((b) => b.reportedPackageHashes.map((r) => r.hash)),
  ...state.xi.flat(),
  ...readyPackages(state.omega),
  ...pendingPackages(state.rho),
];

export interface ReportsOutput {
  /** p (11.40): the (package hash, segment root) of every incoming report, in key order. */
  readonly reported: ReadonlyArray<ReportedPackage>;
  /** The reporters set: the Ed25519 keys of every guarantor signing a credential, ordered. */
  readonly reporters: ReadonlyArray<Ed25519Key>;
}

/** The reports vectors' error enum (reports.asn, ErrorCode). */
export type ReportsError =
  | 'bad_core_index'
  | 'future_report_slot'
  | 'report_epoch_before_last'
  | 'insufficient_guarantees'
  | 'out_of_order_guarantee'
  | 'not_sorted_or_unique_guarantors'
  | 'wrong_assignment'
  | 'core_engaged'
  | 'anchor_not_recent'
  | 'bad_service_id'
  | 'bad_code_hash'
  | 'dependency_missing'
  | 'duplicate_package'
  | 'bad_state_root'
  | 'bad_beefy_mmr_root'
  | 'core_unauthorized'
  | 'bad_validator_index'
  | 'work_report_gas_too_high'
  | 'service_item_gas_too_low'
  | 'too_many_dependencies'
  | 'segment_root_lookup_invalid'
  | 'bad_signature'
  | 'work_report_too_big'
  | 'banned_validator'
  | 'lookup_anchor_not_recent'
  | 'missing_work_results';

/** @gp 11.27 -- X_G, the guarantee signing context */
export const Xguarantee = ascii('jam_guarantee');

type Check = E.Either<ReportsError, void>;
const ok: Check = E.right(undefined);
const check = (cond: boolean, err: ReportsError): Check => (cond ? ok : E.left(err));
const firstLeft = (checks: ReadonlyArray<() => Check>): Check => {
  for (const c of checks) {
    const r = c();
    if (E.isLeft(r)) return r;
  }
  return ok;
};
const has = (set: ReadonlyArray<Uint8Array>, x: Uint8Array): boolean => set.some((y) => bytesEqual(x, y));

/** @gp 11.2 -- a work report carries between one and I digests */
const checkDigestCount = (spec: ChainSpec, w: WorkReport): Check =>
  check(w.digests.length >= 1 && w.digests.length <= spec.Cmaxpackageitems, 'missing_work_results');

/** @gp 11.3 -- segment-root lookups plus prerequisites at most J */
const checkDependencyCount = (spec: ChainSpec, w: WorkReport): Check =>
  check(w.srLookup.length + w.context.prerequisites.length <= spec.Cmaxreportdeps, 'too_many_dependencies');

/** @gp 11.8 -- the authorizer trace and successful outputs together at most W_R octets */
const checkReportSize = (spec: ChainSpec, w: WorkReport): Check => {
  // @gp 11.9 -- W_R = 48 * 2^10, the chain spec's Cmaxreportvarsize
  let size = w.authTrace.length;
  for (const d of w.digests) if (d.result.kind === 'ok') size += d.result.value.length;
  return check(size <= spec.Cmaxreportvarsize, 'work_report_too_big');
};

/** @gp 11.30 -- total accumulation gas at most G_A, each digest's at least its service's minimum */
const checkGas = (spec: ChainSpec, delta: ReportsState['delta'], w: WorkReport): Check => {
  let total = 0n;
  for (const d of w.digests) {
    total += d.gasLimit;
    const account = delta.get(d.serviceIndex);
    if (account === undefined) return E.left('bad_service_id');
    if (d.gasLimit < account.minAccGas) return E.left('service_item_gas_too_low');
  }
  return check(total <= spec.Creportaccgas, 'work_report_gas_too_high');
};

/** @gp 11.25 -- credentials of two or three signatures (11.23), ordered and unique by validator index */
const checkCredentialShape = (spec: ChainSpec, g: Guarantee): Check => {
  const c = g.credential;
  if (c.length < 2 || c.length > 3) return E.left('insufficient_guarantees');
  for (let i = 1; i < c.length; i++) if (c[i - 1]!.validatorIndex >= c[i]!.validatorIndex) return E.left('not_sorted_or_unique_guarantors');
  return check(
    c.every((s) => s.validatorIndex < spec.Cvalcount),
    'bad_validator_index',
  );
};

/** The assignments a guarantee's credential is read under (11.26): M when its slot is in this rotation, M* otherwise. */
const assignmentsOf = (spec: ChainSpec, m: GuarantorAssignments, mStar: GuarantorAssignments, tauPrime: number, g: Guarantee): GuarantorAssignments => {
  const R = spec.Crotationperiod;
  return Math.floor(tauPrime / R) === Math.floor(g.timeslot / R) ? m : mStar;
};

/**
 * The verdicts of every credential signature of E_G (11.26: each by its guarantor's key, over
 * X_G ++ H(E(w))), verified together up front (one native call), per guarantee in order.
 * A guarantor index out of range has no key: its verdict is false, and unread (11.25 fails first).
 */
const credentialVerdicts = (
  spec: ChainSpec,
  m: GuarantorAssignments,
  mStar: GuarantorAssignments,
  tauPrime: number,
  guarantees: ReadonlyArray<Guarantee>,
): ReadonlyArray<ReadonlyArray<boolean>> => {
  const items = guarantees.map((g) => {
    const { keys } = assignmentsOf(spec, m, mStar, tauPrime, g);
    const message = concatBytes(Xguarantee, workReportHash(g.workReport));
    return g.credential.map(({ validatorIndex, signature }) => ({ key: keys[validatorIndex]?.ed ?? noKey, message, signature }));
  });
  const verdicts = ed25519VerifyEach(items.flat());
  let at = 0;
  return items.map((forG) => verdicts.slice(at, (at += forG.length)));
};

/**
 * @gp 11.26 -- each credential signature is by a guarantor assigned to the report's core, under
 * M when the guarantee's slot is in this rotation and M* otherwise, for a slot no earlier than
 * the previous rotation and no later than tau'. `signed` holds the signatures' verdicts
 * (`credentialVerdicts`).
 */
const checkCredentials =
  (spec: ChainSpec, m: GuarantorAssignments, mStar: GuarantorAssignments, offenders: ReadonlyArray<Ed25519Key>, tauPrime: number) =>
  (g: Guarantee, signed: ReadonlyArray<boolean>): Check => {
    const R = spec.Crotationperiod;
    if (g.timeslot > tauPrime) return E.left('future_report_slot');
    if (g.timeslot < R * (Math.floor(tauPrime / R) - 1)) return E.left('report_epoch_before_last');
    const { cores, keys } = assignmentsOf(spec, m, mStar, tauPrime, g);
    for (const [i, { validatorIndex }] of g.credential.entries()) {
      if (cores[validatorIndex] !== g.workReport.core) return E.left('wrong_assignment');
      const key = keys[validatorIndex]!.ed;
      // Phi (6.14) nulled the offenders' keys in M and M*, so an offender's signature never verifies.
      if (!signed[i]) return E.left(offenders.length > 0 && isNullKey(key) ? 'banned_validator' : 'bad_signature');
    }
    return ok;
  };

/** A key Phi (6.14) nulled: the vectors name a signature under it `banned_validator`. */
const isNullKey = (k: Uint8Array): boolean => k.every((b) => b === 0);

/** @gp 11.29 -- the core is free in rho-double-dagger and the authorizer is in its pool */
const checkCore = (state: ReportsState, w: WorkReport): Check =>
  firstLeft([
    () => check(state.rho[w.core] === undefined, 'core_engaged'),
    () => check(has(state.alpha[w.core] ?? [], w.authorizer), 'core_unauthorized'),
  ]);

/** @gp 11.32 -- no two incoming reports of the same package */
const checkDistinctPackages = (p: ReadonlyArray<Hash>): Check =>
  check(new Set(p.map((h) => h.join(','))).size === p.length, 'duplicate_package');

/** @gp 11.33 -- the anchor is a recent block, with its state root and accumulation super-peak */
const checkAnchor = (state: ReportsState, w: WorkReport): Check => {
  const y = state.beta.history.find((b) => bytesEqual(b.headerHash, w.context.anchorHash));
  if (y === undefined) return E.left('anchor_not_recent');
  if (!bytesEqual(y.stateRoot, w.context.anchorPostState)) return E.left('bad_state_root');
  return check(bytesEqual(y.accOutLogSuperPeak, w.context.anchorAccOutLog), 'bad_beefy_mmr_root');
};

/** @gp 11.34 -- the lookup anchor at most L slots old */
const checkLookupAnchorAge = (spec: ChainSpec, tauPrime: number, w: WorkReport): Check =>
  check(w.context.lookupAnchorTime >= tauPrime - spec.Cmaxlookupanchorage, 'lookup_anchor_not_recent');

/** @gp 11.35 -- the lookup anchor is a retained ancestor, of the stated timeslot */
const checkLookupAnchorKnown = (ancestors: ReportsInput['ancestors'], w: WorkReport): Check =>
  check(
    ancestors === undefined ||
      ancestors.some((h) => h.timeslot === w.context.lookupAnchorTime && bytesEqual(h.headerHash, w.context.lookupAnchorHash)),
    'lookup_anchor_not_recent',
  );

/** @gp 11.38 -- no incoming package already in the pipeline */
const checkNotKnown = (known: ReadonlyArray<Hash>, p: ReadonlyArray<Hash>): Check =>
  check(!p.some((h) => has(known, h)), 'duplicate_package');

/** The reported-package dictionaries of the recent history, merged. */
const recentlyReported = (state: ReportsState): ReadonlyArray<ReportedPackage> =>
  state.beta.history.flatMap((b) => b.reportedPackageHashes);

/** @gp 11.39 -- prerequisites and lookup keys are in this extrinsic or in the recent history */
const checkDependencies = (w: WorkReport, available: ReadonlyArray<Hash>): Check =>
  check(
    [...w.context.prerequisites, ...w.srLookup.map((l) => l.packageHash)].every((p) => has(available, p)),
    'dependency_missing',
  );

/** @gp 11.41 -- each segment-root lookup agrees with this extrinsic or the recent history */
const checkSegmentRootLookup = (w: WorkReport, known: ReadonlyArray<ReportedPackage>): Check =>
  check(
    w.srLookup.every((l) => known.some((k) => bytesEqual(k.hash, l.packageHash) && bytesEqual(k.exportsRoot, l.segRoot))),
    'segment_root_lookup_invalid',
  );

/** @gp 11.42 -- every digest names its service's present code hash */
const checkCodeHashes = (delta: ReportsState['delta'], w: WorkReport): Check =>
  check(
    w.digests.every((d) => {
      const a = delta.get(d.serviceIndex);
      return a !== undefined && bytesEqual(a.codeHash, d.codeHash);
    }),
    'bad_code_hash',
  );

/** @gp 11.43 -- rho': each guaranteed report placed on its core with the present time */
const rhoPrimeOf = (
  rho: ReadonlyArray<PendingReport | undefined>,
  guarantees: ReadonlyArray<Guarantee>,
  tauPrime: number,
): ReadonlyArray<PendingReport | undefined> =>
  rho.map((a, c) => {
    const g = guarantees.find((x) => x.workReport.core === c);
    return g === undefined ? a : { workReport: g.workReport, timestamp: tauPrime };
  });

/** @gp 11.26 -- the reporters set: the Ed25519 keys behind every credential, as a set */
const reportersOf = (spec: ChainSpec, m: GuarantorAssignments, mStar: GuarantorAssignments, tauPrime: number, guarantees: ReadonlyArray<Guarantee>): ReadonlyArray<Ed25519Key> => {
  const R = spec.Crotationperiod;
  const out: Ed25519Key[] = [];
  for (const g of guarantees) {
    const { keys } = Math.floor(tauPrime / R) === Math.floor(g.timeslot / R) ? m : mStar;
    for (const { validatorIndex } of g.credential) {
      const k = keys[validatorIndex]!.ed;
      if (!has(out, k)) out.push(k);
    }
  }
  return out.sort(bytesCompare);
};

/** The guarantees transition: rho-double-dagger and E_G to rho', with the reported packages and reporters. */
export const reports =
  (spec: ChainSpec) =>
  (state: ReportsState, input: ReportsInput): E.Either<ReportsError, readonly [ReportsState, ReportsOutput]> => {
    const { guarantees, slot: tauPrime } = input;
    const inputs: AssignmentInputs = {
      eta: state.eta,
      kappa: state.kappa,
      lambda: state.lambda,
      offenders: state.psi.offenders,
      tau: tauPrime,
    };
    const m = guarantorAssignments(spec, inputs);
    const mStar = guarantorAssignmentsUnderLastRotation(spec, inputs);
    /** @gp 11.28 -- I: the incoming work reports */
    const incoming = guarantees.map((g) => g.workReport);
    /** @gp 11.31 -- p: the incoming package hashes */
    const p = incoming.map((w) => w.avspec.packageHash);
    /** @gp 11.40 -- p as a dictionary: package hash to segment root, in key order */
    const pDict: ReadonlyArray<ReportedPackage> = incoming
      .map((w) => ({ hash: w.avspec.packageHash, exportsRoot: w.avspec.segRoot }))
      .sort((x, y) => bytesCompare(x.hash, y.hash));
    const recent = recentlyReported(state);
    const signed = credentialVerdicts(spec, m, mStar, tauPrime, guarantees);
    const checks = firstLeft([
      /** @gp 11.24 -- E_G ordered and unique by core, each core a core index */
      () => check(guarantees.every((g) => g.workReport.core < spec.Ccorecount), 'bad_core_index'),
      () => check(guarantees.every((g, i) => i === 0 || guarantees[i - 1]!.workReport.core < g.workReport.core), 'out_of_order_guarantee'),
      ...guarantees.map((g, i) => () =>
        firstLeft([
          () => checkDigestCount(spec, g.workReport),
          () => checkReportSize(spec, g.workReport),
          () => checkDependencyCount(spec, g.workReport),
          () => checkGas(spec, state.delta, g.workReport),
          () => checkCredentialShape(spec, g),
          () => checkCredentials(spec, m, mStar, state.psi.offenders, tauPrime)(g, signed[i]!),
          () => checkCore(state, g.workReport),
        ]),
      ),
      () => checkDistinctPackages(p),
      ...incoming.map((w) => () =>
        firstLeft([
          () => checkAnchor(state, w),
          () => checkLookupAnchorAge(spec, tauPrime, w),
          () => checkLookupAnchorKnown(input.ancestors, w),
        ]),
      ),
      () => checkNotKnown(input.knownPackages, p),
      ...incoming.map((w) => () =>
        firstLeft([
          // A lookup naming an unknown package breaks both 11.39 and 11.41; the vectors name it by 11.41.
          () => checkSegmentRootLookup(w, [...pDict, ...recent]),
          () => checkDependencies(w, [...p, ...recent.map((r) => r.hash)]),
          () => checkCodeHashes(state.delta, w),
        ]),
      ),
    ]);
    if (E.isLeft(checks)) return checks;
    return E.right([
      { ...state, rho: rhoPrimeOf(state.rho, guarantees, tauPrime) },
      { reported: pDict, reporters: reportersOf(spec, m, mStar, tauPrime, guarantees) },
    ]);
  };
