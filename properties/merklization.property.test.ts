/**
 * Properties of the state trie (Appendix D) and of general Merklization (Appendix E).
 *
 * Trie: the root does not depend on insertion order; setting a key and then restoring it gives the
 * old root; the persistent trie after any sequence of sets and deletes has the root of the
 * reference M (eq. D.6) over the resulting dictionary, its earlier versions are untouched, and
 * `trieDiff` names exactly the changed keys.
 * Keys are drawn around a shared base key so that long common prefixes (deep single-child branch
 * chains) occur, and values both up to and over 32 octets (both kinds of leaf, eq. D.4).
 *
 * State keys (eq. D.1-D.2): `stateKeyComponent` reads every constructed key back to its row, and
 * `stateKeyClassifier` reads the request of a present preimage as a request.
 *
 * Appendix E: a trace (E.2) justifies its item against N (E.1); a page justification J_x (E.5) and
 * leaf page L_x (E.6) give the constant-depth root M (E.4); MMR append (E.8) keeps one peak per set
 * bit of the count, each the hash tree of its leaves, and encodes (E.9) as the paper writes it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ascii, bytesCompare, concatBytes, toHex, type Hash } from '../spec/bytes.js';
import type { Mmr } from '../spec/types.js';
import { blake2b256, zeroHash } from '../model/crypto/index.js';
import {
  merkleConstantDepth,
  merkleJustifyPage,
  merkleLeafPage,
  merkleNode,
  merkleTrace,
  merklize,
  mmrAppend,
  mmrEncode,
  mmrSuperPeak,
  preimageKey,
  requestKey,
  stateKeyClassifier,
  stateKeyComponent,
  stateKeyOfComponent,
  stateKeyOfService,
  storageKey,
  trieDelete,
  trieDiff,
  trieEntries,
  trieFromEntries,
  trieGet,
  trieRoot,
  trieSet,
  type StateKey,
  type StateTrie,
  type TrieChange,
} from '../model/merklization/index.js';

type Entry = readonly [StateKey, Uint8Array];

/** A key equal to `base` in its first `p` bits and random after. */
const keyNear = (base: Uint8Array) =>
  fc.tuple(fc.nat({ max: 248 }), fc.uint8Array({ minLength: 31, maxLength: 31 })).map(([p, tail]): StateKey => {
    const k = tail.slice();
    for (let b = 0; b < p; b++) {
      const mask = 0x80 >> (b & 7);
      k[b >> 3] = (k[b >> 3]! & ~mask) | (base[b >> 3]! & mask);
    }
    return k;
  });

const value = fc.uint8Array({ maxLength: 70 });

/** A dictionary of distinct keys, many sharing long prefixes with one base key. */
const dictionary = (maxLength: number) =>
  fc
    .uint8Array({ minLength: 31, maxLength: 31 })
    .chain((base) => fc.uniqueArray(fc.tuple(keyNear(base), value), { maxLength, selector: ([k]) => toHex(k) }));

type Op = { readonly kind: 'set'; readonly key: StateKey; readonly value: Uint8Array } | { readonly kind: 'delete'; readonly key: StateKey };

/** Operations on keys of the dictionary (to overwrite or delete) or near them (to add). */
const dictionaryAndOps = dictionary(40).chain((d) => {
  const base = d[0]?.[0] ?? new Uint8Array(31);
  const key = d.length === 0 ? keyNear(base) : fc.oneof(fc.constantFrom(...d.map(([k]) => k)), keyNear(base));
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), key, value }),
    fc.record({ kind: fc.constant('delete' as const), key }),
  );
  return fc.tuple(fc.constant(d), fc.array(op, { maxLength: 20 }));
});

const mapOf = (d: ReadonlyArray<Entry>): Map<string, Entry> => new Map(d.map((e) => [toHex(e[0]), e]));

describe('state trie (Appendix D)', () => {
  it('D.6: the persistent trie root equals the reference M, whatever the insertion order (300 cases)', () => {
    fc.assert(
      fc.property(
        dictionary(60).chain((d) => fc.tuple(fc.constant(d), fc.shuffledSubarray(d, { minLength: d.length, maxLength: d.length }))),
        ([d, permuted]) => {
          const reference = merklize(d);
          expect(toHex(trieRoot(trieFromEntries(d)))).toBe(toHex(reference));
          expect(toHex(trieRoot(trieFromEntries(permuted)))).toBe(toHex(reference));
          expect(toHex(merklize([...d].reverse()))).toBe(toHex(reference));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('setting a key and then restoring it (old value, or deletion) gives the old root (300 cases)', () => {
    fc.assert(
      fc.property(dictionaryAndOps, ([d, ops]) => {
        const t0 = trieFromEntries(d);
        const root0 = toHex(trieRoot(t0));
        for (const op of ops) {
          const old = trieGet(t0, op.key);
          const changed = op.kind === 'set' ? trieSet(t0, op.key, op.value) : trieDelete(t0, op.key);
          const restored = old === undefined ? trieDelete(changed, op.key) : trieSet(changed, op.key, old);
          expect(toHex(trieRoot(restored))).toBe(root0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('after any sets and deletes the trie equals one rebuilt from scratch; earlier versions are unchanged (300 cases)', () => {
    fc.assert(
      fc.property(dictionaryAndOps, ([d, ops]) => {
        let t: StateTrie = trieFromEntries(d);
        const t0 = t;
        const m = mapOf(d);
        for (const op of ops) {
          if (op.kind === 'set') {
            t = trieSet(t, op.key, op.value);
            m.set(toHex(op.key), [op.key, op.value]);
          } else {
            t = trieDelete(t, op.key);
            m.delete(toHex(op.key));
          }
          trieRoot(t); // hash the intermediate versions, so the memoized hashes are exercised
        }
        const expected = [...m.values()].sort((a, b) => bytesCompare(a[0], b[0]));
        expect([...trieEntries(t)].map(([k, v]) => [toHex(k), toHex(v)])).toEqual(expected.map(([k, v]) => [toHex(k), toHex(v)]));
        expect(toHex(trieRoot(t))).toBe(toHex(merklize(expected)));
        expect(toHex(trieRoot(t))).toBe(toHex(trieRoot(trieFromEntries(expected))));
        for (const [k, v] of expected) expect(toHex(trieGet(t, k) ?? new Uint8Array())).toBe(toHex(v));
        expect(toHex(trieRoot(t0))).toBe(toHex(merklize(d)));
        // trieDiff names exactly the keys whose values the operations changed, in key order.
        const before = mapOf(d);
        const changes = [...new Set([...before.keys(), ...m.keys()])]
          .sort()
          .filter((k) => toHex(before.get(k)?.[1] ?? new Uint8Array()) !== toHex(m.get(k)?.[1] ?? new Uint8Array()) || before.has(k) !== m.has(k))
          .map((k) => [k, before.get(k)?.[1], m.get(k)?.[1]].map((x) => (x instanceof Uint8Array ? toHex(x) : x)));
        const show = (c: ReadonlyArray<TrieChange>) => c.map((x) => [toHex(x.key), x.before && toHex(x.before), x.after && toHex(x.after)]);
        expect(show(trieDiff(t0, t))).toEqual(changes);
        expect(show(trieDiff(t0, trieFromEntries(expected)))).toEqual(changes);
      }),
      { numRuns: 300 },
    );
  });
});

describe('state keys (eq. D.1-D.2)', () => {
  const service = fc.nat({ max: 0xffffffff });
  it('each constructed key reads back to its component and service (1000 cases)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 16 }), service, fc.uint8Array({ maxLength: 80 }), fc.nat({ max: 0xffffffff }), (i, s, blob, l) => {
        expect(stateKeyComponent(stateKeyOfComponent(i))).toMatchObject({ kind: 'component', index: i });
        expect(stateKeyComponent(stateKeyOfService(255, s))).toEqual({ kind: 'account', service: s });
        expect(stateKeyComponent(preimageKey(s, blake2b256(blob)), blob)).toEqual({ kind: 'preimage', service: s });
        expect(stateKeyComponent(storageKey(s, blob), blob)).toEqual({ kind: 'storage-or-request', service: s });
        expect(stateKeyComponent(requestKey(s, blake2b256(blob), l))).toEqual({ kind: 'storage-or-request', service: s });
      }),
      { numRuns: 1000 },
    );
  });

  it('a present preimage makes its request key read as a request (300 cases)', () => {
    fc.assert(
      fc.property(service, fc.uint8Array({ maxLength: 80 }), fc.uint8Array({ minLength: 31, maxLength: 31 }), (s, p, other) => {
        const h = blake2b256(p);
        const component = stateKeyClassifier([[preimageKey(s, h), p]]);
        expect(component(requestKey(s, h, p.length))).toEqual({ kind: 'request', service: s });
        expect(component(requestKey(s, h, p.length + 1)).kind).toBe('storage-or-request');
        expect(component(other)).toEqual(stateKeyComponent(other));
      }),
      { numRuns: 300 },
    );
  });
});

const $node = ascii('node');
const $leaf = ascii('leaf');
const items = (max: number) => fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { minLength: 1, maxLength: max });

describe('general Merklization (Appendix E)', () => {
  it('E.1-E.2: item i with its trace T(v, i) rebuilds N(v) (500 cases)', () => {
    /** Folds the trace back up, splitting as N does: the first half has ceil(n/2) items. */
    const rebuild = (n: number, i: number, item: Uint8Array, trace: ReadonlyArray<Uint8Array>): Uint8Array => {
      if (n === 1) return item;
      const c = Math.ceil(n / 2);
      const [sibling, ...rest] = trace;
      return i < c
        ? blake2b256(concatBytes($node, rebuild(c, i, item, rest), sibling!))
        : blake2b256(concatBytes($node, sibling!, rebuild(n - c, i - c, item, rest)));
    };
    fc.assert(
      fc.property(items(40).chain((v) => fc.tuple(fc.constant(v), fc.nat({ max: v.length - 1 }))), ([v, i]) => {
        expect(toHex(rebuild(v.length, i, v[i]!, merkleTrace(v, i)))).toBe(toHex(merkleNode(v)));
      }),
      { numRuns: 500 },
    );
  });

  it('E.4-E.6: page i of L_x with its justification J_x rebuilds the constant-depth root (500 cases)', () => {
    const pow2 = (n: number): number => 2 ** Math.ceil(Math.log2(Math.max(1, n)));
    fc.assert(
      fc.property(
        fc.array(fc.uint8Array({ maxLength: 40 }), { maxLength: 40 }).chain((v) => {
          const depth = Math.log2(pow2(v.length));
          return fc.nat({ max: depth }).chain((x) => fc.tuple(fc.constant(v), fc.constant(x), fc.nat({ max: pow2(v.length) / 2 ** x - 1 })));
        }),
        ([v, x, i]) => {
          const page: Uint8Array[] = [...merkleLeafPage(x, v, i)];
          expect(page.map(toHex)).toEqual(v.slice(2 ** x * i, 2 ** x * (i + 1)).map((l) => toHex(blake2b256(concatBytes($leaf, l)))));
          while (page.length < 2 ** x) page.push(zeroHash);
          let node = merkleNode(page);
          const path = merkleJustifyPage(x, v, i);
          for (let level = 0; level < path.length; level++) {
            const sibling = path[path.length - 1 - level]!;
            node = ((i >> level) & 1) === 0 ? blake2b256(concatBytes($node, node, sibling)) : blake2b256(concatBytes($node, sibling, node));
          }
          expect(toHex(node)).toBe(toHex(merkleConstantDepth(v)));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('E.8-E.10: after n appends the peaks are the set bits of n, each the hash tree of its leaves; their encoding (200 cases)', () => {
    const tree = (leaves: ReadonlyArray<Hash>): Hash =>
      leaves.length === 1 ? leaves[0]! : blake2b256(concatBytes(tree(leaves.slice(0, leaves.length / 2)), tree(leaves.slice(leaves.length / 2))));
    fc.assert(
      fc.property(fc.array(fc.uint8Array({ minLength: 32, maxLength: 32 }), { maxLength: 70 }), (leaves) => {
        let mmr: Mmr = [];
        for (const l of leaves) mmr = mmrAppend(mmr, l);
        const n = leaves.length;
        // The highest peak covers the earliest leaves.
        let start = 0;
        for (let j = mmr.length - 1; j >= 0; j--) {
          const peak = mmr[j];
          expect(peak !== undefined).toBe(((n >> j) & 1) === 1);
          if (peak === undefined) continue;
          expect(toHex(peak)).toBe(toHex(tree(leaves.slice(start, start + 2 ** j))));
          start += 2 ** j;
        }
        expect(mmr.length).toBe(n === 0 ? 0 : Math.floor(Math.log2(n)) + 1);
        const peaks = mmr.filter((p): p is Hash => p !== undefined);
        if (peaks.length <= 1) expect(toHex(mmrSuperPeak(mmr))).toBe(toHex(peaks[0] ?? zeroHash));
        // E.9: a length prefix (one octet below 128 peaks), then 0 for an empty peak or 1 and the peak.
        const expected = concatBytes(Uint8Array.of(mmr.length), ...mmr.map((p) => (p === undefined ? Uint8Array.of(0) : concatBytes(Uint8Array.of(1), p))));
        expect(toHex(mmrEncode(mmr))).toBe(toHex(expected));
      }),
      { numRuns: 200 },
    );
  });
});
