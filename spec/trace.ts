/**
 * States as key-values, and the block traces' records (traces/schema.asn, fuzz-proto): the
 * `KeyValue` and raw-state codecs, `TraceStep` and `Genesis`, defined once for every reader
 * (the importer's files, the vectors, the fuzz-v1 messages).
 */
import type { Hash, StateKey } from './bytes.js';
import type { ChainSpec } from './chain-spec.js';
import { blob, bytes, mapCodec, record, varSequence, type Codec } from './codec.js';
import { codecs, hash } from './codecs.js';
import type { Block, Header } from './types.js';

/** A state key-value: the 31-octet key and its value, a row of T(sigma) (eq. D.2). */
export type KeyValue = readonly [StateKey, Uint8Array];

/** `KeyValue ::= SEQUENCE { key, value }`, held as the pair [key, value]. */
export const keyValue: Codec<KeyValue> = mapCodec(
  record<{ readonly key: StateKey; readonly value: Uint8Array }>('KeyValue', [
    ['key', 'key', bytes<StateKey>(31)],
    ['value', 'value', blob],
  ]),
  'KeyValue',
  ({ key, value }): KeyValue => [key, value],
  ([key, value]) => ({ key, value }),
);

/** `State ::= SEQUENCE OF KeyValue`. */
export const keyvals: Codec<ReadonlyArray<KeyValue>> = varSequence(keyValue);

/** `RawState ::= SEQUENCE { state-root, keyvals }`. */
export interface RawState {
  readonly root: Hash;
  readonly keyvals: ReadonlyArray<KeyValue>;
}

export const rawState: Codec<RawState> = record<RawState>('RawState', [
  ['root', 'state_root', hash],
  ['keyvals', 'keyvals', keyvals],
]);

export interface TraceStep {
  readonly pre: RawState;
  readonly block: Block;
  readonly post: RawState;
}

/** `TraceStep ::= SEQUENCE { pre-state, block, post-state }`. */
export const traceStep = (spec: ChainSpec): Codec<TraceStep> =>
  record<TraceStep>('TraceStep', [
    ['pre', 'pre_state', rawState],
    ['block', 'block', codecs(spec).block],
    ['post', 'post_state', rawState],
  ]);

export interface Genesis {
  readonly header: Header;
  readonly state: RawState;
}

/** `Genesis ::= SEQUENCE { header, state }`. */
export const genesis = (spec: ChainSpec): Codec<Genesis> =>
  record<Genesis>('Genesis', [
    ['header', 'header', codecs(spec).header],
    ['state', 'state', rawState],
  ]);
