/**
 * The `codec-state` class: the value codecs of the state components (spec/codecs.ts,
 * `stateComponents`) against the key-value pairs of the block traces. Each trace step holds the
 * serialized state (D.2) before and after a block; every component value C(1)..C(16) and every
 * service's info C(255, s) must decode completely and re-encode to the same octets.
 * The state keys used to pick the values are D.2's; their construction stays with Merklization.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { isLeft } from 'fp-ts/lib/Either.js';
import { bytesEqual } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { decode, encode, type Codec } from '../../spec/codec.js';
import { codecs, serviceInfo } from '../../spec/codecs.js';
import { traceStep, type KeyValue } from '../../spec/trace.js';
import type { State } from '../../spec/types.js';
import { vectorsDir } from '../../chain/index.js';
import { failed, passed, type CaseResult, type Config, type VectorClass } from '../report.js';

type Component = Exclude<keyof State, 'delta'>;

/** D.2: the chapter index of each state component's key C(i). */
const chapters: Readonly<Record<number, Component>> = {
  1: 'alpha',
  2: 'phi',
  3: 'beta',
  4: 'gamma',
  5: 'psi',
  6: 'eta',
  7: 'iota',
  8: 'kappa',
  9: 'lambda',
  10: 'rho',
  11: 'tau',
  12: 'chi',
  13: 'pi',
  14: 'omega',
  15: 'xi',
  16: 'theta',
};

/** The component a key names: C(i) is [i, 0, ...]; C(255, s) is [255, n0, 0, n1, 0, n2, 0, n3, 0, ...]. */
const componentOf = (key: Uint8Array): Component | 'serviceInfo' | undefined => {
  const zeroFrom = (i: number, skip: ReadonlyArray<number>) => {
    for (let j = i; j < key.length; j++) if (!skip.includes(j) && key[j] !== 0) return false;
    return true;
  };
  const i = key[0]!;
  if (i === 255 && zeroFrom(1, [1, 3, 5, 7])) return 'serviceInfo';
  return zeroFrom(1, []) ? chapters[i] : undefined;
};

const checkState = (label: string, keyvals: ReadonlyArray<KeyValue>): string[] => {
  const components = codecs(tiny).stateComponents as unknown as Record<Component, Codec<unknown>>;
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of keyvals) {
    const which = componentOf(key);
    if (which === undefined) continue;
    seen.add(which);
    const codec = which === 'serviceInfo' ? (serviceInfo as Codec<unknown>) : components[which];
    const v = decode(codec, value);
    if (isLeft(v)) problems.push(`${label} ${which}: ${v.left.toString()}`);
    else if (!bytesEqual(encode(codec, v.right), value)) problems.push(`${label} ${which}: re-encoding differs`);
  }
  const missing = Object.values(chapters).filter((c) => !seen.has(c));
  if (missing.length > 0) problems.push(`${label}: no value for ${missing.join(', ')}`);
  if (!seen.has('serviceInfo')) problems.push(`${label}: no service account`);
  return problems;
};

/** (pre_state, block, post_state): the block is the `codec` class's business; only the states are checked. */
const runStep = (path: string): CaseResult => {
  const step = decode(traceStep(tiny), new Uint8Array(readFileSync(path)));
  if (isLeft(step)) return failed(step.left.toString());
  const problems = [...checkState('pre_state', step.right.pre.keyvals), ...checkState('post_state', step.right.post.keyvals)];
  return problems.length === 0 ? passed : failed(problems.join('\n'));
};

export const codecStateClass: VectorClass = {
  name: 'codec-state',
  description: 'D.2 state component values of the block traces: decode completely and re-encode identically',
  configs: ['tiny'],
  cases: (config: Config) => {
    if (config !== 'tiny') return [];
    const root = vectorsDir('traces');
    return readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .flatMap((d) =>
        readdirSync(join(root, d.name))
          .filter((f) => /^\d+\.bin$/.test(f))
          .sort()
          .map((f) => ({ name: `${d.name}/${f.replace('.bin', '')}`, run: () => runStep(join(root, d.name, f)) })),
      );
  },
};
