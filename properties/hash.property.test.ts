/**
 * Differential properties of H (Blake2b-256) and H_K (Keccak-256): each native engine
 * (`blake2b256Native`, `keccak256Native`) equals its TypeScript reference (`blake2b256Ts`,
 * `keccak256Ts`, `@noble/hashes`) on every length around the block boundaries (128 octets for
 * Blake2b, Keccak's rate of 136) and on random inputs up to 6 KiB (past the native engines'
 * 4 KiB scratch array) and a few of 100 KiB.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blake2b256Native, blake2b256Ts, keccak256Native, keccak256Ts } from '../model/crypto/hash.js';
import { toHex } from '../spec/bytes.js';

describe('H: native = TypeScript reference', () => {
  it('agrees on every length 0..520 (blocks of 128 octets and their edges)', () => {
    for (let n = 0; n <= 520; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(blake2b256Native(data))).toBe(toHex(blake2b256Ts(data)));
    }
  });

  it('agrees on 3,000 random inputs up to 6 KiB', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 * 1024 }), (data) => toHex(blake2b256Native(data)) === toHex(blake2b256Ts(data))),
      { numRuns: 3000 },
    );
  });

  it('agrees on 20 random inputs of 100 KiB (a service code blob)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 100 * 1024, maxLength: 100 * 1024 }), (data) => toHex(blake2b256Native(data)) === toHex(blake2b256Ts(data))),
      { numRuns: 20 },
    );
  });

  it('hashes a subarray view by its own octets only', () => {
    const whole = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const view = whole.subarray(17, 217);
    expect(toHex(blake2b256Native(view))).toBe(toHex(blake2b256Ts(view.slice())));
  });
});

describe('H_K: native = TypeScript reference', () => {
  it('agrees on every length 0..560 (Keccak-256 absorbs 136 octets a block)', () => {
    for (let n = 0; n <= 560; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 17 + n) & 0xff);
      expect(toHex(keccak256Native(data))).toBe(toHex(keccak256Ts(data)));
    }
  });

  it('agrees on 2,000 random inputs up to 6 KiB and on 10 of 100 KiB', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 6 * 1024 }), (data) => toHex(keccak256Native(data)) === toHex(keccak256Ts(data))),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 100 * 1024, maxLength: 100 * 1024 }), (data) => toHex(keccak256Native(data)) === toHex(keccak256Ts(data))),
      { numRuns: 10 },
    );
  });

  it('is Keccak-256, not SHA3-256: the empty input', () => {
    expect(toHex(keccak256Native(new Uint8Array(0)))).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });
});
