/**
 * Ed25519 signature verification: the set V_k(m) of valid signatures (section 3.8.2 of
 * notation.tex, which defers to RFC 8032). RFC 8032 leaves the validation criteria open (canonical
 * encodings, cofactored or not); like the public JAM conformance vectors we use the ZIP-215 rules:
 * A and R must decode to curve points (non-canonical y accepted), s < q, and the cofactored
 * equation [8][s]B = [8]R + [8][k]A.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Ed25519Key, Ed25519Signature } from '../../spec/bytes.js';

/** Whether `signature` is in V_key(message) under the ZIP-215 rules; never throws on malformed input. */
export const ed25519Verify = (key: Ed25519Key, message: Uint8Array, signature: Ed25519Signature): boolean => {
  if (key.length !== 32 || signature.length !== 64) return false;
  try {
    return ed25519.verify(signature, message, key, { zip215: true });
  } catch {
    return false;
  }
};
