/**
 * Appendix D, eq. D.2: the state serialization T(sigma), a dictionary from 31-octet state keys to
 * octet strings, and its inverse for block import from recorded key-values.
 *
 *   const kv = serializeState(tiny)(state);        // sorted [key, value] pairs: T(sigma)
 *   const root = merklizeState(kv);                 // eq. D.3 over it
 *   deserializeState(tiny)(kv)                      // Either<StateDecodeError, State>
 *
 * The service dictionaries a_s, a_p, a_l are held in their serialized form (see `ServiceAccount`
 * in spec/types.ts), so every row of T inverts exactly: a state read from key-values serializes
 * back to the same key-values and therefore to the same root.
 */
import * as E from 'fp-ts/lib/Either.js';
import { bytesCompare, concatBytes, fromHex, toHex, type Hash } from '../../spec/bytes.js';
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

/** @gp D.2 -- the key of a_s[k]: from H(E_4(2^32 - 1) ++ k). */
export const storageEntryKey = (k: Uint8Array): AccountEntryKey => entryKeyOf(concatBytes(encode(u32, 2 ** 32 - 1), k));
/** @gp D.2 -- the key of a_p[h]: from H(E_4(2^32 - 2) ++ h). */
export const preimageEntryKey = (h: Hash): AccountEntryKey => entryKeyOf(concatBytes(encode(u32, 2 ** 32 - 2), h));
/** @gp D.2 -- the key of a_l[(h, l)]: from H(E_4(l) ++ h). */
export const requestEntryKey = (h: Hash, l: number): AccountEntryKey => entryKeyOf(concatBytes(encode(u32, l), h));

/** The service dictionaries of an account, all that the helpers below read or write. */
export type AccountDictionaries = Pick<ServiceAccount, 'entries'>;

/** a_s[k], if present. */
export const storageOf = (a: AccountDictionaries, k: Uint8Array): Uint8Array | undefined => a.entries.get(storageEntryKey(k));

/** a_p[h], if present. */
export const preimageOf = (a: AccountDictionaries, h: Hash): Uint8Array | undefined => a.entries.get(preimageEntryKey(h));

/**
 * a_l[(h, l)], if present: the entry's value decoded as ↕[E_4(x)] (eq. D.2). A value that does not
 * decode is a broken invariant (the entry was written as a request), hence a throw.
 */
export const requestOf = (a: AccountDictionaries, h: Hash, l: number): ReadonlyArray<TimeSlot> | undefined => {
  const v = a.entries.get(requestEntryKey(h, l));
  if (v === undefined) return undefined;
  const t = decode(requestTimeslots, v);
  if (E.isLeft(t)) throw new Error(`request (${toHex(h)}, ${l}): ${t.left.toString()}`);
  return t.right;
};

/** The account with one entry set, or removed when `value` is undefined. */
const withEntry = <A extends AccountDictionaries>(a: A, key: AccountEntryKey, value: Uint8Array | undefined): A => {
  const entries = new Map(a.entries);
  if (value === undefined) entries.delete(key);
  else entries.set(key, value);
  return { ...a, entries };
};

/** The account with a_s[k] = v (removed when v is undefined). */
export const withStorage = <A extends AccountDictionaries>(a: A, k: Uint8Array, v: Uint8Array | undefined): A =>
  withEntry(a, storageEntryKey(k), v);

/** The account with a_p[h] = p (removed when p is undefined). */
export const withPreimage = <A extends AccountDictionaries>(a: A, h: Hash, p: Uint8Array | undefined): A =>
  withEntry(a, preimageEntryKey(h), p);

/** The account with a_l[(h, l)] = t (removed when t is undefined). */
export const withRequest = <A extends AccountDictionaries>(a: A, h: Hash, l: number, t: ReadonlyArray<TimeSlot> | undefined): A =>
  withEntry(a, requestEntryKey(h, l), t === undefined ? undefined : encode(requestTimeslots, t));

/**
 * The state's account of an account under raw keys (the STF vectors' layout): each entry of a_s,
 * a_p and a_l written under its hashed key, as T writes it (eq. D.2). A malformed hex key or
 * request key is a bug of whoever built the raw account, hence a throw.
 */
export const accountOfRaw = (raw: RawServiceAccount): ServiceAccount => {
  const { storage, preimages, requests, ...info } = raw;
  const octets = (hex: string): Uint8Array => {
    const b = fromHex(hex);
    if (b === undefined) throw new RangeError(`not a hex key: ${hex}`);
    return b;
  };
  let a: ServiceAccount = { ...info, entries: new Map<AccountEntryKey, Uint8Array>() };
  for (const [k, v] of storage) a = withStorage(a, octets(k), v);
  for (const [h, p] of preimages) a = withPreimage(a, octets(h) as Hash, p);
  for (const [key, t] of requests) {
    const [h = '', l = ''] = key.split(':');
    if (!/^[0-9]+$/.test(l)) throw new RangeError(`not a request key: ${key}`);
    a = withRequest(a, octets(h) as Hash, Number(l), t);
  }
  return a;
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
      for (const [k, v] of a.entries) out.push([stateKeyOfServiceDataHash(s, fromHex(k)!), v]);
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
 * key must be an entry C(s, ...) of an account s that is present, and is kept in its `entries`
 * under its hashed part (which of a_s, a_p, a_l it belongs to is not recoverable from the key, and
 * not needed: every read names the dictionary and the raw key).
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
      [...infos].sort(([a], [b]) => a - b).map(([s, i]) => [s, { ...i, entries: entries.get(s) ?? new Map() }]),
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
