/**
 * T(sigma) (eq. D.2) both ways on every recorded state: each genesis and each step's pre_state and
 * post_state of the block-import traces, and each fuzzer session's Initialize state. Each is
 * deserialized into a State, serialized again, and must give exactly the recorded key-value set
 * and the recorded state root (eq. D.3). A failure lists the differing keys by component.
 */
import { basename, join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { bytesCompare, bytesEqual, fromHex, toHex } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import { listFiles, readJson, vectorsDir } from '../vectors/locate.js';
import { deserializeState, serializeState, type StateEntry } from '../model/merklization/serialize.js';
import { describeStateKey, type StateKey } from '../model/merklization/state-key.js';
import { merklizeState } from '../model/merklization/trie.js';

const keyvalsOf = (x: unknown, where: string): ReadonlyArray<StateEntry> => {
  if (!Array.isArray(x)) throw new Error(`${where}: not an array of key-values`);
  return x.map((kv: unknown, i): StateEntry => {
    const e = kv as { key?: unknown; value?: unknown } | null;
    const key = typeof e?.key === 'string' ? fromHex(e.key) : undefined;
    const value = typeof e?.value === 'string' ? fromHex(e.value) : undefined;
    if (key?.length !== 31 || value === undefined) throw new Error(`${where}[${i}]: key must be 31 octets, value hex`);
    return [key as StateKey, value];
  });
};

/** The keys where two key-value sets differ, each named by its component (empty if equal). */
const differences = (expected: ReadonlyArray<StateEntry>, got: ReadonlyArray<StateEntry>): ReadonlyArray<string> => {
  const want = new Map(expected.map(([k, v]) => [toHex(k), v]));
  const have = new Map(got.map(([k, v]) => [toHex(k), v]));
  const out: string[] = [];
  for (const [k, v] of want) {
    const w = have.get(k);
    const name = describeStateKey(fromHex(k) as StateKey, v);
    if (w === undefined) out.push(`${k} (${name}): missing`);
    else if (!bytesEqual(v, w)) out.push(`${k} (${name}): recorded ${toHex(v)}, serialized ${toHex(w)}`);
  }
  for (const [k, v] of have) if (!want.has(k)) out.push(`${k} (${describeStateKey(fromHex(k) as StateKey, v)}): not recorded`);
  if (got.length !== have.size) out.push(`${got.length - have.size} keys serialized twice`);
  return out;
};

/** Deserialize, serialize: the same key-values (in key order) and, if given, the recorded root. */
const roundTrip = (keyvals: ReadonlyArray<StateEntry>, root: Uint8Array | undefined): void => {
  const state = deserializeState(tiny)(keyvals);
  if (E.isLeft(state)) throw new Error(`deserialize: ${state.left.reason}${state.left.key === undefined ? '' : ` (key ${state.left.key})`}`);
  const again = serializeState(tiny)(state.right);
  expect(differences(keyvals, again)).toEqual([]);
  expect(again.map(([k]) => toHex(k))).toEqual([...keyvals].sort(([a], [b]) => bytesCompare(a, b)).map(([k]) => toHex(k)));
  if (root !== undefined) expect(toHex(merklizeState(again))).toBe(toHex(root));
};

const rootOf = (x: unknown): Uint8Array | undefined => {
  const r = (x as { state_root?: unknown } | null)?.state_root;
  return typeof r === 'string' ? fromHex(r) : undefined;
};

const tracesRoot = vectorsDir('traces');
const traces = readdirSync(tracesRoot, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

describe('T(sigma) round trip on the block-import traces (tiny)', () => {
  for (const trace of traces)
    describe(trace, () => {
      for (const file of listFiles(join(tracesRoot, trace), '.json')) {
        const stem = basename(file, '.json');
        it(stem, () => {
          const j = readJson(file) as Record<string, unknown>;
          const states = stem === 'genesis' ? ['state'] : ['pre_state', 'post_state'];
          for (const s of states) {
            const st = j[s] as { keyvals?: unknown } | undefined;
            const root = rootOf(st);
            expect(root, `${s}.state_root`).toBeDefined();
            roundTrip(keyvalsOf(st?.keyvals, `${s}.keyvals`), root);
          }
        });
      }
    });
});

const fuzzRoot = join(vectorsDir('fuzz-proto'), 'examples', '0.7.2');
const sessions = existsSync(fuzzRoot) ? readdirSync(fuzzRoot).sort() : [];

describe('T(sigma) round trip on the fuzzer sessions Initialize states (tiny)', () => {
  for (const session of sessions) {
    const files = listFiles(join(fuzzRoot, session), '.json');
    for (const [i, file] of files.entries()) {
      if (!file.endsWith('_fuzzer_initialize.json')) continue;
      it(`${session}/${basename(file, '.json')}`, () => {
        const init = (readJson(file) as { initialize?: { state?: unknown } }).initialize;
        // The target's answer, the next message, records the root of this state.
        const next = files[i + 1];
        const answer = next?.endsWith('_target_state_root.json') === true ? rootOf(readJson(next)) : undefined;
        roundTrip(keyvalsOf(init?.state, 'initialize.state'), answer);
      });
    }
  }
});
