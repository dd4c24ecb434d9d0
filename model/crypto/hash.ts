/**
 * The paper's two hash functions (section 3.8.1 of notation.tex): H, Blake2b with a 256-bit
 * output, and H_K, Keccak-256. Both take an octet sequence and give a 32-octet Hash.
 *
 * H is on every hot path (trie nodes, state keys, extrinsic hashes), so the model computes it
 * natively (`native/crypto/src/blake2b.rs`); `blake2b256Ts` (`@noble/hashes`) is its TypeScript
 * twin and `properties/hash.property.test.ts` keeps the two equal.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Hash } from '../../spec/bytes.js';
import { loadNative } from '../native.js';

/** H: the Blake2b-256 hash of an octet sequence, by the native engine. */
export const blake2b256 = (data: Uint8Array): Hash => {
  const out = new Uint8Array(32);
  loadNative().blake2b256Into(data, out);
  return out as Hash;
};

/** H by the TypeScript reference, `@noble/hashes`. */
export const blake2b256Ts = (data: Uint8Array): Hash => blake2b(data, { dkLen: 32 });

/** H_K: the Keccak-256 hash of an octet sequence (the MMR super-peak and the BEEFY commitments use it). */
export const keccak256 = (data: Uint8Array): Hash => keccak_256(data);

/** The zero hash, [0]_32: the identity of an empty (sub-)trie and the padding of Merkle trees. */
export const zeroHash: Hash = new Uint8Array(32);
