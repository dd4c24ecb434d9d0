/**
 * Ed25519 signature verification: the set V_k(m) of valid signatures (section 3.8.2 of
 * notation.tex, which defers to RFC 8032). RFC 8032 leaves the validation criteria open (canonical
 * encodings, cofactored or not); like the public JAM conformance vectors we use the ZIP-215 rules:
 * A and R must decode to curve points (non-canonical y accepted), s < q, and the cofactored
 * equation [8][s]B = [8]R + [8][k]A.
 *
 * Two verifiers decide the same set: `ed25519VerifyTs`, the TypeScript reference (noble, in its
 * ZIP-215 mode), and `ed25519VerifyNative`, the native engine (ed25519-zebra through the napi binding,
 * about 30 times faster); the model calls `ed25519Verify`, the engine chosen for the process. A differential property
 * (`properties/ed25519.property.test.ts`) keeps the two equal.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Ed25519Key, Ed25519Signature } from '../../spec/bytes.js';
import { loadNative, throughScratch } from '../native.js';
import { defer, deferring } from './deferral.js';

/** A verifier of V_key(message); false for a key or signature of the wrong length, never throws on bad input. */
export type Ed25519Verifier = (key: Ed25519Key, message: Uint8Array, signature: Ed25519Signature) => boolean;

const wellSized = (key: Uint8Array, signature: Uint8Array): boolean => key.length === 32 && signature.length === 64;

/** The TypeScript reference: whether `signature` is in V_key(message) under the ZIP-215 rules. */
export const ed25519VerifyTs: Ed25519Verifier = (key, message, signature) => {
  if (!wellSized(key, signature)) return false;
  try {
    return ed25519.verify(signature, message, key, { zip215: true });
  } catch {
    return false;
  }
};

/** Whether `signature` is in V_key(message) under the ZIP-215 rules, by the native engine. */
export const ed25519VerifyNative: Ed25519Verifier = (key, message, signature) =>
  wellSized(key, signature) && loadNative().ed25519Verify(key, message, signature);

/** No key (zero octets): the key of a validator index out of range; nothing verifies under it. */
export const noKey = new Uint8Array(0) as Ed25519Key;

/** One signature to check: the key, the message and the signature. */
export interface Ed25519Item {
  readonly key: Ed25519Key;
  readonly message: Uint8Array;
  readonly signature: Ed25519Signature;
}

/** Whether each item's signature is in V_key(message): the answers of a verifier, item by item. */
export type Ed25519EachVerifier = (items: ReadonlyArray<Ed25519Item>) => ReadonlyArray<boolean>;

/** The TypeScript reference, item by item. */
export const ed25519VerifyEachTs: Ed25519EachVerifier = (items) => items.map((i) => ed25519VerifyTs(i.key, i.message, i.signature));

/**
 * The well-sized items' verdicts by `verify` (given them as three arrays, in one crossing into the
 * addon), the others false.
 */
const sizedOnly = (
  items: ReadonlyArray<Ed25519Item>,
  verify: (keys: Uint8Array[], messages: Uint8Array[], signatures: Uint8Array[]) => ReadonlyArray<boolean>,
): ReadonlyArray<boolean> => {
  const isSized = items.map((i) => wellSized(i.key, i.signature));
  const sized = items.filter((_, at) => isSized[at]);
  // Through `scratch`: keys, then messages, then signatures.
  const n = sized.length;
  const views = throughScratch([...sized.map((i) => i.key), ...sized.map((i) => i.message), ...sized.map((i) => i.signature)]);
  const verdicts = verify(views.slice(0, n), views.slice(n, 2 * n), views.slice(2 * n));
  let next = 0;
  return isSized.map((s) => (s ? verdicts[next++]! : false));
};

/**
 * The native engine: the well-sized items verified in one call (one crossing into the addon),
 * two or more together first (ZIP-215 batch verification, `native/crypto/src/ed25519.rs`), the
 * others false.
 */
export const ed25519VerifyEachNative: Ed25519EachVerifier = (items) => sizedOnly(items, (k, m, s) => loadNative().ed25519VerifyEach(k, m, s));

/**
 * The native engine, deferred (`deferral.ts`): each well-sized item answered valid now and
 * verified on the engine's background thread; the others false, as the engine answers them.
 */
const ed25519VerifyEachDeferred: Ed25519EachVerifier = (items) =>
  sizedOnly(items, (k, m, s) => {
    defer(loadNative().ed25519VerifyEachDeferred(k, m, s));
    return k.map(() => true);
  });

/** The two verifiers of many signatures by engine name. */
const ed25519EachVerifiers: Readonly<Record<'ts' | 'native', Ed25519EachVerifier>> = {
  ts: ed25519VerifyEachTs,
  native: ed25519VerifyEachNative,
};

/** The two verifiers by engine name, for the vectors and the benchmark. */
export const ed25519Verifiers: Readonly<Record<'ts' | 'native', Ed25519Verifier>> = {
  ts: ed25519VerifyTs,
  native: ed25519VerifyNative,
};

/**
 * The verifier the model's components call (disputes, assurances, guarantees), chosen once per
 * process by `chain/engines.ts` as H's engine is (see `selectHashEngine`); deferred inside
 * `deferSignatures` (`deferral.ts`).
 */
let engineV: Ed25519Verifier = ed25519VerifyNative;
let engineEach: Ed25519EachVerifier = ed25519VerifyEachNative;

/** Chooses the Ed25519 engine for the process; only `chain/engines.ts` calls it. */
export const selectEd25519Engine = (name: 'ts' | 'native'): void => {
  engineV = ed25519Verifiers[name];
  engineEach = ed25519EachVerifiers[name];
};

/** Whether `signature` is in V_key(message) under the ZIP-215 rules, by the chosen engine. */
export const ed25519Verify: Ed25519Verifier = (key, message, signature) =>
  deferring() ? ed25519VerifyEachDeferred([{ key, message, signature }])[0]! : engineV(key, message, signature);

/**
 * Whether each item's signature is in V_key(message), by the chosen engine: the answers
 * `ed25519Verify` gives item by item (the native engine in one call).
 */
export const ed25519VerifyEach: Ed25519EachVerifier = (items) => (deferring() ? ed25519VerifyEachDeferred(items) : engineEach(items));
