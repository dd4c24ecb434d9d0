/**
 * Differential property of H (Blake2b-256): the native engine (`blake2b256Native`)
 * equals the TypeScript reference (`blake2b256Ts`, `@noble/hashes`) on every length around the
 * 128-octet block boundaries and on random inputs up to 4 KiB and a few of 100 KiB.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blake2b256Native, blake2b256Ts } from '../model/crypto/hash.js';
import { toHex } from '../spec/bytes.js';

describe('H: native = TypeScript reference', () => {
  it('agrees on every length 0..520 (blocks of 128 octets and their edges)', () => {
    for (let n = 0; n <= 520; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(blake2b256Native(data))).toBe(toHex(blake2b256Ts(data)));
    }
  });

  it('agrees on 3,000 random inputs up to 4 KiB', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 4096 }), (data) => toHex(blake2b256Native(data)) === toHex(blake2b256Ts(data))),
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
