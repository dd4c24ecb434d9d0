/**
 * One fuzz-v1 session as a state machine: the target's side of the request-response protocol
 * (fuzz-proto/README.md). `respond` takes one decoded request and gives the reply, or says the
 * session ends (a malformed or unexpected message, or an error the JAM protocol does not define:
 * the connection is then closed without an `Error` message, as the README's General Rules say).
 *
 * Posterior states are held by the chain value (chain/chain.ts) by header hash, so that a block
 * may be imported onto any held parent (feature-fork). The fuzzer's forks have depth one: the
 * chain is always extended from the last block that imported, mutations are never parents; the
 * chain keeps the head, its parent and the head's siblings, so memory stays bounded.
 */
import * as E from 'fp-ts/lib/Either.js';
import { toHex, type Hash } from '../spec/bytes.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { paperReadings, type Readings } from '../spec/readings.js';
import type { Block } from '../spec/types.js';
import { headerHash } from '../model/header/index.js';
import {
  emptyChain,
  heldAt,
  importOnto,
  keyvalsOf,
  startAt,
  stateFromKeyvals,
  stateRoot,
  type Chain,
  type Engines,
  type ImportError,
} from '../chain/index.js';
import { featureAncestry, featureForks, type Initialize, type Message, type PeerInfo } from './messages.js';

/** The target's PeerInfo: fuzz version 1, ancestry and forks, JAM 0.7.2. */
export const targetPeerInfo = (appVersion: PeerInfo['appVersion']): PeerInfo => ({
  fuzzVersion: 1,
  fuzzFeatures: featureAncestry | featureForks,
  jamVersion: { major: 0, minor: 7, patch: 2 },
  appVersion,
  appName: 'jam-model',
});

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
  /** The engines the target's chain runs on. */
  readonly engines: Engines;
  /** The readings its chain runs under (`spec/readings.ts`); 0.7.2's when absent. */
  readonly readings?: Readings;
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
  let features: number | undefined;
  let chain: Chain = emptyChain({ spec, readings: options.readings ?? paperReadings }, options.engines);

  const initialize = (init: Initialize): Outcome => {
    const loaded = stateFromKeyvals(spec, init.keyvals);
    if (E.isLeft(loaded)) return close(`Initialize: ${loaded.left}`);
    // Without feature-ancestry the retained headers are unknown, and 11.35 is skipped.
    const withAncestry = ((features ?? 0) & featureAncestry) !== 0;
    const ancestors = withAncestry ? init.ancestry.map((a) => ({ timeslot: a.slot, headerHash: a.headerHash })) : undefined;
    chain = startAt(chain, headerHash(spec, init.header), loaded.right, ancestors);
    return reply({ kind: 'stateRoot', value: stateRoot(loaded.right) });
  };

  const importOne = (block: Block): Outcome => {
    let out: ReturnType<typeof importOnto>;
    try {
      out = importOnto(chain, block);
    } catch (e) {
      return close(`ImportBlock: the model failed (not a protocol rejection): ${(e as Error).message}`);
    }
    if (E.isLeft(out))
      // A parent the target does not hold (never imported, rejected, or pruned): the block
      // cannot be placed on the chain, a rejection the protocol defines (README, Block Importing).
      return reply({
        kind: 'error',
        value: out.left.kind === 'unknown-parent' ? `block rejected: unknown parent ${out.left.parent}` : describeRejection(out.left.error),
      });
    const [next, imported] = out.right;
    chain = next;
    return reply({ kind: 'stateRoot', value: imported.root });
  };

  const getState = (h: Hash): Outcome => {
    const found = heldAt(chain, h);
    // Not a reason to end the session: the same condition as an unknown parent, answered the same way (README).
    if (found === undefined) return reply({ kind: 'error', value: `state unknown: no state held for header ${toHex(h)}` });
    return reply({ kind: 'state', value: keyvalsOf(found.state) });
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
        return chain.head === undefined ? close('ImportBlock before Initialize') : importOne(request.value);
      case 'getState':
        return getState(request.value);
      default:
        return close(`unexpected ${request.kind} from the fuzzer`);
    }
  };

  return { respond, heldStates: () => chain.held.size };
};
