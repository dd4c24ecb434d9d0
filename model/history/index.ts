/**
 * Recent history, section 7: the last H blocks' header hashes, state roots, accumulation-output
 * super-peaks and reported work-packages (beta_H), and the accumulation-output belt (beta_B).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesCompare, concatBytes, type Hash } from '../../spec/bytes.js';
import { encode, u32 } from '../../spec/codec.js';
import type { AccumulationOutput, RecentBlock, RecentHistory, State, WorkReport } from '../../spec/types.js';
import { keccak256, zeroHash } from '../crypto/index.js';
import { merkleWellBalanced, mmrAppend, mmrSuperPeak } from '../merklization/index.js';

export type HistoryState = Pick<State, 'beta'>;

/** What a block brings to recent history. */
export interface HistoryInput {
  /** H(H): the new block's header hash. */
  readonly headerHash: Hash;
  /** H_r: the parent block's posterior state root, known only now. */
  readonly priorStateRoot: Hash;
  /** M_B(s, keccak): the root of this block's accumulation outputs (eq. 7.6, `accoutLogRoot`). */
  readonly accoutLogRoot: Hash;
  /** p: the work-packages reported in this block, package hash -> segment root (`reportedPackageHashes`). */
  readonly reportedPackageHashes: RecentBlock['reportedPackageHashes'];
}

/** @gp 7.5 eq:correctlaststateroot -- beta_H dagger: the last entry's state root corrected to the parent's posterior state root */
export const recentHistoryDagger = (
  betaH: RecentHistory['history'],
  priorStateRoot: Hash,
): RecentHistory['history'] => {
  const last = betaH[betaH.length - 1];
  return last === undefined ? betaH : [...betaH.slice(0, -1), { ...last, stateRoot: priorStateRoot }];
};

/**
 * @gp 7.6 -- s: each accumulation output as E_4(service) ++ hash, in theta' order; its
 * well-balanced Keccak Merkle root is what eq. 7.7 appends to the belt
 */
export const accoutLogRoot = (thetaPrime: ReadonlyArray<AccumulationOutput>): Hash =>
  merkleWellBalanced(
    thetaPrime.map(({ serviceIndex, hash }) => concatBytes(encode(u32, serviceIndex), hash)),
    keccak256,
  );

/** p of eq. 7.8: each guaranteed report's package hash mapped to its segment root. */
export const reportedPackageHashes = (
  reports: ReadonlyArray<Pick<WorkReport, 'avspec'>>,
): RecentBlock['reportedPackageHashes'] =>
  reports
    .map((w) => ({ hash: w.avspec.packageHash, exportsRoot: w.avspec.segRoot }))
    .sort((a, b) => bytesCompare(a.hash, b.hash));

export const history =
  (spec: ChainSpec) =>
  (state: HistoryState, input: HistoryInput): E.Either<never, readonly [HistoryState, null]> => {
    const betaHDagger = recentHistoryDagger(state.beta.history, input.priorStateRoot);
    /** @gp 7.7 eq:accoutbeltdef -- beta_B': the belt with this block's accumulation-output root appended */
    const betaBPrime = mmrAppend(state.beta.accOutBelt, input.accoutLogRoot, keccak256);
    /** @gp 7.8 eq:recenthistorydef -- beta_H': the last H of beta_H dagger with the new block appended */
    const betaHPrime = [
      ...betaHDagger,
      {
        reportedPackageHashes: input.reportedPackageHashes,
        headerHash: input.headerHash,
        stateRoot: zeroHash,
        accOutLogSuperPeak: mmrSuperPeak(betaBPrime),
      },
    ].slice(-spec.Crecenthistorylen);
    return E.right([{ beta: { history: betaHPrime, accOutBelt: betaBPrime } }, null]);
  };
