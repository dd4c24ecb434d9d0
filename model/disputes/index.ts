/**
 * Section 10: disputes, verdicts and judgments. The disputes extrinsic E_D = (v, c, f) is
 * checked against the prior state and folded into psi' (good, bad, wonky, offenders); reports
 * judged bad or wonky are cleared from their core (rho-dagger); the header's offenders marker
 * lists the new offenders.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { ascii, bytesCompare, bytesEqual, concatBytes } from '../../spec/bytes.js';
import type { Ed25519Key, Hash } from '../../spec/bytes.js';
import type {
  PendingReport,
  Culprit,
  DisputesExtrinsic,
  DisputesRecords,
  Fault,
  State,
  Verdict,
} from '../../spec/types.js';
import { ed25519Verify } from '../crypto/index.js';
import { Xguarantee } from '../reports/index.js';
import { workReportHash } from '../reports/work-report.js';

export type DisputesState = Pick<State, 'psi' | 'rho' | 'kappa' | 'lambda' | 'tau'>;

/** The disputes vectors' error enum (disputes.asn, ErrorCode). */
export type DisputesError =
  | 'already_judged'
  | 'bad_vote_split'
  | 'verdicts_not_sorted_unique'
  | 'judgements_not_sorted_unique'
  | 'culprits_not_sorted_unique'
  | 'faults_not_sorted_unique'
  | 'not_enough_culprits'
  | 'not_enough_faults'
  | 'culprits_verdict_not_bad'
  | 'fault_verdict_wrong'
  | 'offender_already_reported'
  | 'bad_judgement_age'
  | 'bad_validator_index'
  | 'bad_signature'
  | 'bad_guarantor_key'
  | 'bad_auditor_key';

/** H_o: the offenders marker of the header. */
export interface DisputesOutput {
  readonly offendersMark: ReadonlyArray<Ed25519Key>;
}

/** @gp 10.4 -- X_valid and X_invalid, the judgment signing contexts */
export const Xvalid = ascii('jam_valid');
export const Xinvalid = ascii('jam_invalid');

/** floor(2V/3) + 1: the super-majority, the size of every verdict and the "good" tally. */
export const superMajority = (spec: ChainSpec): number => Math.floor((2 * spec.Cvalcount) / 3) + 1;
/** floor(V/3): the "wonky" tally. */
export const oneThird = (spec: ChainSpec): number => Math.floor(spec.Cvalcount / 3);

/** True when `xs` is strictly increasing under `key` (the paper's ordered-unique sequences). */
const isOrderedUnique = <T>(xs: ReadonlyArray<T>, cmp: (a: T, b: T) => number): boolean => {
  for (let i = 1; i < xs.length; i++) if (cmp(xs[i - 1]!, xs[i]!) >= 0) return false;
  return true;
};

const setHas = (set: ReadonlyArray<Uint8Array>, x: Uint8Array): boolean => set.some((y) => bytesEqual(x, y));

/** @gp C.11 -- a set of octet strings, kept in the order its encoding lists them (ascending), without duplicates. */
const setUnion = <T extends Uint8Array>(set: ReadonlyArray<T>, add: ReadonlyArray<T>): ReadonlyArray<T> => {
  const out = [...set];
  for (const x of add) if (!setHas(out, x)) out.push(x);
  return out.sort(bytesCompare);
};

/** The judgment message: X_valid or X_invalid, by the vote, then the report hash. */
export const judgmentMessage = (vote: boolean, target: Hash): Uint8Array => concatBytes(vote ? Xvalid : Xinvalid, target);

/** @gp 10.7 -- verdicts ordered and unique by report hash */
const checkVerdictsOrder = (v: ReadonlyArray<Verdict>): E.Either<DisputesError, void> =>
  isOrderedUnique(v, (a, b) => bytesCompare(a.reportHash, b.reportHash)) ? E.right(undefined) : E.left('verdicts_not_sorted_unique');

/** @gp 10.8 -- culprits and faults ordered and unique by Ed25519 key */
const checkOffencesOrder = (c: ReadonlyArray<Culprit>, f: ReadonlyArray<Fault>): E.Either<DisputesError, void> =>
  !isOrderedUnique(c, (a, b) => bytesCompare(a.key, b.key))
    ? E.left('culprits_not_sorted_unique')
    : !isOrderedUnique(f, (a, b) => bytesCompare(a.key, b.key))
      ? E.left('faults_not_sorted_unique')
      : E.right(undefined);

/** @gp 10.9 -- no verdict on a report already judged */
const checkNotJudged = (psi: DisputesRecords, v: ReadonlyArray<Verdict>): E.Either<DisputesError, void> =>
  v.some(({ reportHash }) => setHas(psi.good, reportHash) || setHas(psi.bad, reportHash) || setHas(psi.wonky, reportHash))
    ? E.left('already_judged')
    : E.right(undefined);

/**
 * @gp 10.3 -- every judgment signed by the key set its epoch index names (kappa for the
 * current epoch, lambda for the previous one); the epoch index is one of those two (10.2).
 */
const checkVerdictSignatures =
  (spec: ChainSpec) =>
  (state: DisputesState, verdict: Verdict): E.Either<DisputesError, void> => {
    const epoch = Math.floor(state.tau / spec.Cepochlen);
    if (verdict.epochIndex !== epoch && verdict.epochIndex + 1 !== epoch) return E.left('bad_judgement_age');
    const k = verdict.epochIndex === epoch ? state.kappa : state.lambda;
    for (const { validity, judgeIndex, signature } of verdict.judgments) {
      const validator = k[judgeIndex];
      if (validator === undefined) return E.left('bad_validator_index');
      if (!ed25519Verify(validator.ed, judgmentMessage(validity, verdict.reportHash), signature))
        return E.left('bad_signature');
    }
    return E.right(undefined);
  };

/**
 * @gp 10.2 -- a verdict carries exactly floor(2V/3)+1 judgments (the binary codec cannot say
 * otherwise; a value built in memory can, and its tally is then not one of 10.11's)
 */
const checkJudgmentCount =
  (spec: ChainSpec) =>
  (verdict: Verdict): E.Either<DisputesError, void> =>
    verdict.judgments.length === superMajority(spec) ? E.right(undefined) : E.left('bad_vote_split');

/** @gp 10.10 -- the judgments of a verdict ordered and unique by validator index */
const checkJudgmentsOrder = (verdict: Verdict): E.Either<DisputesError, void> =>
  isOrderedUnique(verdict.judgments, (a, b) => a.judgeIndex - b.judgeIndex) ? E.right(undefined) : E.left('judgements_not_sorted_unique');

/** One entry of v: a report hash and its count of positive judgments. */
export interface VerdictTally {
  readonly reportHash: Hash;
  readonly approvals: number;
}

/**
 * @gp 10.12 -- v, the report hash and the sum of positive judgments of each verdict;
 * @see 10.11 for the allowed totals (checked in `checkTallies`).
 */
export const tallies = (verdicts: ReadonlyArray<Verdict>): ReadonlyArray<VerdictTally> =>
  verdicts.map(({ reportHash, judgments }) => ({ reportHash, approvals: judgments.filter((j) => j.validity).length }));

/** @gp 10.11 -- each tally is 0 (bad), floor(V/3) (wonky) or floor(2V/3)+1 (good) */
const checkTallies =
  (spec: ChainSpec) =>
  (v: ReadonlyArray<VerdictTally>): E.Either<DisputesError, void> =>
    v.every(({ approvals }) => approvals === 0 || approvals === oneThird(spec) || approvals === superMajority(spec))
      ? E.right(undefined)
      : E.left('bad_vote_split');

/** The keys that may be reported as offenders: (lambda u kappa) minus psi_o (10.5, 10.6). */
const offenceKeys = (state: DisputesState): ReadonlyArray<Ed25519Key> =>
  [...state.lambda, ...state.kappa].map((k) => k.ed);

/** @gp 10.5 -- culprits: report in psi'_b, key a non-offending validator, guarantee signature valid */
const checkCulprit =
  (state: DisputesState, badPrime: ReadonlyArray<Hash>) =>
  ({ reportHash, key, signature }: Culprit): E.Either<DisputesError, void> =>
    !setHas(badPrime, reportHash)
      ? E.left('culprits_verdict_not_bad')
      : setHas(state.psi.offenders, key)
        ? E.left('offender_already_reported')
        : !setHas(offenceKeys(state), key)
          ? E.left('bad_guarantor_key')
          : !ed25519Verify(key, concatBytes(Xguarantee, reportHash), signature)
            ? E.left('bad_signature')
            : E.right(undefined);

/**
 * @gp 10.6 -- faults: r in psi'_b <=> r not in psi'_g <=> the vote; key a non-offending
 * validator; judgment signature valid
 */
const checkFault =
  (state: DisputesState, goodPrime: ReadonlyArray<Hash>, badPrime: ReadonlyArray<Hash>) =>
  ({ reportHash, validity, key, signature }: Fault): E.Either<DisputesError, void> => {
    const inBad = setHas(badPrime, reportHash);
    const notInGood = !setHas(goodPrime, reportHash);
    return !(inBad === notInGood && notInGood === validity)
      ? E.left('fault_verdict_wrong')
      : setHas(state.psi.offenders, key)
        ? E.left('offender_already_reported')
        : !setHas(offenceKeys(state), key)
          ? E.left('bad_auditor_key')
          : !ed25519Verify(key, judgmentMessage(validity, reportHash), signature)
            ? E.left('bad_signature')
            : E.right(undefined);
  };

/** @gp 10.13 -- a good verdict comes with at least one fault on its report */
const checkEnoughFaults =
  (spec: ChainSpec) =>
  (v: ReadonlyArray<VerdictTally>, f: ReadonlyArray<Fault>): E.Either<DisputesError, void> =>
    v.every(({ reportHash, approvals }) => approvals !== superMajority(spec) || f.some((x) => bytesEqual(x.reportHash, reportHash)))
      ? E.right(undefined)
      : E.left('not_enough_faults');

/** @gp 10.14 -- a bad verdict comes with at least two culprits on its report */
const checkEnoughCulprits = (v: ReadonlyArray<VerdictTally>, c: ReadonlyArray<Culprit>): E.Either<DisputesError, void> =>
  v.every(({ reportHash, approvals }) => approvals !== 0 || c.filter((x) => bytesEqual(x.reportHash, reportHash)).length >= 2)
    ? E.right(undefined)
    : E.left('not_enough_culprits');

const sequence = (checks: ReadonlyArray<() => E.Either<DisputesError, void>>): E.Either<DisputesError, void> => {
  for (const check of checks) {
    const r = check();
    if (E.isLeft(r)) return r;
  }
  return E.right(undefined);
};

/** @gp 10.16 -- psi'_g: the good set gains the reports of good verdicts */
const goodPrimeOf = (spec: ChainSpec, psi: DisputesRecords, v: ReadonlyArray<VerdictTally>): ReadonlyArray<Hash> =>
  setUnion(
    psi.good,
    v.filter((t) => t.approvals === superMajority(spec)).map((t) => t.reportHash),
  );

/** @gp 10.17 -- psi'_b: the bad set gains the reports of bad verdicts */
const badPrimeOf = (psi: DisputesRecords, v: ReadonlyArray<VerdictTally>): ReadonlyArray<Hash> =>
  setUnion(
    psi.bad,
    v.filter((t) => t.approvals === 0).map((t) => t.reportHash),
  );

/** @gp 10.18 -- psi'_w: the wonky set gains the reports of wonky verdicts */
const wonkyPrimeOf = (spec: ChainSpec, psi: DisputesRecords, v: ReadonlyArray<VerdictTally>): ReadonlyArray<Hash> =>
  setUnion(
    psi.wonky,
    v.filter((t) => t.approvals === oneThird(spec)).map((t) => t.reportHash),
  );

/** @gp 10.19 -- psi'_o: the offenders set gains the keys of every culprit and fault */
const offendersPrimeOf = (psi: DisputesRecords, c: ReadonlyArray<Culprit>, f: ReadonlyArray<Fault>): ReadonlyArray<Ed25519Key> =>
  setUnion(psi.offenders, [...c.map((x) => x.key), ...f.map((x) => x.key)]);

/** @gp 10.15 -- rho-dagger: reports judged bad or wonky are cleared from their core */
export const rhoDaggerOf =
  (spec: ChainSpec) =>
  (rho: ReadonlyArray<PendingReport | undefined>, v: ReadonlyArray<VerdictTally>): ReadonlyArray<PendingReport | undefined> => {
    const cleared = v.filter((t) => t.approvals < Math.floor((2 * spec.Cvalcount) / 3)).map((t) => t.reportHash);
    if (cleared.length === 0) return rho;
    return rho.map((a) => (a !== undefined && setHas(cleared, workReportHash(a.workReport)) ? undefined : a));
  };

/** @gp 10.20 -- H_o: the culprits' keys then the faults' keys, in extrinsic order */
const offendersMark = (c: ReadonlyArray<Culprit>, f: ReadonlyArray<Fault>): ReadonlyArray<Ed25519Key> => [
  ...c.map((x) => x.key),
  ...f.map((x) => x.key),
];

/** The disputes transition: (psi, rho, kappa, lambda, tau) and E_D to (psi', rho-dagger) and H_o. */
export const disputes =
  (spec: ChainSpec) =>
  (state: DisputesState, input: DisputesExtrinsic): E.Either<DisputesError, readonly [DisputesState, DisputesOutput]> => {
    const { verdicts, culprits, faults } = input;
    const v = tallies(verdicts);
    const goodPrime = goodPrimeOf(spec, state.psi, v);
    const badPrime = badPrimeOf(state.psi, v);
    const checks = sequence([
      () => checkVerdictsOrder(verdicts),
      () => checkNotJudged(state.psi, verdicts),
      ...verdicts.flatMap((verdict) => [
        () => checkJudgmentCount(spec)(verdict),
        () => checkJudgmentsOrder(verdict),
        () => checkVerdictSignatures(spec)(state, verdict),
      ]),
      () => checkTallies(spec)(v),
      () => checkOffencesOrder(culprits, faults),
      ...culprits.map((c) => () => checkCulprit(state, badPrime)(c)),
      ...faults.map((f) => () => checkFault(state, goodPrime, badPrime)(f)),
      () => checkEnoughCulprits(v, culprits),
      () => checkEnoughFaults(spec)(v, faults),
    ]);
    if (E.isLeft(checks)) return checks;
    const psiPrime: DisputesRecords = {
      good: goodPrime,
      bad: badPrime,
      wonky: wonkyPrimeOf(spec, state.psi, v),
      offenders: offendersPrimeOf(state.psi, culprits, faults),
    };
    const rhoDagger = rhoDaggerOf(spec)(state.rho, v);
    return E.right([{ ...state, psi: psiPrime, rho: rhoDagger }, { offendersMark: offendersMark(culprits, faults) }]);
  };

