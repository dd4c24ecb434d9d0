/**
 * The fuzzer's own answer for each block: chain/'s Chain (the importer, states by header hash,
 * the retained headers) beside the headers of the states it holds, which an Initialize at one
 * of them (a replay, a resync after a mismatch) carries. A value: each import gives a new one.
 */
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex, type Hash } from '../../spec/bytes.js';
import type { Readings } from '../../spec/readings.js';
import type { KeyValue } from '../../spec/trace.js';
import type { Block, Header } from '../../spec/types.js';
import type { HostCallObserver, HostCallOutcome } from '../../model/accumulation/types.js';
import { headerHash } from '../../model/header/index.js';
import {
  emptyChain,
  heldAt,
  importerOf,
  importOnto,
  startAt,
  stateFromKeyvals,
  stateRoot,
  type Ancestor,
  type Chain,
  type ChainParams,
  type Engines,
  type Held,
  type Imported,
} from '../../chain/index.js';
import { describeRejection } from '../session.js';

/** A state the model holds, with the header it follows. */
export interface Point {
  readonly header: Header;
  readonly held: Held;
}

/** The model's answer for one block: its posterior, or why it is rejected, with the parent's state when held. */
export type Answer =
  | { readonly kind: 'accepted'; readonly root: Hash; readonly hash: Hash; readonly parent: Point; readonly posterior: Point }
  | { readonly kind: 'rejected'; readonly reason: string; readonly parent: Point | undefined };

export interface ModelChain {
  readonly chain: Chain;
  /** The header of each held state, by header hash (hex); pruned with the chain's states. */
  readonly headers: ReadonlyMap<string, Header>;
  /** Told of the host calls of each import, the taken ones' (`Known`) too. */
  readonly observer: HostCallObserver | undefined;
}

/**
 * A block's import done already, by the source as it authored the block: on the state of root
 * `priorRoot` with `ancestors`, under `readings`, the posterior and the host calls' answers.
 * The model takes it when its own parent state, ancestors and readings are those (an import is
 * a function of them), rather than import the block a second time.
 */
export interface Known {
  readonly priorRoot: Hash;
  readonly ancestors: ReadonlyArray<Ancestor> | undefined;
  readonly readings: Readings;
  readonly posterior: Imported;
  readonly hostCalls: ReadonlyArray<readonly [string, HostCallOutcome]>;
}

const sameAncestors = (a: ReadonlyArray<Ancestor> | undefined, b: ReadonlyArray<Ancestor> | undefined): boolean =>
  a === undefined || b === undefined
    ? a === b
    : a.length === b.length && a.every((x, i) => x.timeslot === b[i]!.timeslot && bytesEqual(x.headerHash, b[i]!.headerHash));

/** Whether `known` is the import the model would do of a block onto `parent`. */
const applies = (m: ModelChain, parent: Point | undefined, known: Known | undefined): known is Known =>
  known !== undefined &&
  parent !== undefined &&
  known.readings === m.chain.readings &&
  bytesEqual(stateRoot(parent.held.state), known.priorRoot) &&
  sameAncestors(parent.held.ancestors, known.ancestors);

/**
 * A model that holds nothing yet. With an observer, every host call's answer in its imports is
 * told to it (the summary's host-call counts); that importer is the run's own.
 */
export const modelChain = (params: ChainParams, engines: Engines, observer?: HostCallObserver): ModelChain => ({
  chain: observer === undefined ? emptyChain(params, engines) : { ...emptyChain(params, engines), importer: importerOf(params, engines, observer) },
  headers: new Map(),
  observer,
});

/** The model holding only the state of `header` (an Initialize), and its root; or why the key-values do not decode. */
export const initialize = (
  m: ModelChain,
  header: Header,
  keyvals: ReadonlyArray<KeyValue>,
  ancestors: ReadonlyArray<Ancestor> | undefined,
): E.Either<string, readonly [ModelChain, Hash]> => {
  const state = stateFromKeyvals(m.chain.spec, keyvals);
  if (E.isLeft(state)) return state;
  const hash = headerHash(m.chain.spec, header);
  return E.right([{ ...m, chain: startAt(m.chain, hash, state.right, ancestors), headers: new Map([[toHex(hash), header]]) }, stateRoot(state.right)]);
};

/** The state held for a header hash, with its header. */
export const pointAt = (m: ModelChain, hash: Hash | string): Point | undefined => {
  const held = heldAt(m.chain, hash);
  const header = m.headers.get(typeof hash === 'string' ? hash : toHex(hash));
  return held === undefined || header === undefined ? undefined : { header, held };
};

/**
 * The model after importing `block` onto its parent's held state (H_P), and its answer; the
 * `known` import taken instead when it is the same import (`applies`).
 */
export const answer = (m: ModelChain, block: Block, known?: Known): readonly [ModelChain, Answer] => {
  const parent = pointAt(m, block.header.parent);
  const taken = applies(m, parent, known);
  if (taken) for (const [call, outcome] of known.hostCalls) m.observer?.(call, outcome);
  const out = importOnto(m.chain, block, taken ? known.posterior : undefined);
  if (E.isLeft(out)) {
    const e = out.left;
    return [m, { kind: 'rejected', reason: e.kind === 'unknown-parent' ? `unknown parent ${e.parent}` : describeRejection(e.error), parent }];
  }
  const [chain, imported] = out.right;
  const hash = toHex(imported.headerHash);
  const headers = new Map([...m.headers, [hash, block.header] as const].filter(([k]) => chain.held.has(k)));
  const next: ModelChain = { ...m, chain, headers };
  // Imported onto a held parent, so both are held (the parent stays: pruning keeps the head's parent).
  return [next, { kind: 'accepted', root: imported.root, hash: imported.headerHash, parent: parent!, posterior: pointAt(next, hash)! }];
};
