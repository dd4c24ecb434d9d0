/**
 * Section 6: block production and chain growth (Safrole). Timekeeping, validator-key rotation
 * with offender nulling, entropy accumulation, the slot-key sequence (Z, F), the epoch and
 * winning-tickets markers, and the tickets extrinsic merged into the ticket accumulator.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { ascii, bytesCompare, bytesEqual, concatBytes } from '../../spec/bytes.js';
import type { BandersnatchKey, Ed25519Key, Hash, RingRoot } from '../../spec/bytes.js';
import type { Entropy, EpochMark, SealKeys, State, Ticket, TicketEnvelope, ValidatorKey } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import { getRingRoot, verifyBsRingProofs, type RingSrs } from '../crypto/bandersnatch.js';
import { blacklistFilter } from './keys.js';

export type SafroleState = Pick<State, 'tau' | 'eta' | 'lambda' | 'kappa' | 'gamma' | 'iota' | 'psi'>;

export interface SafroleInput {
  /** H_t: the block's timeslot. */
  readonly slot: number;
  /** Y(H_v): the VRF output of the block's entropy signature. */
  readonly entropy: Hash;
  /** E_T: the tickets extrinsic. */
  readonly extrinsic: ReadonlyArray<TicketEnvelope>;
}

export interface SafroleOutput {
  /** H_e. */
  readonly epochMark: EpochMark | undefined;
  /** H_w. */
  readonly ticketsMark: ReadonlyArray<Ticket> | undefined;
}

/** The safrole vectors' error enum (safrole.asn, ErrorCode). */
export type SafroleError =
  | 'bad_slot'
  | 'unexpected_ticket'
  | 'bad_ticket_order'
  | 'bad_ticket_proof'
  | 'bad_ticket_attempt'
  | 'reserved'
  | 'duplicate_ticket';

/** @gp 6.20 -- X_T, the ticket-seal context */
export const Xticket = ascii('jam_ticket_seal');

/** @gp 6.2 -- e and m: the epoch index and the slot phase within it */
export const epochAndPhase = (spec: ChainSpec, t: number): readonly [number, number] => [
  Math.floor(t / spec.Cepochlen),
  t % spec.Cepochlen,
];

/** @gp 6.25 -- Z: the outside-in sequencer */
export const outsideIn = <T>(s: ReadonlyArray<T>): ReadonlyArray<T> => {
  const out: T[] = [];
  for (let i = 0, j = s.length - 1; i <= j; i++, j--) {
    out.push(s[i]!);
    if (i !== j) out.push(s[j]!);
  }
  return out;
};

/** @gp 6.26 -- F: the fallback key sequence, E Bandersnatch keys drawn from k by the entropy r */
export const fallbackKeys = (spec: ChainSpec, r: Hash, k: ReadonlyArray<ValidatorKey>): ReadonlyArray<BandersnatchKey> =>
  Array.from({ length: spec.Cepochlen }, (_, i) => {
    const h = blake2b256(concatBytes(r, encodeU32(i)));
    const index = (h[0]! | (h[1]! << 8) | (h[2]! << 16) | (h[3]! << 24)) >>> 0;
    return k[index % k.length]!.bs;
  });

/** E_4: a natural below 2^32 as four little-endian octets. */
const encodeU32 = (x: number): Uint8Array => new Uint8Array([x & 0xff, (x >>> 8) & 0xff, (x >>> 16) & 0xff, (x >>> 24) & 0xff]);

/**
 * @gp 6.13 -- on a new epoch: gamma'_k = Phi(iota), kappa' = gamma_k, lambda' = kappa,
 * gamma'_z the ring root of gamma'_k's Bandersnatch keys
 */
const rotateKeys = (srs: RingSrs, state: SafroleState, offendersPrime: ReadonlyArray<Ed25519Key>) => {
  const gammaKPrime = blacklistFilter(state.iota, offendersPrime);
  return {
    gammaKPrime,
    kappaPrime: state.gamma.pendingSet,
    lambdaPrime: state.kappa,
    // @gp 6.13 -- gamma'_Z = z, the ring root of the new pending set's Bandersnatch keys (a B_144, 6.4)
    gammaZPrime: getRingRoot(srs)(gammaKPrime.map((k) => k.bs)),
  };
};

/** @gp 6.22 -- eta'_0: the accumulator absorbs the block's VRF output */
const eta0Prime = (eta0: Hash, vrfOutput: Hash): Hash => blake2b256(concatBytes(eta0, vrfOutput));

/** @gp 6.23 -- (eta'_1, eta'_2, eta'_3) rotate on a new epoch */
const etaPrimeOf = (eta: Entropy, vrfOutput: Hash, newEpoch: boolean): Entropy =>
  newEpoch ? [eta0Prime(eta[0], vrfOutput), eta[0], eta[1], eta[2]] : [eta0Prime(eta[0], vrfOutput), eta[1], eta[2], eta[3]];

/** @gp 6.34 -- gamma'_a: the lowest E of the new tickets and (within an epoch) the prior accumulator */
const gammaAPrimeOf = (
  spec: ChainSpec,
  n: ReadonlyArray<Ticket>,
  gammaA: ReadonlyArray<Ticket>,
  newEpoch: boolean,
): ReadonlyArray<Ticket> =>
  [...n, ...(newEpoch ? [] : gammaA)].sort((a, b) => bytesCompare(a.id, b.id)).slice(0, spec.Cepochlen);

/** @gp 6.29 -- each ticket's entry index is below N */
const checkAttempts = (spec: ChainSpec, xt: ReadonlyArray<TicketEnvelope>): E.Either<SafroleError, void> =>
  xt.every((t) => t.entryIndex < spec.Cticketentries) ? E.right(undefined) : E.left('bad_ticket_attempt');

/** @gp 6.30 -- at most K tickets before the tail, none in it */
const checkTicketLimit = (spec: ChainSpec, mPrime: number, xt: ReadonlyArray<TicketEnvelope>): E.Either<SafroleError, void> =>
  xt.length <= (mPrime < spec.Cepochtailstart ? spec.Cmaxblocktickets : 0) ? E.right(undefined) : E.left('unexpected_ticket');

/**
 * @gp 6.31 -- n: each ticket's identifier is the ring-VRF output of its proof, made against
 * gamma'_z over X_T ++ eta'_2 ++ the entry index
 */
const newTickets = (
  spec: ChainSpec,
  srs: RingSrs,
  gammaZPrime: RingRoot,
  eta2Prime: Hash,
  xt: ReadonlyArray<TicketEnvelope>,
): E.Either<SafroleError, ReadonlyArray<Ticket>> => {
  const ids = verifyBsRingProofs(srs)(
    spec.Cvalcount,
    gammaZPrime,
    xt.map((t) => ({ c: concatBytes(Xticket, eta2Prime, new Uint8Array([t.entryIndex])), m: new Uint8Array(0), proof: t.proof })),
  );
  const n: Ticket[] = [];
  for (const [i, t] of xt.entries()) {
    const id = ids[i]!;
    if (E.isLeft(id)) return E.left('bad_ticket_proof');
    n.push({ id: id.right, entryIndex: t.entryIndex });
  }
  return E.right(n);
};

/** @gp 6.32 -- n ordered and unique by identifier */
const checkTicketOrder = (n: ReadonlyArray<Ticket>): E.Either<SafroleError, void> =>
  n.every((x, i) => i === 0 || bytesCompare(n[i - 1]!.id, x.id) < 0) ? E.right(undefined) : E.left('bad_ticket_order');

/** @gp 6.33 -- no new ticket already in the accumulator */
const checkNoDuplicate = (n: ReadonlyArray<Ticket>, gammaA: ReadonlyArray<Ticket>): E.Either<SafroleError, void> =>
  n.some((x) => gammaA.some((y) => bytesEqual(x.id, y.id))) ? E.left('duplicate_ticket') : E.right(undefined);

/**
 * @gp 6.35 -- every new ticket survives into gamma'_a. The vectors' enum has no name for a
 * useless ticket; it is reported as the enum's `reserved` code.
 */
const checkAllKept = (n: ReadonlyArray<Ticket>, gammaAPrime: ReadonlyArray<Ticket>): E.Either<SafroleError, void> =>
  n.every((x) => gammaAPrime.some((y) => bytesEqual(x.id, y.id))) ? E.right(undefined) : E.left('reserved');

/** @gp 6.24 -- gamma'_s: Z(gamma_a) after a saturated contest, unchanged within an epoch, else F(eta'_2, kappa') */
const gammaSPrimeOf = (
  spec: ChainSpec,
  state: SafroleState,
  e: number,
  m: number,
  ePrime: number,
  eta2Prime: Hash,
  kappaPrime: ReadonlyArray<ValidatorKey>,
): SealKeys =>
  ePrime === e + 1 && m >= spec.Cepochtailstart && state.gamma.ticketAccumulator.length === spec.Cepochlen
    ? { kind: 'tickets', value: outsideIn(state.gamma.ticketAccumulator) }
    : ePrime === e
      ? state.gamma.sealTickets
      : { kind: 'keys', value: fallbackKeys(spec, eta2Prime, kappaPrime) };

/** The Safrole transition. */
export const safrole =
  (spec: ChainSpec, srs: RingSrs) =>
  (state: SafroleState, input: SafroleInput): E.Either<SafroleError, readonly [SafroleState, SafroleOutput]> => {
    /** @gp 6.1 -- tau' = H_t, strictly after tau */
    const tauPrime = input.slot;
    if (tauPrime <= state.tau) return E.left('bad_slot');
    const [e, m] = epochAndPhase(spec, state.tau);
    const [ePrime, mPrime] = epochAndPhase(spec, tauPrime);
    const newEpoch = ePrime > e;
    const limit = checkTicketLimit(spec, mPrime, input.extrinsic);
    if (E.isLeft(limit)) return limit;
    const attempts = checkAttempts(spec, input.extrinsic);
    if (E.isLeft(attempts)) return attempts;

    const rotated = newEpoch
      ? rotateKeys(srs, state, state.psi.offenders)
      : { gammaKPrime: state.gamma.pendingSet, kappaPrime: state.kappa, lambdaPrime: state.lambda, gammaZPrime: state.gamma.epochRoot };
    const etaPrime = etaPrimeOf(state.eta, input.entropy, newEpoch);

    const n = newTickets(spec, srs, rotated.gammaZPrime, etaPrime[2], input.extrinsic);
    if (E.isLeft(n)) return n;
    const order = checkTicketOrder(n.right);
    if (E.isLeft(order)) return order;
    const dup = checkNoDuplicate(n.right, state.gamma.ticketAccumulator);
    if (E.isLeft(dup)) return dup;
    const gammaAPrime = gammaAPrimeOf(spec, n.right, state.gamma.ticketAccumulator, newEpoch);
    const kept = checkAllKept(n.right, gammaAPrime);
    if (E.isLeft(kept)) return kept;

    const gammaSPrime = gammaSPrimeOf(spec, state, e, m, ePrime, etaPrime[2], rotated.kappaPrime);
    /** @gp 6.27 -- H_e: on a new epoch, eta_0, eta_1 and the keys of gamma'_k */
    const epochMark: EpochMark | undefined = newEpoch
      ? {
          entropy: state.eta[0],
          ticketsEntropy: state.eta[1],
          validators: rotated.gammaKPrime.map((k) => ({ bs: k.bs, ed: k.ed })),
        }
      : undefined;
    /** @gp 6.28 -- H_w: Z(gamma_a) on the first block past the submission period with a saturated accumulator */
    const ticketsMark =
      ePrime === e && m < spec.Cepochtailstart && spec.Cepochtailstart <= mPrime && state.gamma.ticketAccumulator.length === spec.Cepochlen
        ? outsideIn(state.gamma.ticketAccumulator)
        : undefined;

    return E.right([
      {
        ...state,
        tau: tauPrime,
        eta: etaPrime,
        kappa: rotated.kappaPrime,
        lambda: rotated.lambdaPrime,
        gamma: { pendingSet: rotated.gammaKPrime, epochRoot: rotated.gammaZPrime, sealTickets: gammaSPrime, ticketAccumulator: gammaAPrime },
      },
      { epochMark, ticketsMark },
    ]);
  };
