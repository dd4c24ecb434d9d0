/**
 * Properties of Ed25519 verification beyond the vectors (whose 196 cases are all valid): a signature
 * made by the key verifies; a changed message, a changed signature octet, or the same s written as
 * s + q (a non-canonical scalar, which ZIP-215 rejects) does not.
 */
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { ed25519Verify } from '../model/crypto/index.js';

/** q, the order of the prime subgroup. */
const q = 2n ** 252n + 27742317777372353535851937790883648493n;

const leToBigint = (b: Uint8Array): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const bigintToLe = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

const secret = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ maxLength: 100 });

describe('ed25519Verify (ZIP-215)', () => {
  it('accepts what the key signed, rejects a changed message or signature octet (200 cases)', () => {
    fc.assert(
      fc.property(secret, message, fc.nat({ max: 63 }), fc.integer({ min: 1, max: 255 }), (sk, msg, at, flip) => {
        const pk = ed25519.getPublicKey(sk);
        const sig = ed25519.sign(msg, sk);
        expect(ed25519Verify(pk, msg, sig)).toBe(true);
        const otherMsg = Uint8Array.from([...msg, flip]);
        expect(ed25519Verify(pk, otherMsg, sig)).toBe(false);
        const otherSig = sig.slice();
        otherSig[at]! ^= flip;
        expect(ed25519Verify(pk, msg, otherSig)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects s + q in place of s (it fits in 32 octets: s < q < 2^253) (200 cases)', () => {
    fc.assert(
      fc.property(secret, message, (sk, msg) => {
        const pk = ed25519.getPublicKey(sk);
        const sig = ed25519.sign(msg, sk);
        const s = leToBigint(sig.subarray(32)) + q;
        const nonCanonical = sig.slice();
        nonCanonical.set(bigintToLe(s), 32);
        expect(ed25519Verify(pk, msg, nonCanonical)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
