/**
 * Appendix D, eq. D.1-D.2: the state-key constructor C, the keys of the service rows of T, and
 * the inverse reading for diffs: which state component a 31-octet key belongs to.
 */
import { bytesEqual, concatBytes, toHex, type StateKey } from '../../spec/bytes.js';
import { encode, u32 } from '../../spec/codec.js';
import { blake2b256 } from '../crypto/hash.js';

export type { StateKey } from '../../spec/bytes.js';

/** E_4(x): the four octets of x < 2^32, little-endian. */
const le4 = (x: number): Uint8Array => encode(u32, x);

/** @gp D.1 -- C(i): the key of state component i, [i, 0, 0, ...]. */
export const stateKeyOfComponent = (i: number): StateKey => {
  const k = new Uint8Array(31);
  k[0] = i;
  return k;
};

/** @gp D.1 -- C(i, s): [i, n_0, 0, n_1, 0, n_2, 0, n_3, 0, 0, ...] where n = E_4(s) (C(255, s) is account s). */
export const stateKeyOfService = (i: number, s: number): StateKey => {
  const k = new Uint8Array(31);
  const n = le4(s);
  k[0] = i;
  k[1] = n[0]!;
  k[3] = n[1]!;
  k[5] = n[2]!;
  k[7] = n[3]!;
  return k;
};

/** @gp D.1 -- C(s, h): [n_0, a_0, n_1, a_1, n_2, a_2, n_3, a_3, a_4, ..., a_26] where n = E_4(s), a = H(h). */
export const stateKeyOfServiceData = (s: number, h: Uint8Array): StateKey => stateKeyOfServiceDataHash(s, blake2b256(h));

/** @gp D.1 -- C(s, h) from a = H(h) (at least its first 27 octets): [n_0, a_0, n_1, a_1, n_2, a_2, n_3, a_3, a_4, ..., a_26]. */
export const stateKeyOfServiceDataHash = (s: number, a: Uint8Array): StateKey => {
  const n = le4(s);
  const k = new Uint8Array(31);
  for (let j = 0; j < 4; j++) {
    k[2 * j] = n[j]!;
    k[2 * j + 1] = a[j]!;
  }
  k.set(a.subarray(4, 27), 8);
  return k;
};

/** The octets a_0 ... a_26 of a = H(h) that the key C(s, h) holds (the inverse of `stateKeyOfServiceDataHash`). */
export const serviceDataHashOfStateKey = (key: StateKey): Uint8Array => {
  const a = new Uint8Array(27);
  for (let j = 0; j < 4; j++) a[j] = key[2 * j + 1]!;
  a.set(key.subarray(8, 31), 4);
  return a;
};

/** @gp D.2 -- the storage entry k of service s: C(s, E_4(2^32 - 1) ++ k). */
export const storageKey = (s: number, k: Uint8Array): StateKey => stateKeyOfServiceData(s, concatBytes(le4(2 ** 32 - 1), k));

/** @gp D.2 -- the preimage of hash h in service s: C(s, E_4(2^32 - 2) ++ h). */
export const preimageKey = (s: number, h: Uint8Array): StateKey => stateKeyOfServiceData(s, concatBytes(le4(2 ** 32 - 2), h));

/** @gp D.2 -- the request (h, l) of service s: C(s, E_4(l) ++ h). */
export const requestKey = (s: number, h: Uint8Array, l: number): StateKey => stateKeyOfServiceData(s, concatBytes(le4(l), h));

/** The state components keyed by C(1) ... C(16) in eq. D.2, by their paper names. */
export const componentNames: ReadonlyArray<string> = [
  'alpha', // 1: authorization pool
  'phi', // 2: authorization queue
  'beta', // 3: recent history
  'gamma', // 4: safrole state
  'psi', // 5: judgments
  'eta', // 6: entropy
  'iota', // 7: staging validator keys
  'kappa', // 8: active validator keys
  'lambda', // 9: previous validator keys
  'rho', // 10: pending reports
  'tau', // 11: timeslot
  'chi', // 12: privileges
  'pi', // 13: statistics
  'omega', // 14: accumulation queue (ready)
  'xi', // 15: accumulation history
  'theta', // 16: last accumulation outputs
];

/**
 * Which part of the state a key names (eq. D.2). Storage and request keys cannot be told apart
 * from the key alone (their discriminator is hashed into it); a preimage key can when its value
 * is known, since its hashed part is H(E_4(2^32 - 2) ++ H(value)), and so can the request of a
 * preimage that is present (see `stateKeyClassifier`).
 */
export type StateKeyComponent =
  | { readonly kind: 'component'; readonly index: number; readonly name: string }
  | { readonly kind: 'account'; readonly service: number }
  | { readonly kind: 'preimage'; readonly service: number }
  | { readonly kind: 'request'; readonly service: number }
  | { readonly kind: 'storage-or-request'; readonly service: number }
  | { readonly kind: 'unknown' };

const isZeroFrom = (key: Uint8Array, from: number): boolean => {
  for (let j = from; j < key.length; j++) if (key[j] !== 0) return false;
  return true;
};

/** Reads a key back into the row of eq. D.2 it comes from; `value`, if given, identifies preimages. */
export const stateKeyComponent = (key: StateKey, value?: Uint8Array): StateKeyComponent => {
  if (key.length !== 31) return { kind: 'unknown' };
  const i = key[0]!;
  if (i >= 1 && i <= componentNames.length && isZeroFrom(key, 1))
    return { kind: 'component', index: i, name: componentNames[i - 1]! };
  if (i === 255 && key[2] === 0 && key[4] === 0 && key[6] === 0 && isZeroFrom(key, 8))
    return { kind: 'account', service: (key[1]! | (key[3]! << 8) | (key[5]! << 16) | (key[7]! << 24)) >>> 0 };
  const service = (key[0]! | (key[2]! << 8) | (key[4]! << 16) | (key[6]! << 24)) >>> 0;
  if (value !== undefined && bytesEqual(preimageKey(service, blake2b256(value)), key)) return { kind: 'preimage', service };
  return { kind: 'storage-or-request', service };
};

/**
 * `stateKeyComponent` that also knows the serialized state the keys come from: each preimage p of
 * service s present there names its request key C(s, E_4(|p|) ++ H(p)), so those read as requests.
 */
export const stateKeyClassifier = (
  state: Iterable<readonly [StateKey, Uint8Array]>,
): ((key: StateKey, value?: Uint8Array) => StateKeyComponent) => {
  const requests = new Map<string, number>();
  for (const [k, v] of state) {
    const c = stateKeyComponent(k, v);
    if (c.kind === 'preimage') requests.set(toHex(requestKey(c.service, blake2b256(v), v.length)), c.service);
  }
  return (key, value) => {
    const service = requests.get(toHex(key));
    return service === undefined ? stateKeyComponent(key, value) : { kind: 'request', service };
  };
};

/** A short printable name of a key's component, e.g. `kappa (C(8))`, `service 5 account`. */
export const describeComponent = (c: StateKeyComponent): string => {
  switch (c.kind) {
    case 'component':
      return `${c.name} (C(${c.index}))`;
    case 'account':
      return `service ${c.service} account`;
    case 'preimage':
      return `service ${c.service} preimage`;
    case 'request':
      return `service ${c.service} request`;
    case 'storage-or-request':
      return `service ${c.service} storage or request`;
    case 'unknown':
      return 'not a 31-octet state key';
  }
};

/** The printable component of one key (its value, if given, identifies preimages). */
export const describeStateKey = (key: StateKey, value?: Uint8Array): string => describeComponent(stateKeyComponent(key, value));
