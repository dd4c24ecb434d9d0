/**
 * Section 6.4: the block seal H_S and the entropy-source signature H_V. Both are Bandersnatch
 * signatures by the author's key H_A = kappa'[H_I]_b; the seal's context depends on whether the
 * slot's key in gamma'_S is a ticket (6.15) or a fallback key (6.16).
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { ascii, bytesEqual, concatBytes } from '../../spec/bytes.js';
import type { BandersnatchKey, Hash } from '../../spec/bytes.js';
import { encode } from '../../spec/codec.js';
import { codecs } from '../../spec/codecs.js';
import type { Header, SealKeys } from '../../spec/types.js';
import { verifyBsSignature } from '../crypto/bandersnatch.js';
import { Xticket } from './index.js';

/** @gp 6.18 -- X_E, the entropy-source context */
export const Xentropy = ascii('jam_entropy');
/** @gp 6.19 -- X_F, the fallback-seal context */
export const Xfallback = ascii('jam_fallback_seal');

/** Why a header's seal or entropy source is not valid (the paper leaves these unnamed). */
export type SealError = 'seal_key_mismatch' | 'bad_seal_signature' | 'bad_vrf_signature';

export interface SealOutcome {
  /** T: whether the block was sealed with a ticket (1) or a fallback key (0). */
  readonly isTicketed: boolean;
  /** Y(H_V): the entropy the block contributes to eta'_0 (6.22). */
  readonly vrfOutput: Hash;
}

/** @gp 6.15 -- a ticket seal: signed over X_T ++ eta'_3 ++ i_e, its output Y(H_S) the ticket's identifier */
const verifyTicketSeal = (
  unsigned: Uint8Array,
  header: Header,
  authorKey: BandersnatchKey,
  eta3Prime: Hash,
  ticket: { readonly id: Hash; readonly entryIndex: number },
): E.Either<SealError, Hash> => {
  const out = verifyBsSignature(authorKey, concatBytes(Xticket, eta3Prime, new Uint8Array([ticket.entryIndex])), unsigned, header.sealSig);
  if (E.isLeft(out)) return E.left('bad_seal_signature');
  return bytesEqual(out.right, ticket.id) ? out : E.left('seal_key_mismatch');
};

/** @gp 6.16 -- a fallback seal: the slot's key is the author's, signed over X_F ++ eta'_3; its output Y(H_S) */
const verifyFallbackSeal = (
  unsigned: Uint8Array,
  header: Header,
  authorKey: BandersnatchKey,
  eta3Prime: Hash,
  key: BandersnatchKey,
): E.Either<SealError, Hash> => {
  if (!bytesEqual(key, authorKey)) return E.left('seal_key_mismatch');
  const out = verifyBsSignature(authorKey, concatBytes(Xfallback, eta3Prime), unsigned, header.sealSig);
  return E.isLeft(out) ? E.left('bad_seal_signature') : out;
};

/** @gp 6.17 -- H_V signs X_E ++ Y(H_S) with the author's key and an empty message */
const verifyEntropySource = (header: Header, authorKey: BandersnatchKey, sealOutput: Hash): E.Either<SealError, Hash> => {
  const out = verifyBsSignature(authorKey, concatBytes(Xentropy, sealOutput), new Uint8Array(0), header.vrfSig);
  return E.isLeft(out) ? E.left('bad_vrf_signature') : out;
};

/**
 * Checks H_S against the slot's key i = gamma'_S[H_T] (cyclically) and H_V against Y(H_S); the
 * author's key H_A is kappa'[H_I]_b, given by the caller.
 */
export const verifySeal =
  (spec: ChainSpec) =>
  (header: Header, authorKey: BandersnatchKey, gammaSPrime: SealKeys, eta3Prime: Hash): E.Either<SealError, SealOutcome> => {
    const unsigned = encode(codecs(spec).unsignedHeader, header);
    const index = header.timeslot % gammaSPrime.value.length;
    const seal =
      gammaSPrime.kind === 'tickets'
        ? verifyTicketSeal(unsigned, header, authorKey, eta3Prime, gammaSPrime.value[index]!)
        : verifyFallbackSeal(unsigned, header, authorKey, eta3Prime, gammaSPrime.value[index]!);
    if (E.isLeft(seal)) return seal;
    const vrfOutput = verifyEntropySource(header, authorKey, seal.right);
    if (E.isLeft(vrfOutput)) return vrfOutput;
    return E.right({ isTicketed: gammaSPrime.kind === 'tickets', vrfOutput: vrfOutput.right });
  };
