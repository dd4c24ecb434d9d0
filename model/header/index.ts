/**
 * Section 5: the header's validity. What a header must say follows from the parent (H_P, H_T),
 * from the block's own extrinsic (H_X), from the prior state (H_R, tau) and from the posterior
 * Safrole and judgment state (H_I, H_E, H_W, H_O); the seal and the entropy source (6.15-6.17)
 * are checked by `verifySeal` of `model/safrole/seal.ts`, reused here.
 *
 * The paper gives these failures no names; the errors below name the header field at fault.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesEqual, concatBytes, type Hash } from '../../spec/bytes.js';
import { encode, natural } from '../../spec/codec.js';
import { codecs, guarantee, preimagesExtrinsic, ticketsExtrinsic, workReport } from '../../spec/codecs.js';
import type { EpochMark, Extrinsic, Header, Ticket } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import type { SealError } from '../safrole/seal.js';

/** Why a header is not valid for its prior state and extrinsic. */
export type HeaderError =
  | 'bad_parent'
  | 'bad_slot'
  | 'bad_extrinsic_hash'
  | 'bad_prior_state_root'
  | 'bad_author_index'
  | 'bad_epoch_mark'
  | 'bad_tickets_mark'
  | 'bad_offenders_mark'
  | SealError;

/** @gp 5.2 -- H_P = H(E(P(H))): the hash of a header, which its child names as its parent */
export const headerHash = (spec: ChainSpec, header: Header): Hash => blake2b256(encode(codecs(spec).header, header));

/**
 * @gp 5.4 -- H_X = H(E(H#(a))): the hash of the concatenated hashes of the extrinsic's five parts
 * @gp 5.5 -- a: E_T, E_P and E_A, E_D encoded as themselves, the guarantees as g
 * @gp 5.6 -- g: each guarantee with its report replaced by the report's hash
 */
export const extrinsicHash = (spec: ChainSpec, x: Extrinsic): Hash => {
  const c = codecs(spec);
  /** (H(r), E_4(t), ↕a): the guarantee's encoding with the encoded report replaced by its hash. */
  const hashedGuarantee = (g: Extrinsic['guarantees'][number]): Uint8Array => {
    const report = encode(workReport, g.workReport);
    return concatBytes(blake2b256(report), encode(guarantee, g).subarray(report.length));
  };
  const g = concatBytes(encode(natural, BigInt(x.guarantees.length)), ...x.guarantees.map(hashedGuarantee));
  const a = [
    encode(ticketsExtrinsic, x.tickets),
    encode(preimagesExtrinsic, x.preimages),
    g,
    encode(c.assurancesExtrinsic, x.assurances),
    encode(c.disputesExtrinsic, x.disputes),
  ];
  return blake2b256(concatBytes(...a.map(blake2b256)));
};

/** What the header is checked against before any state transition: the parent and the prior state. */
export interface PriorContext {
  /** H(P(H)): the parent header's hash, when known (the last entry of beta_H holds it). */
  readonly parentHash: Hash | undefined;
  /** tau: the parent's timeslot. */
  readonly tau: number;
  /** M_sigma(sigma): the prior state's root. */
  readonly priorStateRoot: Hash;
}

/**
 * The checks that need only the parent and the prior state: H_P (5.2), H_X (5.4), H_T (5.7),
 * H_R (5.8). The wall-clock bound of 5.7 is the importer's business, not the model's.
 */
export const checkHeaderPrior = (spec: ChainSpec, header: Header, extrinsic: Extrinsic, prior: PriorContext): E.Either<HeaderError, void> => {
  if (prior.parentHash !== undefined && !bytesEqual(header.parent, prior.parentHash)) return E.left('bad_parent');
  /** @gp 5.7 -- P(H)_T < H_T */
  if (header.timeslot <= prior.tau) return E.left('bad_slot');
  /** @gp 5.8 -- H_R = M_sigma(sigma), the prior state's root */
  if (!bytesEqual(header.priorStateRoot, prior.priorStateRoot)) return E.left('bad_prior_state_root');
  if (!bytesEqual(header.extrinsicHash, extrinsicHash(spec, extrinsic))) return E.left('bad_extrinsic_hash');
  return E.right(undefined);
};

/** @gp 5.9 -- H_I indexes kappa': the author's Bandersnatch key H_A = kappa'[H_I]_b */
export const checkAuthorIndex = (header: Header, validatorCount: number): E.Either<HeaderError, void> =>
  Number.isInteger(header.authorIndex) && header.authorIndex >= 0 && header.authorIndex < validatorCount
    ? E.right(undefined)
    : E.left('bad_author_index');

const epochMarkEqual = (a: EpochMark, b: EpochMark): boolean =>
  bytesEqual(a.entropy, b.entropy) &&
  bytesEqual(a.ticketsEntropy, b.ticketsEntropy) &&
  a.validators.length === b.validators.length &&
  a.validators.every((v, i) => bytesEqual(v.bs, b.validators[i]!.bs) && bytesEqual(v.ed, b.validators[i]!.ed));

const ticketsEqual = (a: ReadonlyArray<Ticket>, b: ReadonlyArray<Ticket>): boolean =>
  a.length === b.length && a.every((t, i) => bytesEqual(t.id, b[i]!.id) && t.entryIndex === b[i]!.entryIndex);

/** The markers the transition computes, which the header must carry exactly. */
export interface ExpectedMarkers {
  readonly epochMark: EpochMark | undefined;
  readonly ticketsMark: ReadonlyArray<Ticket> | undefined;
  readonly offendersMark: ReadonlyArray<Uint8Array>;
}

/**
 * The markers: H_E (6.27) and H_W (6.28) as Safrole computes them, H_O (10.20) as the disputes
 * extrinsic's culprits' then faults' keys; absent where the paper says absent.
 */
export const checkMarkers = (header: Header, expected: ExpectedMarkers): E.Either<HeaderError, void> => {
  const { epochMark, ticketsMark, offendersMark } = expected;
  /** @gp 6.27 eq:epochmarker -- H_E present exactly on an epoch's first block, with eta_0, eta_1 and gamma'_P's keys */
  const epochOk =
    epochMark === undefined ? header.epochMark === undefined : header.epochMark !== undefined && epochMarkEqual(header.epochMark, epochMark);
  if (!epochOk) return E.left('bad_epoch_mark');
  /** @gp 6.28 eq:winningticketsmarker -- H_W = Z(gamma_A) on the first block past the submission tail with a full accumulator */
  const ticketsOk =
    ticketsMark === undefined
      ? header.winnersMark === undefined
      : header.winnersMark !== undefined && ticketsEqual(header.winnersMark, ticketsMark);
  if (!ticketsOk) return E.left('bad_tickets_mark');
  /** @gp 10.20 -- H_O: the culprits' keys then the faults' keys */
  const offendersOk =
    header.offendersMark.length === offendersMark.length && header.offendersMark.every((k, i) => bytesEqual(k, offendersMark[i]!));
  return offendersOk ? E.right(undefined) : E.left('bad_offenders_mark');
};
