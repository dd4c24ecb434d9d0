/**
 * The profile breakdown of `npm run bench:import -- --profile`: which part a sample goes to
 * (the first part, in the order of `parts`, that a frame of its stack belongs to; nothing outside
 * `importForProfile`), on a profile made by hand; and, on a real profile of the storage trace's
 * first blocks, that the parts the README names are found where the model's code is.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import { emptyChain, importOnto, loadGenesis, loadTraceStep, nativeEngines, startAt, stateFromKeyvals, traceGenesisFile, traceSteps, useEngines, vectorsDir } from '../../chain/index.js';
import { headerHash } from '../../model/header/index.js';
import { breakdown, importForProfile, parts, profiling, type CpuProfile } from './profile.js';

const frame = (functionName: string, path: string) => ({ functionName, url: path === '' ? '' : `file:///x/dist${path}` });

/** A profile of the given tree (each node: frame and children) and samples (node ids). */
const profileOf = (tree: Record<number, readonly [ReturnType<typeof frame>, ReadonlyArray<number>]>, samples: ReadonlyArray<number>): CpuProfile => ({
  nodes: Object.entries(tree).map(([id, [callFrame, children]]) => ({ id: Number(id), callFrame, children })),
  samples,
  startTime: 0,
  endTime: samples.length,
});

const share = (b: ReturnType<typeof breakdown>, prefix: string): number => b.shares.find((s) => s.part.startsWith(prefix))!.share;

describe('breakdown', () => {
  it('gives each sample of the import to the first part its stack has, and counts nothing outside it', () => {
    const b = breakdown(
      profileOf(
        {
          1: [frame('(root)', ''), [2, 9, 10]],
          2: [frame('importForProfile', '/bench/import/profile.js'), [3, 7]],
          3: [frame('outerAccumulate', '/model/accumulation/index.js'), [4, 5]],
          4: [frame('run', '/model/pvm/native.js'), []],
          5: [frame('write', '/model/accumulation/host-calls/general.js'), [6]],
          6: [frame('readMemory', '/model/pvm/native.js'), []],
          7: [frame('trieRoot', '/model/merklization/trie.js'), [8]],
          8: [frame('', '/model/crypto/hash.js'), []],
          9: [frame('(garbage collector)', ''), []],
          10: [frame('loadSteps', '/bench/import/index.js'), []],
        },
        [4, 4, 6, 8, 9, 10, 3, 2],
      ),
    );
    expect(b.samples).toBe(6);
    expect(share(b, 'PVM: the native run')).toBeCloseTo(2 / 6);
    // A memory read inside a host call is the host call's; a hash inside the root is the root's.
    expect(share(b, 'accumulate host calls')).toBeCloseTo(1 / 6);
    expect(share(b, 'PVM: instances')).toBe(0);
    expect(share(b, 'state root')).toBeCloseTo(1 / 6);
    expect(share(b, 'accumulation, the rest')).toBeCloseTo(1 / 6);
    expect(share(b, 'the rest of the import')).toBeCloseTo(1 / 6);
    expect(b.garbage).toBeCloseTo(1 / 6);
    expect(b.shares.map((s) => s.part)).toEqual(parts.map((p) => p.name));
  });

  it('finds the PVM, the host calls, the trie and the signatures in a real profile of storage blocks', () => {
    const engines = useEngines(nativeEngines);
    expect(E.isRight(engines)).toBe(true);
    const dir = vectorsDir('traces', 'storage');
    const genesis = loadGenesis(tiny, traceGenesisFile(dir)!);
    if (E.isLeft(genesis)) throw new Error(genesis.left);
    const state = stateFromKeyvals(tiny, genesis.right.state.keyvals);
    if (E.isLeft(state)) throw new Error(state.left);
    const blocks = traceSteps(dir)
      .slice(0, 12)
      .map((f) => {
        const s = loadTraceStep(tiny, f);
        if (E.isLeft(s)) throw new Error(s.left);
        return s.right.block;
      });
    const profiler = profiling(100);
    for (let pass = 0; pass < 3; pass++) {
      let chain = startAt(emptyChain(tiny, nativeEngines), headerHash(tiny, genesis.right.header), state.right, undefined);
      for (const block of blocks) {
        const out = importForProfile(() => importOnto(chain, block));
        if (E.isLeft(out)) throw new Error(`block rejected: ${JSON.stringify(out.left)}`);
        chain = out.right[0];
      }
    }
    const b = breakdown(profiler.stop());
    expect(b.samples).toBeGreaterThan(100);
    for (const part of ['PVM: the native run', 'accumulate host calls', 'state trie update', 'state root', 'Bandersnatch']) expect(share(b, part), part).toBeGreaterThan(0);
    expect(b.shares.reduce((s, p) => s + p.share, 0)).toBeCloseTo(1);
    // Most of a storage block is the accumulation; "the rest" is what no part names.
    expect(share(b, 'the rest of the import')).toBeLessThan(0.3);
  });
});
