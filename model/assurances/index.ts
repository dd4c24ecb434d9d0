/**
 * Availability assurances, section 11 (eqs. 11.10 to 11.17): validators assure that the reports
 * pending on cores (rho dagger) are available; a report assured by more than two thirds of the validators becomes
 * available (R), and available or timed-out reports leave their core (rho double-dagger).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { ascii, bytesEqual, concatBytes, type Hash } from '../../spec/bytes.js';
import { bitSequence, encode } from '../../spec/codec.js';
import type { Assurance, State, ValidatorKey, WorkReport } from '../../spec/types.js';
import { blake2b256, ed25519VerifyEach, noKey } from '../crypto/index.js';

/** rho dagger (the pending reports after judgements) and kappa (the prior active validators). */
export type AssurancesState = Pick<State, 'rho' | 'kappa'>;

export interface AssurancesInput {
  /** E_A: the assurances extrinsic. */
  readonly assurances: ReadonlyArray<Assurance>;
  /** H_t: the block's timeslot. */
  readonly slot: number;
  /** H_p: the parent header hash. */
  readonly parent: Hash;
}

/** R (eq. 11.16): the work-reports that became available in this block, in core order. */
export interface AssurancesOutput {
  readonly available: ReadonlyArray<WorkReport>;
}

export type AssurancesError =
  | 'bad_attestation_parent'
  | 'bad_validator_index'
  | 'core_not_engaged'
  | 'bad_signature'
  | 'not_sorted_or_unique_assurers';

/** @gp 11.14 -- X_A: the context string of an availability assurance signature */
export const Xavailable = ascii('jam_available');

/** The message an assurer signs (eq. 11.13): X_A ++ blake2b(E(H_p, a_f)). */
export const assuranceMessage = (spec: ChainSpec, parent: Hash, availabilities: ReadonlyArray<boolean>): Uint8Array =>
  concatBytes(Xavailable, blake2b256(concatBytes(parent, encode(bitSequence(spec.Ccorecount), availabilities))));

/** The first rule of eqs. 11.11 to 11.15 the extrinsic breaks, if any. */
const assurancesValidity = (
  spec: ChainSpec,
  rhoDagger: AssurancesState['rho'],
  kappa: ReadonlyArray<ValidatorKey>,
  input: AssurancesInput,
): AssurancesError | undefined => {
  // The signatures of 11.13, verified together up front (one native call) and read in
  // order below, so the first rule broken is the same as when each is checked in its turn.
  const signed = ed25519VerifyEach(
    input.assurances.map((a) => ({
      key: kappa[a.assurer]?.ed ?? noKey,
      message: assuranceMessage(spec, input.parent, a.availabilities),
      signature: a.signature,
    })),
  );
  for (const [i, a] of input.assurances.entries()) {
    /** @gp 11.11 -- every assurance is anchored on the parent */
    if (!bytesEqual(a.anchor, input.parent)) return 'bad_attestation_parent';
    /** @gp 11.12 -- assurers are ordered by validator index, without duplicates */
    const previous = input.assurances[i - 1];
    if (previous !== undefined && previous.assurer >= a.assurer) return 'not_sorted_or_unique_assurers';
    const key = kappa[a.assurer];
    if (a.assurer >= spec.Cvalcount || key === undefined) return 'bad_validator_index';
    /** @gp 11.13 eq:assurancesig -- each assurance is signed by its assurer's Ed25519 key */
    if (!signed[i]) return 'bad_signature';
  }
  /** @gp 11.15 -- a bit may be set only for a core with a report pending availability */
  for (const a of input.assurances)
    for (let c = 0; c < spec.Ccorecount; c++) if (a.availabilities[c] === true && rhoDagger[c] === undefined) return 'core_not_engaged';
  return undefined;
};

export const assurances =
  (spec: ChainSpec) =>
  (state: AssurancesState, input: AssurancesInput): E.Either<AssurancesError, readonly [AssurancesState, AssurancesOutput]> => {
    const rhoDagger = state.rho;
    const invalid = assurancesValidity(spec, rhoDagger, state.kappa, input);
    if (invalid !== undefined) return E.left(invalid);
    /** @gp 11.16 eq:availableworkreports -- R: the reports whose core more than two thirds of the validators assured, in core order */
    const isAvailable = (c: number): boolean =>
      3 * input.assurances.filter((a) => a.availabilities[c] === true).length > 2 * spec.Cvalcount;
    const available = rhoDagger.flatMap((pending, c) => (pending !== undefined && isAvailable(c) ? [pending.workReport] : []));
    /** @gp 11.17 eq:reportspostguaranteesdef -- rho double-dagger: rho dagger without the reports now available or timed out */
    const rhoDoubleDagger = rhoDagger.map((pending, c) =>
      pending === undefined || isAvailable(c) || input.slot >= pending.timestamp + spec.Cassurancetimeoutperiod ? undefined : pending,
    );
    return E.right([{ rho: rhoDoubleDagger, kappa: state.kappa }, { available }]);
  };
