/**
 * Block import time per trace folder: each folder's steps imported as a chain (the first from
 * its recorded pre_state, each next one from the model's own posterior), timing `importBlock`
 * per block (mean, median, p90, max). Only the blocks that import and match their recorded
 * root are counted (a block that needs what is not plugged in, e.g. accumulation, is listed as
 * skipped). The peer, measured in the same run on the same posterior states: the state root
 * computed the way a non-persistent importer would, serializing the whole posterior state and
 * building its trie afresh (T(sigma') then eq. D.5), against the incremental trie update the
 * import does.
 *
 *   npm run build && JAM_VECTORS=... node dist/bench/import/index.js [folder ...]
 */
import { basename } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { importBlock, importStateFromKeyvals, stateRoot, updateTrie, type ImportState } from '../../model/block-import/index.js';
import { serializeState } from '../../model/merklization/serialize.js';
import { merklizeState, trieRoot } from '../../model/merklization/trie.js';
import { embeddedRingSrs } from '../../model/crypto/bandersnatch.js';
import { loadTraceStep, traceAccumulate, traceFolders, traceSteps } from '../../vectors/classes/traces.js';
import { stats } from '../timing.js';

const fmt = (x: number): string => x.toFixed(2).padStart(8);

const main = (): void => {
  const wanted = process.argv.slice(2);
  const folders = traceFolders().filter((f) => wanted.length === 0 || wanted.includes(basename(f)));
  const importer = importBlock(tiny, { srs: embeddedRingSrs(), accumulate: traceAccumulate });
  // Warm-up, untimed: the first import loads the native addon and compiles the hot paths.
  const first = loadTraceStep(tiny, traceSteps(folders[0] ?? traceFolders()[0]!)[0]!);
  if (E.isRight(first)) {
    const s = importStateFromKeyvals(tiny, first.right.pre.keyvals);
    if (E.isRight(s)) importer(s.right, first.right.block);
  }
  console.log('block import per block, ms (tiny); root: incremental trie update vs whole-state rebuild (peer)');
  console.log(`${'folder'.padEnd(16)} ${'blocks'.padStart(6)} ${'skipped'.padStart(7)} ${'mean'.padStart(8)} ${'median'.padStart(8)} ${'p90'.padStart(8)} ${'max'.padStart(8)}   ${'root incr'.padStart(9)} ${'rebuild'.padStart(8)} ${'ratio'.padStart(6)}`);
  for (const folder of folders) {
    const times: number[] = [];
    const incremental: number[] = [];
    const rebuild: number[] = [];
    let skippedBlocks = 0;
    let state: ImportState | undefined;
    for (const file of traceSteps(folder)) {
      const step = loadTraceStep(tiny, file);
      if (E.isLeft(step)) throw new Error(step.left);
      const { pre, block, post } = step.right;
      if (state === undefined || !bytesEqual(stateRoot(state), pre.root)) {
        const loaded = importStateFromKeyvals(tiny, pre.keyvals);
        if (E.isLeft(loaded)) throw new Error(`${file}: ${loaded.left.reason}`);
        state = loaded.right;
      }
      const prior = state;
      const t0 = performance.now();
      let out;
      try {
        out = importer(prior, block);
      } catch {
        out = undefined;
      }
      const ms = performance.now() - t0;
      if (out === undefined || E.isLeft(out) || !bytesEqual(out.right.root, post.root)) {
        skippedBlocks++;
        state = undefined;
        continue;
      }
      times.push(ms);
      const posterior = out.right.state;
      const t1 = performance.now();
      const incr = trieRoot(updateTrie(tiny)(prior, posterior).trie);
      const t2 = performance.now();
      const whole = merklizeState(serializeState(tiny)(posterior));
      const t3 = performance.now();
      if (!bytesEqual(incr, whole)) throw new Error(`${file}: incremental and rebuilt roots differ`);
      incremental.push(t2 - t1);
      rebuild.push(t3 - t2);
      state = out.right;
    }
    const s = stats(times);
    const inc = stats(incremental).mean;
    const reb = stats(rebuild).mean;
    console.log(
      `${basename(folder).padEnd(16)} ${String(s.n).padStart(6)} ${String(skippedBlocks).padStart(7)} ${fmt(s.mean)} ${fmt(s.median)} ${fmt(s.p90)} ${fmt(s.max)}   ${fmt(inc).padStart(9)} ${fmt(reb)} ${(reb / inc).toFixed(1).padStart(5)}x`,
    );
  }
};

main();
