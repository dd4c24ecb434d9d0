/**
 * The fuzzer's own answer for each block: the model's importer over states held by header hash.
 * This is the one place the fuzzer calls `importBlock`; the `chain/` layer (importer and states by
 * header hash) replaces it when it lands, so it is kept small and behind `ModelChain`.
 */
import * as E from 'fp-ts/lib/Either.js';
import { toHex, type Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { Block, Header } from '../../spec/types.js';
import {
  importBlock,
  importStateFromKeyvals,
  retainAncestors,
  stateRoot,
  type Accumulate,
  type Ancestor,
  type ImportState,
} from '../../model/block-import/index.js';
import { accumulation } from '../../model/accumulation/index.js';
import { PsiA } from '../../model/accumulation/invocation.js';
import type { HostCallObserver } from '../../model/accumulation/types.js';
import { embeddedRingSrs } from '../../model/crypto/bandersnatch.js';
import { headerHash } from '../../model/header/index.js';
import { describeRejection } from '../session.js';
import type { KeyValue } from '../messages.js';

/**
 * The accumulation the fuzz target runs (section 12, Psi_A on the native PVM), with every host
 * call Psi_A handles told to `observer`: the model's own host-call counts for the summary.
 */
export const observedAccumulate =
  (observer: HostCallObserver | undefined): Accumulate =>
  (spec) => {
    const psiA = PsiA(spec);
    return accumulation(spec, observer === undefined ? psiA : (state, tau, s, g, inputs, entropy) => psiA(state, tau, s, g, inputs, entropy, observer));
  };

/** A state the model holds: its import state, the header it follows, and the retained header chain (5.3). */
export interface HeldState {
  readonly state: ImportState;
  readonly header: Header;
  /** The retained ancestors, when the session negotiated feature-ancestry; else the check 11.35 is skipped. */
  readonly ancestors: ReadonlyArray<Ancestor> | undefined;
}

/** The model's answer for one block: its posterior, or the stage and error that rejected it. */
export type Answer =
  | { readonly kind: 'accepted'; readonly root: Hash; readonly hash: Hash; readonly parent: HeldState; readonly posterior: HeldState }
  | { readonly kind: 'rejected'; readonly reason: string; readonly parent: HeldState | undefined };

export interface ModelChain {
  /** Holds only this state (an Initialize): its root, or why its key-values do not decode. */
  readonly initialize: (header: Header, keyvals: ReadonlyArray<KeyValue>, ancestors: ReadonlyArray<Ancestor> | undefined) => E.Either<string, Hash>;
  /** Imports a block onto the held state of its parent (H_P). */
  readonly importBlock: (block: Block) => Answer;
  /** The state held for a header hash, if any. */
  readonly held: (hash: Hash) => HeldState | undefined;
}

/**
 * How many accepted states are kept. The fuzzer's forks have depth one, so a block's parent is
 * the head or its parent; a few more let a source fork a little deeper without a restart.
 */
const keptStates = 8;

export const modelChain = (spec: ChainSpec, observer?: HostCallObserver): ModelChain => {
  const importer = importBlock(spec, { srs: embeddedRingSrs(), accumulate: observedAccumulate(observer) });
  // Insertion order is import order: the oldest states are dropped first.
  const held = new Map<string, HeldState>();
  const hold = (hash: Hash, s: HeldState): void => {
    held.set(toHex(hash), s);
    for (const k of held.keys()) if (held.size > keptStates) held.delete(k);
  };
  return {
    initialize: (header, keyvals, ancestors) => {
      const loaded = importStateFromKeyvals(spec, keyvals);
      if (E.isLeft(loaded)) return E.left(`the state does not decode: ${loaded.left.key ?? ''} ${loaded.left.reason}`);
      held.clear();
      hold(headerHash(spec, header), { state: loaded.right, header, ancestors });
      return E.right(stateRoot(loaded.right));
    },
    importBlock: (block) => {
      const parent = held.get(toHex(block.header.parent));
      if (parent === undefined) return { kind: 'rejected', reason: `unknown parent ${toHex(block.header.parent)}`, parent };
      const out = importer(parent.state, block, parent.ancestors);
      if (E.isLeft(out)) return { kind: 'rejected', reason: describeRejection(out.left), parent };
      const ancestors =
        parent.ancestors === undefined ? undefined : retainAncestors(spec, parent.ancestors, { timeslot: block.header.timeslot, headerHash: out.right.headerHash });
      const posterior: HeldState = { state: out.right, header: block.header, ancestors };
      hold(out.right.headerHash, posterior);
      return { kind: 'accepted', root: out.right.root, hash: out.right.headerHash, parent, posterior };
    },
    held: (hash) => held.get(toHex(hash)),
  };
};
