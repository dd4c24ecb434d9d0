/**
 * Differential properties of H (Blake2b-256) and H_K (Keccak-256): each native engine
 * (`blake2b256Native`, `keccak256Native`) equals its TypeScript reference (`blake2b256Ts`,
 * `keccak256Ts`, `@noble/hashes`) on every length around four of its blocks (128 octets for
 * Blake2b, Keccak's rate of 136), on random inputs up to 6 KiB (past the native engines' 4 KiB
 * scratch array) and a few of 100 KiB, and on a subarray view.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { blake2b256Native, blake2b256Ts, keccak256Native, keccak256Ts } from '../model/crypto/hash.js';
import { toHex, type Hash } from '../spec/bytes.js';

const pairs: ReadonlyArray<{ name: string; block: number; native: (d: Uint8Array) => Hash; ts: (d: Uint8Array) => Hash }> = [
  { name: 'H', block: 128, native: blake2b256Native, ts: blake2b256Ts },
  { name: 'H_K', block: 136, native: keccak256Native, ts: keccak256Ts },
];

describe.each(pairs)('$name: native = TypeScript reference', ({ block, native, ts }) => {
  const agree = (data: Uint8Array): boolean => toHex(native(data)) === toHex(ts(data));

  it(`agrees on every length 0..${4 * block + 8} (blocks of ${block} octets and their edges)`, () => {
    for (let n = 0; n <= 4 * block + 8; n++) {
      const data = Uint8Array.from({ length: n }, (_, i) => (i * 31 + n) & 0xff);
      expect(toHex(native(data))).toBe(toHex(ts(data)));
    }
  });

  it('agrees on 3,000 random inputs up to 6 KiB', () => {
    fc.assert(fc.property(fc.uint8Array({ maxLength: 6 * 1024 }), agree), { numRuns: 3000 });
  });

  it('agrees on 20 random inputs of 100 KiB (a service code blob)', () => {
    fc.assert(fc.property(fc.uint8Array({ minLength: 100 * 1024, maxLength: 100 * 1024 }), agree), { numRuns: 20 });
  });

  it('hashes a subarray view by its own octets only', () => {
    const whole = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
    const view = whole.subarray(17, 217);
    expect(toHex(native(view))).toBe(toHex(ts(view.slice())));
  });
});

describe('H_K', () => {
  it('is Keccak-256, not SHA3-256: the empty input', () => {
    expect(toHex(keccak256Native(new Uint8Array(0)))).toBe('0xc5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
  });
});
