/**
 * Where a block's time goes: V8's CPU profile of the import (node:inspector, in this thread),
 * its samples sorted into the parts of an import the README's speed section names. A sample
 * counts only when `importForProfile` is on its stack (so the passes' own work, loading a
 * pre-state, is left out), and goes to the first part, in the order of `parts`, that any frame
 * of its stack belongs to: a PVM run inside an accumulation is the PVM's, a hash inside the state
 * root the root's. The profile itself is written where the caller says, never into the project.
 */
import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

/** The frame of a profile node (the fields of V8's `Runtime.CallFrame` this file reads). */
export interface CallFrame {
  readonly functionName: string;
  readonly url: string;
}

/** V8's `Profiler.Profile`, the fields read here. */
export interface CpuProfile {
  readonly nodes: ReadonlyArray<{ readonly id: number; readonly callFrame: CallFrame; readonly children?: ReadonlyArray<number> }>;
  readonly samples: ReadonlyArray<number>;
  readonly startTime: number;
  readonly endTime: number;
}

/** A part of the import and which frames belong to it. */
export interface Part {
  readonly name: string;
  readonly has: (f: CallFrame) => boolean;
}

/** A frame of the module `stem` (`/model/pvm/native`: the built .js, or the .ts under vitest). */
const inFile = (stem: string) => (f: CallFrame) => f.url.endsWith(`${stem}.js`) || f.url.endsWith(`${stem}.ts`);
const inFolder = (folder: string) => (f: CallFrame) => f.url.includes(folder);
const named = (name: string) => (f: CallFrame) => f.functionName === name;

/** The parts, by precedence. */
export const parts: ReadonlyArray<Part> = [
  { name: 'PVM: the native run (A.1)', has: (f) => named('run')(f) && inFile('/model/pvm/native')(f) },
  { name: 'accumulate host calls (B.7)', has: inFolder('/model/accumulation/host-calls/') },
  { name: 'PVM: instances (set-up, disposal)', has: inFile('/model/pvm/native') },
  { name: 'accumulation, the rest (12)', has: inFolder('/model/accumulation/') },
  { name: 'waiting for deferred signature verdicts', has: named('allHeld') },
  { name: 'Bandersnatch: seal, entropy, tickets', has: inFile('/model/crypto/bandersnatch') },
  { name: 'Ed25519: assurances, credentials, verdicts', has: inFile('/model/crypto/ed25519') },
  { name: 'state root: trie hashing (D.6)', has: named('trieRoot') },
  { name: 'state trie update: rows of D.2', has: (f) => named('updateTrieRows')(f) || inFolder('/model/merklization/')(f) },
  { name: 'header checks (5)', has: named('checkHeaderPrior') },
  { name: 'codec: decoding, encoding', has: inFile('/spec/codec') },
  { name: 'the rest of the import', has: () => true },
];

/** Calls `importer`: named so that a profile's samples of the import can be told from the rest. */
export const importForProfile = <T>(importer: () => T): T => importer();

/**
 * Each part's share of the import's samples, in the order of `parts`; the samples counted; and
 * the garbage collector's samples, over the import's (V8 samples a collection on no JavaScript
 * stack, so they cannot be told apart from the passes' own).
 */
export interface Breakdown {
  readonly samples: number;
  readonly shares: ReadonlyArray<{ readonly part: string; readonly share: number }>;
  readonly garbage: number;
}

export const breakdown = (profile: CpuProfile): Breakdown => {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  // Each node's part (or undefined outside the import), found once per node.
  const partOf = new Map<number, number | undefined>();
  const classify = (id: number): number | undefined => {
    const frames: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) frames.push(byId.get(at)!.callFrame);
    if (!frames.some(named('importForProfile'))) return undefined;
    return parts.findIndex((p) => frames.some(p.has));
  };
  const counts = parts.map(() => 0);
  let samples = 0;
  let garbage = 0;
  for (const id of profile.samples) {
    if (!partOf.has(id)) partOf.set(id, classify(id));
    const part = partOf.get(id);
    if (part !== undefined) {
      counts[part]!++;
      samples++;
    } else if (named('(garbage collector)')(byId.get(id)!.callFrame)) garbage++;
  }
  const of = (n: number): number => (samples === 0 ? 0 : n / samples);
  return { samples, shares: parts.map((p, i) => ({ part: p.name, share: of(counts[i]!) })), garbage: of(garbage) };
};

/** V8's sampling profiler in this thread, at one sample per `intervalUs` microseconds. */
export const profiling = (intervalUs: number): { readonly stop: () => CpuProfile } => {
  const session = new Session();
  session.connect();
  // A session in the same thread answers each call before `post` returns.
  const call = (method: string, params?: object): unknown => {
    let answer: unknown;
    let failure: Error | null = null;
    session.post(method, params ?? {}, (e, r) => {
      failure = e;
      answer = r;
    });
    if (failure !== null) throw failure;
    return answer;
  };
  call('Profiler.enable');
  call('Profiler.setSamplingInterval', { interval: intervalUs });
  call('Profiler.start');
  return {
    stop: () => {
      const { profile } = call('Profiler.stop') as { profile: CpuProfile };
      session.disconnect();
      return profile;
    },
  };
};

/**
 * `run`, profiled when `path` is given: its result and where its time went, the profile written
 * to `path` (for Chrome's or VS Code's viewer).
 */
export const profiled = <T>(path: string | undefined, intervalUs: number, run: () => T): { readonly result: T; readonly parts?: Breakdown } => {
  if (path === undefined) return { result: run() };
  const profiler = profiling(intervalUs);
  const result = run();
  const profile = profiler.stop();
  writeFileSync(path, JSON.stringify(profile));
  return { result, parts: breakdown(profile) };
};
