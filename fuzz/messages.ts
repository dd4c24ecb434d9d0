/**
 * The fuzz-v1 protocol's messages (fuzz-proto/fuzz-v1.asn), built from the JAM codec's
 * combinators (spec/codec.ts), and its framing: each message prefixed by its length as a
 * 32-bit little-endian integer.
 */
import type { Hash } from '../spec/bytes.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { blob, choice, codec, CodecFailure, mapCodec, perSpec, record, u32, u8, varSequence, within, type Codec } from '../spec/codec.js';
import { codecs, hash } from '../spec/codecs.js';
import type { Block, Header, TimeSlot } from '../spec/types.js';
import { keyvals, type KeyValue } from '../spec/trace.js';

/** `feature-ancestry`: the Initialize message carries the first block's ancestors. */
export const featureAncestry = 1;
/** `feature-fork`: simple forks of depth 1. */
export const featureForks = 2;

export interface Version {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
}

export interface PeerInfo {
  readonly fuzzVersion: number;
  readonly fuzzFeatures: number;
  readonly jamVersion: Version;
  readonly appVersion: Version;
  readonly appName: string;
}

export interface AncestryItem {
  readonly slot: TimeSlot;
  readonly headerHash: Hash;
}

export interface Initialize {
  readonly header: Header;
  readonly keyvals: ReadonlyArray<KeyValue>;
  readonly ancestry: ReadonlyArray<AncestryItem>;
}

export type Message =
  | { readonly kind: 'peerInfo'; readonly value: PeerInfo }
  | { readonly kind: 'initialize'; readonly value: Initialize }
  | { readonly kind: 'stateRoot'; readonly value: Hash }
  | { readonly kind: 'importBlock'; readonly value: Block }
  | { readonly kind: 'getState'; readonly value: Hash }
  | { readonly kind: 'state'; readonly value: ReadonlyArray<KeyValue> }
  | { readonly kind: 'error'; readonly value: string };

const version: Codec<Version> = record<Version>('Version', [
  ['major', 'major', u8],
  ['minor', 'minor', u8],
  ['patch', 'patch', u8],
]);

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** `UTF8String`: a length-prefixed octet string that must be valid UTF-8. */
const utf8: Codec<string> = mapCodec(
  blob,
  'UTF8String',
  (b) => {
    try {
      return utf8Decoder.decode(b);
    } catch {
      throw new CodecFailure(-1, 'not valid UTF-8');
    }
  },
  (s) => new TextEncoder().encode(s),
);

const peerInfo: Codec<PeerInfo> = record<PeerInfo>('PeerInfo', [
  ['fuzzVersion', 'fuzz_version', u8],
  ['fuzzFeatures', 'fuzz_features', u32],
  ['jamVersion', 'jam_version', version],
  ['appVersion', 'app_version', version],
  ['appName', 'app_name', utf8],
]);


const ancestryItem: Codec<AncestryItem> = record<AncestryItem>('AncestryItem', [
  ['slot', 'slot', u32 as Codec<TimeSlot>],
  ['headerHash', 'header_hash', hash],
]);

/** The most ancestors an Initialize message may list (`Ancestry ::= SEQUENCE (SIZE(0..24))`). */
export const maxAncestry = 24;

/**
 * `Message ::= CHOICE { ... }`, for one chain spec (the header and block codecs depend on it).
 * The discriminator is one octet (the `[255]` of `error` encodes as `ff`, as the protocol's
 * recorded sessions and README show), not the natural of C.1.4 that `choice` writes (which would
 * take two octets for 255); the JSON form is `choice`'s.
 */
export const message: (spec: ChainSpec) => Codec<Message> = perSpec((spec: ChainSpec) => {
  const { header, block } = codecs(spec);
  const initialize = record<Initialize>('Initialize', [
    ['header', 'header', header],
    ['keyvals', 'state', keyvals],
    ['ancestry', 'ancestry', varSequence(ancestryItem, maxAncestry)],
  ]);
  const variants = {
    peerInfo: { tag: 0, json: 'peer_info', codec: peerInfo },
    initialize: { tag: 1, json: 'initialize', codec: initialize },
    stateRoot: { tag: 2, json: 'state_root', codec: hash },
    importBlock: { tag: 3, json: 'import_block', codec: block },
    getState: { tag: 4, json: 'get_state', codec: hash },
    state: { tag: 5, json: 'state', codec: keyvals },
    error: { tag: 255, json: 'error', codec: utf8 },
  } as const;
  const json = choice<Message>('Message', variants);
  const byTag = new Map<number, readonly [string, Codec<unknown>]>(Object.entries(variants).map(([kind, v]) => [v.tag, [kind, v.codec as Codec<unknown>] as const]));
  return codec<Message>({
    name: 'Message',
    minSize: 1,
    encodeTo: (w, m) => {
      const v = variants[m.kind];
      w.u8(v.tag);
      (v.codec as Codec<unknown>).encodeTo(w, m.value);
    },
    decodeFrom: (r) => {
      const at = r.offset;
      const tag = r.u8();
      const hit = byTag.get(tag);
      if (hit === undefined) throw new CodecFailure(at, `unknown Message discriminator ${tag}`);
      return { kind: hit[0], value: within(hit[0], () => hit[1].decodeFrom(r)) } as Message;
    },
    fromJson: json.fromJson,
    toJson: json.toJson,
  });
});

// ---------------------------------------------------------------------------------------------
// Framing

/** A frame: the message's length as a u32, little-endian, then the message. */
export const frame = (payload: Uint8Array): Uint8Array => {
  const out = new Uint8Array(4 + payload.length);
  new DataView(out.buffer).setUint32(0, payload.length, true);
  out.set(payload, 4);
  return out;
};

/** The result of cutting frames off a byte stream. */
export type Deframed =
  | { readonly kind: 'frames'; readonly frames: ReadonlyArray<Uint8Array>; readonly rest: Uint8Array }
  | { readonly kind: 'oversize'; readonly length: number };

/** The whole frames at the start of `buffer`, the octets left over, or a frame longer than `maxLength`. */
export const deframe = (buffer: Uint8Array, maxLength: number): Deframed => {
  const frames: Uint8Array[] = [];
  let at = 0;
  const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
  while (buffer.length - at >= 4) {
    const length = view.getUint32(at, true);
    if (length > maxLength) return { kind: 'oversize', length };
    if (buffer.length - at - 4 < length) break;
    frames.push(buffer.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return { kind: 'frames', frames, rest: buffer.subarray(at) };
};

