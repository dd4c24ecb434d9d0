/**
 * Recent history, section 7: the last H blocks' header hashes, state roots, accumulation-output
 * super-peaks and reported work-packages (beta_H), and the accumulation-output belt (beta_B).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { concatBytes, type Hash } from '../../spec/bytes.js';
import { encode, u32 } from '../../spec/codec.js';
import type { AccumulationOutput, RecentBlock, RecentHistory, State } from '../../spec/types.js';
import { keccak256, zeroHash } from '../crypto/index.js';
import { merkleWellBalanced, mmrAppend, mmrSuperPeak } from '../merklization/index.js';

export type HistoryState = Pick<State, 'beta'>;

/** What history takes as its prior: beta-dagger (eq. 4.17), not beta. */
export interface HistoryDaggerState {
  readonly betaDagger: RecentHistory;
}

/** What a block brings to recent history. */
export interface HistoryInput {
  /** H(H): the new block's header hash. */
  readonly headerHash: Hash;
  /** M_B(s, keccak): the root of this block's accumulation outputs (eq. 7.6, `accoutLogRoot`). */
  readonly accoutLogRoot: Hash;
  /** p: the work-packages reported in this block, package hash -> segment root (11.40, the reports' output `reported`). */
  readonly reportedPackageHashes: RecentBlock['reportedPackageHashes'];
}

/**
 * @gp 4.6 eq:betadagger -- beta-dagger from H and beta;
 * @gp 7.5 eq:correctlaststateroot -- beta_H's last entry's state root corrected to H_R, the parent's posterior state root
 */
export const correctLastStateRoot = (beta: RecentHistory, priorStateRoot: Hash): RecentHistory => {
  const last = beta.history[beta.history.length - 1];
  return last === undefined ? beta : { ...beta, history: [...beta.history.slice(0, -1), { ...last, stateRoot: priorStateRoot }] };
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

/** @gp 4.17 eq:betaprime -- beta' from H, E_G (its reported packages p), beta-dagger and theta' (its log root) */
export const history =
  (spec: ChainSpec) =>
  (state: HistoryDaggerState, input: HistoryInput): E.Either<never, readonly [HistoryState, null]> => {
    const { betaDagger } = state;
    /** @gp 7.7 eq:accoutbeltdef -- beta_B': the belt with this block's accumulation-output root appended */
    const betaBPrime = mmrAppend(betaDagger.accOutBelt, input.accoutLogRoot, keccak256);
    /** @gp 7.8 eq:recenthistorydef -- beta_H': the last H of beta_H dagger with the new block appended */
    const betaHPrime = [
      ...betaDagger.history,
      {
        reportedPackageHashes: input.reportedPackageHashes,
        headerHash: input.headerHash,
        stateRoot: zeroHash,
        accOutLogSuperPeak: mmrSuperPeak(betaBPrime),
      },
    ].slice(-spec.Crecenthistorylen);
    return E.right([{ beta: { history: betaHPrime, accOutBelt: betaBPrime } }, null]);
  };
