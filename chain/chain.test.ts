/**
 * The chain value: which states it holds (head, parent, the head's siblings), the headers it
 * retains (5.3, the last L timeslots) and that it forgets them when it restarts at a state whose
 * ancestry nobody gave, so that 11.35 is skipped there. The bookkeeping is checked with a stand-in
 * importer that records what it is given; the skip itself with the model's importer on a trace.
 */
import { paperReadings } from '../spec/readings.js';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { bytesCompare, bytesEqual, toHex, type Hash } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import type { Block } from '../spec/types.js';
import {
  emptyChain,
  headOf,
  heldAt,
  importOnto,
  keyvalsOf,
  loadGenesis,
  loadTraceStep,
  nativeEngines,
  startAt,
  stateFromKeyvals,
  traceGenesisFile,
  traceSteps,
  useEngines,
  vectorsDir,
  type Ancestor,
  type Chain,
  type ImportState,
  type Importer,
} from './index.js';

const hashOf = (n: number): Hash => new Uint8Array(32).fill(n) as Hash;

/** A block that names only what the chain reads: its parent and timeslot; `n` names its hash. */
const block = (n: number, parent: number, timeslot: number): Block =>
  ({ header: { parent: hashOf(parent), timeslot, seal: hashOf(n) } }) as unknown as Block;

/** A stand-in importer: accepts every block, its header hash the block's `n`; records the ancestors it was given. */
const recording = (): { readonly importer: Importer; readonly given: Array<ReadonlyArray<Ancestor> | undefined> } => {
  const given: Array<ReadonlyArray<Ancestor> | undefined> = [];
  const importer: Importer = (prior, b, ancestors) => {
    given.push(ancestors);
    const seal = (b.header as unknown as { readonly seal: Hash }).seal;
    return E.right({ ...prior, root: hashOf(0), headerHash: seal });
  };
  return { importer, given };
};

const useStub = (importer: Importer): Chain => ({ spec: tiny, readings: paperReadings, importer, held: new Map(), head: undefined });

const anyState = (): ImportState => ({ state: undefined as never, trie: undefined });

const must = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

describe('chain value: held states', () => {
  it('keeps the head, its parent and the head\'s siblings; drops older states; an unheld parent is unknown', () => {
    let chain = startAt(useStub(recording().importer), hashOf(1), anyState(), undefined);
    chain = must(importOnto(chain, block(2, 1, 1)))[0];
    chain = must(importOnto(chain, block(3, 2, 2)))[0];
    expect([...chain.held.keys()].sort()).toEqual([toHex(hashOf(2)), toHex(hashOf(3))]);
    // A sibling of the head (a fork of depth one): parent, both children kept.
    chain = must(importOnto(chain, block(4, 2, 2)))[0];
    expect([...chain.held.keys()].sort()).toEqual([2, 3, 4].map((n) => toHex(hashOf(n))));
    expect(chain.head).toBe(toHex(hashOf(4)));
    // Extending 3: 2 is no longer the head's parent, 4 no longer its sibling.
    chain = must(importOnto(chain, block(5, 3, 3)))[0];
    expect([...chain.held.keys()].sort()).toEqual([3, 5].map((n) => toHex(hashOf(n))));
    expect(importOnto(chain, block(6, 1, 4))).toEqual(E.left({ kind: 'unknown-parent', parent: toHex(hashOf(1)) }));
    expect(importOnto(chain, block(6, 2, 4))).toEqual(E.left({ kind: 'unknown-parent', parent: toHex(hashOf(2)) }));
  });

  it('leaves the prior chain as it was', () => {
    const chain = startAt(useStub(recording().importer), hashOf(1), anyState(), []);
    const before = [...chain.held.keys()];
    must(importOnto(chain, block(2, 1, 1)));
    expect([...chain.held.keys()]).toEqual(before);
    expect(chain.head).toBe(toHex(hashOf(1)));
  });
});

describe('chain value: retained headers (5.3)', () => {
  const L = tiny.Cmaxlookupanchorage;

  it('retains the headers of the last L timeslots and passes them to the importer', () => {
    const { importer, given } = recording();
    let chain = startAt(useStub(importer), hashOf(1), anyState(), [{ timeslot: 0, headerHash: hashOf(1) }]);
    chain = must(importOnto(chain, block(2, 1, 1)))[0];
    chain = must(importOnto(chain, block(3, 2, L)))[0];
    expect(headOf(chain)!.ancestors!.map((a) => a.timeslot)).toEqual([0, 1, L]);
    chain = must(importOnto(chain, block(4, 3, L + 1)))[0];
    // Slot 0 is older than L before L + 1: pruned; 1 stays (1 + L >= L + 1).
    expect(headOf(chain)!.ancestors!.map((a) => a.timeslot)).toEqual([1, L, L + 1]);
    expect(headOf(chain)!.ancestors!.at(-1)!.headerHash).toEqual(hashOf(4));
    // Each block was imported with the headers retained up to its parent.
    expect(given.map((a) => a?.length)).toEqual([1, 2, 3]);
    // The parent's own retained headers are untouched by its child's import.
    expect(heldAt(chain, hashOf(3))!.ancestors!.map((a) => a.timeslot)).toEqual([0, 1, L]);
  });

  it('forgets them when it restarts at a state nobody gave the ancestry of, and stays without them', () => {
    const { importer, given } = recording();
    let chain = startAt(useStub(importer), hashOf(1), anyState(), [{ timeslot: 0, headerHash: hashOf(1) }]);
    chain = must(importOnto(chain, block(2, 1, 1)))[0];
    chain = startAt(chain, hashOf(7), anyState(), undefined);
    expect([...chain.held.keys()]).toEqual([toHex(hashOf(7))]);
    expect(headOf(chain)!.ancestors).toBeUndefined();
    chain = must(importOnto(chain, block(8, 7, 3)))[0];
    chain = must(importOnto(chain, block(9, 8, 4)))[0];
    expect(headOf(chain)!.ancestors).toBeUndefined();
    expect(given).toEqual([[{ timeslot: 0, headerHash: hashOf(1) }], undefined, undefined]);
  });
});

describe('chain value on a trace (model importer)', () => {
  it('checks 11.35 against the retained headers, and skips it when they are unknown', () => {
    expect(E.isRight(useEngines(nativeEngines))).toBe(true);
    const folder = vectorsDir('traces', 'storage');
    const genesis = must(loadGenesis(tiny, traceGenesisFile(folder)!));
    // Step 2 guarantees a report whose lookup anchor is the genesis header (slot 0).
    const [one, two] = traceSteps(folder).slice(0, 2).map((f) => must(loadTraceStep(tiny, f)));
    expect(two!.block.extrinsic.guarantees.length).toBeGreaterThan(0);
    const genesisState = must(stateFromKeyvals(tiny, genesis.state.keyvals));
    const fresh = emptyChain(tiny, nativeEngines);

    // From genesis with its header retained: both steps import and match.
    let chain = startAt(fresh, one!.block.header.parent, genesisState, [
      { timeslot: genesis.header.timeslot, headerHash: one!.block.header.parent },
    ]);
    for (const s of [one!, two!]) {
      const [next, imported] = must(importOnto(chain, s.block));
      expect(bytesEqual(imported.root, s.post.root)).toBe(true);
      chain = next;
    }

    // At step 2's recorded pre-state with headers known but without the anchor: rejected by 11.35.
    const pre = must(stateFromKeyvals(tiny, two!.pre.keyvals));
    const known = startAt(fresh, two!.block.header.parent, pre, []);
    expect(importOnto(known, two!.block)).toEqual(E.left({ kind: 'rejected', error: { stage: 'reports', error: 'lookup_anchor_not_recent' } }));

    // The same state with the headers unknown (a restart): 11.35 skipped, the block imports as recorded.
    const unknown = startAt(fresh, two!.block.header.parent, pre, undefined);
    const [, imported] = must(importOnto(unknown, two!.block));
    expect(bytesEqual(imported.root, two!.post.root)).toBe(true);
  });

  it('exports a state read from key-values as the same key-values, in key order', () => {
    const { keyvals } = must(loadTraceStep(tiny, traceSteps(vectorsDir('traces', 'fallback'))[0]!)).pre;
    const sorted = [...keyvals].sort(([a], [b]) => bytesCompare(a, b));
    expect(keyvalsOf(must(stateFromKeyvals(tiny, keyvals)))).toEqual(sorted);
  });
});
