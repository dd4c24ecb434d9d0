/**
 * Validator key sets with known Ed25519 secrets, for properties that sign: 2V secrets, the
 * first V are kappa's and the next V lambda's. Bandersnatch and BLS keys are zero.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import type { BandersnatchKey, BlsKey, Ed25519Key, Ed25519Signature } from '../spec/bytes.js';
import type { ValidatorKey } from '../spec/types.js';

export const signingValidators = (spec: ChainSpec) => {
  const V = spec.Cvalcount;
  const secrets = Array.from({ length: 2 * V }, (_, i) => new Uint8Array(32).fill(i + 1));
  const publicKey = (i: number): Ed25519Key => ed25519.getPublicKey(secrets[i]!) as Ed25519Key;
  const validators = (from: number): ReadonlyArray<ValidatorKey> =>
    Array.from({ length: V }, (_, v) => ({
      bs: new Uint8Array(32) as BandersnatchKey,
      ed: publicKey(from + v),
      bls: new Uint8Array(144) as BlsKey,
      metadata: new Uint8Array(128),
    }));
  /** Signs with secret i (validator i of kappa, or i - V of lambda). */
  const sign = (i: number, message: Uint8Array): Ed25519Signature => ed25519.sign(message, secrets[i]!) as Ed25519Signature;
  return { publicKey, kappa: validators(0), lambda: validators(V), sign };
};
