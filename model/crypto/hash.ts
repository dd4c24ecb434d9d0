/**
 * The paper's two hash functions (section 3.8.1 of notation.tex): H, Blake2b with a 256-bit
 * output, and H_K, Keccak-256. Both take an octet sequence and give a 32-octet Hash.
 *
 * H is on every hot path (trie nodes, state keys, extrinsic hashes), so it runs natively by
 * default (`native/crypto/src/blake2b.rs`); `blake2b256Ts` (`@noble/hashes`) is its TypeScript
 * twin and `properties/hash.property.test.ts` keeps the two equal.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Hash } from '../../spec/bytes.js';
import { loadNative } from '../native.js';

/**
 * The arrays the native H reads its input from and writes its output to. Speed: V8 keeps an
 * array of at most 64 octets (a trie node, a hash) inside its heap and moves it out the first
 * time the addon is handed it, which costs more than hashing it; these two were moved once.
 */
const scratchIn = new Uint8Array(1 << 12);
const scratchOut = new Uint8Array(32);

/** H: the Blake2b-256 hash of an octet sequence, by the native engine. */
export const blake2b256Native = (data: Uint8Array): Hash => {
  if (data.length <= scratchIn.length) {
    scratchIn.set(data);
    loadNative().blake2b256Into(scratchIn.subarray(0, data.length), scratchOut);
  } else loadNative().blake2b256Into(data, scratchOut);
  return scratchOut.slice() as Hash;
};

/** H by the TypeScript reference, `@noble/hashes`. */
export const blake2b256Ts = (data: Uint8Array): Hash => blake2b(data, { dkLen: 32 });

/**
 * The engine H runs on. H is under every part of the model (state keys, the trie, header and
 * report hashes), so its engine is the one choice made per process, by `chain/engines.ts`
 * (`selectHashEngine`), rather than a parameter of every function that hashes. Both engines
 * compute the same function.
 */
let engineH: (data: Uint8Array) => Hash = blake2b256Native;

/** Chooses the engine of H for the process; only `chain/engines.ts` calls it. */
export const selectHashEngine = (name: 'ts' | 'native'): void => {
  engineH = name === 'ts' ? blake2b256Ts : blake2b256Native;
};

/** H: the Blake2b-256 hash of an octet sequence, by the chosen engine. */
export const blake2b256 = (data: Uint8Array): Hash => engineH(data);

/** H_K: the Keccak-256 hash of an octet sequence (the MMR super-peak and the BEEFY commitments use it). */
export const keccak256 = (data: Uint8Array): Hash => keccak_256(data);

/** The zero hash, [0]_32: the identity of an empty (sub-)trie and the padding of Merkle trees. */
export const zeroHash: Hash = new Uint8Array(32);
