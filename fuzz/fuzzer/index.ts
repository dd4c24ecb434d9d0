/**
 * The fuzzer side of fuzz-v1: drives a target over its Unix socket with blocks from a
 * `BlockSource`, compares every reply with the model's own answer for the same block (the model
 * rejects <-> the target answers Error; accepted -> equal state roots), and on a mismatch fetches
 * the target's state (GetState) for a key-by-key diff, shrinks the block sequence and writes it in
 * the traces' format (genesis + numbered steps) with a report.md, replayable with `jam-model import`.
 * Then the target is initialized again with the model's state and the chain goes on, so one
 * divergence does not hide the blocks behind it.
 *
 * Forks have depth one, as the protocol's feature-fork says: with `forks`, a mutated block is now
 * and then sent as a sibling of the next main-line block (before it) or of the head (after it);
 * mutations are never parents.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { Readings } from '../../spec/readings.js';
import { decode, encode, type Codec } from '../../spec/codec.js';
import { genesis as genesisCodec, traceStep, type RawState } from '../../spec/trace.js';
import type { Block } from '../../spec/types.js';
import type { HostCallOutcome } from '../../model/accumulation/types.js';
import { headerHash } from '../../model/header/index.js';
import { trieEntries, trieFromEntries, trieRoot, type StateTrie } from '../../model/merklization/index.js';
import { ancestorsFromGenesis, diffStates, keyvalsOf, type Ancestor, type Engines } from '../../chain/index.js';
import { connectClient, type Client } from '../client.js';
import { featureAncestry, featureForks, maxAncestry, message, type AncestryItem, type Message, type PeerInfo } from '../messages.js';
import { answer as modelAnswer, initialize, modelChain, pointAt, type Answer, type ModelChain, type Point } from './model.js';
import type { LeftOut } from './rules.js';
import { mutate, rng, type BlockSource, type Mutant, type Rng, type SourceBlock, type Start } from './source.js';

export interface FuzzOptions {
  readonly spec: ChainSpec;
  /** The readings the model's imports run under (spec/readings.ts). */
  readonly readings: Readings;
  /** The engines the model's imports run on (made usable by the caller, `useEngines`). */
  readonly engines: Engines;
  /** The target's Unix socket. */
  readonly socket: string;
  readonly source: BlockSource;
  /** How many ImportBlock messages to send (main line and forks). */
  readonly steps: number;
  readonly seed: number;
  readonly forks: boolean;
  /** The rules in force (./rules.ts): the cases the sources and mutations leave out. */
  readonly leaveOut: LeftOut;
  /** Where each mismatch's shrunk trace is written (a numbered folder per mismatch); none if undefined. */
  readonly out: string | undefined;
  /** Told after each block: how many were sent, of how many, which, and the target's round trip (ms). */
  readonly onStep?: (sent: number, steps: number, label: string, targetMs: number) => void;
  /** Told of each mismatch, once shrunk and written. */
  readonly onMismatch?: (m: Mismatch) => void;
  /** How long to wait for each reply (ms). */
  readonly timeoutMs?: number;
}

export interface Summary {
  readonly blocks: number;
  readonly forks: number;
  readonly rejected: number;
  readonly mismatches: number;
  /** host call -> outcome -> how often, in the model's own imports of the run's blocks. */
  readonly host_calls: Readonly<Record<string, Readonly<Record<string, number>>>>;
}

export interface Mismatch {
  /** The block's source label, and the mutation when it was a fork. */
  readonly label: string;
  /** One line: what the model and the target answered. */
  readonly verdict: string;
  /** The key-by-key diff of the target's state against the model's, when the target has one. */
  readonly diff: ReadonlyArray<string>;
  /** How many blocks the shrunk sequence has, and whether its replay reproduced the mismatch. */
  readonly shrunk: { readonly blocks: number; readonly reproduced: boolean };
  /** The folder written (genesis, steps, report.md), when `out` was given. */
  readonly dir: string | undefined;
}

/** The target broke the protocol or went away: the run cannot go on. */
export class TargetError extends Error {}

// ---------------------------------------------------------------------------------------------
// The link to the target

type Reply = Message | 'closed' | 'timeout' | { readonly undecodable: string };

interface Link {
  readonly features: number;
  readonly peer: PeerInfo;
  readonly request: (m: Message) => Promise<Reply>;
  readonly close: () => void;
}

const fuzzerPeerInfo: PeerInfo = {
  fuzzVersion: 1,
  fuzzFeatures: featureAncestry | featureForks,
  jamVersion: { major: 0, minor: 7, patch: 2 },
  appVersion: { major: 0, minor: 1, patch: 0 },
  appName: 'jam-model-fuzzer',
};

const describeReply = (r: Reply): string =>
  typeof r === 'string' ? `the target ${r === 'closed' ? 'closed the connection' : 'did not answer in time'}` : 'undecodable' in r ? `an undecodable reply (${r.undecodable})` : r.kind;

/** One connection, after the PeerInfo exchange. */
interface Connection {
  readonly client: Client;
  readonly peer: PeerInfo;
}

/**
 * Connects and exchanges PeerInfo; the session's features are those both sides have. A target
 * that closes the connection (a session it ends, e.g. on a block it cannot decode) or does not
 * answer in time is connected to again, with a new PeerInfo, before the next request, so the run
 * and its shrinking go on; the reply that ended the session is what the comparison sees.
 */
const connectTarget = async (spec: ChainSpec, socket: string, timeoutMs: number): Promise<Link> => {
  const codec = message(spec);
  const exchange = async (client: Client, m: Message): Promise<Reply> => {
    const got = await client.request(encode(codec, m), timeoutMs);
    if (typeof got === 'string') return got;
    const d = decode(codec, got);
    return E.isLeft(d) ? { undecodable: d.left.toString() } : d.right;
  };
  const open = async (): Promise<Connection> => {
    let client: Client;
    try {
      client = await connectClient(socket);
    } catch (e) {
      throw new TargetError(`cannot connect to ${socket}: ${(e as Error).message}`);
    }
    const hello = await exchange(client, { kind: 'peerInfo', value: fuzzerPeerInfo });
    if (typeof hello === 'string' || 'undecodable' in hello || hello.kind !== 'peerInfo') {
      client.close();
      throw new TargetError(`PeerInfo: expected PeerInfo, got ${describeReply(hello)}`);
    }
    return { client, peer: hello.value };
  };
  const first = await open();
  let current: Connection | undefined = first;
  const request = async (m: Message): Promise<Reply> => {
    if (current === undefined) {
      try {
        current = await open();
      } catch {
        return 'closed';
      }
    }
    const reply = await exchange(current.client, m);
    if (typeof reply === 'string') {
      // A late reply would be read as the next one's: the connection is dropped either way.
      current.client.close();
      current = undefined;
    }
    return reply;
  };
  return { features: first.peer.fuzzFeatures & fuzzerPeerInfo.fuzzFeatures, peer: first.peer, request, close: () => current?.client.close() };
};

// ---------------------------------------------------------------------------------------------
// Comparing answers

/** Why the target's reply is not the model's answer, or undefined when they agree. */
const compare = (answer: Answer, reply: Reply): string | undefined => {
  if (typeof reply === 'string' || 'undecodable' in reply)
    return `model ${answer.kind === 'accepted' ? `root ${toHex(answer.root)}` : `rejects (${answer.reason})`}; ${describeReply(reply)}`;
  if (answer.kind === 'rejected') {
    if (reply.kind === 'error') return undefined;
    if (reply.kind === 'stateRoot') return `model rejects (${answer.reason}); target accepts, root ${toHex(reply.value)}`;
  } else {
    if (reply.kind === 'stateRoot') return bytesEqual(reply.value, answer.root) ? undefined : `roots differ: model ${toHex(answer.root)}, target ${toHex(reply.value)}`;
    if (reply.kind === 'error') return `model accepts, root ${toHex(answer.root)}; target rejects: ${reply.value.replace(/\s+/g, ' ')}`;
  }
  return `the target answered ImportBlock with ${reply.kind}`;
};

/** The target's state after `block` (GetState by its header hash), diffed with the model's. */
const diffWithTarget = async (spec: ChainSpec, link: Link, block: Block, answer: Answer): Promise<ReadonlyArray<string>> => {
  // The model's state the target should hold: the posterior, or (for a rejected block) the parent's.
  const model = answer.kind === 'accepted' ? answer.posterior.held.state.trie : answer.parent?.held.state.trie;
  if (model === undefined) return [];
  const got = await link.request({ kind: 'getState', value: headerHash(spec, block.header) });
  if (typeof got === 'string' || 'undecodable' in got) return [`GetState: ${describeReply(got)}`];
  if (got.kind !== 'state') return [`GetState: the target answered ${got.kind}${got.kind === 'error' ? ` (${got.value})` : ''}`];
  const diff = diffStates(spec, { name: 'model', state: model }, { name: 'target', state: got.value });
  // Then the root the target reported is not the root of the state it holds.
  return diff.length === 0 ? ["(GetState: the same key-values as the model's state)"] : diff;
};

// ---------------------------------------------------------------------------------------------
// One chain's history, replays and shrinking

/** A block sent, with the model's answer. */
interface Sent {
  readonly source: SourceBlock;
  readonly block: Block;
  /** The mutation, when the block was a fork. */
  readonly fork: string | undefined;
  readonly answer: Answer;
}

/** The Initialize ancestry of a state: its retained ancestors (their last `maxAncestry`) when the session has feature-ancestry. */
const ancestryOf = (ancestors: ReadonlyArray<Ancestor> | undefined): ReadonlyArray<AncestryItem> =>
  (ancestors ?? []).slice(-maxAncestry).map((a) => ({ slot: a.timeslot, headerHash: a.headerHash }));

/** Where a replay starts: a state, its header and its ancestors. */
interface Restart {
  readonly start: Start;
  readonly ancestors: ReadonlyArray<Ancestor> | undefined;
}

/**
 * Where a replay may start so that `s` is its first block: the source's recorded pre-state when
 * it has one (a recorded source), else the model's own state of the block's parent.
 */
const restartAt = (s: Sent): Restart | undefined => {
  const parent: Point | undefined = s.answer.parent;
  if (parent === undefined) return undefined;
  const start = s.source.pre ?? { header: parent.header, keyvals: keyvalsOf(parent.held.state) };
  return { start, ancestors: parent.held.ancestors };
};

interface ReplayedStep {
  readonly pre: StateTrie;
  readonly block: Block;
  readonly post: StateTrie;
}

interface Replay {
  readonly reproduced: boolean;
  readonly restart: Restart;
  readonly steps: ReadonlyArray<ReplayedStep>;
}

/**
 * Replays `sent` from `restart` on a fresh model and the target: reproduced when every block but
 * the last agrees and the last does not.
 */
const replay = async (o: FuzzOptions, link: Link, restart: Restart, sent: ReadonlyArray<Sent>): Promise<Replay> => {
  const started = initialize(modelChain({ spec: o.spec, readings: o.readings }, o.engines), restart.start.header, restart.start.keyvals, restart.ancestors);
  if (E.isLeft(started)) throw new Error(`replay: the restart state does not decode: ${started.left}`);
  let model = started.right[0];
  const root = started.right[1];
  const init = await link.request({
    kind: 'initialize',
    value: { header: restart.start.header, keyvals: restart.start.keyvals, ancestry: ancestryOf(restart.ancestors) },
  });
  const steps: ReplayedStep[] = [];
  if (typeof init === 'string' || 'undecodable' in init || init.kind !== 'stateRoot' || !bytesEqual(init.value, root))
    return { reproduced: false, restart, steps };
  for (const [i, s] of sent.entries()) {
    const [next, answer] = modelAnswer(model, s.block);
    model = next;
    const reply = await link.request({ kind: 'importBlock', value: s.block });
    const pre = answer.parent?.held.state.trie ?? trieFromEntries(restart.start.keyvals);
    steps.push({ pre, block: s.block, post: answer.kind === 'accepted' ? answer.posterior.held.state.trie : pre });
    const disagrees = compare(answer, reply) !== undefined;
    if (disagrees || i === sent.length - 1) return { reproduced: disagrees && i === sent.length - 1, restart, steps };
  }
  return { reproduced: false, restart, steps };
};

/**
 * The shortest replay that still shows the mismatch of the last block of `history`. A recorded
 * chain cannot lose a block whose child follows (the child's parent would change and it would
 * need re-authoring), so first the prefix is cut, restarting at a later block's pre-state (the
 * last 1, 2, 4, ... blocks, then bisecting); then each block that is no parent (a fork, a rejected
 * block) is dropped while the mismatch persists.
 */
const shrink = async (o: FuzzOptions, link: Link, history: ReadonlyArray<Sent>): Promise<Replay | undefined> => {
  // The suffixes a replay can start (its first block's parent is known), shortest first.
  const lengths = history.flatMap((s, i) => (restartAt(s) === undefined ? [] : [history.length - i])).reverse();
  if (lengths.length === 0) return undefined;
  const lastN = (n: number): Promise<Replay> => replay(o, link, restartAt(history[history.length - n]!)!, history.slice(history.length - n));
  // Doubling finds a reproducing suffix; bisecting between the last two finds the shortest
  // (assuming that a longer history keeps showing it, which holds when the cause is in the prefix).
  let k = 0;
  let below = -1;
  let best = await lastN(lengths[k]!);
  while (!best.reproduced && k < lengths.length - 1) {
    below = k;
    k = Math.min(2 * k + 1, lengths.length - 1);
    best = await lastN(lengths[k]!);
  }
  if (!best.reproduced) return best;
  while (k - below > 1) {
    const mid = Math.floor((below + k) / 2);
    const r = await lastN(lengths[mid]!);
    if (r.reproduced) {
      best = r;
      k = mid;
    } else below = mid;
  }
  let kept: ReadonlyArray<Sent> = history.slice(history.length - lengths[k]!);
  for (let i = kept.length - 2; i >= 0; i--) {
    const s = kept[i]!;
    // Only a main-line block that was accepted can be a later block's parent.
    if (s.answer.kind === 'accepted' && s.fork === undefined) continue;
    const without = kept.filter((_, j) => j !== i);
    const restart = restartAt(without[0]!);
    if (restart === undefined) continue;
    const r = await replay(o, link, restart, without);
    if (r.reproduced) {
      best = r;
      kept = without;
    }
  }
  return best;
};

// ---------------------------------------------------------------------------------------------
// Writing a shrunk sequence in the traces' format

const writeBoth = <T>(dir: string, name: string, c: Codec<T>, v: T): void => {
  writeFileSync(join(dir, `${name}.bin`), encode(c, v));
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(c.toJson(v), null, 2)}\n`);
};

const rawState = (t: StateTrie): RawState => ({ root: trieRoot(t), keyvals: [...trieEntries(t)] });

/**
 * Writes the replay as a trace folder: genesis.{bin,json} (the restart header and state), then
 * 00000001.{bin,json}, ... (pre_state, block, post_state; the post_state is the model's answer,
 * the pre_state again for a block it rejects, as the recorded traces do), and report.md.
 */
const writeTrace = (spec: ChainSpec, dir: string, r: Replay, report: string): void => {
  mkdirSync(dir, { recursive: true });
  const genesisState = trieFromEntries(r.restart.start.keyvals);
  writeBoth(dir, 'genesis', genesisCodec(spec), { header: r.restart.start.header, state: rawState(genesisState) });
  for (const [i, s] of r.steps.entries())
    writeBoth(dir, String(i + 1).padStart(8, '0'), traceStep(spec), { pre: rawState(s.pre), block: s.block, post: rawState(s.post) });
  writeFileSync(join(dir, 'report.md'), report);
};

const reportMarkdown = (o: FuzzOptions, link: Link, label: string, verdict: string, diff: ReadonlyArray<string>, r: Replay, dir: string): string =>
  [
    `# Fuzz mismatch: ${label}`,
    '',
    `- target: ${link.peer.appName} ${link.peer.appVersion.major}.${link.peer.appVersion.minor}.${link.peer.appVersion.patch} (JAM ${link.peer.jamVersion.major}.${link.peer.jamVersion.minor}.${link.peer.jamVersion.patch}) on ${o.socket}`,
    `- source: ${o.source.name}; seed ${o.seed}; forks ${o.forks ? 'on' : 'off'}; left out (rules): ${o.leaveOut.size === 0 ? 'none' : [...o.leaveOut].join(', ')}; config ${o.spec.name}`,
    `- verdict: ${verdict}`,
    `- shrunk to ${r.steps.length} block(s) after the genesis (the restart state)${r.reproduced ? '' : '; the replay did NOT reproduce the mismatch (the target may depend on earlier history)'}`,
    '',
    'The expected post_state of each step is the model\'s answer (the paper decides who is right; the model is not a reference).',
    `A step the model rejects has post_state = pre_state, and \`jam-model import ${dir}\` (the replay) lists it as FAIL (block rejected): that is the expected answer.`,
    '',
    '## Target state against the model\'s (GetState after the block)',
    '',
    '```',
    ...(diff.length === 0 ? ['(no target state: the target rejected the block or has no GetState answer)'] : diff),
    '```',
    '',
  ].join('\n');

// ---------------------------------------------------------------------------------------------
// The run

/** How often (per main-line block) forks are sent, and how many at most. */
const forkChance = 0.35;
const maxForksPerBlock = 2;
/** The blocks of a chain kept for shrinking (the latest ones). */
const historyLimit = 256;

export const runFuzzer = async (o: FuzzOptions): Promise<{ readonly summary: Summary; readonly mismatches: ReadonlyArray<Mismatch> }> => {
  const { spec } = o;
  const timeoutMs = o.timeoutMs ?? 60_000;
  const link = await connectTarget(spec, o.socket, timeoutMs);
  if (o.forks && (link.features & featureForks) === 0) {
    link.close();
    throw new TargetError(`${link.peer.appName} does not offer feature-fork; run without --forks`);
  }
  const withAncestry = (link.features & featureAncestry) !== 0;
  const counts = new Map<string, Map<HostCallOutcome, number>>();
  // The run's model: its host calls are counted for the summary (the shrinker's replays are not).
  let model: ModelChain = modelChain({ spec, readings: o.readings }, o.engines, (call, outcome) => {
    const byOutcome = counts.get(call) ?? new Map<HostCallOutcome, number>();
    counts.set(call, byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + 1));
  });
  const r: Rng = rng(o.seed);
  const mismatches: Mismatch[] = [];
  let blocks = 0;
  let forks = 0;
  let rejected = 0;

  /**
   * Records one mismatch, shrunk and written; the history ends with the block that showed it (the
   * target's diff was taken before shrinking).
   */
  const found = async (history: ReadonlyArray<Sent>, verdict: string, diff: ReadonlyArray<string>): Promise<void> => {
    const last = history[history.length - 1]!;
    const label = last.fork === undefined ? last.source.label : `${last.source.label} (fork: ${last.fork})`;
    const shrunk = await shrink(o, link, history);
    const dir =
      o.out === undefined || shrunk === undefined ? undefined : join(o.out, `${String(mismatches.length + 1).padStart(3, '0')}-${last.source.label.replace(/[^\w.-]+/g, '-')}`);
    if (dir !== undefined) writeTrace(spec, dir, shrunk!, reportMarkdown(o, link, label, verdict, diff, shrunk!, dir));
    const m: Mismatch = { label, verdict, diff, shrunk: { blocks: shrunk?.steps.length ?? 0, reproduced: shrunk?.reproduced ?? false }, dir };
    mismatches.push(m);
    o.onMismatch?.(m);
  };

  try {
    let progressed = true;
    let targetGone = false;
    while (blocks < o.steps && progressed && !targetGone) {
      progressed = false;
      for (const chain of o.source.chains(o.readings)) {
        if (blocks >= o.steps || targetGone) break;
        const genesisAncestors = withAncestry ? ancestorsFromGenesis(spec, chain.start.header) : undefined;
        const started = initialize(model, chain.start.header, chain.start.keyvals, genesisAncestors);
        if (E.isLeft(started)) throw new Error(`${chain.name}: the genesis ${started.left}`);
        model = started.right[0];
        const root = started.right[1];
        const init = await link.request({
          kind: 'initialize',
          value: { header: chain.start.header, keyvals: chain.start.keyvals, ancestry: ancestryOf(genesisAncestors) },
        });
        if (typeof init === 'string') {
          // Not even a new connection answers: the target is gone (a mismatch was recorded before, if any).
          targetGone = true;
          break;
        }
        if ('undecodable' in init || init.kind !== 'stateRoot' || !bytesEqual(init.value, root)) {
          // Nothing to shrink: the state alone differs (trie or state decoding); the chain is skipped.
          const verdict = `Initialize: model root ${toHex(root)}, target ${'undecodable' in init ? describeReply(init) : init.kind === 'stateRoot' ? toHex(init.value) : init.kind}`;
          const m: Mismatch = { label: `${chain.name}/genesis`, verdict, diff: [], shrunk: { blocks: 0, reproduced: false }, dir: undefined };
          mismatches.push(m);
          o.onMismatch?.(m);
          continue;
        }
        const history: Sent[] = [];
        /**
         * After a mismatch (and the shrinker's replays), the target holds other states than the
         * model: it is initialized again with the model's state of the next block's parent, so
         * the chain goes on. Set when that is needed; `stuck` when the target does not take it.
         */
        let resync = false;
        let stuck = false;
        const send = async (source: SourceBlock, block: Block, fork: string | undefined): Promise<void> => {
          const parent = resync ? pointAt(model, block.header.parent) : undefined;
          if (parent !== undefined) {
            const keyvals = keyvalsOf(parent.held.state);
            const init = await link.request({ kind: 'initialize', value: { header: parent.header, keyvals, ancestry: ancestryOf(parent.held.ancestors) } });
            stuck = typeof init === 'string' || 'undecodable' in init || init.kind !== 'stateRoot' || !bytesEqual(init.value, trieRoot(parent.held.state.trie));
            if (stuck) return;
            resync = false;
          }
          // A main-line block's import by the source is the model's own (modelAnswer checks that it applies).
          const [next, answer] = modelAnswer(model, block, fork === undefined ? source.known : undefined);
          model = next;
          const sentAt = performance.now();
          const reply = await link.request({ kind: 'importBlock', value: block });
          const targetMs = performance.now() - sentAt;
          blocks++;
          if (fork !== undefined) forks++;
          if (answer.kind === 'rejected') rejected++;
          history.push({ source, block, fork, answer });
          if (history.length > historyLimit) history.shift();
          o.onStep?.(blocks, o.steps, fork === undefined ? source.label : `${source.label} (fork)`, targetMs);
          const verdict = compare(answer, reply);
          if (verdict === undefined) return;
          const diff = typeof reply !== 'string' && !('undecodable' in reply) && reply.kind === 'stateRoot' ? await diffWithTarget(spec, link, block, answer) : [];
          await found(history, verdict, diff);
          resync = true;
        };
        const sendForks = async (source: SourceBlock): Promise<void> => {
          // After a mismatch the block's remaining forks are skipped: the resync is at the next main-line block.
          for (let k = 1 + r.below(maxForksPerBlock); k > 0 && blocks < o.steps && !resync && !stuck; k--) {
            // Half the time the source's own mutation (an authored block's, re-sealed), where it has one.
            const own: Mutant | undefined = source.mutate !== undefined && r.below(2) === 0 ? source.mutate(r) : undefined;
            const m = own ?? mutate(spec, source.block, r, o.leaveOut);
            await send(source, m.block, m.name);
          }
        };
        for (const source of chain.blocks) {
          if (blocks >= o.steps || stuck) break;
          progressed = true;
          // Mutations share the block's parent: siblings of the block before it is sent, of the head after.
          const fork = o.forks && r.next() < forkChance ? (r.below(2) === 0 ? 'before' : 'after') : undefined;
          if (fork === 'before') await sendForks(source);
          if (blocks >= o.steps || stuck) break;
          await send(source, source.block, undefined);
          if (fork === 'after') await sendForks(source);
        }
      }
    }
  } finally {
    link.close();
  }
  const host_calls = Object.fromEntries([...counts].sort(([a], [b]) => a.localeCompare(b)).map(([call, m]) => [call, Object.fromEntries([...m].sort())]));
  return { summary: { blocks, forks, rejected, mismatches: mismatches.length, host_calls }, mismatches };
};

/** A fresh seed when none is given (printed by the command, so the run can be repeated). */
export const freshSeed = (): number => Math.floor(Math.random() * 2 ** 32);

export type { BlockSource } from './source.js';
export { parseSource, SourceError } from './source.js';
