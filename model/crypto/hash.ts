/**
 * The paper's two hash functions (section 3.8.1 of notation.tex): H, Blake2b with a 256-bit
 * output, and H_K, Keccak-256. Both take an octet sequence and give a 32-octet Hash.
 */
import { blake2b } from '@noble/hashes/blake2.js';
import { keccak_256 } from '@noble/hashes/sha3.js';
import type { Hash } from '../../spec/bytes.js';

/** H: the Blake2b-256 hash of an octet sequence. */
export const blake2b256 = (data: Uint8Array): Hash => blake2b(data, { dkLen: 32 });

/** H_K: the Keccak-256 hash of an octet sequence (the MMR super-peak and the BEEFY commitments use it). */
export const keccak256 = (data: Uint8Array): Hash => keccak_256(data);

/** The zero hash, [0]_32: the identity of an empty (sub-)trie and the padding of Merkle trees. */
export const zeroHash: Hash = new Uint8Array(32);
