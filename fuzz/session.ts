/**
 * One fuzz-v1 session as a state machine: the target's side of the request-response protocol
 * (fuzz-proto/README.md). `respond` takes one decoded request and gives the reply, or says the
 * session ends (a malformed or unexpected message, or an error the JAM protocol does not define:
 * the connection is then closed without an `Error` message, as the README's General Rules say).
 *
 * Posterior states are kept by header hash so that a block may be imported onto any known
 * parent (feature-fork). The fuzzer's forks have depth one: the chain is always extended from
 * the last block that imported, mutations are never parents. So a state is kept while it is the
 * head, its parent, or a sibling of the head (a mutation already imported, kept only until the
 * chain moves on); older states are dropped, and memory stays bounded over a long session.
 */
import * as E from 'fp-ts/lib/Either.js';
import { toHex, type Hash } from '../spec/bytes.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import type { Block } from '../spec/types.js';
import {
  importBlock,
  importStateFromKeyvals,
  retainAncestors,
  stateRoot,
  type Accumulate,
  type Ancestor,
  type ImportError,
  type ImportState,
} from '../model/block-import/index.js';
import { accumulation } from '../model/accumulation/index.js';
import { PsiA } from '../model/accumulation/invocation.js';
import { embeddedRingSrs } from '../model/crypto/bandersnatch.js';
import { headerHash } from '../model/header/index.js';
import { trieEntries } from '../model/merklization/trie.js';
import { featureAncestry, featureForks, type Initialize, type Message, type PeerInfo } from './messages.js';

/** The accumulation the target runs: section 12 with Psi_A on the native PVM. */
export const targetAccumulate: Accumulate = (spec) => accumulation(spec, PsiA(spec));

/** The target's PeerInfo: fuzz version 1, ancestry and forks, JAM 0.7.2. */
export const targetPeerInfo = (appVersion: PeerInfo['appVersion']): PeerInfo => ({
  fuzzVersion: 1,
  fuzzFeatures: featureAncestry | featureForks,
  jamVersion: { major: 0, minor: 7, patch: 2 },
  appVersion,
  appName: 'jam-model',
});

/** A state the target holds: its import state and the header chain retained up to it (5.3). */
interface Held {
  readonly state: ImportState;
  /** The retained ancestors, when the session has feature-ancestry; else the check 11.35 is skipped. */
  readonly ancestors: ReadonlyArray<Ancestor> | undefined;
  readonly parent: string | undefined;
}

/** The reply to one request, or the end of the session with the reason (for the log). */
export type Outcome =
  | { readonly kind: 'reply'; readonly message: Message }
  | { readonly kind: 'close'; readonly reason: string };

const reply = (message: Message): Outcome => ({ kind: 'reply', message });
const close = (reason: string): Outcome => ({ kind: 'close', reason });

/** The `Error` text of a rejected block: the stage and the vectors' error name. */
export const describeRejection = (e: ImportError): string => `block rejected: ${e.stage}: ${e.error}`;

export interface SessionOptions {
  readonly spec: ChainSpec;
  readonly appVersion: PeerInfo['appVersion'];
  readonly accumulate?: Accumulate;
}

export interface Session {
  /** The reply to one request (already decoded), or that the session must end. */
  readonly respond: (request: Message) => Outcome;
  /** How many states the session holds now (for the bounded-memory property). */
  readonly heldStates: () => number;
}

/** A fresh session: it expects the fuzzer's PeerInfo first. */
export const newSession = (options: SessionOptions): Session => {
  const { spec } = options;
  const importer = importBlock(spec, { srs: embeddedRingSrs(), accumulate: options.accumulate ?? targetAccumulate });
  let features: number | undefined;
  const held = new Map<string, Held>();
  let head: string | undefined;

  /** Drops every state but the head, its parent and the head's siblings. */
  const prune = (): void => {
    const headHeld = head === undefined ? undefined : held.get(head);
    const parent = headHeld?.parent;
    for (const [k, h] of held) if (k !== head && k !== parent && h.parent !== parent) held.delete(k);
    if (parent === undefined) for (const k of held.keys()) if (k !== head) held.delete(k);
  };

  const initialize = (init: Initialize): Outcome => {
    const loaded = importStateFromKeyvals(spec, init.keyvals);
    if (E.isLeft(loaded)) return close(`Initialize: the state does not decode: ${loaded.left.key ?? ''} ${loaded.left.reason}`);
    const hash = toHex(headerHash(spec, init.header));
    const withAncestry = ((features ?? 0) & featureAncestry) !== 0;
    const ancestors: ReadonlyArray<Ancestor> | undefined = withAncestry
      ? init.ancestry.map((a) => ({ timeslot: a.slot, headerHash: a.headerHash }))
      : undefined;
    held.clear();
    held.set(hash, { state: loaded.right, ancestors, parent: undefined });
    head = hash;
    return reply({ kind: 'stateRoot', value: stateRoot(loaded.right) });
  };

  const importOne = (block: Block): Outcome => {
    const parentKey = toHex(block.header.parent);
    const parent = held.get(parentKey);
    // A parent the target does not hold (never imported, rejected, or pruned): the block
    // cannot be placed on the chain, a rejection the protocol defines (README, Block Importing).
    if (parent === undefined) return reply({ kind: 'error', value: `block rejected: unknown parent ${parentKey}` });
    let out: ReturnType<typeof importer>;
    try {
      out = importer(parent.state, block, parent.ancestors);
    } catch (e) {
      return close(`ImportBlock: the model failed (not a protocol rejection): ${(e as Error).message}`);
    }
    if (E.isLeft(out)) return reply({ kind: 'error', value: describeRejection(out.left) });
    const hash = toHex(out.right.headerHash);
    const ancestors =
      parent.ancestors === undefined
        ? undefined
        : retainAncestors(spec, parent.ancestors, { timeslot: block.header.timeslot, headerHash: out.right.headerHash });
    held.set(hash, { state: out.right, ancestors, parent: parentKey });
    head = hash;
    prune();
    return reply({ kind: 'stateRoot', value: out.right.root });
  };

  const getState = (h: Hash): Outcome => {
    const found = held.get(toHex(h));
    // Not a reason to end the session: the same condition as an unknown parent, answered the same way (README).
    if (found === undefined) return reply({ kind: 'error', value: `state unknown: no state held for header ${toHex(h)}` });
    return reply({ kind: 'state', value: [...trieEntries(found.state.trie)] });
  };

  const respond = (request: Message): Outcome => {
    if (features === undefined) {
      if (request.kind !== 'peerInfo') return close(`expected PeerInfo first, got ${request.kind}`);
      if (request.value.fuzzVersion !== 1) return close(`fuzz version ${request.value.fuzzVersion} is not 1`);
      const mine = targetPeerInfo(options.appVersion);
      features = request.value.fuzzFeatures & mine.fuzzFeatures;
      return reply({ kind: 'peerInfo', value: mine });
    }
    switch (request.kind) {
      case 'initialize':
        return initialize(request.value);
      case 'importBlock':
        return head === undefined ? close('ImportBlock before Initialize') : importOne(request.value);
      case 'getState':
        return getState(request.value);
      default:
        return close(`unexpected ${request.kind} from the fuzzer`);
    }
  };

  return { respond, heldStates: () => held.size };
};
