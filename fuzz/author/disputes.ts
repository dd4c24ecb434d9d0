/**
 * E_D authored (section 10): one verdict of the chosen kind on a pending report (else on a hash
 * no report has), judged by a super-majority of kappa, with the culprits or the fault its kind
 * requires. The offenders it makes are nulled from the next validator sets (6.14), so the
 * author keeps them to at most floor(V/3): beyond that too few validators remain to judge,
 * guarantee and seal.
 */
import { bytesCompare, bytesEqual, concatBytes, type Hash } from '../../spec/bytes.js';
import { encode, u32 } from '../../spec/codec.js';
import type { Culprit, DisputesExtrinsic, Fault, Judgment, State } from '../../spec/types.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { judgmentMessage, oneThird, superMajority } from '../../model/disputes/index.js';
import { Xguarantee } from '../../model/reports/index.js';
import { workReportHash } from '../../model/reports/work-report.js';
import type { Author } from './block.js';
import { byEd25519, signEd, type DevValidator } from './keys.js';

/** The kind of verdict a block carries (10.11): none, or its tally's name. */
export type VerdictKind = 'none' | 'good' | 'wonky' | 'bad';

const noDisputes: DisputesExtrinsic = { verdicts: [], culprits: [], faults: [] };

/**
 * The disputes extrinsic of a verdict of kind `kind` in the block at `slot` after `sigma` (a
 * target no report has is named by the slot): the first floor(2V/3)+1 validators of kappa whose
 * secrets the author knows judge (10.2, 10.3, in index order 10.10), with floor(2V/3)+1, floor(V/3)
 * or no approvals (10.11); a good verdict with the fault of the next validator voting against
 * (10.6, 10.13), a bad one with two culprits, validators signing the guarantee of the report
 * (10.5, 10.14); culprits and faults in key order (10.8).
 */
export const authorDisputes = (author: Author, sigma: State, slot: number, kind: VerdictKind): DisputesExtrinsic => {
  const { spec } = author;
  const newOffenders = kind === 'good' ? 1 : kind === 'bad' ? 2 : 0;
  if (kind === 'none' || sigma.psi.offenders.length + newOffenders > oneThird(spec)) return noDisputes;
  const isOffender = (d: DevValidator): boolean => sigma.psi.offenders.some((o) => bytesEqual(o, d.ed));
  const known = sigma.kappa.flatMap((k, judgeIndex) => {
    const key = byEd25519(author.keys, k.ed);
    return key === undefined ? [] : [{ judgeIndex, key }];
  });
  const judges = known.slice(0, superMajority(spec));
  const others = known.slice(superMajority(spec)).filter(({ key }) => !isOffender(key));
  const accusable = known.filter(({ key }) => !isOffender(key));
  if (judges.length < superMajority(spec) || (kind === 'good' && others.length < 1) || (kind === 'bad' && accusable.length < 2))
    return noDisputes;

  // A report pending on a core, so that a bad or wonky verdict clears it (10.15); else a fresh hash.
  const pending = sigma.rho.find((r) => r !== undefined);
  const judged = sigma.psi.good.concat(sigma.psi.bad, sigma.psi.wonky);
  const pendingHash = pending === undefined ? undefined : workReportHash(pending.workReport);
  const reportHash: Hash =
    pendingHash !== undefined && !judged.some((h) => bytesEqual(h, pendingHash))
      ? pendingHash
      : blake2b256(concatBytes(encode(u32, slot), new Uint8Array([0xd1])));

  const approvals = kind === 'good' ? superMajority(spec) : kind === 'wonky' ? oneThird(spec) : 0;
  const judgments: ReadonlyArray<Judgment> = judges.map(({ judgeIndex, key }, i) => {
    const validity = i < approvals;
    return { validity, judgeIndex, signature: signEd(key, judgmentMessage(validity, reportHash)) };
  });
  const epochIndex = Math.floor(sigma.tau / spec.Cepochlen);
  const culprits: ReadonlyArray<Culprit> =
    kind === 'bad'
      ? accusable
          .slice(0, 2)
          .map(({ key }) => ({ reportHash, key: key.ed, signature: signEd(key, concatBytes(Xguarantee, reportHash)) }))
          .sort((a, b) => bytesCompare(a.key, b.key))
      : [];
  const faults: ReadonlyArray<Fault> =
    kind === 'good'
      ? others
          .slice(0, 1)
          .map(({ key }) => ({ reportHash, validity: false, key: key.ed, signature: signEd(key, judgmentMessage(false, reportHash)) }))
      : [];
  return { verdicts: [{ reportHash, epochIndex, judgments }], culprits, faults };
};
