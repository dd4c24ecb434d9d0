/**
 * Preimage integration, section 12 (eqs. 12.35 to 12.38, with the functions I and Y of
 * eqs. 12.21 and 12.22): the preimages extrinsic provides data that a service solicited and that
 * was not yet provided; each is stored under its hash and its request marked as provided at tau'.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesCompare } from '../../spec/bytes.js';
import type { Preimage, ServiceAccount, ServiceId, TimeSlot } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import { requestOf, withPreimage, withRequest, type AccountDictionaries } from '../merklization/serialize.js';

/** The accounts' dictionaries this component reads and writes: a_p and a_l (and the opaque entries that may be either). */
export type PreimageAccount = Pick<AccountDictionaries, 'preimages' | 'requests' | 'opaque'>;

/** delta (`Pick<State, 'delta'>` by default), over accounts of which only a_p and a_l matter here (so it runs on the vectors' subsets). */
export interface PreimagesState<A extends PreimageAccount = ServiceAccount> {
  readonly delta: ReadonlyMap<ServiceId, A>;
}

export interface PreimagesInput {
  /** E_P: the preimages extrinsic. */
  readonly preimages: ReadonlyArray<Preimage>;
  /** H_t = tau': the block's timeslot. */
  readonly slot: TimeSlot;
}

export type PreimagesError = 'preimage_unneeded' | 'preimages_not_sorted_unique';

/** @gp 12.22 -- Y(d, s, i): service s exists and has requested i, unprovided (an empty timeslot list) */
export const isProvidable = <A extends PreimageAccount>(d: ReadonlyMap<ServiceId, A>, s: ServiceId, i: Uint8Array): boolean => {
  const a = d.get(s);
  return a !== undefined && requestOf(a, blake2b256(i), i.length)?.length === 0;
};

/** @gp 12.21 -- I(d, p): d with each still-providable preimage stored and its request set to [tau'] */
export const provide = <A extends PreimageAccount>(
  d: ReadonlyMap<ServiceId, A>,
  p: ReadonlyArray<Preimage>,
  tauPrime: TimeSlot,
): ReadonlyMap<ServiceId, A> =>
  p.reduce((dPrime, { serviceIndex: s, data: i }) => {
    const account = dPrime.get(s);
    if (account === undefined || !isProvidable(d, s, i)) return dPrime;
    const h = blake2b256(i);
    const next = new Map(dPrime);
    next.set(s, withPreimage(withRequest(account, h, i.length, [tauPrime]), h, i));
    return next;
  }, d);

/** The order of E_P: by service index, then by data (eq. 12.36). */
const comparePreimages = (a: Preimage, b: Preimage): number =>
  a.serviceIndex !== b.serviceIndex ? a.serviceIndex - b.serviceIndex : bytesCompare(a.data, b.data);

/**
 * The validity of E_P against the prior accounts: sorted without duplicates, and each one
 * providable. In the block, delta is the prior state and the integration applies to delta double-dagger.
 */
export const preimagesValidity = <A extends PreimageAccount>(
  delta: ReadonlyMap<ServiceId, A>,
  ep: ReadonlyArray<Preimage>,
): PreimagesError | undefined => {
  /** @gp 12.36 eq:preimagesareordered -- E_P is ordered and free of duplicates */
  for (let i = 1; i < ep.length; i++) if (comparePreimages(ep[i - 1]!, ep[i]!) >= 0) return 'preimages_not_sorted_unique';
  /** @gp 12.37 -- every preimage was requested and not yet provided in the prior state */
  if (!ep.every(({ serviceIndex, data }) => isProvidable(delta, serviceIndex, data))) return 'preimage_unneeded';
  return undefined;
};

/**
 * The component on its own, where the prior accounts and those after accumulation are the same:
 * check E_P against delta, then integrate it.
 */
export const preimages =
  (_spec: ChainSpec) =>
  <A extends PreimageAccount>(
    state: PreimagesState<A>,
    input: PreimagesInput,
  ): E.Either<PreimagesError, readonly [PreimagesState<A>, null]> => {
    const invalid = preimagesValidity(state.delta, input.preimages);
    if (invalid !== undefined) return E.left(invalid);
    /** @gp 12.38 -- delta': the accounts after accumulation with the preimages integrated */
    return E.right([{ delta: provide(state.delta, input.preimages, input.slot) }, null]);
  };
