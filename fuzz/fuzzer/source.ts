/**
 * Where the fuzzer's blocks come from. A `BlockSource` yields chains: a starting state (what
 * Initialize sends) and blocks in order, each optionally with a recorded pre-state from which a
 * replay may restart (the shrinker drops a prefix that way without re-authoring anything), and
 * optionally the source's own mutations of it.
 *
 * Three sources: recorded traces (`traces:DIR`); chains authored from the fallback trace's
 * genesis by the development validators (`author[:SEED]`, fuzz/author/: valid by construction,
 * with tickets, assurances, guarantees, accumulation and verdicts); and the same authoring over
 * the fuzz genesis (`guests[:SEED]`, fuzz/guest/: generated guest services that call every
 * accumulate host call with boundary arguments). Authored blocks come with
 * fuzz/author/'s mutations (each changes one thing and is re-sealed, so it reaches the check it
 * is about). Beside those, the seeded generic mutations of any block (`mutate`).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { toHex } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { paperReadings, type Readings } from '../../spec/readings.js';
import type { KeyValue } from '../../spec/trace.js';
import type { Block, Extrinsic, Header } from '../../spec/types.js';
import { embeddedRingSrs } from '../../model/crypto/bandersnatch.js';
import { extrinsicHash, headerHash } from '../../model/header/index.js';
import { retainAncestors, type ImportState } from '../../model/block-import/index.js';
import type { HostCallObserver, HostCallOutcome } from '../../model/accumulation/types.js';
import {
  ancestorsFromGenesis,
  importerOf,
  keyvalsOf,
  loadGenesis,
  loadTraceStep,
  stateFromKeyvals,
  stateRoot,
  traceGenesisFile,
  traceSteps,
  type Engines,
  type Importer,
} from '../../chain/index.js';
import { authorBlock, newAuthor, type BlockChoices } from '../author/block.js';
import { contestedEpochs, fallbackGenesis, planOfSeed } from '../author/chain.js';
import { devValidators } from '../author/keys.js';
import { mutations } from '../author/mutations.js';
import { arbGuests, fuzzGenesis, guestPlan } from '../guest/genesis.js';
import type { Known } from './model.js';
import { mutationsLeftOut, noneLeftOut, type LeftOut } from './rules.js';

/** A state with the header it follows: what Initialize carries (the ancestry is the fuzzer's). */
export interface Start {
  readonly header: Header;
  readonly keyvals: ReadonlyArray<KeyValue>;
}

export interface SourceBlock {
  readonly block: Block;
  /** Where it comes from, e.g. `fallback/00000003`. */
  readonly label: string;
  /** The recorded state the block applies to (its parent's posterior), when the source has one. */
  readonly pre: Start | undefined;
  /** The source's own mutations of the block: one drawn at random, undefined when it drew one that does not apply. */
  readonly mutate?: (r: Rng) => Mutant | undefined;
  /** The block's import by the source (an authored block is imported as it is authored), for the model to take. */
  readonly known?: Known;
}

/** A mutated block, named for the report. */
export interface Mutant {
  readonly name: string;
  readonly block: Block;
}

export interface SourceChain {
  readonly name: string;
  readonly start: Start;
  readonly blocks: Iterable<SourceBlock>;
}

export interface BlockSource {
  readonly name: string;
  /**
   * The chains, in order; called again for another round when the run wants more steps. An
   * authoring source imports its blocks under `readings` (0.7.2's unless given).
   */
  readonly chains: (readings?: Readings) => Iterable<SourceChain>;
}

/** A bad `--source` or an unreadable recorded file: the command prints it on one line. */
export class SourceError extends Error {}

const unwrap = <T>(e: E.Either<string, T>): T => {
  if (E.isLeft(e)) throw new SourceError(e.left);
  return e.right;
};

/** The trace folders under DIR: DIR itself when it has a genesis file, else its sub-folders that have one. */
const traceFoldersIn = (dir: string): ReadonlyArray<string> => {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new SourceError(`traces: ${dir} is not a folder`);
  if (traceGenesisFile(dir) !== undefined) return [dir];
  const folders = readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && traceGenesisFile(join(dir, d.name)) !== undefined)
    .map((d) => join(dir, d.name))
    .sort();
  if (folders.length === 0) throw new SourceError(`traces: no trace folder (with genesis.bin or genesis.json) in ${dir}`);
  return folders;
};

/**
 * The recorded traces: each folder's genesis, then its steps in order. A step's `pre` is its
 * recorded pre_state with the header of the step's parent (the genesis or an earlier block), so a
 * replay can Initialize there. Folders are read one at a time, as the run reaches them.
 */
export const tracesSource = (spec: ChainSpec, dir: string): BlockSource => {
  const folders = traceFoldersIn(dir);
  for (const f of folders) if (traceSteps(f).length === 0) throw new SourceError(`traces: no steps (.bin or .json) in ${f}`);
  function* blocksOf(folder: string, genesis: Header): Generator<SourceBlock> {
    // Headers by hash: a step's parent may be any earlier block (a rejected step is no parent).
    const headers = new Map<string, Header>([[toHex(headerHash(spec, genesis)), genesis]]);
    for (const file of traceSteps(folder)) {
      const step = unwrap(loadTraceStep(spec, file));
      const parent = headers.get(toHex(step.block.header.parent));
      headers.set(toHex(headerHash(spec, step.block.header)), step.block.header);
      yield {
        block: step.block,
        label: `${basename(folder)}/${basename(file).replace(/\.(bin|json)$/, '')}`,
        pre: parent === undefined ? undefined : { header: parent, keyvals: step.pre.keyvals },
      };
    }
  }
  function* chains(): Generator<SourceChain> {
    for (const folder of folders) {
      const genesis = unwrap(loadGenesis(spec, traceGenesisFile(folder)!));
      yield { name: basename(folder), start: { header: genesis.header, keyvals: genesis.state.keyvals }, blocks: blocksOf(folder, genesis.header) };
    }
  }
  return { name: `traces:${dir}`, chains };
};

/** The blocks of each authored chain: a few epochs of tiny (E = 12), and a fresh genesis after. */
export const authoredChainLength = 48;

/** The fallback trace's genesis: the authored chains' header, and their state or its base. */
const fallbackGenesisOf = (spec: ChainSpec, kind: string): { readonly header: Header; readonly state: ImportState } =>
  unwrap(E.mapLeft((e: string) => `${kind}: ${e}`)(fallbackGenesis(spec)));

/**
 * Of the epochs whose entropy is a chain's own, the share in which the authored chains offer
 * tickets (contestedEpochs): each such contest costs E ring proofs, about two seconds; the first
 * two epochs after the genesis, whose proofs are remembered, are always contested.
 */
const otherContestsOneIn = 4;

/** What chain seed k authors: its genesis state (after the fallback genesis header) and its plan. */
type ChainOfSeed = (chainSeed: number) => { readonly genesis: ImportState; readonly plan: ReadonlyArray<BlockChoices> };

/**
 * Rule `offender-metadata` (./rules.ts): a good or bad verdict, which makes offenders, authored as
 * a wonky one, which makes none.
 */
export const withoutOffenders = (leaveOut: LeftOut, plan: ReadonlyArray<BlockChoices>): ReadonlyArray<BlockChoices> =>
  leaveOut.has('offender-metadata') ? plan.map((c) => (c.verdict === 'good' || c.verdict === 'bad' ? { ...c, verdict: 'wonky' } : c)) : plan;

/**
 * Authored chains: chain k (k = 0, 1, ...) is what `chainOf(seed + k)` gives, authored after the
 * fallback trace's genesis header, its blocks imported by the model as they are authored (each
 * block is authored on its parent's posterior, with the ancestors retained from the genesis
 * header), each with fuzz/author's mutations but those the rules in force leave out. A block is
 * authored when the run asks for it, and
 * its import (`known`, with the host calls' answers) is what the fuzzer's model takes rather
 * than import it again. Endless: the run stops at its step count. A block the model rejects is
 * a broken promise of the authoring, not a finding: it throws.
 */
const authoredSource = (
  spec: ChainSpec,
  engines: Engines,
  kind: string,
  seed: number,
  genesis: { readonly header: Header; readonly state: ImportState },
  chainOf: ChainOfSeed,
  leaveOut: LeftOut,
): BlockSource => {
  const { header } = genesis;
  const leftOutNames = mutationsLeftOut(leaveOut);
  const ownMutations = mutations.filter((m) => !leftOutNames.has(m.name));
  const author = newAuthor(spec, devValidators(spec.Cvalcount), embeddedRingSrs(), contestedEpochs(genesis.state.state, otherContestsOneIn));
  // The host calls' answers of the import under way, handed to the model with the posterior.
  let hostCalls: Array<readonly [string, HostCallOutcome]> = [];
  const observer: HostCallObserver = (call, outcome) => hostCalls.push([call, outcome]);
  function* blocksOf(chainSeed: number, genesis: ImportState, plan: ReadonlyArray<BlockChoices>, readings: Readings, importer: Importer): Generator<SourceBlock> {
    let prior = genesis;
    let ancestors = ancestorsFromGenesis(spec, header);
    for (const [i, choices] of withoutOffenders(leaveOut, plan).entries()) {
      const authored = authorBlock(author, prior, choices);
      hostCalls = [];
      const out = importer(prior, authored.block, ancestors);
      if (E.isLeft(out))
        throw new Error(`${kind}:${chainSeed}: the model rejects authored block ${i + 1}: ${out.left.stage}: ${out.left.error}`);
      const state = prior;
      yield {
        block: authored.block,
        label: `${kind}:${chainSeed}/${String(i + 1).padStart(8, '0')}`,
        pre: undefined,
        mutate: (r) => {
          const m = ownMutations[r.below(ownMutations.length)]!;
          const block = m.apply(author, state, authored);
          return block === undefined ? undefined : { name: m.name, block };
        },
        known: { priorRoot: stateRoot(prior), ancestors, readings, posterior: out.right, hostCalls },
      };
      prior = out.right;
      ancestors = retainAncestors(spec, ancestors, { timeslot: authored.block.header.timeslot, headerHash: out.right.headerHash });
    }
  }
  function* chains(readings: Readings = paperReadings): Generator<SourceChain> {
    const importer = importerOf({ spec, readings }, engines, observer);
    for (let k = 0; ; k++) {
      const chainSeed = (seed + k) >>> 0;
      const { genesis, plan } = chainOf(chainSeed);
      const keyvals = keyvalsOf(genesis);
      // Authored on the state the keyvals decode to, the state the model and the target hold.
      const decoded = unwrap(E.mapLeft((e: string) => `${kind}:${chainSeed}: the genesis ${e}`)(stateFromKeyvals(spec, keyvals)));
      yield { name: `${kind}:${chainSeed}`, start: { header, keyvals }, blocks: blocksOf(chainSeed, decoded, plan, readings, importer) };
    }
  }
  return { name: `${kind}:${seed}`, chains };
};

/** Chains authored from the fallback trace's genesis, chain k the plan of seed `seed + k` (planOfSeed), without the cases `leaveOut` names. */
export const authorSource = (spec: ChainSpec, engines: Engines, seed: number, leaveOut: LeftOut = noneLeftOut): BlockSource => {
  const fallback = fallbackGenesisOf(spec, 'author');
  const chainOf: ChainOfSeed = (chainSeed) => ({ genesis: fallback.state, plan: planOfSeed(spec, chainSeed, authoredChainLength) });
  return authoredSource(spec, engines, 'author', seed, fallback, chainOf, leaveOut);
};

/**
 * The blocks of each chain over the fuzz genesis. A chain's guests are one draw of programs, each
 * calling a few host calls before it halts or runs out of gas, and the always-accumulate ones run
 * the same program every block: the host calls a run reaches grow with the number of draws, not
 * of blocks (measured with the model: every accumulate host call within about ten chains of 4,
 * fifteen of 8). Four blocks still let a report be guaranteed, made available and accumulated.
 */
export const guestChainLength = 4;

/**
 * Chains authored from the fuzz genesis (fuzz/guest/genesis.ts): chain k's guest programs and plan
 * are drawn from seed `seed + k` (fast-check's seeded sample, so the same seed gives the same
 * chain), the reports spread over the guest services and the genesis service 0 (guestPlan), the
 * always-accumulate guests running every block. The genesis header stays the fallback trace's:
 * Initialize carries the state beside it, and the first block's prior state root is the fuzz
 * genesis's own.
 */
export const guestsSource = (spec: ChainSpec, engines: Engines, seed: number, leaveOut: LeftOut = noneLeftOut): BlockSource => {
  const fallback = fallbackGenesisOf(spec, 'guests');
  const { state } = fallback;
  const arbChain = fc.tuple(arbGuests(spec, state.state, undefined, leaveOut), guestPlan(spec, guestChainLength));
  const chainOf: ChainOfSeed = (chainSeed) => {
    const [guests, plan] = fc.sample(arbChain, { seed: chainSeed, numRuns: 1 })[0]!;
    return { genesis: fuzzGenesis(spec, state.state, guests), plan };
  };
  return authoredSource(spec, engines, 'guests', seed, fallback, chainOf, leaveOut);
};

/** A seed argument of `--source KIND:SEED`. */
const seedArg = (kind: string, arg: string): number => {
  if (!/^\d+$/.test(arg) || Number(arg) >= 2 ** 32) throw new SourceError(`--source ${kind}:${arg}: the seed is not a whole number below 2^32`);
  return Number(arg);
};

/**
 * `--source KIND[:ARG]`; `seed` is the run's, the authored chains' first seed when `guests` or
 * `author` names none; `leaveOut` the rules in force (./rules.ts) for authored chains.
 */
export const parseSource = (spec: ChainSpec, engines: Engines, text: string, seed: number, leaveOut: LeftOut): BlockSource => {
  const colon = text.indexOf(':');
  const [kind, arg] = colon < 0 ? [text, undefined] : [text.slice(0, colon), text.slice(colon + 1)];
  if (kind === 'traces') {
    if (arg === undefined || arg === '') throw new SourceError(`--source traces:DIR needs a folder`);
    return tracesSource(spec, arg);
  }
  if (kind === 'author') return authorSource(spec, engines, arg === undefined ? seed : seedArg(kind, arg), leaveOut);
  if (kind === 'guests') return guestsSource(spec, engines, arg === undefined ? seed : seedArg(kind, arg), leaveOut);
  throw new SourceError(`--source ${text}: unknown source kind '${kind}' (known: guests[:SEED], author[:SEED], traces:DIR)`);
};

// ---------------------------------------------------------------------------------------------
// Seeded randomness and mutations

/** A seeded PRNG (mulberry32): the same seed gives the same run. */
export interface Rng {
  /** A float in [0, 1). */
  readonly next: () => number;
  /** An integer in [0, n). */
  readonly below: (n: number) => number;
}

export const rng = (seed: number): Rng => {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return { next, below: (n) => Math.floor(next() * n) };
};

/** A copy of `b` with one random bit flipped. */
const flipBit = <T extends Uint8Array>(b: T, r: Rng): T => {
  const out = b.slice() as T;
  const i = r.below(out.length);
  out[i] = out[i]! ^ (1 << r.below(8));
  return out;
};

type ListName = 'tickets' | 'preimages' | 'guarantees' | 'assurances';
const lists: ReadonlyArray<ListName> = ['tickets', 'preimages', 'guarantees', 'assurances'];

/**
 * The most items an extrinsic list may have as a value of its type: E_G at most C
 * (eq:guaranteesextrinsic), E_A at most V (eq:xtassurances). E_T and E_P are unbounded sequences:
 * a block with more than K tickets is a Block that eq:enforceticketlimit makes invalid; rule
 * `tickets-beyond-K` (./rules.ts) stops E_T at K.
 */
const maxLength = (spec: ChainSpec, l: ListName, leaveOut: LeftOut): number =>
  l === 'guarantees'
    ? spec.Ccorecount
    : l === 'assurances'
      ? spec.Cvalcount
      : l === 'tickets' && leaveOut.has('tickets-beyond-K')
        ? spec.Cmaxblocktickets
        : Infinity;

/** One mutation of a block, named for the report; undefined when it does not apply to the block (or the rules in force leave it out). */
type Mutator = (spec: ChainSpec, b: Block, r: Rng, leaveOut: LeftOut) => Mutant | undefined;

const withHeader = (b: Block, h: Partial<Header>): Block => ({ ...b, header: { ...b.header, ...h } });

/**
 * An extrinsic change. Half the time H_X is recomputed, so the block gets past the extrinsic-hash
 * check (5.4) to the checks behind it (the seal then no longer signs the header, which is part of what is tested).
 */
const withExtrinsic = (spec: ChainSpec, b: Block, x: Extrinsic, r: Rng, name: string): Mutant =>
  r.below(2) === 0
    ? { name: `${name}, H_X kept`, block: { ...b, extrinsic: x } }
    : { name: `${name}, H_X recomputed`, block: { header: { ...b.header, extrinsicHash: extrinsicHash(spec, x) }, extrinsic: x } };

/**
 * Not a mutation: the block itself, sent again on the same parent. Eq. 4.1 makes the posterior a
 * function of the prior state and the block, so the answer is the same root again.
 */
export const sameBlockAgain = 'the same block again';

const mutators: ReadonlyArray<Mutator> = [
  (_, b, _r, leaveOut) => (leaveOut.has('reimport') ? undefined : { name: sameBlockAgain, block: b }),
  (_, b, r) => {
    const d = r.below(2) === 0 ? 1 : -1;
    return b.header.timeslot + d < 0 ? undefined : { name: `slot ${d > 0 ? '+1' : '-1'}`, block: withHeader(b, { timeslot: (b.header.timeslot + d) as Header['timeslot'] }) };
  },
  (_, b, r) => ({ name: 'slot far ahead', block: withHeader(b, { timeslot: (b.header.timeslot + 2 + r.below(1000)) as Header['timeslot'] }) }),
  (_, b, r) => ({ name: 'parent state root bit flip', block: withHeader(b, { priorStateRoot: flipBit(b.header.priorStateRoot, r) }) }),
  (_, b, r) => ({ name: 'parent hash bit flip', block: withHeader(b, { parent: flipBit(b.header.parent, r) }) }),
  (_, b, r) => ({ name: 'extrinsic hash bit flip', block: withHeader(b, { extrinsicHash: flipBit(b.header.extrinsicHash, r) }) }),
  (spec, b) => ({ name: 'author index +1', block: withHeader(b, { authorIndex: ((b.header.authorIndex + 1) % spec.Cvalcount) as Header['authorIndex'] }) }),
  (_, b, r) => ({ name: 'VRF signature bit flip', block: withHeader(b, { vrfSig: flipBit(b.header.vrfSig, r) }) }),
  (_, b, r) => ({ name: 'seal bit flip', block: withHeader(b, { sealSig: flipBit(b.header.sealSig, r) }) }),
  (_, b) => (b.header.epochMark === undefined ? undefined : { name: 'epoch mark dropped', block: withHeader(b, { epochMark: undefined }) }),
  (_, b) => (b.header.winnersMark === undefined ? undefined : { name: 'tickets mark dropped', block: withHeader(b, { winnersMark: undefined }) }),
  (spec, b, r) => {
    const present = lists.filter((l) => b.extrinsic[l].length > 0);
    if (present.length === 0) return undefined;
    const l = present[r.below(present.length)]!;
    const i = r.below(b.extrinsic[l].length);
    return withExtrinsic(spec, b, { ...b.extrinsic, [l]: b.extrinsic[l].filter((_, j) => j !== i) }, r, `${l}[${i}] dropped`);
  },
  (spec, b, r, leaveOut) => {
    // Within the lengths the paper's types allow, so the block stays a Block (a longer sequence is
    // a malformed message, on which a target may end the session; see maxLength).
    const present = lists.filter((l) => b.extrinsic[l].length > 0 && b.extrinsic[l].length < maxLength(spec, l, leaveOut));
    if (present.length === 0) return undefined;
    const l = present[r.below(present.length)]!;
    const i = r.below(b.extrinsic[l].length);
    const items: ReadonlyArray<unknown> = b.extrinsic[l];
    return withExtrinsic(spec, b, { ...b.extrinsic, [l]: [...items.slice(0, i + 1), items[i], ...items.slice(i + 1)] }, r, `${l}[${i}] duplicated`);
  },
];

/**
 * A random applicable mutation of `b`, with its name (e.g. `seal bit flip`), but none of the
 * cases `leaveOut` names (./rules.ts): rule `reimport` leaves out the same block again, where
 * clients part from eq. 4.1 (typeberry answers Error, "already imported"); rule `tickets-beyond-K`
 * a ticket duplicated past K.
 */
export const mutate = (spec: ChainSpec, b: Block, r: Rng, leaveOut: LeftOut): Mutant => {
  for (;;) {
    const m = mutators[r.below(mutators.length)]!(spec, b, r, leaveOut);
    if (m !== undefined) return m;
  }
};
