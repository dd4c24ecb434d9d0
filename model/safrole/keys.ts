/**
 * Section 6.3, key rotation helpers shared by Safrole and the guarantor assignments.
 */
import { bytesEqual } from '../../spec/bytes.js';
import type { Ed25519Key } from '../../spec/bytes.js';
import type { ValidatorKey } from '../../spec/types.js';

/** @gp 6.14 -- Phi: the keys of offenders replaced by the null key */
export const blacklistFilter = (
  keys: ReadonlyArray<ValidatorKey>,
  offenders: ReadonlyArray<Ed25519Key>,
): ReadonlyArray<ValidatorKey> => {
  return keys.map((k) => (offenders.some((o) => bytesEqual(o, k.ed)) ? nullValidator(k) : k));
};

/** @gp 6.8-6.12 -- [0, 0, ...]: the null key, 336 zero octets split as k_b, k_e, k_BLS and k_M */
const nullValidator = (k: ValidatorKey): ValidatorKey => ({
  bs: new Uint8Array(k.bs.length),
  ed: new Uint8Array(k.ed.length),
  bls: new Uint8Array(k.bls.length),
  metadata: new Uint8Array(k.metadata.length),
});

