/**
 * State serialization T(sigma) (eq. D.2) both ways.
 *
 * Recorded states: each genesis and each step's pre_state and post_state of the block-import
 * traces, and each fuzzer session's Initialize state, are deserialized into a State and serialized
 * again: exactly the recorded key-value set and the recorded state root (eq. D.3). A failure lists
 * the differing keys by component.
 *
 * Arbitrary states (tiny, arbitraries of codec.arbitraries.ts): serialize -> deserialize gives the
 * same state and serializes again to the same key-values; the dictionary rows sit exactly at the
 * keys C(s, E_4(2^32-1) ++ k), C(s, E_4(2^32-2) ++ h), C(s, E_4(l) ++ h) of state-key.ts, with the
 * values the paper gives; and key-value sets that are no T(sigma) (a component missing, an entry
 * without its account, a trailing octet, a key of other length) are rejected, naming the key.
 */
import { basename, join } from 'node:path';
import { existsSync, readdirSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { blake2b256 } from '../model/crypto/index.js';
import { bytesCompare, bytesEqual, concatBytes, fromHex, toHex, type Hash } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import { encode } from '../spec/codec.js';
import { requestTimeslots } from '../spec/codecs.js';
import type { ServiceAccount, ServiceId, ServiceInfo, State } from '../spec/types.js';
import fc from 'fast-check';
import { diffValues, listFiles, readJson, vectorsDir } from '../chain/index.js';
import {
  blob,
  disputesRecords,
  hash,
  recentHistory,
  seq,
  serviceInfo,
  specArbitraries,
  u32,
} from './codec.arbitraries.js';
import {
  accountEntries,
  deserializeState,
  serializeState,
  withPreimage,
  withRequest,
  withStorage,
  type StateEntry,
} from '../model/merklization/serialize.js';
import {
  describeStateKey,
  preimageKey,
  requestKey,
  stateKeyOfComponent,
  stateKeyOfService,
  storageKey,
  type StateKey,
} from '../model/merklization/state-key.js';
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
        expect(answer, 'the state root answered to Initialize').toBeDefined();
        roundTrip(keyvalsOf(init?.state, 'initialize.state'), answer);
      });
    }
  }
});

// ---------------------------------------------------------------------------------------------
// Arbitrary states

const spec = tiny;
const A = specArbitraries(spec);

/** An account's dictionaries under their raw keys, as eq. 9.3 keys them. */
interface RawDictionaries {
  readonly storage: ReadonlyArray<readonly [Uint8Array, Uint8Array]>;
  readonly preimages: ReadonlyArray<Uint8Array>;
  readonly requests: ReadonlyArray<readonly [Hash, number, ReadonlyArray<number>]>;
}
const rawDictionaries: fc.Arbitrary<RawDictionaries> = fc.record({
  storage: fc.uniqueArray(fc.tuple(blob, blob), { maxLength: 4, selector: ([k]) => toHex(k) }),
  preimages: fc.uniqueArray(fc.uint8Array({ maxLength: 40 }), { maxLength: 3, selector: toHex }),
  requests: fc.uniqueArray(fc.tuple(hash.map((h) => h as Hash), u32, seq(u32)), {
    maxLength: 3,
    selector: ([h, l]) => `${toHex(h)}:${l}`,
  }),
});

/** The account of service s built from raw dictionaries with the writers of serialize.ts. */
const buildAccount = (d: RawDictionaries, info: ServiceInfo): ServiceAccount => {
  let a: ServiceAccount = { ...info, storage: new Map(), preimages: new Map(), requests: new Map(), opaque: new Map() };
  for (const [k, v] of d.storage) a = withStorage(a, k, v);
  for (const p of d.preimages) a = withPreimage(a, blake2b256(p), p);
  for (const [h, l, t] of d.requests) a = withRequest(a, h, l, t);
  return a;
};

const accounts = fc.uniqueArray(fc.tuple(u32, serviceInfo, rawDictionaries), { maxLength: 3, selector: ([s]) => s });

const state: fc.Arbitrary<{ readonly state: State; readonly raw: ReadonlyArray<readonly [ServiceId, RawDictionaries]> }> = fc
  .record({
    alpha: A.alpha,
    phi: A.phi,
    beta: recentHistory,
    gamma: A.gamma,
    psi: disputesRecords,
    eta: A.entropy,
    iota: A.validatorKeys,
    kappa: A.validatorKeys,
    lambda: A.validatorKeys,
    rho: A.rho,
    tau: u32,
    chi: A.privileges,
    pi: A.statistics,
    omega: A.omega,
    xi: A.xi,
    theta: seq(fc.record({ serviceIndex: u32, hash })),
    accounts,
  })
  .map(({ accounts: as, ...components }) => ({
    state: {
      ...(components as unknown as Omit<State, 'delta'>),
      delta: new Map(as.map(([s, info, d]) => [s, buildAccount(d, info)])),
    },
    raw: as.map(([s, , d]) => [s, d] as const),
  }));

/** 0x-hex key -> value of a key-value set. */
const asMap = (kv: ReadonlyArray<StateEntry>): ReadonlyMap<string, Uint8Array> => new Map(kv.map(([k, v]) => [toHex(k), v]));

/**
 * The state as T sees it: each account's info and its rows by entry key (a state read back from
 * key-values holds opaque entries where the original held a_s, a_p and a_l).
 */
const asRows = (sigma: State) => ({
  ...sigma,
  delta: new Map(
    [...sigma.delta].map(([s, { storage: _s, preimages: _p, requests: _l, opaque: _o, ...info }]) => [s, { ...info, rows: accountEntries(sigma.delta.get(s)!) }] as const),
  ),
});

describe('T(sigma) on arbitrary states (tiny)', () => {
  it('serialize, deserialize: the same state, the same key-values, in key order (200 cases)', () => {
    fc.assert(
      fc.property(state, ({ state: sigma }) => {
        const kv = serializeState(spec)(sigma);
        for (let i = 1; i < kv.length; i++) expect(bytesCompare(kv[i - 1]![0], kv[i]![0])).toBeLessThan(0);
        const back = deserializeState(spec)(kv);
        if (E.isLeft(back)) throw new Error(`deserialize: ${back.left.reason} (key ${back.left.key ?? '-'})`);
        expect(diffValues(asRows(sigma), asRows(back.right))).toEqual([]);
        expect(differences(kv, serializeState(spec)(back.right))).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('the rows of a_s, a_p, a_l sit at the keys of eq. D.2 with the values of eq. D.2, and nothing else is there (200 cases)', () => {
    fc.assert(
      fc.property(state, ({ state: sigma, raw }) => {
        const kv = asMap(serializeState(spec)(sigma));
        const expected = new Map<string, Uint8Array>();
        for (const [s, d] of raw) {
          expected.set(toHex(stateKeyOfService(255, s)), kv.get(toHex(stateKeyOfService(255, s)))!);
          for (const [k, v] of d.storage) expected.set(toHex(storageKey(s, k)), v);
          for (const p of d.preimages) expected.set(toHex(preimageKey(s, blake2b256(p))), p);
          for (const [h, l, t] of d.requests) expected.set(toHex(requestKey(s, h, l)), encode(requestTimeslots, t));
        }
        for (let i = 1; i <= 16; i++) expected.set(toHex(stateKeyOfComponent(i)), kv.get(toHex(stateKeyOfComponent(i)))!);
        expect(diffValues(expected, kv)).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects key-values that are no T(sigma), naming the key (100 cases each)', () => {
    fc.assert(
      fc.property(state, fc.nat(), ({ state: sigma }, pick) => {
        const kv = serializeState(spec)(sigma);
        const reject = (bad: ReadonlyArray<StateEntry>, key: string | undefined, reason: RegExp): void => {
          const r = deserializeState(spec)(bad);
          expect(E.isLeft(r)).toBe(true);
          if (E.isLeft(r)) {
            expect(r.left.key).toBe(key);
            expect(r.left.reason).toMatch(reason);
          }
        };
        // A component row missing.
        const i = 1 + (pick % 16);
        const ci = stateKeyOfComponent(i);
        reject(kv.filter(([k]) => !bytesEqual(k, ci)), toHex(ci), /is missing/);
        // A trailing octet after a component's encoding.
        reject(
          kv.map(([k, v]): StateEntry => [k, bytesEqual(k, ci) ? concatBytes(v, new Uint8Array(1)) : v]),
          toHex(ci),
          new RegExp(`C\\(${i}\\)`),
        );
        // A key of 30 octets.
        reject([...kv, [ci.subarray(0, 30) as StateKey, new Uint8Array(0)]], toHex(ci.subarray(0, 30)), /31 octets/);
        // Entries whose account is missing.
        const withEntries = [...sigma.delta].filter(([, a]) => accountEntries(a).size > 0);
        if (withEntries.length > 0) {
          const [s] = withEntries[pick % withEntries.length]!;
          const account = stateKeyOfService(255, s);
          const r = deserializeState(spec)(kv.filter(([k]) => !bytesEqual(k, account)));
          expect(E.isLeft(r) && r.left.reason.includes(`no account C(255, ${s})`)).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
