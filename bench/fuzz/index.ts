/**
 * Import latency over the fuzz-v1 protocol, the model's target against typeberry's in one run.
 * Each target runs in its own process on its own Unix socket; the same client (`fuzz/client.ts`)
 * replays against each: the two recorded sessions (every message in order, as the class
 * `fuzz-sessions` does), and each trace folder as PeerInfo, Initialize(genesis), then one
 * ImportBlock per step. Every ImportBlock round trip (request written to reply read) is timed and
 * every reply checked: the recorded root, or an Error where the recording has one (for a trace,
 * where the step's post_state root is its pre_state root). A peer's mismatches are reported,
 * not fatal; the model's make the exit status 1.
 *
 *   npm run build && npm run bench:fuzz -- [--reps N] [--cold] [--fresh] [--engine E] [--json] [folder ...]
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex, type Hash } from '../../spec/bytes.js';
import { tiny, type ChainSpec } from '../../spec/chain-spec.js';
import { decode, encode } from '../../spec/codec.js';
import { connectClient } from '../../fuzz/client.js';
import { featureForks, message, type Message } from '../../fuzz/messages.js';
import { replaySessionAt, sessionFolders, type ReplayResult } from '../../fuzz/replay.js';
import { engineSyntax, enginesOf, loadGenesis, loadTraceStep, parseEngineChoice, traceFolders, traceGenesisFile, traceSteps, useEngines, VectorsNotFound, type Engines } from '../../chain/index.js';
import { stats, type Stats } from '../timing.js';
import { modelTarget, startTarget, typeberryDir, typeberryTarget, type Target, type TargetCommand } from './targets.js';

const help = `usage: npm run bench:fuzz -- [--reps N] [--cold] [--fresh] [--engine E] [--json] [folder ...]

Import latency per ImportBlock over the fuzz-v1 protocol: the model's target (dist/bin/jam-model.js
fuzz-target) and typeberry's, each in its own process, replayed by one client: the recorded
sessions (fuzz-proto/examples/0.7.2/*) and the trace folders (traces/*) as PeerInfo,
Initialize(genesis) and one ImportBlock per step. Prints per folder and target the blocks,
mismatches, mean, median, p90 and max ms per round trip, and typeberry/jam-model of the means;
for the model also "in target", the mean time of the import alone as its target logs it
(--verbose; without decoding, replying, the way to and from the client and the client's turn).

  --reps N      replay every folder N times against each target (default 1); the statistics
                pool all repetitions, the order of the targets alternates between them
  --cold        no warm-up: by default the first folder is replayed once, untimed, against
                each target before measuring (the first import loads the native addon, the
                ring SRS and compiles the hot paths: hundreds of ms, in either client)
  --fresh       a new process of each target for every replay (as the peer's bench.sh does):
                nothing carried over from earlier replays, every replay cold; by default
                each target is one process serving every replay, one connection each
  --engine E    the model target's engines: ${engineSyntax}; native by default
  --json        print the results as JSON instead of the table
  folder ...    only these sessions or trace folders (e.g. no_forks fallback)
  -h, --help    this text

Environment: JAM_VECTORS (the vectors), TYPEBERRY_DIR (typeberry's fuzz target, default
/tmp/peer-tb/tb; absent: only the model is measured).`;

/** A trace folder prepared once, encoded as the fuzzer's messages, with the roots to check. */
interface PreparedTrace {
  readonly peerInfo: Uint8Array;
  readonly initialize: Uint8Array;
  readonly genesisRoot: Hash;
  readonly steps: ReadonlyArray<{ readonly name: string; readonly request: Uint8Array; readonly pre: Hash; readonly post: Hash }>;
}

/** The fuzzer's side for a trace: fuzz v1 with forks (no ancestry: the genesis has none), JAM 0.7.2. */
const prepareTrace = (spec: ChainSpec, folder: string): PreparedTrace => {
  const codec = message(spec);
  const genesisFile = traceGenesisFile(folder);
  if (genesisFile === undefined) throw new Error(`${folder}: no genesis file`);
  const genesis = loadGenesis(spec, genesisFile);
  if (E.isLeft(genesis)) throw new Error(genesis.left);
  const steps = traceSteps(folder).map((file) => {
    const step = loadTraceStep(spec, file);
    if (E.isLeft(step)) throw new Error(step.left);
    const request = encode(codec, { kind: 'importBlock', value: step.right.block });
    return { name: basename(file).replace(/\.(bin|json)$/, ''), request, pre: step.right.pre.root, post: step.right.post.root };
  });
  return {
    peerInfo: encode(codec, {
      kind: 'peerInfo',
      value: { fuzzVersion: 1, fuzzFeatures: featureForks, jamVersion: { major: 0, minor: 7, patch: 2 }, appVersion: { major: 0, minor: 1, patch: 0 }, appName: 'jam-model-bench' },
    }),
    initialize: encode(codec, { kind: 'initialize', value: { header: genesis.right.header, keyvals: genesis.right.state.keyvals, ancestry: [] } }),
    genesisRoot: genesis.right.state.root,
    steps,
  };
};

const describeReply = (m: Message): string =>
  m.kind === 'stateRoot' ? `StateRoot ${toHex(m.value)}` : m.kind === 'error' ? `Error "${m.value}"` : m.kind;

/** Replays a prepared trace over one new connection to `path`, timing each ImportBlock. */
const replayTraceAt = async (spec: ChainSpec, trace: PreparedTrace, path: string): Promise<ReplayResult> => {
  const codec = message(spec);
  const mismatches: string[] = [];
  const importMs: number[] = [];
  const client = await connectClient(path);
  /** Sends one request; its decoded reply, or a mismatch line and undefined. */
  const ask = async (what: string, request: Uint8Array): Promise<Message | undefined> => {
    const got = await client.request(request);
    if (typeof got === 'string') {
      mismatches.push(`${what}: the target ${got === 'closed' ? 'closed the connection' : 'did not answer'}`);
      return undefined;
    }
    const reply = decode(codec, got);
    if (E.isLeft(reply)) {
      mismatches.push(`${what}: the reply does not decode: ${reply.left.toString()}`);
      return undefined;
    }
    return reply.right;
  };
  try {
    const hello = await ask('PeerInfo', trace.peerInfo);
    if (hello === undefined || hello.kind !== 'peerInfo') {
      if (hello !== undefined) mismatches.push(`PeerInfo: expected PeerInfo, target ${describeReply(hello)}`);
      return { mismatches, importMs };
    }
    const init = await ask('Initialize', trace.initialize);
    if (init === undefined || init.kind !== 'stateRoot' || !bytesEqual(init.value, trace.genesisRoot)) {
      if (init !== undefined) mismatches.push(`Initialize: expected StateRoot ${toHex(trace.genesisRoot)}, target ${describeReply(init)}`);
      return { mismatches, importMs };
    }
    for (const step of trace.steps) {
      const t0 = performance.now();
      const got = await client.request(step.request);
      importMs.push(performance.now() - t0);
      if (typeof got === 'string') {
        mismatches.push(`${step.name}: the target ${got === 'closed' ? 'closed the connection' : 'did not answer'}`);
        break;
      }
      const reply = decode(codec, got);
      if (E.isLeft(reply)) {
        mismatches.push(`${step.name}: the reply does not decode: ${reply.left.toString()}`);
        continue;
      }
      // A block the recording rejects leaves the state as it was: post_state root = pre_state root.
      const rejected = bytesEqual(step.pre, step.post);
      const r = reply.right;
      const ok = r.kind === 'stateRoot' ? bytesEqual(r.value, step.post) : r.kind === 'error' && rejected;
      if (!ok) mismatches.push(`${step.name}: expected ${rejected ? 'Error or ' : ''}StateRoot ${toHex(step.post)}, target ${describeReply(r)}`);
    }
  } finally {
    client.close();
  }
  return { mismatches, importMs };
};

/** One folder to replay: a recorded session or a trace. */
interface Workload {
  readonly name: string;
  readonly kind: 'session' | 'trace';
  readonly replay: (path: string) => Promise<ReplayResult>;
}

interface Row {
  readonly folder: string;
  readonly kind: Workload['kind'];
  readonly target: string;
  /** ImportBlock requests per replay. */
  readonly blocks: number;
  readonly stats: Stats;
  /** Over all repetitions. */
  readonly mismatches: ReadonlyArray<string>;
  /** The mean ms of the import alone, as the target logs it (the model's target only). */
  readonly inTarget: number | undefined;
}

/** The ImportBlock times a model target's --verbose log holds (`[1] importBlock -> stateRoot 4.52 ms`). */
const importTimesLogged = (log: string): number[] =>
  [...log.matchAll(/^\[\d+\] importBlock -> \w+ ([\d.]+) ms$/gm)].map((m) => Number(m[1]));

const ms = (x: number): string => x.toFixed(2).padStart(8);

const printTable = (rows: ReadonlyArray<Row>, names: ReadonlyArray<string>): void => {
  console.log(
    `${'folder'.padEnd(16)} ${'target'.padEnd(10)} ${'blocks'.padStart(6)} ${'mism.'.padStart(5)} ${'mean'.padStart(8)} ${'median'.padStart(8)} ${'p90'.padStart(8)} ${'max'.padStart(8)} ${'in target'.padStart(9)}  ${'typeberry/ours'.padStart(14)}`,
  );
  const folders = [...new Set(rows.map((r) => r.folder))];
  for (const folder of folders) {
    const mine = rows.find((r) => r.folder === folder && r.target === 'jam-model');
    for (const name of names) {
      const r = rows.find((x) => x.folder === folder && x.target === name);
      if (r === undefined) continue;
      const ratio = name !== 'jam-model' && mine !== undefined ? `${(r.stats.mean / mine.stats.mean).toFixed(2)}x` : '';
      console.log(
        `${(r.target === names[0] ? folder : '').padEnd(16)} ${r.target.padEnd(10)} ${String(r.blocks).padStart(6)} ${String(r.mismatches.length).padStart(5)} ${ms(r.stats.mean)} ${ms(r.stats.median)} ${ms(r.stats.p90)} ${ms(r.stats.max)} ${(r.inTarget === undefined ? '' : ms(r.inTarget)).padStart(9)}  ${ratio.padStart(14)}`,
      );
    }
  }
  for (const r of rows)
    if (r.mismatches.length > 0)
      console.log(`\n${r.target} ${r.folder}: ${r.mismatches.length} mismatch(es)\n${r.mismatches.slice(0, 10).map((l) => `  ${l}`).join('\n')}`);
};

const main = async (): Promise<number> => {
  const { values, positionals } = parseArgs({
    options: {
      reps: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      cold: { type: 'boolean', default: false },
      fresh: { type: 'boolean', default: false },
      engine: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    allowPositionals: true,
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  // Checked here (the target process checks again) so that a bad choice is one line, not a dead target.
  const choice: E.Either<string, Partial<Engines>> = values.engine === undefined ? E.right({}) : parseEngineChoice(values.engine);
  const usable = E.isLeft(choice) ? choice : useEngines(enginesOf(choice.right));
  if (E.isLeft(usable)) {
    console.error(`bench:fuzz: ${usable.left}`);
    return 2;
  }
  const reps = Number.parseInt(values.reps, 10);
  if (!Number.isInteger(reps) || reps < 1 || String(reps) !== values.reps.trim()) {
    console.error(`bench:fuzz: --reps must be a positive integer, not '${values.reps}'\n\n${help}`);
    return 2;
  }
  const progress = (line: string): void => {
    process.stderr.write(`${line}\n`);
  };

  const spec = tiny;
  let found: { readonly sessions: ReadonlyArray<string>; readonly traces: ReadonlyArray<string> };
  try {
    found = { sessions: sessionFolders(), traces: traceFolders() };
  } catch (e) {
    if (!(e instanceof VectorsNotFound)) throw e;
    console.error(`bench:fuzz: ${e.message}`);
    return 2;
  }
  const workloads: Workload[] = [
    ...found.sessions.map((f): Workload => ({ name: basename(f), kind: 'session', replay: (path) => replaySessionAt(spec, f, path) })),
    ...found.traces.map((f): Workload => {
      let prepared: PreparedTrace | undefined;
      return { name: basename(f), kind: 'trace', replay: (path) => replayTraceAt(spec, (prepared ??= prepareTrace(spec, f)), path) };
    }),
  ].filter((w) => positionals.length === 0 || positionals.includes(w.name));
  const unknown = positionals.filter((p) => !workloads.some((w) => w.name === p));
  if (unknown.length > 0 || workloads.length === 0) {
    console.error(`bench:fuzz: no session or trace folder named ${unknown.join(', ') || '(none given)'}`);
    return 2;
  }

  const tbDir = typeberryDir();
  const withPeer = existsSync(join(tbDir, 'index.js'));
  if (!withPeer)
    progress(`typeberry not found at ${tbDir} (no index.js; set TYPEBERRY_DIR, or run the peer's install.sh): measuring jam-model only, no ratios`);

  const dir = mkdtempSync(join(tmpdir(), 'jam-bench-fuzz-'));
  let keepLogs = false;
  // Also on SIGINT (targets.ts exits the process then).
  process.on('exit', () => {
    if (!keepLogs) rmSync(dir, { recursive: true, force: true });
  });
  const commands = [modelTarget(dir, values.engine), ...(withPeer ? [typeberryTarget(dir, tbDir)] : [])];
  const names = commands.map((c) => c.name);
  const fresh = values.fresh;
  const cold = values.cold || fresh;
  /** The running target of each command; with --fresh, started for one replay and stopped after it. */
  const live = new Map<string, Target>();
  const socketOf = async (c: TargetCommand): Promise<string> => {
    const t = live.get(c.name) ?? (await startTarget(c));
    live.set(c.name, t);
    return t.socket;
  };
  const replay = async (w: Workload, c: TargetCommand): Promise<ReplayResult> => {
    const path = await socketOf(c);
    // A target that cannot be reached (e.g. it died) is a mismatch of that replay, not the end of the run.
    const result = await w.replay(path).catch((e: unknown): ReplayResult => ({ mismatches: [`replay failed: ${(e as Error).message}`], importMs: [] }));
    if (fresh) {
      await live.get(c.name)?.stop();
      live.delete(c.name);
    }
    return result;
  };
  try {
    // Started one after the other, so neither start-up competes with the other for the CPU.
    if (!fresh) for (const c of commands) await socketOf(c);
    progress(`targets: ${names.join(', ')}; reps ${reps}; node ${process.version}; ${cpus().length} cpus; load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

    const warmUp = workloads[0];
    if (!cold && warmUp !== undefined)
      for (const c of commands) {
        const result = await replay(warmUp, c);
        progress(`  warm-up ${warmUp.name} ${c.name}: ${result.importMs.length} imports, untimed, ${result.mismatches.length} mismatch(es)`);
      }

    const times = new Map<string, number[]>();
    const inTarget = new Map<string, number[]>();
    const mismatches = new Map<string, string[]>();
    const blocks = new Map<string, number>();
    for (let rep = 0; rep < reps; rep++)
      for (const w of workloads) {
        const order = rep % 2 === 0 ? commands : [...commands].reverse();
        for (const c of order) {
          const key = `${w.name}\u0000${c.name}`;
          // The log is the target process's: with --fresh a new one for this replay, else one
          // for all, of which the lines before this replay are not its own.
          const before = c.timesLogged && !fresh ? importTimesLogged(readFileSync(c.log, 'utf8')).length : 0;
          const result = await replay(w, c);
          (times.get(key) ?? times.set(key, []).get(key)!).push(...result.importMs);
          if (c.timesLogged) (inTarget.get(key) ?? inTarget.set(key, []).get(key)!).push(...importTimesLogged(readFileSync(c.log, 'utf8')).slice(before));
          (mismatches.get(key) ?? mismatches.set(key, []).get(key)!).push(...result.mismatches.map((m) => (reps > 1 ? `rep ${rep + 1}: ${m}` : m)));
          blocks.set(key, Math.max(blocks.get(key) ?? 0, result.importMs.length));
          const s = stats(result.importMs);
          progress(`  rep ${rep + 1} ${w.name} ${c.name}: ${s.n} imports, mean ${s.mean.toFixed(2)} ms, ${result.mismatches.length} mismatch(es)`);
        }
      }

    const rows: Row[] = workloads.flatMap((w) =>
      names.map((name): Row => {
        const key = `${w.name}\u0000${name}`;
        const logged = inTarget.get(key);
        return {
          folder: w.name,
          kind: w.kind,
          target: name,
          blocks: blocks.get(key) ?? 0,
          stats: stats(times.get(key) ?? []),
          mismatches: mismatches.get(key) ?? [],
          inTarget: logged === undefined ? undefined : stats(logged).mean,
        };
      }),
    );
    const loadAfter = loadavg();
    if (values.json) {
      console.log(
        JSON.stringify(
          {
            node: process.version,
            cpus: cpus().length,
            loadAfter,
            reps,
            fresh,
            warmUp: cold ? undefined : workloads[0]?.name,
            targets: names,
            rows: rows.map((r) => ({
              ...r,
              ratioOfMeans: r.target === 'jam-model' ? undefined : r.stats.mean / (rows.find((x) => x.folder === r.folder && x.target === 'jam-model')?.stats.mean ?? NaN),
            })),
          },
          null,
          2,
        ),
      );
    } else {
      const warmth = fresh ? 'a fresh target process per replay' : cold ? 'cold' : `warmed up on ${workloads[0]?.name ?? ''}`;
      console.log(`ImportBlock round trip over fuzz-v1, ms (tiny); reps ${reps}; ${warmth}; node ${process.version}; load after ${loadAfter.map((l) => l.toFixed(2)).join(' ')}`);
      printTable(rows, names);
    }
    const ourMismatches = rows.filter((r) => r.target === 'jam-model').reduce((n, r) => n + r.mismatches.length, 0);
    return ourMismatches === 0 ? 0 : 1;
  } catch (e) {
    keepLogs = true;
    progress(`bench:fuzz failed: ${(e as Error).message}\n(target logs kept in ${dir})`);
    return 1;
  } finally {
    for (const t of live.values()) await t.stop();
  }
};

process.exitCode = await main();
