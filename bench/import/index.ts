/**
 * Block import time per trace folder: each folder's steps imported as a chain (the first from
 * its recorded pre_state, each next one from the model's own posterior), timing `importBlock`
 * per block (mean, median, p90, max), over N passes pooled (`--reps`, default 3; the per-pass
 * means are printed too, the first pass being the coldest; each step file is read once). Only
 * the blocks that import and match their recorded root are counted (a block that needs what is not plugged in, e.g. accumulation, is listed as
 * skipped). The peer, measured in the same run on the same posterior states: the state root
 * computed the way a non-persistent importer would, serializing the whole posterior state and
 * building its trie afresh (T(sigma') then eq. D.5), against the incremental trie update the
 * import does. With `--profile DIR`, where each folder's time goes (`profile.ts`), and its CPU
 * profile written to DIR (outside the project).
 *
 *   npm run build && JAM_VECTORS=... node dist/bench/import/index.js [--reps N] [--engine E] [--json] [--profile DIR] [folder ...]
 */
import { statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import type { TraceStep } from '../../spec/trace.js';
import { updateTrie } from '../../model/block-import/index.js';
import { serializeState } from '../../model/merklization/serialize.js';
import { merklizeState, trieRoot } from '../../model/merklization/trie.js';
import {
  engineSyntax,
  enginesOf,
  importerOf,
  loadTraceStep,
  parseEngineChoice,
  stateFromKeyvals,
  stateRoot,
  traceFolders,
  traceSteps,
  useEngines,
  type Engines,
  type ImportState,
  type Importer,
} from '../../chain/index.js';
import { stats } from '../timing.js';
import { importForProfile, profiled } from './profile.js';

const fmt = (x: number): string => x.toFixed(2).padStart(8);

/** The profiler's sampling interval under --profile, microseconds. */
const sampleUs = 200;

/** The project's root (dist/bench/import/ is three levels down). */
const projectRoot = resolve(fileURLToPath(new URL('../../..', import.meta.url)));

const usage = `usage: node dist/bench/import/index.js [--reps N] [--engine E] [--json] [--profile DIR] [folder ...]

Per-block import time of each trace folder (tiny), imported as a chain, N passes (default 3)
pooled; then the state root of each posterior, incremental trie update vs whole-state rebuild.
--engine chooses the engines (${engineSyntax}; native by default).
--json prints one line per folder.
--profile DIR  profile the passes (V8's sampler, one sample per ${sampleUs} us: the times then
               include its cost), print each folder's time by part of the import (PVM, host
               calls, signatures, trie, ...), and write DIR/FOLDER.cpuprofile (Chrome's or
               VS Code's viewer opens it). DIR must exist, outside the project.`;

interface Options {
  readonly reps: number;
  readonly json: boolean;
  readonly engines: Engines;
  readonly folders: ReadonlyArray<string>;
  /** Where to write the CPU profiles, under --profile. */
  readonly profile: string | undefined;
}

/** Why DIR cannot take the profiles, or undefined when it can. */
const unfitForProfiles = (dir: string): string | undefined => {
  try {
    if (!statSync(dir).isDirectory()) return `${dir} is not a folder`;
  } catch {
    return `${dir} does not exist`;
  }
  const path = relative(projectRoot, resolve(dir));
  if (path.split(sep)[0] !== '..' && !isAbsolute(path)) return `${dir} is inside the project (${projectRoot}): profiles stay out of the repository`;
  return undefined;
};

const parseArgs = (args: ReadonlyArray<string>): Options | string => {
  let reps = 3;
  let json = false;
  let profile: string | undefined;
  let engines: Partial<Engines> = {};
  const folders: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--help' || a === '-h') return usage;
    else if (a === '--json') json = true;
    else if (a === '--profile') {
      profile = args[++i];
      if (profile === undefined) return `--profile: expected a folder\n${usage}`;
      const unfit = unfitForProfiles(profile);
      if (unfit !== undefined) return `--profile: ${unfit}`;
    }
    else if (a === '--reps') {
      reps = Number(args[++i]);
      if (!Number.isInteger(reps) || reps < 1) return `--reps: expected a positive integer, got ${args[i] ?? 'nothing'}\n${usage}`;
    } else if (a === '--engine') {
      const choice = parseEngineChoice(args[++i] ?? '');
      if (E.isLeft(choice)) return choice.left;
      engines = choice.right;
    } else if (a.startsWith('-')) return `unknown option ${a}\n${usage}`;
    else folders.push(a);
  }
  return { reps, json, engines: enginesOf(engines), folders, profile };
};

/** A folder's steps, read and decoded once for all passes. */
const loadSteps = (folder: string): ReadonlyArray<{ readonly file: string; readonly step: TraceStep }> =>
  traceSteps(folder).map((file) => {
    const step = loadTraceStep(tiny, file);
    if (E.isLeft(step)) throw new Error(step.left);
    return { file, step: step.right };
  });

/** One pass over a folder's chain: the time of each block that imports and matches its root. */
const pass = (
  importer: Importer,
  steps: ReturnType<typeof loadSteps>,
): { times: number[]; skipped: number; pairs: Array<readonly [ImportState, ImportState]> } => {
  const times: number[] = [];
  const pairs: Array<readonly [ImportState, ImportState]> = [];
  let skipped = 0;
  let state: ImportState | undefined;
  for (const { file, step } of steps) {
    const { pre, block, post } = step;
    if (state === undefined || !bytesEqual(stateRoot(state), pre.root)) {
      const loaded = stateFromKeyvals(tiny, pre.keyvals);
      if (E.isLeft(loaded)) throw new Error(`${file}: ${loaded.left}`);
      state = loaded.right;
    }
    const prior = state;
    const t0 = performance.now();
    let out;
    try {
      out = importForProfile(() => importer(prior, block));
    } catch {
      out = undefined;
    }
    const ms = performance.now() - t0;
    if (out === undefined || E.isLeft(out) || !bytesEqual(out.right.root, post.root)) {
      skipped++;
      state = undefined;
      continue;
    }
    times.push(ms);
    pairs.push([prior, out.right]);
    state = out.right;
  }
  return { times, skipped, pairs };
};

const main = (): void => {
  const options = parseArgs(process.argv.slice(2));
  if (typeof options === 'string') {
    console.log(options);
    process.exitCode = options === usage ? 0 : 2;
    return;
  }
  const usable = useEngines(options.engines);
  if (E.isLeft(usable)) {
    console.error(`bench:import: ${usable.left}`);
    process.exitCode = 2;
    return;
  }
  const all = traceFolders();
  const unknown = options.folders.filter((w) => !all.some((f) => basename(f) === w));
  if (unknown.length > 0) {
    console.error(`unknown trace folder(s): ${unknown.join(', ')} (have: ${all.map((f) => basename(f)).join(', ')})`);
    process.exitCode = 2;
    return;
  }
  const folders = all.filter((f) => options.folders.length === 0 || options.folders.includes(basename(f)));
  const importer = importerOf(tiny, options.engines);
  // Warm-up, untimed: the first import loads the native addon and compiles the hot paths.
  const first = loadTraceStep(tiny, traceSteps(folders[0]!)[0]!);
  if (E.isRight(first)) {
    const s = stateFromKeyvals(tiny, first.right.pre.keyvals);
    if (E.isRight(s)) importer(s.right, first.right.block);
  }
  if (!options.json) {
    console.log(`block import per block, ms (tiny), ${options.reps} passes pooled; root: incremental trie update vs whole-state rebuild (peer)`);
    console.log(`${'folder'.padEnd(16)} ${'blocks'.padStart(6)} ${'skipped'.padStart(7)} ${'mean'.padStart(8)} ${'median'.padStart(8)} ${'p90'.padStart(8)} ${'max'.padStart(8)}   ${'pass means'.padEnd(20)} ${'root incr'.padStart(9)} ${'rebuild'.padStart(8)} ${'ratio'.padStart(6)}`);
  }
  for (const folder of folders) {
    const steps = loadSteps(folder);
    const profilePath = options.profile === undefined ? undefined : join(options.profile, `${basename(folder)}.cpuprofile`);
    const { result: passes, parts } = profiled(profilePath, sampleUs, () => Array.from({ length: options.reps }, () => pass(importer, steps)));
    const s = stats(passes.flatMap((p) => p.times));
    const passMeans = passes.map((p) => stats(p.times).mean);
    // The root comparison runs after the timed passes, so its garbage does not land in them.
    const incremental: number[] = [];
    const rebuild: number[] = [];
    for (const [prior, posterior] of passes[0]!.pairs) {
      const t1 = performance.now();
      const incr = trieRoot(updateTrie(tiny)(prior, posterior.state).trie);
      const t2 = performance.now();
      const whole = merklizeState(serializeState(tiny)(posterior.state));
      const t3 = performance.now();
      if (!bytesEqual(incr, whole)) throw new Error(`${basename(folder)}: incremental and rebuilt roots differ`);
      incremental.push(t2 - t1);
      rebuild.push(t3 - t2);
    }
    const inc = stats(incremental).mean;
    const reb = stats(rebuild).mean;
    const { skipped, times } = passes[0]!;
    if (options.json) {
      console.log(
        JSON.stringify({ folder: basename(folder), blocks: times.length, skipped, reps: options.reps, ...s, passMeans, rootIncremental: inc, rootRebuild: reb, ...(parts === undefined ? {} : { profile: parts }) }),
      );
    } else {
      console.log(
        `${basename(folder).padEnd(16)} ${String(times.length).padStart(6)} ${String(skipped).padStart(7)} ${fmt(s.mean)} ${fmt(s.median)} ${fmt(s.p90)} ${fmt(s.max)}   ${passMeans.map((m) => m.toFixed(2)).join(' ').padEnd(20)} ${fmt(inc).padStart(9)} ${fmt(reb)} ${(reb / inc).toFixed(1).padStart(5)}x`,
      );
      if (parts !== undefined) {
        console.log(`  where the time goes (${parts.samples} samples of the import; ms of the mean block; ${profilePath}):`);
        for (const { part, share } of parts.shares) console.log(`  ${part.padEnd(44)} ${(100 * share).toFixed(1).padStart(5)} % ${(share * s.mean).toFixed(2).padStart(7)} ms`);
        console.log(`  and the garbage collector, beside them: ${(100 * parts.garbage).toFixed(1)} % of the import's samples`);
      }
    }
  }
};

main();
