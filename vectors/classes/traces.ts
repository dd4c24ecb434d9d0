/**
 * Class `traces` (tiny): every step of the block-import traces (`traces/<folder>/<n>.bin`,
 * TraceStep of traces/schema.asn). The step's pre_state key-values are read back into a state
 * (eq. D.2 inverted), its block is imported (eqs. 4.5-4.20), and the posterior root and the whole
 * posterior key-value set are compared with the recorded post_state, key by key, each key named
 * by its state component.
 *
 * Also exports the TraceStep codec and the comparison, for `jam-model import` and `bench/import`.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex, type Hash } from '../../spec/bytes.js';
import { tiny, type ChainSpec } from '../../spec/chain-spec.js';
import { blob, bytes, decode, fromJson, mapCodec, parseJson, record, varSequence, type Codec } from '../../spec/codec.js';
import { codecs, hash, serviceInfo } from '../../spec/codecs.js';
import type { Block, Header } from '../../spec/types.js';
import {
  importBlock,
  importStateFromKeyvals,
  type Accumulate,
  type ImportError,
  type ImportState,
  type Imported,
} from '../../model/block-import/index.js';
import { describeComponent, stateKeyClassifier, trieDiff, trieFromEntries, type StateKey } from '../../model/merklization/index.js';
import { diffValues } from '../diff.js';
import { vectorsDir } from '../locate.js';
import { failed, passed, type CaseResult, type Config, type VectorClass } from '../report.js';
import { embeddedRingSrs } from '../../model/crypto/bandersnatch.js';
import { accumulation } from '../../model/accumulation/index.js';
import { PsiA } from '../../model/accumulation/invocation.js';

/** The accumulation the traces run with: section 12 with Psi_A on the native PVM. */
export const traceAccumulate: Accumulate = (spec) => accumulation(spec, PsiA(spec));

export type KeyValue = readonly [StateKey, Uint8Array];

/** `RawState ::= SEQUENCE { state-root, keyvals }`. */
export interface RawState {
  readonly root: Hash;
  readonly keyvals: ReadonlyArray<KeyValue>;
}

/** `KeyValue ::= SEQUENCE { key, value }`, held as the pair [key, value]. */
const keyValue: Codec<KeyValue> = mapCodec(
  record<{ readonly key: StateKey; readonly value: Uint8Array }>('KeyValue', [
    ['key', 'key', bytes<StateKey>(31)],
    ['value', 'value', blob],
  ]),
  'KeyValue',
  ({ key, value }): KeyValue => [key, value],
  ([key, value]) => ({ key, value }),
);

const rawState = (): Codec<RawState> =>
  record<RawState>('RawState', [
    ['root', 'state_root', hash],
    ['keyvals', 'keyvals', varSequence(keyValue)],
  ]);

export interface TraceStep {
  readonly pre: RawState;
  readonly block: Block;
  readonly post: RawState;
}

/** `TraceStep ::= SEQUENCE { pre-state, block, post-state }`. */
export const traceStep = (spec: ChainSpec): Codec<TraceStep> =>
  record<TraceStep>('TraceStep', [
    ['pre', 'pre_state', rawState()],
    ['block', 'block', codecs(spec).block],
    ['post', 'post_state', rawState()],
  ]);

/** `Genesis ::= SEQUENCE { header, state }`. */
export const traceGenesis = (spec: ChainSpec): Codec<{ readonly header: Header; readonly state: RawState }> =>
  record<{ readonly header: Header; readonly state: RawState }>('Genesis', [
    ['header', 'header', codecs(spec).header],
    ['state', 'state', rawState()],
  ]);

/** Decodes a file, binary (`.bin`) or JSON (`.json`), saying which file failed. */
const loadFile = <T>(c: Codec<T>, path: string): E.Either<string, T> => {
  const decoded = path.endsWith('.json') ? fromJson(c, parseJson(readFileSync(path, 'utf8'))) : decode(c, new Uint8Array(readFileSync(path)));
  return E.mapLeft((e: { toString: () => string }) => `${path}: ${e.toString()}`)(decoded);
};

/** Decodes one step file. */
export const loadTraceStep = (spec: ChainSpec, path: string): E.Either<string, TraceStep> => loadFile(traceStep(spec), path);

/** Decodes a genesis file (its header and state). */
export const loadTraceGenesis = (spec: ChainSpec, path: string): E.Either<string, { readonly header: Header; readonly state: RawState }> =>
  loadFile(traceGenesis(spec), path);

/** A trace folder's genesis file (`genesis.bin`, else `genesis.json`), if it has one. */
export const traceGenesisFile = (folder: string): string | undefined =>
  ['genesis.bin', 'genesis.json'].map((f) => join(folder, f)).find((f) => existsSync(f));

/** A readable rejection: the stage and its error name. */
export const describeImportError = (e: ImportError): string => `${e.stage}: ${e.error}`;

/**
 * The differences between the model's posterior and the recorded one: the roots, then each key
 * that differs, named by its component (`kappa (C(8))`, `service 0 storage or request`, ...),
 * and for a component or account value on both sides the decoded fields that differ.
 */
export const diffPosterior = (spec: ChainSpec, got: Imported, expected: RawState, limit = 40): ReadonlyArray<string> => {
  const lines: string[] = [];
  if (!bytesEqual(got.root, expected.root)) lines.push(`state root: expected ${toHex(expected.root)}, model ${toHex(got.root)}`);
  const recorded = trieFromEntries(expected.keyvals);
  const changes = trieDiff(got.trie, recorded);
  const classify = stateKeyClassifier(expected.keyvals);
  const short = (v: Uint8Array | undefined): string => {
    if (v === undefined) return 'absent';
    const h = toHex(v);
    return h.length > 130 ? `${h.slice(0, 130)}... (${v.length} octets)` : h;
  };
  for (const c of changes.slice(0, limit)) {
    const component = classify(c.key, c.after ?? c.before);
    lines.push(`${toHex(c.key)} ${describeComponent(component)}: expected ${short(c.after)}, model ${short(c.before)}`);
    // A component or account value present on both sides: its fields that differ, decoded.
    const valueCodec =
      component.kind === 'component'
        ? (codecs(spec).stateComponents as Readonly<Record<string, Codec<unknown>>>)[component.name]
        : component.kind === 'account'
          ? (serviceInfo as Codec<unknown>)
          : undefined;
    if (valueCodec !== undefined && c.before !== undefined && c.after !== undefined) {
      const expectedValue = decode(valueCodec, c.after);
      const modelValue = decode(valueCodec, c.before);
      if (E.isRight(expectedValue) && E.isRight(modelValue))
        lines.push(...diffValues(expectedValue.right, modelValue.right, '', 12).map((l) => `    ${l} (expected != model)`));
    }
  }
  if (changes.length > limit) lines.push(`... and ${changes.length - limit} more keys`);
  return lines;
};

/** Imports one step onto its own pre_state. */
export const runTraceStep = (spec: ChainSpec, step: TraceStep, accumulate: Accumulate = traceAccumulate): E.Either<string, Imported> => {
  const pre = importStateFromKeyvals(spec, step.pre.keyvals);
  if (E.isLeft(pre)) return E.left(`pre_state does not decode: ${pre.left.key ?? ''} ${pre.left.reason}`);
  const prior: ImportState = pre.right;
  try {
    const out = importBlock(spec, { srs: embeddedRingSrs(), accumulate })(prior, step.block);
    return E.isLeft(out) ? E.left(`block rejected: ${describeImportError(out.left)}`) : E.right(out.right);
  } catch (e) {
    return E.left(`block import threw: ${(e as Error).message}`);
  }
};

/** The step files of one trace folder, in order: each numbered step's `.bin`, else its `.json`. */
export const traceSteps = (folder: string): ReadonlyArray<string> => {
  const files = new Set(readdirSync(folder));
  const steps = [...new Set([...files].filter((f) => /^\d+\.(bin|json)$/.test(f)).map((f) => f.replace(/\.(bin|json)$/, '')))].sort();
  return steps.map((n) => join(folder, files.has(`${n}.bin`) ? `${n}.bin` : `${n}.json`));
};

/** The trace folders (`traces/<name>/`). */
export const traceFolders = (): ReadonlyArray<string> => {
  const root = vectorsDir('traces');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name))
    .sort();
};

const runStep = (path: string): CaseResult => {
  const step = loadTraceStep(tiny, path);
  if (E.isLeft(step)) return failed(step.left);
  const out = runTraceStep(tiny, step.right);
  if (E.isLeft(out)) return failed(out.left);
  const diff = diffPosterior(tiny, out.right, step.right.post);
  return diff.length === 0 ? passed : failed(`posterior (expected != model):\n${diff.map((l) => `  ${l}`).join('\n')}`);
};

export const tracesClass: VectorClass = {
  name: 'traces',
  description: 'block import (eqs. 4.5-4.20, section 5): every trace step, posterior root and key-values',
  configs: ['tiny'],
  cases: (config: Config) =>
    config !== 'tiny'
      ? []
      : traceFolders().flatMap((folder) =>
          traceSteps(folder).map((path) => ({
            name: `${folder.split('/').pop() ?? folder}/${path.split('/').pop()!.replace('.bin', '')}`,
            run: () => runStep(path),
          })),
        ),
};
