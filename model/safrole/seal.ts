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
import { banderout, verifyBsSignatures } from '../crypto/bandersnatch.js';
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

/** @gp 6.15 -- a ticket seal's context: X_T ++ eta'_3 ++ i_e (its output Y(H_S) must be the ticket's identifier) */
const ticketSealContext = (eta3Prime: Hash, ticket: { readonly entryIndex: number }): Uint8Array =>
  concatBytes(Xticket, eta3Prime, new Uint8Array([ticket.entryIndex]));

/** @gp 6.16 -- a fallback seal's context: X_F ++ eta'_3 (the slot's key must be the author's) */
const fallbackSealContext = (eta3Prime: Hash): Uint8Array => concatBytes(Xfallback, eta3Prime);

/** @gp 6.17 -- H_V's context: X_E ++ Y(H_S), signed with the author's key and an empty message */
const entropySourceContext = (sealOutput: Hash): Uint8Array => concatBytes(Xentropy, sealOutput);

/**
 * Checks H_S against the slot's key i = gamma'_S[H_T] (cyclically) and H_V against Y(H_S); the
 * author's key H_A is kappa'[H_I]_b, given by the caller. The two signatures are verified
 * together (one native call): H_V's context needs only Y(H_S), the output of H_S's leading point,
 * which is what H_S's verification returns when it passes. The errors keep the order of the
 * checks: the fallback key, the seal, the ticket's identifier, then the entropy source.
 */
export const verifySeal =
  (spec: ChainSpec) =>
  (header: Header, authorKey: BandersnatchKey, gammaSPrime: SealKeys, eta3Prime: Hash): E.Either<SealError, SealOutcome> => {
    const unsigned = encode(codecs(spec).unsignedHeader, header);
    const index = header.timeslot % gammaSPrime.value.length;
    const isTicketed = gammaSPrime.kind === 'tickets';
    if (!isTicketed && !bytesEqual(gammaSPrime.value[index]!, authorKey)) return E.left('seal_key_mismatch');
    const context = isTicketed ? ticketSealContext(eta3Prime, gammaSPrime.value[index]!) : fallbackSealContext(eta3Prime);
    const sealOutput = banderout(header.sealSig);
    if (E.isLeft(sealOutput)) return E.left('bad_seal_signature');
    const [seal, entropy] = verifyBsSignatures([
      { k: authorKey, c: context, m: unsigned, signature: header.sealSig },
      { k: authorKey, c: entropySourceContext(sealOutput.right), m: new Uint8Array(0), signature: header.vrfSig },
    ]);
    if (seal === undefined || E.isLeft(seal)) return E.left('bad_seal_signature');
    if (isTicketed && !bytesEqual(seal.right, gammaSPrime.value[index]!.id)) return E.left('seal_key_mismatch');
    if (entropy === undefined || E.isLeft(entropy)) return E.left('bad_vrf_signature');
    return E.right({ isTicketed, vrfOutput: entropy.right });
  };
