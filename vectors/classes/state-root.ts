/**
 * Class `state-root` (tiny): the trie root (eq. D.5-D.6) of every key-value set recorded in the
 * block-import traces equals the recorded state root. One case per genesis (its state) and one per
 * step file (its pre_state, then its post_state). The post-state trie is made by updating the
 * pre-state trie with the step's changes, so the persistent update path is checked on real states.
 */
import { basename, join } from 'node:path';
import { readdirSync } from 'node:fs';
import { bytesEqual, fromHex, toHex } from '../../spec/bytes.js';
import {
  describeComponent,
  merklize,
  stateKeyClassifier,
  trieDelete,
  trieDiff,
  trieEntries,
  trieFromEntries,
  trieGet,
  trieRoot,
  trieSet,
  type StateKey,
  type StateTrie,
} from '../../model/merklization/index.js';
import { listFiles, readJson, vectorsDir } from '../../chain/index.js';
import { failed, passed, type CaseResult, type VectorCase, type VectorClass } from '../report.js';

interface RecordedState {
  readonly root: Uint8Array;
  readonly keyvals: ReadonlyArray<readonly [StateKey, Uint8Array]>;
}

/** Reads `{ state_root, keyvals: [{ key, value }] }`; throws saying which field is malformed. */
const readState = (x: unknown, where: string): RecordedState => {
  const o = x as { state_root?: unknown; keyvals?: unknown } | null;
  if (typeof o !== 'object' || o === null) throw new Error(`${where}: not an object`);
  const root = typeof o.state_root === 'string' ? fromHex(o.state_root) : undefined;
  if (root?.length !== 32) throw new Error(`${where}.state_root: not 32 octets of hex`);
  if (!Array.isArray(o.keyvals)) throw new Error(`${where}.keyvals: not an array`);
  const keyvals = o.keyvals.map((kv: unknown, i): readonly [StateKey, Uint8Array] => {
    const e = kv as { key?: unknown; value?: unknown } | null;
    const key = typeof e?.key === 'string' ? fromHex(e.key) : undefined;
    const value = typeof e?.value === 'string' ? fromHex(e.value) : undefined;
    if (key?.length !== 31 || value === undefined) throw new Error(`${where}.keyvals[${i}]: key must be 31 octets, value hex`);
    return [key, value];
  });
  return { root, keyvals };
};

/**
 * The mismatch report: both roots, the reference M over the recorded key-values, and, when a trie
 * built afresh from them does give the recorded root, the keys where `trie` differs from it.
 */
const compare = (what: string, trie: StateTrie, s: RecordedState): CaseResult | undefined => {
  const got = trieRoot(trie);
  if (bytesEqual(got, s.root)) return undefined;
  const fresh = trieFromEntries(s.keyvals);
  const lines = [
    `${what} state root: expected ${toHex(s.root)}, got ${toHex(got)}`,
    `reference M over the ${s.keyvals.length} recorded key-values: ${toHex(merklize(s.keyvals))}`,
  ];
  const component = stateKeyClassifier([...s.keyvals, ...trieEntries(trie)]);
  const describe = (k: StateKey, v: Uint8Array): string => describeComponent(component(k, v));
  if (bytesEqual(trieRoot(fresh), s.root))
    for (const c of trieDiff(trie, fresh))
      lines.push(
        `${toHex(c.key)} (${describe(c.key, (c.after ?? c.before)!)}): ` +
          `${c.before === undefined ? 'absent' : toHex(c.before)} here, ${c.after === undefined ? 'absent' : toHex(c.after)} recorded`,
      );
  else lines.push(`components: ${[...new Set(s.keyvals.map(([k, v]) => describe(k, v)))].join(', ')}`);
  return failed(lines.join('\n  '));
};

/** The pre-state trie updated to the post-state's key-values: deletions, then sets of changed values. */
const updateTo = (pre: StateTrie, preKeys: RecordedState, post: RecordedState): StateTrie => {
  let t = pre;
  const postKeys = new Set(post.keyvals.map(([k]) => toHex(k)));
  for (const [k] of preKeys.keyvals) if (!postKeys.has(toHex(k))) t = trieDelete(t, k);
  for (const [k, v] of post.keyvals) {
    const old = trieGet(t, k);
    if (old === undefined || !bytesEqual(old, v)) t = trieSet(t, k, v);
  }
  return t;
};

const runStep = (file: string) => (): CaseResult => {
  const step = readJson(file) as { pre_state?: unknown; post_state?: unknown } | null;
  const pre = readState(step?.pre_state, 'pre_state');
  const post = readState(step?.post_state, 'post_state');
  const preTrie = trieFromEntries(pre.keyvals);
  return compare('pre_state', preTrie, pre) ?? compare('post_state', updateTo(preTrie, pre, post), post) ?? passed;
};

const runGenesis = (file: string) => (): CaseResult => {
  const g = readJson(file) as { state?: unknown } | null;
  const s = readState(g?.state, 'state');
  return compare('genesis', trieFromEntries(s.keyvals), s) ?? passed;
};

export const stateRootClass: VectorClass = {
  name: 'state-root',
  description: 'state trie root of every recorded trace state (Appendix D, eq. D.5-D.6)',
  configs: ['tiny'],
  cases: (): ReadonlyArray<VectorCase> => {
    const root = vectorsDir('traces');
    const traces = readdirSync(root, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort();
    return traces.flatMap((trace) =>
      listFiles(join(root, trace), '.json').map((file) => {
        const stem = basename(file, '.json');
        return { name: `${trace}/${stem}`, run: stem === 'genesis' ? runGenesis(file) : runStep(file) };
      }),
    );
  },
};
