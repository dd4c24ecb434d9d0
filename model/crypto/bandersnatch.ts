/**
 * Bandersnatch VRFs, Gray Paper 0.7.2 Appendix G, through the native engine (ark-vrf 0.2.1,
 * suite Bandersnatch SHA-512 ELL2).
 *
 * The paper's `F^m_k<c>` (IETF VRF signatures, B_96) and `F-bar^m_r<c>` (ring VRF proofs, B_784)
 * are sets; membership is decided here by the verify functions, which return the signature's
 * VRF output `Y` (the paper's `banderout`) on success. `c` is the context (the VRF input,
 * hashed to the curve), `m` the message (additional data bound to the proof).
 *
 * Ring operations need the ring SRS (the KZG powers of tau). ark-vrf does not expose the SRS
 * it carries in its source, so the caller supplies its bytes once (`ringSrs`), e.g. read from
 * the vectors' `stf/safrole/zcash-srs-2-11-uncompressed.bin`; the model itself does no I/O.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { BandersnatchKey, BandersnatchRingProof, BandersnatchSignature, Hash, RingRoot } from '../../spec/bytes.js';
import { concatBytes } from '../../spec/bytes.js';
import { loadNative, type NativeBinding } from '../native.js';
import { defer, deferring } from './deferral.js';

/** Why a signature or proof is not in its set; the native engine's stable codes. */
export type BandersnatchError =
  | 'bad_key'
  | 'bad_encoding'
  | 'bad_input'
  | 'verification_failure'
  | 'bad_ring'
  | 'bad_srs';

const errorCodes: ReadonlySet<string> = new Set<BandersnatchError>([
  'bad_key',
  'bad_encoding',
  'bad_input',
  'verification_failure',
  'bad_ring',
  'bad_srs',
]);

/** A native answer (the bytes, or an error code) as an Either. */
const fromNative = <A extends Uint8Array>(r: Uint8Array | string): E.Either<BandersnatchError, A> => {
  if (typeof r !== 'string') return E.right(r as A);
  if (errorCodes.has(r)) return E.left(r as BandersnatchError);
  throw new Error(`bandersnatch: unknown native error code ${r}`);
};

/** The parsed ring SRS, with ring parameters cached per ring size inside the native engine. */
export interface RingSrs {
  readonly native: InstanceType<NativeBinding['BandersnatchRingSrs']>;
}

/** Parses the uncompressed ring SRS bytes (590,320 octets for the 2^11 Zcash SRS). */
export const ringSrs = (bytes: Uint8Array): E.Either<'bad_srs', RingSrs> => {
  const { BandersnatchRingSrs } = loadNative();
  try {
    return E.right({ native: new BandersnatchRingSrs(bytes) });
  } catch {
    return E.left('bad_srs');
  }
};

let embedded: RingSrs | undefined;

/**
 * The ring SRS ark-vrf 0.2.1 ships, built into the native addon: parsed on first use and kept
 * (it is a constant of the protocol, so caching it changes no result).
 */
export const embeddedRingSrs = (): RingSrs => {
  embedded ??= { native: loadNative().BandersnatchRingSrs.embedded() };
  return embedded;
};

/** The octets of the built-in SRS, to check them against another copy. */
export const embeddedRingSrsBytes = (): Uint8Array => loadNative().bandersnatchEmbeddedSrs();

/** A signature's verdict from one of the two native IETF verifications. */
type IetfVerifier = (
  k: BandersnatchKey,
  c: Uint8Array,
  m: Uint8Array,
  signature: BandersnatchSignature,
) => E.Either<BandersnatchError, Hash>;

const ietfVerifier =
  (name: 'bandersnatchIetfVerify' | 'bandersnatchIetfVerifyReference'): IetfVerifier =>
  (k, c, m, signature) =>
    fromNative<Hash>(loadNative()[name](k, c, m, signature));

/** G.1 by the native engine, now. */
const verifyNow = ietfVerifier('bandersnatchIetfVerify');

/**
 * @gp G.1 -- whether `signature` is in F^m_k<c>, the IETF VRF signatures of key `k` on context
 * `c` and message `m`; Right carries its output Y (G.2).
 */
export const verifyBsSignature: IetfVerifier = (k, c, m, signature) => {
  if (!deferring()) return verifyNow(k, c, m, signature);
  // Deferred (`deferral.ts`): answered valid, with Y read from the output point's octets, and
  // verified on the native engine's background thread, the point's form with it.
  defer(loadNative().bandersnatchIetfVerifyDeferred(k, c, m, signature));
  return E.right(outputOfOctets(signature));
};

/**
 * G.1 decided by ark-vrf's own verifier, the twin `verifyBsSignature` (a faster verification of
 * the same equation) is kept equal to by a property.
 */
export const verifyBsSignatureReference: IetfVerifier = ietfVerifier('bandersnatchIetfVerifyReference');

/**
 * @gp G.2, G.5 -- Y(x): the VRF output of a signature or of a ring proof, the first 32 octets
 * of the hash of its leading output point. Left when that point does not decode.
 */
export const banderout = (x: BandersnatchSignature | BandersnatchRingProof): E.Either<BandersnatchError, Hash> => {
  if (!deferring()) return fromNative<Hash>(loadNative().bandersnatchVrfOutput(x.subarray(0, 32)));
  // Deferred (`deferral.ts`): Y read from the point's octets, which the background thread checks
  // are a point's encoding (decoding it here would cost a square root on this thread).
  defer(loadNative().bandersnatchPointCheckDeferred(x.subarray(0, 32)));
  return E.right(outputOfOctets(x));
};

/** Y of the output point opening `x` from its octets, undecoded: `banderout`'s answer when they are a point's encoding. */
const outputOfOctets = (x: BandersnatchSignature | BandersnatchRingProof): Hash =>
  loadNative().bandersnatchVrfOutputOfOctets(x.subarray(0, 32)) as Hash;

/**
 * Builds the ring parameters for rings of `ringSize` keys now (a third of a second for the tiny
 * configuration's 6, two seconds for the full 1023) rather than inside the first ring operation.
 */
export const prepareRing =
  (srs: RingSrs) =>
  (ringSize: number): void =>
    srs.native.prepareRing(ringSize);

/**
 * @gp G.3 -- O(keys): the ring root (KZG commitment) of a sequence of keys, a ring of
 * `keys.length` members. A key that is not a valid point is replaced by the padding point.
 */
export const getRingRoot =
  (srs: RingSrs) =>
  (keys: ReadonlyArray<BandersnatchKey>): RingRoot => {
    const r = srs.native.ringRoot(concatBytes(...keys));
    if (typeof r === 'string') throw new Error(`getRingRoot of ${keys.length} keys: ${r}`);
    return r as RingRoot;
  };

/**
 * @gp G.4 -- whether `proof` is in F-bar^m_r<c>, the ring VRF proofs on context `c` and message
 * `m` by a member of the ring of `ringSize` keys whose root is `r`; Right carries its output
 * Y (G.5).
 */
export const verifyBsRingProof =
  (srs: RingSrs) =>
  (
    ringSize: number,
    r: RingRoot,
    c: Uint8Array,
    m: Uint8Array,
    proof: BandersnatchRingProof,
  ): E.Either<BandersnatchError, Hash> =>
    fromNative<Hash>(srs.native.ringVerify(ringSize, r, c, m, proof));

/** One ring proof to check: the context `c`, the message `m` and the proof. */
export interface RingProofItem {
  readonly c: Uint8Array;
  readonly m: Uint8Array;
  readonly proof: BandersnatchRingProof;
}

/**
 * @gp G.4 -- for each item, whether its proof is in F-bar^m_r<c> (the answer `verifyBsRingProof`
 * gives for it alone). The native engine checks two or more proofs as one batch first, which
 * costs about as much as two single verifications for three proofs and as six for sixteen.
 */
export const verifyBsRingProofs =
  (srs: RingSrs) =>
  (ringSize: number, r: RingRoot, items: ReadonlyArray<RingProofItem>): ReadonlyArray<E.Either<BandersnatchError, Hash>> => {
    // Most blocks carry no tickets: nothing to cross into the addon for.
    if (items.length === 0) return [];
    const [cs, ms, proofs] = [items.map((i) => i.c), items.map((i) => i.m), items.map((i) => i.proof)];
    if (!deferring()) return srs.native.ringVerifyEach(ringSize, r, cs, ms, proofs).map((answer) => fromNative<Hash>(answer));
    // Deferred (`deferral.ts`): each answered valid, with Y read from its output point's octets,
    // and verified, the points' form with them, on the native engine's thread pool, begun now:
    // the proofs take milliseconds, the rest of the block can go on beside them.
    defer(srs.native.ringVerifyEachDeferred(ringSize, r, cs, ms, proofs));
    return proofs.map((proof) => E.right(outputOfOctets(proof)));
  };

/**
 * The Pedersen VRF that a ring proof (G.4) carries, checked alone: `signature` is the output
 * point and the Pedersen proof (the first 192 octets of a ring proof). The paper uses it only
 * inside ring proofs; this is for the Bandersnatch specification's own vectors.
 */
export const verifyPedersen = (c: Uint8Array, m: Uint8Array, signature: Uint8Array): E.Either<BandersnatchError, Hash> =>
  fromNative<Hash>(loadNative().bandersnatchPedersenVerify(c, m, signature));

/** The public key of the secret key derived from `seed` (ark-vrf `Secret::from_seed`). */
export const publicKeyFromSeed = (seed: Uint8Array): BandersnatchKey =>
  loadNative().bandersnatchPublicKey(seed) as BandersnatchKey;

/** A signature in F^m_k<c> (G.1) by the secret derived from `seed`; `k` is its public key. */
export const signBs = (seed: Uint8Array, c: Uint8Array, m: Uint8Array): E.Either<BandersnatchError, BandersnatchSignature> =>
  fromNative<BandersnatchSignature>(loadNative().bandersnatchIetfSign(seed, c, m));

/**
 * A ring proof in F-bar^m_{O(keys)}<c> (G.4) by the secret derived from `seed`, whose public key
 * must be one of `keys` (else Left 'bad_ring'). Proofs are blinded: each call differs.
 */
export const proveBsRing =
  (srs: RingSrs) =>
  (
    seed: Uint8Array,
    keys: ReadonlyArray<BandersnatchKey>,
    c: Uint8Array,
    m: Uint8Array,
  ): E.Either<BandersnatchError, BandersnatchRingProof> =>
    fromNative<BandersnatchRingProof>(srs.native.ringProve(seed, concatBytes(...keys), c, m));
