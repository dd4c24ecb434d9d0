/**
 * The secret keys of the development validators whose public keys the vectors' genesis states
 * hold (the traces' kappa, lambda, iota and gamma_P). Each validator i has the public "trivial
 * seed" E_4(i) repeated eight times (32 octets); its Ed25519 secret seed is
 * H("jam_val_key_ed25519" ++ seed) and its Bandersnatch secret seed H("jam_val_key_bandersnatch"
 * ++ seed), H being Blake2b-256 (section 3.8.1). The derivation is the JAM community's key
 * derivation note (JIP-5), not the paper's; the genesis keys it yields are checked against the
 * vectors by the author property.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { ed25519 } from '@noble/curves/ed25519.js';
import { ascii, bytesEqual, concatBytes, type BandersnatchKey, type Ed25519Key, type Ed25519Signature } from '../../spec/bytes.js';
import { encode, u32 } from '../../spec/codec.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { publicKeyFromSeed } from '../../model/crypto/bandersnatch.js';

/** One development validator: its secret seeds and the public keys they give. */
export interface DevValidator {
  /** The secret seed of its Bandersnatch key (ark-vrf `Secret::from_seed`). */
  readonly bsSeed: Uint8Array;
  readonly bs: BandersnatchKey;
  /** The Ed25519 secret key (RFC 8032's 32-octet seed). */
  readonly edSecret: Uint8Array;
  readonly ed: Ed25519Key;
}

/** The trivial seed of validator i: E_4(i), eight times. */
const trivialSeed = (i: number): Uint8Array => concatBytes(...Array.from({ length: 8 }, () => encode(u32, i)));

/** Development validator i. */
export const devValidator = (i: number): DevValidator => {
  const seed = trivialSeed(i);
  const bsSeed = blake2b256(concatBytes(ascii('jam_val_key_bandersnatch'), seed));
  const edSecret = blake2b256(concatBytes(ascii('jam_val_key_ed25519'), seed));
  return { bsSeed, bs: publicKeyFromSeed(bsSeed), edSecret, ed: ed25519.getPublicKey(edSecret) as Ed25519Key };
};

/** The first `count` development validators, in index order. */
export const devValidators = (count: number): ReadonlyArray<DevValidator> => Array.from({ length: count }, (_, i) => devValidator(i));

/** The development validator holding a Bandersnatch key, if any (a nulled offender's key has none). */
export const byBandersnatch = (keys: ReadonlyArray<DevValidator>, k: BandersnatchKey): DevValidator | undefined =>
  keys.find((d) => bytesEqual(d.bs, k));

/** The development validator holding an Ed25519 key, if any. */
export const byEd25519 = (keys: ReadonlyArray<DevValidator>, k: Ed25519Key): DevValidator | undefined => keys.find((d) => bytesEqual(d.ed, k));

/** The PKCS#8 (RFC 8410) prefix of a raw 32-octet Ed25519 seed. */
const pkcs8Ed25519Prefix = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/** Node's (OpenSSL's) key object of each validator's secret, made once. */
const nodeKeys = new WeakMap<DevValidator, KeyObject>();

/**
 * An Ed25519 signature on `message` by a development validator. RFC 8032 signing is
 * deterministic, so Node's OpenSSL gives @noble's octets (the author property checks them),
 * about thirty times sooner: a block's assurances and credentials are a dozen signatures.
 */
export const signEd = (d: DevValidator, message: Uint8Array): Ed25519Signature => {
  let key = nodeKeys.get(d);
  if (key === undefined) {
    key = createPrivateKey({ key: Buffer.from(concatBytes(pkcs8Ed25519Prefix, d.edSecret)), format: 'der', type: 'pkcs8' });
    nodeKeys.set(d, key);
  }
  return new Uint8Array(sign(null, message, key)) as Ed25519Signature;
};

/** The same signature by @noble (the reference `signEd` is checked against). */
export const signEdNoble = (d: DevValidator, message: Uint8Array): Ed25519Signature => ed25519.sign(message, d.edSecret) as Ed25519Signature;
