/**
 * Appendix D.1: the state-key constructor C, and its inverse reading for diffs: which state
 * component a 31-octet key belongs to.
 */
import { bytesEqual, type Bytes } from '../../spec/bytes.js';
import { blake2b256 } from '../crypto/hash.js';

/** A 31-octet state key (B_31). */
export type StateKey = Bytes<31, 'StateKey'>;

/** The four octets of E_4(s), little-endian. */
const le4 = (s: number): readonly [number, number, number, number] => [s & 0xff, (s >>> 8) & 0xff, (s >>> 16) & 0xff, (s >>> 24) & 0xff];

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
  k[1] = n[0];
  k[3] = n[1];
  k[5] = n[2];
  k[7] = n[3];
  return k;
};

/** @gp D.1 -- C(s, h): [n_0, a_0, n_1, a_1, n_2, a_2, n_3, a_3, a_4, ..., a_26] where n = E_4(s), a = H(h). */
export const stateKeyOfServiceData = (s: number, h: Uint8Array): StateKey => {
  const a = blake2b256(h);
  const n = le4(s);
  const k = new Uint8Array(31);
  for (let j = 0; j < 4; j++) {
    k[2 * j] = n[j]!;
    k[2 * j + 1] = a[j]!;
  }
  k.set(a.subarray(4, 27), 8);
  return k;
};

/** @gp D.2 -- the storage entry k of service s: C(s, E_4(2^32 - 1) ++ k). */
export const storageKey = (s: number, k: Uint8Array): StateKey => {
  const h = new Uint8Array(4 + k.length);
  h.set([0xff, 0xff, 0xff, 0xff], 0);
  h.set(k, 4);
  return stateKeyOfServiceData(s, h);
};

/** @gp D.2 -- the preimage of hash h in service s: C(s, E_4(2^32 - 2) ++ h). */
export const preimageKey = (s: number, h: Uint8Array): StateKey => {
  const x = new Uint8Array(4 + h.length);
  x.set([0xfe, 0xff, 0xff, 0xff], 0);
  x.set(h, 4);
  return stateKeyOfServiceData(s, x);
};

/** @gp D.2 -- the request (h, l) of service s: C(s, E_4(l) ++ h). */
export const requestKey = (s: number, h: Uint8Array, l: number): StateKey => {
  const x = new Uint8Array(4 + h.length);
  x.set(le4(l), 0);
  x.set(h, 4);
  return stateKeyOfServiceData(s, x);
};

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
 * is known, since its hashed part is H(E_4(2^32 - 2) ++ H(value)).
 */
export type StateKeyComponent =
  | { readonly kind: 'component'; readonly index: number; readonly name: string }
  | { readonly kind: 'account'; readonly service: number }
  | { readonly kind: 'preimage'; readonly service: number }
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

/** A short printable name for a key's component, e.g. `kappa`, `service 5 account`. */
export const describeStateKey = (key: StateKey, value?: Uint8Array): string => {
  const c = stateKeyComponent(key, value);
  switch (c.kind) {
    case 'component':
      return `${c.name} (C(${c.index}))`;
    case 'account':
      return `service ${c.service} account`;
    case 'preimage':
      return `service ${c.service} preimage`;
    case 'storage-or-request':
      return `service ${c.service} storage or request`;
    case 'unknown':
      return 'not a 31-octet state key';
  }
};
