/**
 * Class `erasure` (configs tiny and full, engines ts and native): `erasure/{tiny,full}/ec-*.json`.
 * Each case gives a blob and its V chunks. The blob is zero-padded to a multiple of W_E and
 * coded as the paper codes the work-package bundle (C_{ceil(|b|/W_E)}(P_{W_E}(b)), 14.17); every
 * chunk must match. Then the padded blob must come back (H.5) from three sets of W_E / 2 chunks:
 * the last ones (as many recovery chunks as there are), every second one from the end, and the
 * data chunks with the first one swapped for the last chunk.
 */
import { basename } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, fromHex, toHex } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import {
  erasureCodeBlob,
  erasureEngines,
  erasureRecover,
  zeroPad,
  type ErasureEngine,
} from '../../model/erasure/index.js';
import { listFiles, readJson, vectorsDir } from '../../chain/index.js';
import { failed, passed, type CaseResult, type VectorCase, type VectorClass } from '../report.js';

const short = (b: Uint8Array): string => (b.length <= 16 ? toHex(b) : `${toHex(b.subarray(0, 16))}... (${b.length} octets)`);

/** The first octet at which two blobs differ, for a readable diff. */
const firstDifference = (a: Uint8Array, b: Uint8Array): number => {
  let i = 0;
  while (i < Math.min(a.length, b.length) && a[i] === b[i]) i++;
  return i;
};

const runCase = (spec: ChainSpec, engine: ErasureEngine, path: string) => (): CaseResult => {
  const c = readJson(path) as { data?: unknown; shards?: unknown };
  const data = typeof c.data === 'string' ? fromHex(c.data) : undefined;
  const shards = Array.isArray(c.shards) ? c.shards.map((s) => (typeof s === 'string' ? fromHex(s) : undefined)) : [];
  if (data === undefined || shards.some((s) => s === undefined)) return failed(`${path}: data or shards are not hex`);
  const expected = shards as ReadonlyArray<Uint8Array>;

  const diffs: string[] = [];
  const chunks = erasureCodeBlob(spec, engine)(data);
  if (chunks.length !== expected.length) diffs.push(`chunk count: expected ${expected.length}, got ${chunks.length}`);
  const wrong = expected.flatMap((s, i) => (chunks[i] !== undefined && bytesEqual(chunks[i]!, s) ? [] : [i]));
  if (wrong.length > 0)
    diffs.push(
      `${wrong.length} of ${expected.length} chunks differ (indices ${wrong.slice(0, 12).join(', ')}${wrong.length > 12 ? ', ...' : ''})`,
      ...wrong.slice(0, 3).map((i) => {
        const got = chunks[i] ?? new Uint8Array(0);
        return `  chunk ${i}: first difference at octet ${firstDifference(got, expected[i]!)}; expected ${short(expected[i]!)}, got ${short(got)}`;
      }),
    );

  const n = spec.Cecpiecesize / 2;
  const V = expected.length;
  const padded = zeroPad(spec.Cecpiecesize, data);
  const subsets: ReadonlyArray<readonly [string, ReadonlyArray<number>]> = [
    ['the last chunks', Array.from({ length: n }, (_, j) => V - 1 - j)],
    ['every second chunk from the end', Array.from({ length: n }, (_, j) => V - 1 - 2 * j)],
    ['data chunks 1.. and the last chunk', [...Array.from({ length: n - 1 }, (_, j) => j + 1), V - 1]],
  ];
  for (const [what, indices] of subsets) {
    const got = erasureRecover(spec, engine)(indices.map((i) => [expected[i]!, i] as const));
    if (E.isLeft(got)) diffs.push(`recover from ${what}: ${got.left}`);
    else if (!bytesEqual(got.right, padded))
      diffs.push(
        `recover from ${what}: first difference at octet ${firstDifference(got.right, padded)}; expected ${short(padded)}, got ${short(got.right)}`,
      );
  }
  return diffs.length === 0 ? passed : failed(diffs.join('\n'));
};

export const erasureClass: VectorClass = {
  name: 'erasure',
  description: 'Reed-Solomon erasure coding in GF(2^16), encode and recover (Appendix H)',
  configs: ['tiny', 'full'],
  engines: ['ts', 'native'],
  engineKind: 'erasure',
  cases: (config, engine, _engines, { spec }): ReadonlyArray<VectorCase> => {
    const e = erasureEngines[(engine ?? 'ts') as ErasureEngine['name']];
    return listFiles(vectorsDir('erasure', config), '.json')
      .slice()
      .sort((a, b) => Number(/ec-(\d+)/.exec(a)?.[1]) - Number(/ec-(\d+)/.exec(b)?.[1]))
      .map((f) => ({ name: basename(f, '.json'), run: runCase(spec, e, f) }));
  },
};
