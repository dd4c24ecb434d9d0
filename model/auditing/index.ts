/**
 * Section 17, auditing and judging, for one validator v and one block: the reports to audit q,
 * the tranches a_n chosen by VRF (the first by a shuffle of the cores, later ones by no-shows),
 * the announcements, the evaluation e_n of a report by recomputing it (Xi), the judgments, and
 * when a report and the block count as audited. The keys are the caller's: VRF outputs and
 * signatures come in as values or as signers, never as secrets.
 */
import * as E from 'fp-ts/lib/Either.js';
import { type Ed25519Signature, type Hash, ascii, bytesCompare, bytesEqual, concatBytes } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { decode, encode } from '../../spec/codec.js';
import { workPackage, workReport } from '../../spec/codecs.js';
import type { CoreIndex, PendingReport, ValidatorIndex, WorkReport } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import { Xinvalid, Xvalid } from '../disputes/index.js';
import type { ErasureEngine } from '../erasure/index.js';
import type { Accounts } from '../in-core/invocations.js';
import { type InCoreData, computeWorkReport } from '../in-core/work-report.js';
import type { PvmEngine } from '../pvm/index.js';
import { shuffleByHash } from '../shuffle/index.js';

/** @gp 17.4 -- X_U = $jam_audit: the context of the audit VRFs. */
export const Xaudit = ascii('jam_audit');
/** @gp 17.10 -- X_I = $jam_announce: the context of an announcement. */
export const Xannounce = ascii('jam_announce');

/** @gp 17.1 eq:auditselection -- q in [R?]_C: per core, the report to audit or none. */
export type AuditReports = ReadonlyArray<WorkReport | undefined>;

/**
 * @gp 17.2 -- q: rho[c]_r for each core c whose pending report is among W, the reports that
 * just became available in the block; none elsewhere.
 */
export const auditReports = (rho: ReadonlyArray<PendingReport | undefined>, W: ReadonlyArray<WorkReport>): AuditReports => {
  const available = W.map((w) => encode(workReport, w));
  return rho.map((pending) => {
    const w = pending?.workReport;
    return w !== undefined && available.some((x) => bytesEqual(x, encode(workReport, w))) ? w : undefined;
  });
};

/**
 * @gp 17.3 eq:initialaudit -- s_0 in F-bar^[]_{kappa[v]_b}<X_U ++ Y(H_V)>: the context of the
 * first tranche's VRF (the signer holds kappa[v]'s Bandersnatch key; its output Y(s_0) comes back).
 */
export const initialAuditContext = (YHv: Hash): Uint8Array => concatBytes(Xaudit, YHv);

/** A (core, report) pair of a tranche. */
export interface CoreReport {
  readonly c: CoreIndex;
  readonly w: WorkReport;
}

/**
 * @gp 17.5 -- a_0: the non-empty pairs among the first ten of p.
 * @gp 17.6 -- p = F([(c, q_c) | c <- N_C], Y(s_0)): the cores shuffled by the VRF output.
 */
export const initialTranche = (q: AuditReports, Ys0: Hash): ReadonlyArray<CoreReport> =>
  shuffleByHash(
    q.map((w, c) => ({ c, w })),
    Ys0,
  )
    .slice(0, 10)
    .filter((x): x is CoreReport => x.w !== undefined);

/** @gp 17.7 -- n = floor((T - P H_T) / A): the current tranche at wall-clock second T. */
export const trancheAt = (spec: ChainSpec, T: number, Ht: number): number => Math.floor((T - spec.Cslotseconds * Ht) / spec.Ctrancheseconds);

/**
 * @gp 17.9 -- x_n = E({E_2(c) ++ H(w) | (c, w) in a_n}): the set encoded in ascending order
 * of its elements, with no length prefix (C.11 encodes a set as its ordered sequence; E, not var).
 */
export const announcedCores = (a: ReadonlyArray<CoreReport>): Uint8Array =>
  concatBytes(
    ...a
      .map(({ c, w }) => concatBytes(Uint8Array.of(c & 0xff, c >>> 8), blake2b256(encode(workReport, w))))
      .sort(bytesCompare),
  );

/**
 * @gp 17.8 eq:announcement -- S: an Ed25519 signature of kappa[v]_e on X_I ⌢ n ++ x_n ++ H(H),
 * n appended to X_I as one octet (⌢ appends an element to the octet sequence).
 */
export const announcementMessage = (n: number, a: ReadonlyArray<CoreReport>, headerHash: Hash): Uint8Array =>
  concatBytes(Xannounce, trancheOctet(n), announcedCores(a), headerHash);

/** n as the one octet ⌢ appends; a tranche past 255 (34 minutes after its slot) has no such octet. */
const trancheOctet = (n: number): Uint8Array => {
  if (!Number.isInteger(n) || n < 0 || n > 255) throw new RangeError(`tranche ${n} is not an octet`);
  return Uint8Array.of(n);
};

/** @gp 17.11 -- A_n: R -> {N_V}, who we perceive must audit each report (by its core) at tranche n. */
export type AuditorsOf = ReadonlyMap<CoreIndex, ReadonlySet<ValidatorIndex>>;

/** @gp 17.13 -- J_top, J_bot: R -> {N_V}: who judged each report (by its core) valid, and invalid. */
export interface Judged {
  readonly valid: AuditorsOf;
  readonly invalid: AuditorsOf;
}

/** @gp 17.14 eq:latertranches -- s_n(w): a VRF on X_U ++ Y(H_V) ++ H(w) ⌢ n by kappa[v]_b (its context). */
export const laterAuditContext = (YHv: Hash, w: WorkReport, n: number): Uint8Array =>
  concatBytes(Xaudit, YHv, blake2b256(encode(workReport, w)), trancheOctet(n));

const none: ReadonlySet<ValidatorIndex> = new Set();

/**
 * @gp 17.15 -- a_n = {w | V / (256 F) Y(s_n(w))_0 < m_n, w in q, w != none} with
 * m_n = |A_{n-1}(w) \ J_top(w)|, the no-shows of the tranche before. `Ysn` gives the VRF output
 * of s_n(w) for each core with a report.
 */
export const laterTranche = (
  spec: ChainSpec,
  q: AuditReports,
  Ysn: (c: CoreIndex) => Hash,
  previous: AuditorsOf,
  judged: Judged,
): ReadonlyArray<CoreReport> =>
  q.flatMap((w, c) => {
    if (w === undefined) return [];
    const valid = judged.valid.get(c) ?? none;
    const m = [...(previous.get(c) ?? none)].filter((v) => !valid.has(v)).length;
    return (spec.Cvalcount / (256 * spec.Cauditbiasfactor)) * Ysn(c)[0]! < m ? [{ c, w }] : [];
  });

/**
 * @gp 17.16 -- e_n(c): w = Xi(p, c) for the package p that F(w) decodes to; false when it does
 * not decode (section 17: "a failure to decode implies an invalid work-report") or Xi rejects it.
 */
export const evaluate =
  (spec: ChainSpec, pvm: PvmEngine, erasure: ErasureEngine) =>
  (delta: Accounts, data: InCoreData, Fw: Uint8Array, { c, w }: CoreReport): boolean => {
    const p = decode(workPackage, Fw);
    if (E.isLeft(p)) return false;
    const r = computeWorkReport(spec, pvm, erasure)(delta, data, p.right, c);
    return E.isRight(r) && bytesEqual(encode(workReport, r.right.report), encode(workReport, w));
  };

/** A judgment on one report: the report's core, the verdict e_n(c), and its signature. */
export interface AuditJudgment {
  readonly c: CoreIndex;
  readonly valid: boolean;
  readonly signature: Ed25519Signature;
}

/** @gp 17.17 eq:judgments -- j_n: for each (c, w) of a_n, a signature on X_{e_n(c)} ++ H(w) (X_valid or X_invalid, 10.4). */
export const judgments = (
  a: ReadonlyArray<CoreReport>,
  e: (x: CoreReport) => boolean,
  sign: (message: Uint8Array) => Ed25519Signature,
): ReadonlyArray<AuditJudgment> =>
  a.map((x) => {
    const valid = e(x);
    return { c: x.c, valid, signature: sign(concatBytes(valid ? Xvalid : Xinvalid, blake2b256(encode(workReport, x.w)))) };
  });

/**
 * @gp 17.18 -- U(w): no negative judgment and, at some tranche n, every auditor of A_n(w) judged
 * it valid; or more than two thirds of the validators judged it valid. The paper writes A_n(w) ⊂
 * J_top(w); the text ("a positive judgment from all validators who we believe are required to
 * audit it") reads it as a subset, not a proper one, which this follows.
 */
export const isAudited = (spec: ChainSpec, c: CoreIndex, tranches: ReadonlyArray<AuditorsOf>, judged: Judged): boolean => {
  const valid = judged.valid.get(c) ?? none;
  const invalid = judged.invalid.get(c) ?? none;
  const allJudged = tranches.some((A) => [...(A.get(c) ?? none)].every((v) => valid.has(v)));
  return (invalid.size === 0 && allJudged) || 3 * valid.size > 2 * spec.Cvalcount;
};

/** @gp 17.19 -- U-block: every report that became available in the block (each by its core in q) is audited. */
export const isBlockAudited = (spec: ChainSpec, q: AuditReports, tranches: ReadonlyArray<AuditorsOf>, judged: Judged): boolean =>
  q.every((w, c) => w === undefined || isAudited(spec, c, tranches, judged));
