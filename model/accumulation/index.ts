/**
 * Accumulation, section 12: the reports that became available (and those queued before) are
 * accumulated by their services' code within the block's gas, in rounds (Delta+), each round
 * accumulating every service at once (Delta*) through the single-service function (Delta_1),
 * which invokes the service code (Psi_A, Appendix B). The results: the posterior privileges,
 * staging set and authorizer queues, the accounts after accumulation (delta-dagger, then
 * delta-double-dagger with the last-accumulation slots), the accumulation outputs theta',
 * the accumulation statistics S that pi_S takes in, and the posterior queues omega' and xi'.
 *
 * Psi_A is a parameter (`AccumulateInvocation`): the PVM engine it runs on is chosen by whoever
 * builds it. Preimage integration of the extrinsic (eq. 12.38) follows in `model/preimages` on
 * delta-double-dagger.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesCompare, type Hash } from '../../spec/bytes.js';
import type {
  AccumulationInput,
  AccumulationOutput,
  DeferredTransfer,
  Gas,
  ServiceAccount,
  ServiceId,
  State,
  TimeSlot,
  WorkReport,
} from '../../spec/types.js';
import { provide } from '../preimages/index.js';
import type { AccumulationStatistics } from '../statistics/index.js';
import { accumulatableReports, accumulatedPrime, readyPrime } from './queue.js';
import type { AccumulateInvocation, AccumulationOneOutput, PartialState, Provision } from './types.js';

export * from './queue.js';

/** What accumulation reads: the prior queues, accounts, privileges, staging set, authorizer queues and slot. */
export type AccumulationState = Pick<State, 'omega' | 'xi' | 'delta' | 'chi' | 'iota' | 'phi' | 'tau'>;

/** What a block brings to accumulation. */
export interface AccumulateInput {
  /** H_t = tau'. */
  readonly slot: TimeSlot;
  /** R (eq. 11.16): the work-reports that just became available, in core order. */
  readonly available: ReadonlyArray<WorkReport>;
  /** eta'_0: the posterior entropy accumulator (new service ids and `fetch` read it). */
  readonly entropy: Hash;
}

/** The posterior state components accumulation defines; `delta` is delta-double-dagger (eq. 12.30). */
export type AccumulationPosterior = Pick<State, 'omega' | 'xi' | 'delta' | 'chi' | 'iota' | 'phi'>;

/**
 * Why accumulation makes a block invalid: two services contributed the same index for a new,
 * altered or removed service (the text after eq. 12.22); or an account it leaves has a field
 * outside its set (a_b in N_B, a_o below 2^64, a_i below 2^32: what T's E_8 and E_4 encode, D.2),
 * which the paper's credits (B.9's transfers, eject) do not rule out (README: readings).
 */
export type AccumulationError = 'service_index_conflict' | 'account_overflow';

const TWO_64 = 1n << 64n;

/** Whether an account's fields are in the sets T encodes them from (eq. D.2: E_8 and E_4). */
const inRange = (a: ServiceAccount): boolean =>
  a.balance < TWO_64 && a.octets < TWO_64 && a.gratis < TWO_64 && a.minAccGas < TWO_64 && a.minMemoGas < TWO_64 && a.items < 2 ** 32;

/** What accumulation yields besides the posterior state. */
export interface AccumulationResult {
  /** theta': the accumulation outputs, ordered by service then hash (eq. 12.26). */
  readonly theta: ReadonlyArray<AccumulationOutput>;
  /** @gp 12.28 eq:accumulationstatisticsspec -- S: per service, the gas used and the digests accumulated, for pi_S */
  readonly accumulationStatistics: AccumulationStatistics;
  /** n: the number of reports of R* accumulated. */
  readonly accumulatedCount: number;
}

/**
 * @gp 12.17 -- B: accumulation outputs (service, hash), a set (kept ordered by service, then
 * hash); U: the service-indexed gas usage, a sequence
 */
type Outputs = ReadonlyArray<AccumulationOutput>;
type GasUsage = ReadonlyArray<readonly [ServiceId, Gas]>;

/** The union of two output sets, ordered and free of duplicates. */
const unionOutputs = (a: Outputs, b: Outputs): Outputs =>
  [...a, ...b]
    .sort((x, y) => x.serviceIndex - y.serviceIndex || bytesCompare(x.hash, y.hash))
    .filter((o, i, all) => i === 0 || all[i - 1]!.serviceIndex !== o.serviceIndex || bytesCompare(all[i - 1]!.hash, o.hash) !== 0);

const sum = (xs: ReadonlyArray<Gas>): Gas => xs.reduce((a, b) => a + b, 0n);

/** The accumulate gas limits of all digests of the reports. */
const reportsGas = (r: ReadonlyArray<WorkReport>): Gas => sum(r.flatMap((w) => w.digests.map((d) => d.gasLimit)));

/** What every level of accumulation shares: the chain spec, Psi_A, tau' and eta'_0. */
interface Context {
  readonly spec: ChainSpec;
  readonly psiA: AccumulateInvocation;
  readonly tauPrime: TimeSlot;
  readonly entropy: Hash;
}

/**
 * @gp 12.24 eq:accone -- Delta_1(e, t, r, f, s): Psi_A on service s with its transfers, then its
 * operand tuples, and the gas of its free allowance, transfers and digests
 */
export const singleAccumulate = (
  ctx: Context,
  e: PartialState,
  t: ReadonlyArray<DeferredTransfer>,
  r: ReadonlyArray<WorkReport>,
  f: ReadonlyMap<ServiceId, Gas>,
  s: ServiceId,
): AccumulationOneOutput => {
  const iT = t.filter((x) => x.dest === s);
  const iU = r.flatMap((w) =>
    w.digests
      .filter((d) => d.serviceIndex === s)
      .map((d) => ({
        packageHash: w.avspec.packageHash,
        segRoot: w.avspec.segRoot,
        authorizer: w.authorizer,
        payloadHash: d.payloadHash,
        gasLimit: d.gasLimit,
        authTrace: w.authTrace,
        result: d.result,
      })),
  );
  const g =
    (f.get(s) ?? 0n) +
    sum(iT.map((x) => x.gas)) +
    sum(iU.map((o) => o.gasLimit));
  const inputs: ReadonlyArray<AccumulationInput> = [
    ...iT.map((value): AccumulationInput => ({ kind: 'transfer', value })),
    ...iU.map((value): AccumulationInput => ({ kind: 'operand', value })),
  ];
  return ctx.psiA(e, ctx.tauPrime, s, g, inputs, ctx.entropy);
};

/** @gp 12.20 -- R(o, a, b): the manager's choice a if it changed o, else the holder's own choice b */
const R = <T>(o: T, a: T, b: T): T => (a === o ? b : a);

/**
 * @gp 12.19 eq:accpar -- Delta*(e, t, r, f): every service with digests, free gas or incoming
 * transfers accumulated on the same prior partial state; the results merged: each service's own
 * account, new and removed accounts, provisions, and the privileges by the rules R
 */
export const parallelAccumulate = (
  ctx: Context,
  e: PartialState,
  t: ReadonlyArray<DeferredTransfer>,
  r: ReadonlyArray<WorkReport>,
  f: ReadonlyMap<ServiceId, Gas>,
): E.Either<AccumulationError, readonly [PartialState, ReadonlyArray<DeferredTransfer>, Outputs, GasUsage]> => {
  const s = [
    ...new Set([...r.flatMap((w) => w.digests.map((d) => d.serviceIndex)), ...f.keys(), ...t.map((x) => x.dest)]),
  ].sort((a, b) => a - b);
  const results = new Map(s.map((x) => [x, singleAccumulate(ctx, e, t, r, f, x)] as const));
  /**
   * Delta(s) for any service. One outside s has no inputs and no gas, so Psi_A leaves the
   * partial state as it is: its post-state is e.
   */
  const postOf = (x: ServiceId): PartialState => results.get(x)?.poststate ?? e;
  const acc = (x: ServiceId): AccumulationOneOutput => results.get(x)!;

  const u: GasUsage = s.map((x) => [x, acc(x).gasUsed] as const);
  const b: Outputs = unionOutputs(
    [],
    s.flatMap((x) => {
      const y = acc(x).yield;
      return y === undefined ? [] : [{ serviceIndex: x, hash: y }];
    }),
  );
  const tPrime = s.flatMap((x) => acc(x).defxfers);

  /**
   * n: each service's own account as it left it, and the accounts it created; m: the accounts
   * some service removed. Each index of keys(n) and m comes from one service: the text after
   * 12.22 makes a block in which two services contribute the same index invalid.
   */
  const n = new Map<ServiceId, ServiceAccount>();
  const m = new Set<ServiceId>();
  const contributor = new Map<ServiceId, ServiceId>();
  const contribute = (id: ServiceId, x: ServiceId): boolean => {
    if ((contributor.get(id) ?? x) !== x) return false;
    contributor.set(id, x);
    return true;
  };
  for (const x of s) {
    const post = acc(x).poststate.delta;
    for (const [id, account] of post)
      if (id === x || !e.delta.has(id)) {
        if (!contribute(id, x)) return E.left('service_index_conflict');
        n.set(id, account);
      }
    for (const id of e.delta.keys())
      if (!post.has(id)) {
        if (!contribute(id, x)) return E.left('service_index_conflict');
        m.add(id);
      }
  }
  const merged = new Map(e.delta);
  for (const [id, account] of n) merged.set(id, account);
  for (const id of m) merged.delete(id);
  /** the provisions of all services, a set of (service, blob) */
  const provisions: ReadonlyArray<Provision> = s.flatMap((x) => acc(x).provisions);
  const deltaPrime = provide(
    merged,
    provisions.map((p) => ({ serviceIndex: p.service, data: p.data })),
    ctx.tauPrime,
  );

  const eStar = postOf(e.manager);
  const ePrime: PartialState = {
    delta: deltaPrime,
    iota: postOf(e.delegator).iota,
    phi: e.phi.map((_, c) => postOf(e.assigners[c]!).phi[c]!),
    manager: eStar.manager,
    assigners: e.assigners.map((a, c) => R(a, eStar.assigners[c]!, postOf(a).assigners[c]!)),
    delegator: R(e.delegator, eStar.delegator, postOf(e.delegator).delegator),
    registrar: R(e.registrar, eStar.registrar, postOf(e.registrar).registrar),
    alwaysAccers: eStar.alwaysAccers,
  };
  return E.right([ePrime, tPrime, b, u]);
};

/**
 * @gp 12.18 eq:accseq -- Delta+(g, t, r, e, f): accumulate the longest prefix of r whose digests'
 * gas fits in g (with the transfers and free services), then the rest with the gas left over and
 * the transfers this round made
 */
export const outerAccumulate = (
  ctx: Context,
  g: Gas,
  t: ReadonlyArray<DeferredTransfer>,
  r: ReadonlyArray<WorkReport>,
  e: PartialState,
  f: ReadonlyMap<ServiceId, Gas>,
): E.Either<AccumulationError, readonly [number, PartialState, Outputs, GasUsage]> => {
  let i = 0;
  for (let used = 0n; i < r.length; i++) {
    used += reportsGas([r[i]!]);
    if (used > g) break;
  }
  const n = t.length + i + f.size;
  if (n === 0) return E.right([0, e, [], []]);
  const star = parallelAccumulate(ctx, e, t, r.slice(0, i), f);
  if (E.isLeft(star)) return star;
  const [eStar, tStar, bStar, uStar] = star.right;
  const gStar = g + sum(t.map((x) => x.gas));
  const rest = outerAccumulate(ctx, gStar - sum(uStar.map(([, x]) => x)), tStar, r.slice(i), eStar, new Map());
  if (E.isLeft(rest)) return rest;
  const [j, ePrime, b, u] = rest.right;
  return E.right([i + j, ePrime, unionOutputs(bStar, b), [...uStar, ...u]]);
};

/**
 * @gp 12.29 eq:accumulationstatisticsdef -- S: for each service, G(s) the gas it used and N(s)
 * the digests of it among the accumulated reports, where either is non-zero
 */
export const accumulationStatistics = (u: GasUsage, accumulated: ReadonlyArray<WorkReport>): AccumulationStatistics => {
  const services = [...new Set([...u.map(([s]) => s), ...accumulated.flatMap((w) => w.digests.map((d) => d.serviceIndex))])];
  return new Map(
    services
      .sort((a, b) => a - b)
      .map((s) => {
        const G = sum(u.filter(([x]) => x === s).map(([, x]) => x));
        const N = accumulated.flatMap((w) => w.digests).filter((d) => d.serviceIndex === s).length;
        return [s, { gasUsed: G, count: N }] as const;
      })
      .filter(([, { gasUsed, count }]) => gasUsed + BigInt(count) !== 0n),
  );
};

/**
 * The accumulation of one block (eqs. 12.25 to 12.34): R* accumulated within the block's gas,
 * the posterior privileges, staging set, authorizer queues and accounts, theta', S, xi' and omega';
 * or `service_index_conflict` when two services of one Delta* contribute the same index.
 */
export const accumulation =
  (spec: ChainSpec, psiA: AccumulateInvocation) =>
  (state: AccumulationState, input: AccumulateInput): E.Either<AccumulationError, readonly [AccumulationPosterior, AccumulationResult]> => {
    const ctx: Context = { spec, psiA, tauPrime: input.slot, entropy: input.entropy };
    const { queued, accumulatable } = accumulatableReports(spec)(state.omega, state.xi, input.available, input.slot);
    const { chi } = state;
    /** @gp 12.25 eq:finalstateaccumulation -- g = max(G_T, G_A * C + the free gas of chi_Z); (n, e', b, u) = Delta+(g, [], R*, e, chi_Z) */
    const g0 = spec.Creportaccgas * BigInt(spec.Ccorecount) + sum([...chi.alwaysAccers.values()]);
    const g = spec.Cblockaccgas > g0 ? spec.Cblockaccgas : g0;
    const e: PartialState = {
      delta: state.delta,
      iota: state.iota,
      phi: state.phi,
      manager: chi.manager,
      assigners: chi.assigners,
      delegator: chi.delegator,
      registrar: chi.registrar,
      alwaysAccers: chi.alwaysAccers,
    };
    const outer = outerAccumulate(ctx, g, [], accumulatable, e, chi.alwaysAccers);
    if (E.isLeft(outer)) return outer;
    const [n, ePrime, b, u] = outer.right;
    const accumulated = accumulatable.slice(0, n);
    const S = accumulationStatistics(u, accumulated);
    /**
     * @gp 12.30 -- delta-double-dagger: every account of delta-dagger, with
     * @gp 12.31 -- its last-accumulation slot set to tau' when it is a key of S
     */
    const deltaDoubleDagger = new Map(
      [...ePrime.delta].map(([s, a]) => [s, S.has(s) ? { ...a, lastAcc: input.slot } : a] as const),
    );
    for (const [s, a] of ePrime.delta) if (a !== state.delta.get(s) && !inRange(a)) return E.left('account_overflow');
    const xiPrime = accumulatedPrime(state.xi, accumulated);
    /** @gp 12.27 eq:accountspostaccdef -- (delta-dagger, iota', phi', chi') = e' */
    const posterior: AccumulationPosterior = {
      delta: deltaDoubleDagger,
      iota: ePrime.iota,
      phi: ePrime.phi,
      chi: {
        manager: ePrime.manager,
        assigners: ePrime.assigners,
        delegator: ePrime.delegator,
        registrar: ePrime.registrar,
        alwaysAccers: ePrime.alwaysAccers,
      },
      xi: xiPrime,
      omega: readyPrime(spec)(state.omega, queued, xiPrime[xiPrime.length - 1]!, state.tau, input.slot),
    };
    /** @gp 12.26 -- theta' = the outputs b as a sequence */
    return E.right([posterior, { theta: b, accumulationStatistics: S, accumulatedCount: n }]);
  };
