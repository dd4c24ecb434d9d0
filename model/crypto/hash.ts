/**
 * The paper's two hash functions (section 3.8.1 of notation.tex): H, Blake2b with a 256-bit
 * output, and H_K, Keccak-256. Both take an octet sequence and give a 32-octet Hash.
 *
 * H is on every hot path (trie nodes, state keys, extrinsic hashes), and H_K on every block's MMR
 * (recent history), so both run natively by default (`native/crypto/src/blake2b.rs`,
 * `keccak.rs`); `blake2b256Ts` and `keccak256Ts` (`@noble/hashes`) are their TypeScript twins and
 * `properties/hash.property.test.ts` keeps each pair equal.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Hash } from '../../spec/bytes.js';
import { loadNative, throughScratch } from '../native.js';

/** The array the native hashes write to, moved out of V8's heap once (see `scratch`). */
const scratchOut = new Uint8Array(32);

/** A native hash of an octet sequence, read through `scratch` and written to `scratchOut`. */
const nativeHash =
  (into: (data: Uint8Array, out: Uint8Array) => void) =>
  (data: Uint8Array): Hash => {
    into(throughScratch([data])[0]!, scratchOut);
    return scratchOut.slice() as Hash;
  };

/** H: the Blake2b-256 hash of an octet sequence, by the native engine. */
export const blake2b256Native = nativeHash((data, out) => loadNative().blake2b256Into(data, out));

/** H_K: the Keccak-256 hash of an octet sequence, by the native engine. */
export const keccak256Native = nativeHash((data, out) => loadNative().keccak256Into(data, out));

/** H by the TypeScript reference, `@noble/hashes`. */
export const blake2b256Ts = (data: Uint8Array): Hash => blake2b(data, { dkLen: 32 });

/** H_K by the TypeScript reference, `@noble/hashes`. */
export const keccak256Ts = (data: Uint8Array): Hash => keccak_256(data);

/**
 * The engine H and H_K run on. H is under every part of the model (state keys, the trie, header
 * and report hashes), so its engine is the one choice made per process, by `chain/engines.ts`
 * (`selectHashEngine`), rather than a parameter of every function that hashes. Both engines
 * compute the same function.
 */
let engineH: (data: Uint8Array) => Hash = blake2b256Native;
let engineHK: (data: Uint8Array) => Hash = keccak256Native;

/** Chooses the engine of H and H_K for the process; only `chain/engines.ts` calls it. */
export const selectHashEngine = (name: 'ts' | 'native'): void => {
  engineH = name === 'ts' ? blake2b256Ts : blake2b256Native;
  engineHK = name === 'ts' ? keccak256Ts : keccak256Native;
};

/** H: the Blake2b-256 hash of an octet sequence, by the chosen engine. */
export const blake2b256 = (data: Uint8Array): Hash => engineH(data);

/** H_K: the Keccak-256 hash of an octet sequence (the MMR super-peak and the BEEFY commitments use it), by the chosen engine. */
export const keccak256 = (data: Uint8Array): Hash => engineHK(data);

/** The zero hash, [0]_32: the identity of an empty (sub-)trie and the padding of Merkle trees. */
export const zeroHash: Hash = new Uint8Array(32);
