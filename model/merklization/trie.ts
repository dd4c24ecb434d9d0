/**
 * Appendix D.2: the state Merklization M_sigma, the root of a binary Patricia Merkle trie over the
 * serialized state (31-octet keys -> octet sequences), with 64-octet nodes.
 *
 * Two forms of the same function:
 * - `merklize`: eq. D.6 read literally, recursing over the key bits of a dictionary; the reference.
 * - `StateTrie`: a persistent trie whose nodes cache their hash. `trieSet` and `trieDelete` copy
 *   only the path to the changed key, so the root after a block rehashes only the changed paths,
 *   and two states (e.g. forks) share every unchanged sub-trie. A property keeps both equal.
 */
import { bytesCompare, bytesEqual, type Hash } from '../../spec/bytes.js';
import { blake2b256, zeroHash } from '../crypto/hash.js';
import type { StateKey } from './state-key.js';

/** Bit `d` of a key, most significant first (the paper's bits(k)_d). */
const bit = (key: Uint8Array, d: number): number => (key[d >> 3]! >> (7 - (d & 7))) & 1;

/** @gp D.3 -- B(l, r): a branch node, [0] ++ bits(l)_{1...} ++ bits(r). */
export const encodeBranch = (l: Hash, r: Hash): Uint8Array => {
  const node = new Uint8Array(64);
  node.set(l, 0);
  node[0] = l[0]! & 0x7f;
  node.set(r, 32);
  return node;
};

/**
 * @gp D.4 -- L(k, v): a leaf node. An embedded-value leaf ([1, 0] ++ bits(E_1(|v|))_{2...} ++ k ++ v,
 * zero-padded) when |v| <= 32, else a regular leaf ([1, 1, 0, 0, 0, 0, 0, 0] ++ k ++ H(v)).
 */
export const encodeLeaf = (k: StateKey, v: Uint8Array): Uint8Array => {
  const node = new Uint8Array(64);
  node.set(k.subarray(0, 31), 1);
  if (v.length <= 32) {
    node[0] = 0x80 | v.length;
    node.set(v, 32);
  } else {
    node[0] = 0xc0;
    node.set(blake2b256(v), 32);
  }
  return node;
};

/** A serialized state: the dictionary T(sigma) of eq. D.2, as key-value pairs. */
export type SerializedState = Iterable<readonly [StateKey, Uint8Array]>;

/** M(d) of eq. D.6 over the entries of d sorted by key, from key bit `depth` on. */
const m = (d: ReadonlyArray<readonly [StateKey, Uint8Array]>, depth: number): Hash => {
  if (d.length === 0) return zeroHash;
  if (d.length === 1) return blake2b256(encodeLeaf(d[0]![0], d[0]![1]));
  if (depth >= 248) throw new Error('merklize: duplicate state key');
  // Sorted by key, so the entries whose bit `depth` is 0 come first.
  let split = 0;
  while (split < d.length && bit(d[split]![0], depth) === 0) split++;
  return blake2b256(encodeBranch(m(d.slice(0, split), depth + 1), m(d.slice(split), depth + 1)));
};

/**
 * @gp D.6 -- M: the root of the trie over a dictionary of 31-octet keys, by the recursion of the
 * paper (the zero hash when empty, H(L(k, v)) for one entry, else H(B(M(l), M(r))) splitting on
 * the first key bit). Keys must be distinct.
 */
export const merklize = (d: SerializedState): Hash => {
  const entries = [...d].sort((a, b) => bytesCompare(a[0], b[0]));
  return m(entries, 0);
};

// ---------------------------------------------------------------------------------------------
// The persistent trie.

/** A leaf: one key-value pair, with the memoized hash of L(k, v). */
export interface TrieLeaf {
  readonly tag: 'leaf';
  readonly key: StateKey;
  readonly value: Uint8Array;
  /** H(L(key, value)), computed on first use. */
  memo: Hash | undefined;
}

/** A branch at some depth d: the sub-tries of the keys whose bit d is 0 (left) and 1 (right). */
export interface TrieBranch {
  readonly tag: 'branch';
  readonly left: StateTrie;
  readonly right: StateTrie;
  /** H(B(M(left), M(right))), computed on first use. */
  memo: Hash | undefined;
}

/**
 * A persistent trie: undefined when empty. Invariant: every branch holds at least two keys (a
 * single key is always a leaf, as in eq. D.6), so the shape is a function of the key set alone.
 */
export type StateTrie = TrieLeaf | TrieBranch | undefined;

export const emptyTrie: StateTrie = undefined;

const leaf = (key: StateKey, value: Uint8Array): TrieLeaf => ({ tag: 'leaf', key, value, memo: undefined });
const branch = (left: StateTrie, right: StateTrie): TrieBranch => ({ tag: 'branch', left, right, memo: undefined });

/** The smallest trie holding two leaves with distinct keys, from key bit `depth` on. */
const split = (a: TrieLeaf, b: TrieLeaf, depth: number): TrieBranch => {
  const ba = bit(a.key, depth);
  if (ba !== bit(b.key, depth)) return ba === 0 ? branch(a, b) : branch(b, a);
  const below = split(a, b, depth + 1);
  return ba === 0 ? branch(below, undefined) : branch(undefined, below);
};

const set = (node: StateTrie, key: StateKey, value: Uint8Array, depth: number): TrieLeaf | TrieBranch => {
  if (node === undefined) return leaf(key, value);
  if (node.tag === 'leaf') {
    if (bytesEqual(node.key, key)) return bytesEqual(node.value, value) ? node : leaf(key, value);
    return split(node, leaf(key, value), depth);
  }
  if (bit(key, depth) === 0) {
    const left = set(node.left, key, value, depth + 1);
    return left === node.left ? node : branch(left, node.right);
  }
  const right = set(node.right, key, value, depth + 1);
  return right === node.right ? node : branch(node.left, right);
};

/** Two sub-tries joined under a branch, keeping the invariant: a lone leaf moves up. */
const join = (left: StateTrie, right: StateTrie): StateTrie => {
  if (left === undefined && (right === undefined || right.tag === 'leaf')) return right;
  if (right === undefined && left !== undefined && left.tag === 'leaf') return left;
  return branch(left, right);
};

const del = (node: StateTrie, key: StateKey, depth: number): StateTrie => {
  if (node === undefined) return undefined;
  if (node.tag === 'leaf') return bytesEqual(node.key, key) ? undefined : node;
  if (bit(key, depth) === 0) {
    const left = del(node.left, key, depth + 1);
    return left === node.left ? node : join(left, node.right);
  }
  const right = del(node.right, key, depth + 1);
  return right === node.right ? node : join(node.left, right);
};

const checkKey = (key: StateKey): void => {
  if (key.length !== 31) throw new RangeError(`state keys have 31 octets, not ${key.length}`);
};

/** The trie with `key` set to `value`; shares every sub-trie off the key's path with `trie`. */
export const trieSet = (trie: StateTrie, key: StateKey, value: Uint8Array): StateTrie => {
  checkKey(key);
  return set(trie, key, value, 0);
};

/** The trie without `key` (the same trie when it is absent). */
export const trieDelete = (trie: StateTrie, key: StateKey): StateTrie => {
  checkKey(key);
  return del(trie, key, 0);
};

/** The value at `key`, if any. */
export const trieGet = (trie: StateTrie, key: StateKey): Uint8Array | undefined => {
  let node = trie;
  for (let depth = 0; node !== undefined; depth++) {
    if (node.tag === 'leaf') return bytesEqual(node.key, key) ? node.value : undefined;
    node = bit(key, depth) === 0 ? node.left : node.right;
  }
  return undefined;
};

/** The trie of a dictionary of state keys. */
export const trieFromEntries = (d: SerializedState): StateTrie => {
  let t: StateTrie = undefined;
  for (const [k, v] of d) t = trieSet(t, k, v);
  return t;
};

/** The entries of a trie in key order. */
export function* trieEntries(trie: StateTrie): Generator<readonly [StateKey, Uint8Array]> {
  if (trie === undefined) return;
  if (trie.tag === 'leaf') {
    yield [trie.key, trie.value];
    return;
  }
  yield* trieEntries(trie.left);
  yield* trieEntries(trie.right);
}

/** One key whose value differs between two tries: absent before (added), absent after (removed), or changed. */
export interface TrieChange {
  readonly key: StateKey;
  readonly before: Uint8Array | undefined;
  readonly after: Uint8Array | undefined;
}

/** The changes between two sorted entry lists, appended to `out` in key order. */
const mergeChanges = (a: ReadonlyArray<readonly [StateKey, Uint8Array]>, b: ReadonlyArray<readonly [StateKey, Uint8Array]>, out: TrieChange[]): void => {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const c = i >= a.length ? 1 : j >= b.length ? -1 : bytesCompare(a[i]![0], b[j]![0]);
    if (c < 0) out.push({ key: a[i]![0], before: a[i++]![1], after: undefined });
    else if (c > 0) out.push({ key: b[j]![0], before: undefined, after: b[j++]![1] });
    else {
      if (!bytesEqual(a[i]![1], b[j]![1])) out.push({ key: a[i]![0], before: a[i]![1], after: b[j]![1] });
      i++;
      j++;
    }
  }
};

const diff = (a: StateTrie, b: StateTrie, out: TrieChange[]): void => {
  if (a === b) return;
  if (a?.memo !== undefined && b?.memo !== undefined && bytesEqual(a.memo, b.memo)) return;
  if (a?.tag === 'branch' && b?.tag === 'branch') {
    diff(a.left, b.left, out);
    diff(a.right, b.right, out);
    return;
  }
  mergeChanges([...trieEntries(a)], [...trieEntries(b)], out);
};

/**
 * The keys whose values differ between two tries, in key order. Sub-tries shared by both (or
 * already hashed to the same value) are skipped, so the diff of a state and its successor costs
 * about the size of the change: what the import and fuzz commands print, key by key.
 */
export const trieDiff = (a: StateTrie, b: StateTrie): ReadonlyArray<TrieChange> => {
  const out: TrieChange[] = [];
  diff(a, b, out);
  return out;
};

/**
 * M (eq. D.6, transcribed in `merklize`) of the trie's dictionary: the zero hash when empty, H(L(k, v)) at a leaf,
 * H(B(M(l), M(r))) at a branch. Each node's hash is memoized, so after an update only the
 * nodes on the changed paths are hashed again.
 */
export const trieRoot = (trie: StateTrie): Hash => {
  if (trie === undefined) return zeroHash;
  if (trie.memo !== undefined) return trie.memo;
  const h =
    trie.tag === 'leaf'
      ? blake2b256(encodeLeaf(trie.key, trie.value))
      : blake2b256(encodeBranch(trieRoot(trie.left), trieRoot(trie.right)));
  trie.memo = h;
  return h;
};

/** @gp D.5 -- M_sigma(sigma) = M({bits(k) -> (k, v) | (k -> v) in T(sigma)}), given T(sigma). */
export const merklizeState = (serialized: SerializedState): Hash => trieRoot(trieFromEntries(serialized));
