/**
 * History and queuing, section 12.1: which of the newly available work-reports accumulate now
 * (R!), which wait on dependencies (R^Q), the queue-editing function E, the priority function Q,
 * the accumulatable sequence R*, and the posterior ready queue omega' and history xi'.
 *
 * Sets of work-package hashes are held as sets of their 0x-hex spelling (membership is by
 * value); a record's dependency set is kept in ascending order, as the paper's sets are.
 */
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesCompare, toHex, type Hash } from '../../spec/bytes.js';
import type { ReadyRecord, State, TimeSlot, WorkReport } from '../../spec/types.js';

/** A set of work-package hashes, by their hex spelling. */
export type PackageSet = ReadonlySet<string>;

/** @gp 12.2 -- the union of xi: every package hash accumulated within the last epoch */
export const accumulatedUnion = (xi: State['xi']): PackageSet => new Set(xi.flatMap((x) => x.map(toHex)));

/** @gp 12.9 -- P(r): the work-package hashes of a set of work-reports */
export const packageHashes = (r: ReadonlyArray<WorkReport>): PackageSet => new Set(r.map((w) => toHex(w.avspec.packageHash)));

/** A set of hashes as the paper's ordered set: ascending, without duplicates. */
const asSet = (hashes: ReadonlyArray<Hash>): ReadonlyArray<Hash> =>
  [...hashes].sort(bytesCompare).filter((h, i, all) => i === 0 || bytesCompare(all[i - 1]!, h) !== 0);

/** Whether a report has neither prerequisites nor segment-root lookups. */
const hasNoDependencies = (r: WorkReport): boolean => r.context.prerequisites.length === 0 && r.srLookup.length === 0;

/** @gp 12.6 -- D(r): a report with its dependencies, the prerequisites and the keys of its segment-root lookup */
export const withDependencies = (r: WorkReport): ReadyRecord => ({
  workReport: r,
  dependencies: asSet([...r.context.prerequisites, ...r.srLookup.map((l) => l.packageHash)]),
});

/**
 * @gp 12.7 -- E(r, x): drop the records whose report's package is in x, and remove x from the
 * dependencies of those that remain
 */
export const editQueue = (r: ReadonlyArray<ReadyRecord>, x: PackageSet): ReadonlyArray<ReadyRecord> =>
  r
    .filter(({ workReport }) => !x.has(toHex(workReport.avspec.packageHash)))
    .map(({ workReport, dependencies }) => ({ workReport, dependencies: dependencies.filter((d) => !x.has(toHex(d))) }));

/**
 * @gp 12.8 -- Q(r): the reports accumulatable in order: those without dependencies, then,
 * recursively, those freed by them
 */
export const accumulationPriority = (r: ReadonlyArray<ReadyRecord>): ReadonlyArray<WorkReport> => {
  const g = r.filter(({ dependencies }) => dependencies.length === 0).map(({ workReport }) => workReport);
  return g.length === 0 ? [] : [...g, ...accumulationPriority(editQueue(r, packageHashes(g)))];
};

/** @gp 12.4 -- R!: the available reports with no dependencies, accumulated at once */
export const immediateReports = (available: ReadonlyArray<WorkReport>): ReadonlyArray<WorkReport> =>
  available.filter(hasNoDependencies);

/** @gp 12.5 -- R^Q: the available reports with dependencies, edited against what is already accumulated */
export const queuedReports = (available: ReadonlyArray<WorkReport>, xi: State['xi']): ReadonlyArray<ReadyRecord> =>
  editQueue(
    available.filter((r) => !hasNoDependencies(r)).map(withDependencies),
    accumulatedUnion(xi),
  );

/** R!, R^Q and R* of one block. */
export interface Accumulatable {
  readonly immediate: ReadonlyArray<WorkReport>;
  readonly queued: ReadonlyArray<ReadyRecord>;
  readonly accumulatable: ReadonlyArray<WorkReport>;
}

/**
 * @gp 12.10 -- m = H_t mod E
 * @gp 12.11 -- R* = R! ++ Q(q)
 * @gp 12.12 -- q = E(omega from m on ++ omega before m ++ R^Q, P(R!))
 */
export const accumulatableReports =
  (spec: ChainSpec) =>
  (omega: State['omega'], xi: State['xi'], available: ReadonlyArray<WorkReport>, tauPrime: TimeSlot): Accumulatable => {
    const m = tauPrime % spec.Cepochlen;
    const immediate = immediateReports(available);
    const queued = queuedReports(available, xi);
    const q = editQueue([...omega.slice(m).flat(), ...omega.slice(0, m).flat(), ...queued], packageHashes(immediate));
    return { immediate, queued, accumulatable: [...immediate, ...accumulationPriority(q)] };
  };

/**
 * @gp 12.32 -- xi'[E-1] = P(R*[..n]): the packages accumulated in this block
 * @gp 12.33 -- xi'[i] = xi[i+1]: the history shifted by one
 */
export const accumulatedPrime = (xi: State['xi'], accumulated: ReadonlyArray<WorkReport>): State['xi'] => [
  ...xi.slice(1),
  asSet(accumulated.map((r) => r.avspec.packageHash)),
];

/**
 * @gp 12.34 -- omega': slot m gets R^Q, the slots skipped since tau are emptied, and every
 * other slot keeps its records less those just accumulated (all edited against xi'[E-1])
 */
export const readyPrime =
  (spec: ChainSpec) =>
  (
    omega: State['omega'],
    queued: ReadonlyArray<ReadyRecord>,
    justAccumulated: ReadonlyArray<Hash>,
    tau: TimeSlot,
    tauPrime: TimeSlot,
  ): State['omega'] => {
    const Ep = spec.Cepochlen;
    const m = tauPrime % Ep;
    const x: PackageSet = new Set(justAccumulated.map(toHex));
    /** i such that [m - i] (cyclic) is slot k. */
    return omega.map((records, k) => {
      const i = (((m - k) % Ep) + Ep) % Ep;
      if (i === 0) return editQueue(queued, x);
      if (i < tauPrime - tau) return [];
      return editQueue(records, x);
    });
  };
