/**
 * Class `shuffle`: `shuffle/shuffle_tests.json`. Each case gives a length n and a 32-octet
 * entropy; the input is [0, 1, ..., n-1] and the output its shuffle by hash (eq. F.3).
 */
import { join } from 'node:path';
import { toHex, fromHex } from '../../spec/bytes.js';
import { shuffleByHash } from '../../model/shuffle/index.js';
import { readJson, vectorsDir } from '../../chain/index.js';
import { failed, passed, type VectorCase, type VectorClass } from '../report.js';

interface ShuffleCase {
  readonly input: number;
  readonly entropy: string;
  readonly output: ReadonlyArray<number>;
}

const isShuffleCase = (x: unknown): x is ShuffleCase => {
  const c = x as Partial<ShuffleCase> | null;
  return (
    typeof c === 'object' && c !== null && Number.isInteger(c.input) && typeof c.entropy === 'string' &&
    Array.isArray(c.output) && c.output.every((n) => Number.isInteger(n))
  );
};

const runCase = (c: ShuffleCase) => () => {
  const entropy = fromHex(c.entropy);
  if (entropy === undefined || entropy.length !== 32) return failed(`entropy is not 32 octets of hex: ${c.entropy}`);
  const got = shuffleByHash(Array.from({ length: c.input }, (_, i) => i), entropy);
  const diffs: string[] = [];
  if (got.length !== c.output.length) diffs.push(`length: expected ${c.output.length}, got ${got.length}`);
  for (let i = 0; i < Math.max(got.length, c.output.length); i++)
    if (got[i] !== c.output[i]) diffs.push(`[${i}]: expected ${c.output[i]}, got ${got[i]}`);
  if (diffs.length === 0) return passed;
  return failed(`shuffle of 0..${c.input - 1} by ${toHex(entropy)}: ${diffs.length} positions differ\n  ${diffs.slice(0, 20).join('\n  ')}`);
};

export const shuffleClass: VectorClass = {
  name: 'shuffle',
  description: 'Fisher-Yates shuffle by hash (Appendix F, eq. F.1-F.3)',
  configs: ['none'],
  cases: (): ReadonlyArray<VectorCase> => {
    const all = readJson(join(vectorsDir('shuffle'), 'shuffle_tests.json'));
    if (!Array.isArray(all)) throw new Error('shuffle_tests.json: not an array');
    return all.map((c: unknown, i) => ({
      name: isShuffleCase(c) ? `${i}: length ${c.input}` : `${i}`,
      run: isShuffleCase(c) ? runCase(c) : () => failed(`case ${i} does not have the fields input, entropy, output`),
    }));
  },
};
