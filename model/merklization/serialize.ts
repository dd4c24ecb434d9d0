/**
 * Appendix D, eq. D.2: the state serialization T(sigma), a dictionary from 31-octet state keys to
 * octet strings, and its inverse for block import from recorded key-values.
 *
 *   const kv = serializeState(tiny)(state);        // sorted [key, value] pairs: T(sigma)
 *   const root = merklizeState(kv);                 // eq. D.3 over it
 *   deserializeState(tiny)(kv)                      // Either<StateDecodeError, State>
 *
 * The service dictionaries a_s, a_p, a_l are kept as the paper keeps them; the entries of a state
 * read from key-values, whose dictionary the key does not tell, are kept as opaque entries under
 * their serialized key (see `ServiceAccount` in spec/types.ts), so every row of T inverts exactly:
 * a state read from key-values serializes back to the same key-values and therefore to the same root.
 */
import * as E from 'fp-ts/lib/Either.js';
import { bytesCompare, bytesEqual, concatBytes, fromHex, toHex, type Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { decode, encode, u32, type Codec } from '../../spec/codec.js';
import { codecs, requestTimeslots, serviceInfo } from '../../spec/codecs.js';
import type { AccountEntryKey, RawServiceAccount, ServiceAccount, ServiceId, ServiceInfo, State, TimeSlot } from '../../spec/types.js';
import { blake2b256 } from '../crypto/hash.js';
import {
  componentNames,
  serviceDataHashOfStateKey,
  stateKeyComponent,
  stateKeyOfComponent,
  stateKeyOfService,
  stateKeyOfServiceDataHash,
  type StateKey,
} from './state-key.js';

/** The state components with a row C(i), i in 1..16, of eq. D.2: all but delta. */
export type ComponentName = Exclude<keyof State, 'delta'>;

/** One key-value pair of T(sigma). */
export type StateEntry = readonly [StateKey, Uint8Array];

/** The codec of each row C(i) of eq. D.2, by component name (spec/codecs.ts `stateComponents`). */
const componentCodecs = (spec: ChainSpec): { readonly [K in ComponentName]: Codec<State[K]> } => codecs(spec).stateComponents;

/** The index i of C(i) of each component, in the order of eq. D.2 (from `componentNames`). */
const componentIndex = (name: ComponentName): number => componentNames.indexOf(name) + 1;
const isComponentName = (name: string): name is ComponentName => name !== 'delta' && componentNames.includes(name);

// ---------------------------------------------------------------------------------------------
// The service dictionaries in their serialized form

/** The entry key of x: the first 27 octets of H(x), which C(s, x) holds (eq. D.1). */
const entryKeyOf = (x: Uint8Array): AccountEntryKey => toHex(blake2b256(x).subarray(0, 27)) as AccountEntryKey;

/**
 * The entry keys of storage keys, by the key's 0x-hex, remembered: a service reads and writes the
 * same keys block after block, and each block's trie update derives its rows' keys again. The
 * key is a pure function of k, so remembering changes no result; the memory is bounded by
 * forgetting all when full.
 */
const storageEntryKeys = new Map<string, AccountEntryKey>();
const storageEntryKeysKept = 1 << 16;

/**
 * @gp D.2 -- the key of a_s[k]: from H(E_4(2^32 - 1) ++ k); k given by its 0x-hex (and its
 * octets, when the caller has them: they are read from the hex only when the key is not known).
 */
const storageEntryKeyOfHex = (hex: string, k?: Uint8Array): AccountEntryKey => {
  let key = storageEntryKeys.get(hex);
  if (key === undefined) {
    if (storageEntryKeys.size === storageEntryKeysKept) storageEntryKeys.clear();
    storageEntryKeys.set(hex, (key = entryKeyOf(concatBytes(encode(u32, 2 ** 32 - 1), k ?? octetsOfHex(hex)))));
  }
  return key;
};

/** The key of a_s[k] (`storageEntryKeyOfHex`). */
export const storageEntryKey = (k: Uint8Array): AccountEntryKey => storageEntryKeyOfHex(toHex(k), k);
/** @gp D.2 -- the key of a_p[h]: from H(E_4(2^32 - 2) ++ h). */
export const preimageEntryKey = (h: Hash): AccountEntryKey => entryKeyOf(concatBytes(encode(u32, 2 ** 32 - 2), h));
/** @gp D.2 -- the key of a_l[(h, l)]: from H(E_4(l) ++ h). */
export const requestEntryKey = (h: Hash, l: number): AccountEntryKey => entryKeyOf(concatBytes(encode(u32, l), h));

/** The service dictionaries of an account, all that the helpers below read or write. */
export type AccountDictionaries = Pick<ServiceAccount, 'storage' | 'preimages' | 'requests' | 'opaque'>;

/** The octets of a dictionary key's 0x-hex (every key the model or a vector codec writes is one). */
const octetsOfHex = (hex: string): Uint8Array => {
  const b = fromHex(hex);
  if (b === undefined) throw new Error(`a dictionary key that is not hex: ${hex}`);
  return b;
};

/** The key of a_l[(h, l)] in `requests`: `${0x-hash}:${length}` (the STF vectors' layout, spec/types.ts). */
export const requestKeyOf = (h: Hash, l: number): string => `${toHex(h)}:${l}`;

/** (h, l) of a key of `requests` (the inverse of `requestKeyOf`). */
export const requestOfKey = (key: string): readonly [Hash, number] => {
  const at = key.lastIndexOf(':');
  return [octetsOfHex(key.slice(0, at)) as Hash, Number(key.slice(at + 1))];
};

/** An opaque entry's value read as a_l's timeslots: it must decode fully as ↕[E_4(x)] of at most three. */
const asTimeslots = (v: Uint8Array | undefined): ReadonlyArray<TimeSlot> | undefined => {
  if (v === undefined) return undefined;
  const t = decode(requestTimeslots, v);
  return E.isRight(t) ? t.right : undefined;
};

/**
 * H of an opaque entry's value, remembered per value: a service's code is such an entry in a
 * state read from key-values, and every accumulation of the service looks it up (a_c, 9.4), so
 * its hash would be taken again each block. State values are never written to in place, so a
 * value's hash stays its hash.
 */
const valueHashes = new WeakMap<Uint8Array, Hash>();
const hashOfValue = (v: Uint8Array): Hash => {
  let h = valueHashes.get(v);
  if (h === undefined) valueHashes.set(v, (h = blake2b256(v)));
  return h;
};

/** An opaque entry's value read as a_p[h]: it must be a preimage of h (eq. 9.6: a_p[h] has hash h). */
const asPreimageOf = (h: Hash, v: Uint8Array | undefined): Uint8Array | undefined =>
  v !== undefined && bytesEqual(hashOfValue(v), h) ? v : undefined;

/** a_s[k], if present: the storage item, else the opaque entry under its key (any octets can be a value). */
export const storageOf = (a: Pick<AccountDictionaries, 'storage' | 'opaque'>, k: Uint8Array): Uint8Array | undefined => {
  const hex = toHex(k);
  return a.storage.get(hex) ?? (a.opaque.size === 0 ? undefined : a.opaque.get(storageEntryKeyOfHex(hex, k)));
};

/** a_p[h], if present: the preimage, else the opaque entry under its key when it hashes to h. */
export const preimageOf = (a: Pick<AccountDictionaries, 'preimages' | 'opaque'>, h: Hash): Uint8Array | undefined =>
  a.preimages.get(toHex(h)) ?? asPreimageOf(h, a.opaque.get(preimageEntryKey(h)));

/** a_l[(h, l)], if present: the request, else the opaque entry under its key when it decodes as one. */
export const requestOf = (a: Pick<AccountDictionaries, 'requests' | 'opaque'>, h: Hash, l: number): ReadonlyArray<TimeSlot> | undefined =>
  a.requests.get(requestKeyOf(h, l)) ?? asTimeslots(a.opaque.get(requestEntryKey(h, l)));

/** The map with `key` set to `value`, or removed when `value` is undefined. */
const withKey = <K, V>(m: ReadonlyMap<K, V>, key: K, value: V | undefined): ReadonlyMap<K, V> => {
  const next = new Map(m);
  if (value === undefined) next.delete(key);
  else next.set(key, value);
  return next;
};

/** `opaque` without its entry under `key` when `consumed` reads it as the entry being written (it is superseded). */
const superseding = (opaque: ReadonlyMap<AccountEntryKey, Uint8Array>, key: AccountEntryKey, consumed: (v: Uint8Array) => boolean) => {
  const v = opaque.get(key);
  return v === undefined || !consumed(v) ? opaque : withKey(opaque, key, undefined);
};

/** The account with a_s[k] = v (removed when v is undefined); the opaque entry under its key, read as a_s[k], goes. */
export const withStorage = <A extends Pick<AccountDictionaries, 'storage' | 'opaque'>>(a: A, k: Uint8Array, v: Uint8Array | undefined): A => {
  const hex = toHex(k);
  return {
    ...a,
    storage: withKey(a.storage, hex, v),
    opaque: a.opaque.size === 0 ? a.opaque : superseding(a.opaque, storageEntryKeyOfHex(hex, k), () => true),
  };
};

/** The account with a_p[h] = p (removed when p is undefined); an opaque entry that is a_p[h] goes. */
export const withPreimage = <A extends Pick<AccountDictionaries, 'preimages' | 'opaque'>>(a: A, h: Hash, p: Uint8Array | undefined): A => ({
  ...a,
  preimages: withKey(a.preimages, toHex(h), p),
  opaque: superseding(a.opaque, preimageEntryKey(h), (v) => asPreimageOf(h, v) !== undefined),
});

/** The account with a_l[(h, l)] = t (removed when t is undefined); an opaque entry that is a_l[(h, l)] goes. */
export const withRequest = <A extends Pick<AccountDictionaries, 'requests' | 'opaque'>>(
  a: A,
  h: Hash,
  l: number,
  t: ReadonlyArray<TimeSlot> | undefined,
): A => ({
  ...a,
  requests: withKey(a.requests, requestKeyOf(h, l), t),
  opaque: superseding(a.opaque, requestEntryKey(h, l), (v) => asTimeslots(v) !== undefined),
});

/** The state's account of an account in the vectors' layout: the same dictionaries, no opaque entries. */
export const accountOfRaw = (raw: RawServiceAccount): ServiceAccount => ({ ...raw, opaque: new Map() });

/** Each dictionary's rows of T, computed once per dictionary value (they are persistent: an unchanged one is the same map). */
const rowsMemo = new WeakMap<object, ReadonlyMap<AccountEntryKey, Uint8Array>>();
const rowsOf = <V>(m: ReadonlyMap<string, V>, row: (key: string, value: V) => readonly [AccountEntryKey, Uint8Array]) => {
  let rows = rowsMemo.get(m);
  if (rows === undefined) rowsMemo.set(m, (rows = new Map([...m].map(([k, v]) => row(k, v)))));
  return rows;
};

/**
 * @gp D.2 -- an account's rows C(s, ...) of T, by entry key: a_s, a_p, a_l and the opaque entries.
 * D.2's keys are not injective (a_s[h] and a_l[(h, 2^32-1)]; a_p[h] and a_l[(h, 2^32-2)]), so T is
 * no function when both of such a pair exist. The model's reading: the rows in D.2's order, the
 * first row that claims a key keeps it (storage, then preimages, then requests), and an opaque
 * entry only where no dictionary entry claims its key. README's "Where the paper, the vectors and
 * clients part" records this.
 */
export const accountEntries = (a: AccountDictionaries): ReadonlyMap<AccountEntryKey, Uint8Array> => {
  const out = new Map<AccountEntryKey, Uint8Array>();
  const claim = (rows: ReadonlyMap<AccountEntryKey, Uint8Array>): void => {
    for (const [k, v] of rows) if (!out.has(k)) out.set(k, v);
  };
  claim(rowsOf(a.storage, (k, v) => [storageEntryKeyOfHex(k), v]));
  claim(rowsOf(a.preimages, (h, p) => [preimageEntryKey(octetsOfHex(h) as Hash), p]));
  claim(rowsOf(a.requests, (key, t) => [requestEntryKey(...requestOfKey(key)), encode(requestTimeslots, t)]));
  claim(a.opaque);
  return out;
};

// ---------------------------------------------------------------------------------------------
// T and its inverse

/** @gp D.2 -- T(sigma): every row, as [key, value] pairs sorted by key. */
export const serializeState =
  (spec: ChainSpec) =>
  (state: State): ReadonlyArray<StateEntry> => {
    const rows = componentCodecs(spec);
    const out: StateEntry[] = [];
    for (const name of componentNames) {
      if (!isComponentName(name)) throw new Error(`componentNames names ${name}, which is not a state component`);
      const c = rows[name] as Codec<State[ComponentName]>;
      out.push([stateKeyOfComponent(componentIndex(name)), encode(c, state[name])]);
    }
    for (const [s, a] of state.delta) {
      out.push([stateKeyOfService(255, s), encode(serviceInfo, a)]);
      for (const [k, v] of accountEntries(a)) out.push([stateKeyOfServiceDataHash(s, fromHex(k)!), v]);
    }
    return out.sort(([a], [b]) => bytesCompare(a, b));
  };

/** Why a set of key-values is not T(sigma) of any state, naming the key at fault (0x-hex) if one is. */
export interface StateDecodeError {
  readonly key: string | undefined;
  readonly reason: string;
}

const fail = (key: Uint8Array | undefined, reason: string): E.Either<StateDecodeError, never> =>
  E.left({ key: key === undefined ? undefined : toHex(key), reason });

/**
 * @gp D.2 -- the state sigma with T(sigma) = the given key-values. Every component row C(1) ...
 * C(16) must be present once and decode fully; each C(255, s) decodes as an account; every other
 * key must be an entry C(s, ...) of an account s that is present, and is kept among its `opaque`
 * entries under its hashed part (which of a_s, a_p, a_l it belongs to is not recoverable from the
 * key; each read names its dictionary and key, and reads the opaque entry as that if it can be).
 */
export const deserializeState =
  (spec: ChainSpec) =>
  (keyvals: Iterable<StateEntry>): E.Either<StateDecodeError, State> => {
    const rows = componentCodecs(spec);
    const components = new Map<ComponentName, unknown>();
    const infos = new Map<ServiceId, ServiceInfo>();
    const entries = new Map<ServiceId, Map<AccountEntryKey, Uint8Array>>();
    /** The first entry key seen of each service (to name it if the service has no account). */
    const firstEntry = new Map<ServiceId, StateKey>();
    for (const [key, value] of keyvals) {
      if (key.length !== 31) return fail(key, `a state key has 31 octets, this one ${key.length}`);
      const c = stateKeyComponent(key);
      if (c.kind === 'component') {
        const name = c.name;
        if (!isComponentName(name)) return fail(key, `C(${c.index}) names no state component`);
        if (components.has(name)) return fail(key, `${name} (C(${c.index})) given twice`);
        const decoded = decode(rows[name] as Codec<unknown>, value);
        if (E.isLeft(decoded)) return fail(key, `${name} (C(${c.index})): ${decoded.left.toString()}`);
        components.set(name, decoded.right);
      } else if (c.kind === 'account') {
        if (infos.has(c.service)) return fail(key, `account of service ${c.service} given twice`);
        const decoded = decode(serviceInfo, value);
        if (E.isLeft(decoded)) return fail(key, `account of service ${c.service}: ${decoded.left.toString()}`);
        infos.set(c.service, decoded.right);
      } else if (c.kind === 'unknown') {
        return fail(key, 'not a state key');
      } else {
        const k = toHex(serviceDataHashOfStateKey(key)) as AccountEntryKey;
        let m = entries.get(c.service);
        if (m === undefined) {
          entries.set(c.service, (m = new Map()));
          firstEntry.set(c.service, key);
        }
        if (m.has(k)) return fail(key, 'given twice');
        m.set(k, value);
      }
    }
    for (const name of componentNames)
      if (isComponentName(name) && !components.has(name))
        return fail(stateKeyOfComponent(componentIndex(name)), `${name} (C(${componentIndex(name)})) is missing`);
    for (const [s, key] of firstEntry)
      if (!infos.has(s)) return fail(key, `an entry of service ${s}, which has no account C(255, ${s})`);
    const delta = new Map<ServiceId, ServiceAccount>(
      [...infos].sort(([a], [b]) => a - b).map(([s, i]) => [s, { ...i, storage: new Map(), preimages: new Map(), requests: new Map(), opaque: entries.get(s) ?? new Map() }]),
    );
    const get = <K extends ComponentName>(name: K): State[K] => components.get(name) as State[K];
    return E.right({
      alpha: get('alpha'),
      phi: get('phi'),
      beta: get('beta'),
      gamma: get('gamma'),
      psi: get('psi'),
      eta: get('eta'),
      iota: get('iota'),
      kappa: get('kappa'),
      lambda: get('lambda'),
      rho: get('rho'),
      tau: get('tau'),
      chi: get('chi'),
      pi: get('pi'),
      omega: get('omega'),
      xi: get('xi'),
      theta: get('theta'),
      delta,
    });
  };
