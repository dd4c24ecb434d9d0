/**
 * Class `trie`: `trie/trie.json`, 11 dictionaries and their roots. The file is stale: it was made
 * before Gray Paper 0.4.0 reversed the bit order of the trie (bits(k) most significant first,
 * notation.tex, "Boolean values") and shortened state keys to 31 octets. Its keys have 32 octets, of
 * which a leaf holds the first 31.
 *
 * Each case runs the 0.7.2 trie (eq. D.3-D.6) over the keys cut to 31 octets. When that root
 * differs from the file's, the case is skipped only if the difference is verified to be exactly
 * that encoding change: the root under the earlier encoding (least significant bit first for the
 * key path and the node heads, so a branch clears bit 0 of the left hash, an embedded-value leaf
 * heads with 1 | |v| << 2, a regular leaf with 3) must then equal the file's. Otherwise it fails.
 */
import { join } from 'node:path';
import { bytesCompare, bytesEqual, fromHex, toHex, type Hash } from '../../spec/bytes.js';
import { blake2b256, zeroHash } from '../../model/crypto/index.js';
import { merklize } from '../../model/merklization/index.js';
import { readJson, vectorsDir } from '../../chain/index.js';
import { failed, passed, skipped, type CaseResult, type VectorCase, type VectorClass } from '../report.js';

type Entries = ReadonlyArray<readonly [Uint8Array, Uint8Array]>;

/** The root under the pre-0.4.0 node encoding: only to verify why a stale case differs. */
const earlierEncodingRoot = (d: Entries, depth: number): Hash => {
  if (d.length === 0) return zeroHash;
  const node = new Uint8Array(64);
  if (d.length === 1) {
    const [k, v] = d[0]!;
    node.set(k.subarray(0, 31), 1);
    node[0] = v.length <= 32 ? 1 | (v.length << 2) : 3;
    node.set(v.length <= 32 ? v : blake2b256(v), 32);
    return blake2b256(node);
  }
  const bit = (k: Uint8Array): number => (k[depth >> 3]! >> (depth & 7)) & 1;
  const l = earlierEncodingRoot(d.filter(([k]) => bit(k) === 0), depth + 1);
  const r = earlierEncodingRoot(d.filter(([k]) => bit(k) === 1), depth + 1);
  node.set(l, 0);
  node[0] = l[0]! & 0xfe;
  node.set(r, 32);
  return blake2b256(node);
};

const runCase = (input: Record<string, string>, output: string) => (): CaseResult => {
  const expected = fromHex(output);
  if (expected?.length !== 32) return failed(`output is not 32 octets of hex: ${output}`);
  const entries: Array<readonly [Uint8Array, Uint8Array]> = [];
  for (const [k, v] of Object.entries(input)) {
    const key = fromHex(k);
    const value = fromHex(v);
    if (key === undefined || key.length < 31 || value === undefined) return failed(`input entry ${k}: not hex, or key under 31 octets`);
    entries.push([key, value]);
  }
  entries.sort((a, b) => bytesCompare(a[0], b[0]));
  const got = merklize(entries.map(([k, v]) => [k.subarray(0, 31), v] as const));
  if (bytesEqual(got, expected)) return passed;
  const earlier = earlierEncodingRoot(entries, 0);
  if (bytesEqual(earlier, expected))
    return skipped(
      'stale vector: its root is that of the pre-0.4.0 least-significant-first node encoding (verified case by case); ' +
        '0.7.2 eq. D.3-D.4 encode nodes with bits(k) most significant first (notation.tex, "Boolean values")',
    );
  return failed(
    `root of ${entries.length} entries: expected ${toHex(expected)}, got ${toHex(got)} ` +
      `(the pre-0.4.0 encoding gives ${toHex(earlier)}, so the difference is not only that encoding change)`,
  );
};

export const trieClass: VectorClass = {
  name: 'trie',
  description: 'state trie roots of trie/trie.json (stale: pre-0.4.0 node encoding)',
  configs: ['none'],
  cases: (): ReadonlyArray<VectorCase> => {
    const all = readJson(join(vectorsDir('trie'), 'trie.json'));
    if (!Array.isArray(all)) throw new Error('trie.json: not an array');
    return all.map((c: unknown, i): VectorCase => {
      const o = c as { input?: unknown; output?: unknown } | null;
      const input = o?.input;
      const output = o?.output;
      const ok = typeof input === 'object' && input !== null && typeof output === 'string';
      return {
        name: ok ? `${i}: ${Object.keys(input).length} entries` : `${i}`,
        run: ok
          ? runCase(input as Record<string, string>, output)
          : () => failed(`case ${i} lacks input (an object) or output (a string)`),
      };
    });
  },
};
