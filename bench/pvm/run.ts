/**
 * PVM benchmark: instructions per second of the native engine, the TypeScript reference and
 * `@fluffylabs/anan-as` (an AssemblyScript PVM, the peer) on the same programs, printed as
 * ratios. Each engine runs each program to `halt`; the checksum register must agree across
 * engines, so the benchmark also fails loudly if an engine computes something else.
 *
 *   npm run build && node dist/bench/pvm/run.js [--long <instructions>] [--engine E] [--peer-build B]
 *
 * --engine pvm=ts (or ts) measures only the TypeScript engine against the peer, pvm=native only
 * the native one; both by default.
 *
 * The peer runs as its authors make it fast: the whole program in one call (`runProgram`, no
 * stepping from JavaScript), its memory pages preallocated, from its `release-mini` build (the
 * release build without the incremental garbage collector, which otherwise runs inside the
 * interpreter's loop: about 4x slower on these programs; the authors' README asks to call
 * `__collect` between independent runs, which the benchmark does before each timed run).
 * --peer-build picks another of its builds.
 */
import { paperReadings } from '../../spec/readings.js';
import type { PvmEngine } from '../../model/pvm/engine.js';
import { pvmEngineNamed } from '../../chain/index.js';
import { benchEngineHelp, benchEngines, helped, orExit } from '../engines.js';
import { fnvLoop, type BenchProgram } from './programs.js';

interface Result {
  readonly seconds: number;
  readonly checksum: bigint;
}

type Runner = (p: BenchProgram) => Result;

/** CPU seconds (user + system) of this process while f runs: the machine is shared, wall time is not ours. */
const time = <T>(f: () => T): [T, number] => {
  const start = process.cpuUsage();
  const value = f();
  const used = process.cpuUsage(start);
  return [value, (used.user + used.system) / 1e6];
};

const viaEngine =
  (engine: PvmEngine): Runner =>
  (p) => {
    const machine = engine.instantiate({
      program: p.program,
      pc: 0,
      gas: BigInt(p.instructions),
      registers: p.registers,
      memory: p.memory,
    });
    if (typeof machine === 'string') throw new Error(`${engine.name}: ${machine}`);
    const [exit, seconds] = time(() => machine.run());
    if (exit.kind !== 'halt') throw new Error(`${engine.name}: ${p.name} ended with ${exit.kind}`);
    const checksum = machine.getRegister(p.checksum);
    machine.dispose();
    return { seconds, checksum };
  };

/** anan-as status codes (its `runProgram` result). */
const ANAN_HALT = 0;
/** anan-as's `access` of an initial page. */
const ANAN_READ = 1;
const ANAN_WRITE = 2;
/** Pages anan-as allocates before the run (else it warns and allocates while running). */
const ANAN_PREALLOCATED_PAGES = 16;

/** The part of anan-as's API the benchmark uses, the same in every build (`P`: its prepared program). */
interface Anan<P> {
  readonly InputKind: { readonly Generic: number };
  readonly HasMetadata: { readonly No: number };
  prepareProgram(
    kind: number,
    hasMetadata: number,
    program: Array<number>,
    registers: Array<bigint>,
    pages: Array<{ address: number; length: number; access: number }>,
    chunks: Array<{ address: number; data: Array<number> }>,
    args: Array<number>,
    preallocateMemoryPages: number,
  ): P;
  runProgram(program: P, gas: bigint, pc: number, logs: boolean, useSbrkGas: boolean, dumpMemory: boolean): { status: number; registers: Array<bigint> };
  /** The garbage collector of the builds without an automatic one. */
  readonly __collect?: () => void;
}

const ananAs =
  <P>(anan: Anan<P>): Runner =>
  (p) => {
    anan.__collect?.();
    const prepared = anan.prepareProgram(
      anan.InputKind.Generic,
      anan.HasMetadata.No,
      Array.from(p.program),
      [...p.registers],
      p.memory.pages.map((page) => ({ address: page.address, length: page.length, access: page.access === 'write' ? ANAN_WRITE : ANAN_READ })),
      p.memory.contents.map((c) => ({ address: c.address, data: Array.from(c.data) })),
      [],
      ANAN_PREALLOCATED_PAGES,
    );
    // One call runs the whole program: gas, pc 0, no logs, no sbrk gas, no memory dump.
    const [out, seconds] = time(() => anan.runProgram(prepared, BigInt(p.instructions), 0, false, false, false));
    if (out.status !== ANAN_HALT) throw new Error(`anan-as: ${p.name} ended with status ${out.status}`);
    return { seconds, checksum: out.registers[p.checksum] ?? -1n };
  };

/** The builds of anan-as (its package exports) the benchmark can load, each as a runner; the first is the default. */
const peerBuilds: Readonly<Record<string, () => Promise<Runner>>> = {
  'release-mini': async () => ananAs(await import('@fluffylabs/anan-as/release-mini')),
  release: async () => ananAs(await import('@fluffylabs/anan-as/release')),
  'release-stub': async () => ananAs(await import('@fluffylabs/anan-as/release-stub')),
};
const PEER_BUILDS = Object.keys(peerBuilds);

const argValue = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag);
  return i >= 0 ? process.argv[i + 1] : undefined;
};

const rate = (p: BenchProgram, r: Result): string => `${(p.instructions / r.seconds / 1e6).toFixed(1)} M instr/s`;

const bench = (p: BenchProgram, runners: ReadonlyArray<readonly [string, Runner]>): void => {
  console.log(`\n${p.name}: ${p.instructions.toLocaleString('en')} instructions`);
  const results = runners.map(([name, run]) => [name, run(p)] as const);
  // Ratios against our first engine measured (native unless only ts was asked for).
  const [ourName, ours] = results[0]!;
  for (const [name, r] of results) {
    const ratio = `  ${ourName} is ${(r.seconds / ours.seconds).toFixed(2)}x faster`;
    console.log(`  ${name.padEnd(8)} ${r.seconds.toFixed(3).padStart(8)} s  ${rate(p, r).padStart(18)}${name === ourName ? '' : ratio}`);
  }
  const sums = new Set(results.map(([, r]) => r.checksum));
  if (sums.size !== 1) throw new Error(`checksums differ: ${results.map(([n, r]) => `${n}=${r.checksum}`).join(' ')}`);
};

const usage = `usage: node dist/bench/pvm/run.js [--long N] [--engine E] [--peer-build B]

Instructions per second of our PVM engines and @fluffylabs/anan-as 1.2.0 (the peer) on the same
programs, each run to halt in one call, CPU time of the run only (not decoding or set-up).
  --long N          instructions of the long run (default 1e8)
  ${benchEngineHelp}
  --peer-build B    the peer's build: ${PEER_BUILDS.join(' | ')} (default ${PEER_BUILDS[0]}).
                    The peer runs each program with runProgram (one call, no stepping from
                    JavaScript), ${ANAN_PREALLOCATED_PAGES} memory pages preallocated; release-mini has no automatic
                    garbage collector (collected before each run), release collects while it runs.`;

const main = async (): Promise<void> => {
  if (helped(process.argv, usage)) return;
  const long = Number(argValue('--long') ?? 1e8);
  const engines = orExit('bench:pvm', benchEngines(process.argv, 'pvm'));
  if (engines === undefined) return;
  const build = argValue('--peer-build') ?? PEER_BUILDS[0]!;
  const loadPeer = peerBuilds[build];
  if (loadPeer === undefined) {
    console.error(`bench:pvm: unknown --peer-build '${build}' (${PEER_BUILDS.join(' | ')})`);
    process.exitCode = 2;
    return;
  }
  console.log(`peer: @fluffylabs/anan-as/${build}, runProgram in one call`);
  const ours: Array<readonly [string, Runner]> = engines.map((e) => [e, viaEngine(pvmEngineNamed(e, paperReadings))] as const);
  const all: Array<readonly [string, Runner]> = [...ours, ['anan-as', await loadPeer()]];
  // Warm up every engine (JIT, wasm tier-up) on a short run first.
  for (const [, run] of all) run(fnvLoop(100_000));
  bench(fnvLoop(250_000), all);
  bench(fnvLoop(2_500_000), all);
  // The long run without the TypeScript engine unless it is the only one asked for (minutes otherwise).
  const fast = all.filter(([name]) => name !== 'ts' || engines.length === 1);
  bench(fnvLoop(Math.ceil((long - 8) / 8)), fast);
};

await main();
