/** The paper's cryptographic primitives (section 3.8): hashes and signatures. */
export { blake2b256, keccak256, zeroHash } from './hash.js';
export { ed25519Verify, ed25519VerifyEach, noKey } from './ed25519.js';
