/**
 * Section 18, BEEFY distribution: the message each validator signs with its BLS key for every
 * finalized block it imports. The signature scheme (BLS12-381 as cryptoeprint 2022/1611 defines
 * it) is the signer's, with the validator's key kappa'[v]_l; the model builds the signed material.
 */
import { ascii, concatBytes } from '../../spec/bytes.js';
import type { RecentHistory } from '../../spec/types.js';

/** @gp 18.2 -- X_B = $jam_beefy: the context of a BEEFY commitment. */
export const Xbeefy = ascii('jam_beefy');

/**
 * @gp 18.1 eq:accoutsignedcommitment -- the material of S(v): X_B ++ last(beta_H)_b, the
 * accumulation-output log's super-peak of the most recent block; undefined with no history.
 */
export const beefyCommitmentMessage = (beta: RecentHistory): Uint8Array | undefined => {
  const last = beta.history[beta.history.length - 1];
  return last === undefined ? undefined : concatBytes(Xbeefy, last.accOutLogSuperPeak);
};
