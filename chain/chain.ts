/**
 * A working chain: the importer (Upsilon of eq. 4.1 with section 12's accumulation on the chosen
 * PVM engine and the ring SRS, under the chain's readings), and the chain value that holds posterior states by header hash
 * together with the header chain each one retains (eq. 5.3).
 *
 * The retained headers are unknown when a chain starts from a state whose ancestry nobody gave
 * (a recorded pre-state, a fuzz-v1 Initialize without feature-ancestry): the importer then skips
 * the one check that needs them, a lookup anchor being an ancestor (11.35).
 *
 * States kept: the head, its parent, and the head's siblings (forks of depth one, as the fuzz-v1
 * fuzzer makes them); older states are dropped, so memory stays bounded over a long chain.
 */
import * as E from 'fp-ts/lib/Either.js';
import { toHex, type Hash } from '../spec/bytes.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { departures, paperReadings, type Readings } from '../spec/readings.js';
import type { KeyValue } from '../spec/trace.js';
import type { Block, Header } from '../spec/types.js';
import { accumulation } from '../model/accumulation/index.js';
import { PsiA } from '../model/accumulation/invocation.js';
import type { HostCallObserver } from '../model/accumulation/types.js';
import {
  importBlock,
  importStateFromKeyvals,
  retainAncestors,
  type Ancestor,
  type ImportError,
  type ImportState,
  type Imported,
} from '../model/block-import/index.js';
import { embeddedRingSrs } from '../model/crypto/bandersnatch.js';
import { deferSignatures } from '../model/crypto/deferral.js';
import { refinePackage } from '../model/in-core/index.js';
import { headerHash } from '../model/header/index.js';
import type { StateDecodeError } from '../model/merklization/serialize.js';
import { trieEntries } from '../model/merklization/trie.js';
import { erasureEngine, pvmEngine, type Engines } from './engines.js';

/** Upsilon for one chain spec and set of engines. */
export type Importer = (prior: ImportState, block: Block, ancestors?: ReadonlyArray<Ancestor>) => E.Either<ImportError, Imported>;

/**
 * What a chain is made of besides its engines: the constants (the chain spec) and the readings
 * (`spec/readings.ts`), carried together; a chain spec alone runs under 0.7.2's readings.
 */
export interface ChainParams {
  readonly spec: ChainSpec;
  readonly readings: Readings;
}

/** The parameters of a chain spec given alone (0.7.2's readings) or with its readings. */
export const chainParams = (given: ChainSpec | ChainParams): ChainParams =>
  'readings' in given ? given : { spec: given, readings: paperReadings };

/** The importers made, per chain spec, PVM engine and readings (H's and Ed25519's engines are per process). */
const importers = new WeakMap<ChainSpec, Map<string, Importer>>();

/**
 * Upsilon as the model composes it, each check in its turn, for a chain spec and readings on the
 * given engines, made once per (spec, engines, readings) in a process: the ring parameters are
 * built when it is made, not inside the first epoch's block. With an observer, every host call's
 * answer is reported to it (an importer of its own, not remembered).
 */
export const sequentialImporterOf = (given: ChainSpec | ChainParams, engines: Engines, observer?: HostCallObserver): Importer => {
  const { spec, readings } = chainParams(given);
  const psiA = PsiA(spec, pvmEngine(engines, readings), readings);
  if (observer !== undefined)
    return importBlock(spec, {
      srs: embeddedRingSrs(),
      accumulate: (s) => accumulation(s, (delta, tau, service, gas, inputs, entropy) => psiA(delta, tau, service, gas, inputs, entropy, observer)),
    });
  const bySpec = importers.get(spec) ?? new Map<string, Importer>();
  importers.set(spec, bySpec);
  const key = [engines.pvm, ...departures(readings)].join(' ');
  const made = bySpec.get(key);
  if (made !== undefined) return made;
  const importer: Importer = importBlock(spec, { srs: embeddedRingSrs(), accumulate: (s) => accumulation(s, psiA) });
  bySpec.set(key, importer);
  return importer;
};

/**
 * Upsilon with the signature checks taken off the JavaScript thread: the block is imported as if
 * every Ed25519 and IETF VRF signature and every ticket's ring VRF proof were valid while the
 * native engine verifies them on other threads (`model/crypto/deferral.ts`), on the second core,
 * beside the accumulation.
 * When all are valid, each check answered what it answers in its turn, so the import is the
 * sequential one; when one is not, the block is imported again, sequentially, for the exact
 * answer (an invalid signature costs a second import).
 */
export const optimistic =
  (importer: Importer): Importer =>
  (prior, block, ancestors) => {
    // A throw is an answer too: taken as it is only when every signature held.
    const { result, held } = deferSignatures((): { readonly value: ReturnType<Importer> } | { readonly thrown: unknown } => {
      try {
        return { value: importer(prior, block, ancestors) };
      } catch (thrown) {
        return { thrown };
      }
    });
    if (!held) return importer(prior, block, ancestors);
    if ('thrown' in result) throw result.thrown;
    return result.value;
  };

/**
 * The importer a chain uses: the sequential one, made optimistic (`optimistic`) when the
 * signatures are the native engine's (only it verifies in the background) and no observer counts
 * host calls (a second import would count them twice).
 */
export const importerOf = (given: ChainSpec | ChainParams, engines: Engines, observer?: HostCallObserver): Importer => {
  const importer = sequentialImporterOf(given, engines, observer);
  return engines.ed25519 === 'native' && observer === undefined ? optimistic(importer) : importer;
};

/** Xi (14.12) on the chosen engines: a package refined on a core against a state, the report or the named rejection. */
export const refinerOf = (given: ChainSpec | ChainParams, engines: Engines): ReturnType<typeof refinePackage> => {
  const { spec, readings } = chainParams(given);
  return refinePackage(spec, pvmEngine(engines, readings), erasureEngine(engines));
};

/** A readable rejection: the stage and its error name (`reports: future_report_slot`). */
export const describeImportError = (e: ImportError): string => `${e.stage}: ${e.error}`;

/** A state read from key-values (D.2 inverted), or what failed to decode. */
export const stateFromKeyvals = (spec: ChainSpec, keyvals: ReadonlyArray<KeyValue>): E.Either<string, ImportState> =>
  E.mapLeft((e: StateDecodeError) => `the state does not decode: ${e.key === undefined ? '' : `${e.key} `}${e.reason}`)(importStateFromKeyvals(spec, keyvals));

/** A state's key-values, T(sigma) in key order. */
export const keyvalsOf = (state: ImportState): ReadonlyArray<KeyValue> => [...trieEntries(state.trie)];

/** A state the chain holds. */
export interface Held {
  readonly state: ImportState;
  /** The headers retained up to this state (5.3); undefined when unknown, and 11.35 is then skipped. */
  readonly ancestors: ReadonlyArray<Ancestor> | undefined;
  /** The parent's header hash (hex), undefined for the state the chain started at. */
  readonly parent: string | undefined;
}

export interface Chain {
  readonly spec: ChainSpec;
  readonly readings: Readings;
  readonly importer: Importer;
  /** The held states by header hash (hex). */
  readonly held: ReadonlyMap<string, Held>;
  /** The header hash (hex) of the last state started at or imported. */
  readonly head: string | undefined;
}

/** A chain that holds nothing yet. */
export const emptyChain = (given: ChainSpec | ChainParams, engines: Engines): Chain => {
  const params = chainParams(given);
  return { ...params, importer: importerOf(params, engines), held: new Map(), head: undefined };
};

/**
 * The chain restarted at one state, every state held before dropped: the state of the header
 * whose hash is `at`, with the headers retained up to it, or `undefined` when they are unknown.
 */
export const startAt = (chain: Chain, at: Hash, state: ImportState, ancestors: ReadonlyArray<Ancestor> | undefined): Chain => ({
  ...chain,
  held: new Map([[toHex(at), { state, ancestors, parent: undefined }]]),
  head: toHex(at),
});

/** The headers retained from a genesis header: that header alone. */
export const ancestorsFromGenesis = (spec: ChainSpec, header: Header): ReadonlyArray<Ancestor> => [
  { timeslot: header.timeslot, headerHash: headerHash(spec, header) },
];

/** The state held for a header hash. */
export const heldAt = (chain: Chain, at: Hash | string): Held | undefined => chain.held.get(typeof at === 'string' ? at : toHex(at));

/** The head's held state. */
export const headOf = (chain: Chain): Held | undefined => (chain.head === undefined ? undefined : chain.held.get(chain.head));

/** Why a block did not import: its parent is not held, or a stage rejected it. */
export type ChainError =
  | { readonly kind: 'unknown-parent'; readonly parent: string }
  | { readonly kind: 'rejected'; readonly error: ImportError };

/** The held states that stay once `head` is the head: it, its parent and its parent's other children. */
const prune = (held: ReadonlyMap<string, Held>, head: string): ReadonlyMap<string, Held> => {
  const parent = held.get(head)?.parent;
  return new Map([...held].filter(([k, h]) => k === head || (parent !== undefined && (k === parent || h.parent === parent))));
};

/**
 * The chain with `block` imported onto its parent (any held state) and made the head, and the
 * posterior; or why not. The prior chain is untouched. A model failure (a broken invariant)
 * throws, as the importer does. `known`, when given, is the posterior the chain's importer
 * already gave for this block on the parent's state and ancestors (the caller vouches for
 * that), taken instead of importing the block again.
 */
export const importOnto = (chain: Chain, block: Block, known?: Imported): E.Either<ChainError, readonly [Chain, Imported]> => {
  const parentKey = toHex(block.header.parent);
  const parent = chain.held.get(parentKey);
  if (parent === undefined) return E.left({ kind: 'unknown-parent', parent: parentKey });
  const out = known !== undefined ? E.right(known) : chain.importer(parent.state, block, parent.ancestors);
  if (E.isLeft(out)) return E.left({ kind: 'rejected', error: out.left });
  const hash = toHex(out.right.headerHash);
  const ancestors =
    parent.ancestors === undefined
      ? undefined
      : retainAncestors(chain.spec, parent.ancestors, { timeslot: block.header.timeslot, headerHash: out.right.headerHash });
  const held = new Map(chain.held).set(hash, { state: out.right, ancestors, parent: parentKey });
  return E.right([{ ...chain, held: prune(held, hash), head: hash }, out.right]);
};
