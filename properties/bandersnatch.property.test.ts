/**
 * Properties of the Bandersnatch IETF VRF verification (G.1, `model/crypto/bandersnatch.ts`).
 *
 * Differential: the verification the model calls (`verifyBsSignature`: interleaved
 * double-scalar multiplications, remembered point decodes) gives the same answer, output Y or
 * error code, as ark-vrf's own verifier (`verifyBsSignatureReference`) on valid signatures, on
 * signatures with one flipped bit, on another context or message, on keys and output points
 * moved off the prime-order subgroup by the 2-torsion point, and on random octets. And the ring
 * proofs of a tickets extrinsic checked together (`verifyBsRingProofs`, a batch first) answer
 * for each proof what `verifyBsRingProof` answers for it alone. Deferred (`deferSignatures`, the
 * chain's optimistic import), a signature's answer is its answer when valid, and `held` says
 * whether it was; ring proofs' answers are their answers when every one verifies, and `held`
 * says whether all do; `banderout`'s is its answer when its point decodes in its one encoding,
 * and `held` says whether it does.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { toHex, type BandersnatchKey, type BandersnatchRingProof, type BandersnatchSignature } from '../spec/bytes.js';
import {
  banderout,
  embeddedRingSrs,
  getRingRoot,
  proveBsRing,
  publicKeyFromSeed,
  signBs,
  verifyBsRingProof,
  verifyBsRingProofs,
  verifyBsSignature,
  verifyBsSignatureReference,
} from '../model/crypto/bandersnatch.js';
import { deferSignatures } from '../model/crypto/deferral.js';
import { plusTorsion } from '../fuzz/guest/keys.js';

type Case = readonly [key: Uint8Array, context: Uint8Array, message: Uint8Array, signature: Uint8Array];

/** A verification's answer as one string: the output in hex, or the error code. */
const answer = (r: E.Either<string, Uint8Array>): string => (E.isLeft(r) ? r.left : toHex(r.right));

/** Whether an answer is an output Y (0x and 32 octets in hex) rather than an error code. */
const isOutput = (a: string): boolean => /^0x[0-9a-f]{64}$/.test(a);

/** The answer of both verifications (a hex output or an error code), after checking they agree. */
const agreed = ([k, c, m, sig]: Case): string => {
  const reference = answer(verifyBsSignatureReference(k as BandersnatchKey, c, m, sig as BandersnatchSignature));
  expect(
    answer(verifyBsSignature(k as BandersnatchKey, c, m, sig as BandersnatchSignature)),
    `fast vs ark-vrf on key ${toHex(k)}, context ${toHex(c)}, message ${toHex(m)}, signature ${toHex(sig)}`,
  ).toBe(reference);
  return reference;
};

const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

/** A valid case: a key, a context, a message and the key's signature on them. */
const signed: fc.Arbitrary<Case> = fc.tuple(bytes(32), bytes(40), bytes(80)).map(([seed, c, m]) => {
  const sig = signBs(seed, c, m);
  if (E.isLeft(sig)) throw new Error(`signBs: ${sig.left}`);
  return [publicKeyFromSeed(seed), c, m, sig.right] as const;
});

describe('Bandersnatch IETF verification: fast and ark-vrf agree', () => {
  it('valid signatures verify, with the output Y of their output point (200 cases)', () => {
    fc.assert(
      fc.property(signed, (s) => {
        const y = agreed(s);
        const expected = banderout(s[3] as BandersnatchSignature);
        expect(E.isRight(expected) && toHex(expected.right)).toBe(y);
      }),
      { numRuns: 200 },
    );
  });

  it('one flipped bit anywhere in key or signature (500 cases)', () => {
    fc.assert(
      fc.property(signed, fc.nat({ max: 128 * 8 - 1 }), ([k, c, m, sig], bit) => {
        const [key, signature] = [Uint8Array.from(k), Uint8Array.from(sig)];
        const target = bit < 32 * 8 ? key : signature;
        const at = bit < 32 * 8 ? bit : bit - 32 * 8;
        target[at >> 3]! ^= 1 << (at & 7);
        expect(isOutput(agreed([key, c, m, signature]))).toBe(false);
      }),
      { numRuns: 500 },
    );
  });

  it('another context or message (200 cases)', () => {
    fc.assert(
      fc.property(signed, bytes(40), fc.boolean(), ([k, c, m, sig], other, inContext) => {
        fc.pre(toHex(other) !== toHex(inContext ? c : m));
        expect(agreed(inContext ? [k, other, m, sig] : [k, c, other, sig])).toBe('verification_failure');
      }),
      { numRuns: 200 },
    );
  });

  it('a key or output point moved off the subgroup by the 2-torsion point (200 cases)', () => {
    fc.assert(
      fc.property(signed, fc.boolean(), ([k, c, m, sig], inKey) => {
        const signature = Uint8Array.from(sig);
        if (!inKey) signature.set(plusTorsion(sig.subarray(0, 32)));
        expect(agreed([inKey ? plusTorsion(k) : k, c, m, signature])).toBe(inKey ? 'bad_key' : 'bad_encoding');
      }),
      { numRuns: 200 },
    );
  });

  it('random octets as key and signature (100 cases)', () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.uint8Array({ minLength: 96, maxLength: 96 }),
        bytes(40),
        bytes(40),
        (k, sig, c, m) => {
          expect(isOutput(agreed([k, c, m, sig]))).toBe(false);
        },
      ),
      { numRuns: 100 },
    );
  });
});

describe('Bandersnatch IETF verification deferred to the background thread', () => {
  it('answers as verified now when it holds, and holds when the signature is valid (300 cases)', () => {
    fc.assert(
      fc.property(signed, fc.option(fc.nat({ max: 128 * 8 - 1 }), { nil: undefined }), ([k, c, m, sig], bit) => {
        const [key, signature] = [Uint8Array.from(k), Uint8Array.from(sig)];
        if (bit !== undefined) (bit < 32 * 8 ? key : signature)[(bit % 256) >> 3]! ^= 1 << (bit & 7);
        const now = answer(verifyBsSignature(key as BandersnatchKey, c, m, signature as BandersnatchSignature));
        const { result, held } = deferSignatures(() => answer(verifyBsSignature(key as BandersnatchKey, c, m, signature as BandersnatchSignature)));
        // Held: the answer is the one now (an output, or an error decided without the curve: an
        // output point that does not decode); not held: the signature is not valid.
        if (held) expect(result).toBe(now);
        else expect(isOutput(now)).toBe(false);
        if (isOutput(now)) expect(held).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('banderout deferred to the background thread', () => {
  /** banderout now and deferred: the deferred answer (read from the octets) stands only when held. */
  const both = (x: Uint8Array): { readonly now: string; readonly deferred: string; readonly held: boolean } => {
    const signature = x as BandersnatchSignature;
    const { result, held } = deferSignatures(() => answer(banderout(signature)));
    return { now: answer(banderout(signature)), deferred: result, held };
  };
  it('holds with the answer now for a signature\'s output point, and for one with a flipped bit only when it decodes (300 cases)', () => {
    fc.assert(
      fc.property(signed, fc.option(fc.nat({ max: 32 * 8 - 1 }), { nil: undefined }), ([, , , sig], bit) => {
        const signature = Uint8Array.from(sig);
        if (bit !== undefined) signature[bit >> 3]! ^= 1 << (bit & 7);
        const { now, deferred, held } = both(signature);
        expect(held).toBe(isOutput(now));
        if (held) expect(deferred).toBe(now);
      }),
      { numRuns: 300 },
    );
  });
  it('does not hold for the identity\'s other sign flag, which decodes but is not its encoding', () => {
    const identity = new Uint8Array(96);
    identity[0] = 1;
    expect(both(identity)).toMatchObject({ held: true });
    identity[31] = 0x80;
    const flagged = both(identity);
    expect(isOutput(flagged.now)).toBe(true);
    expect(flagged.held).toBe(false);
    expect(flagged.deferred).not.toBe(flagged.now);
  });
});

describe('ring proofs checked together answer as each alone', () => {
  const srs = embeddedRingSrs();
  const seeds = Array.from({ length: 6 }, (_, i) => Uint8Array.of(i));
  const ring = seeds.map(publicKeyFromSeed);
  const root = getRingRoot(srs)(ring);
  const m = new Uint8Array(0);
  /** One proof per ring member and context, made once: proving is the slow part. */
  const proofs = seeds.map((seed, i) => {
    const c = Uint8Array.of(0x74, i);
    const proof = proveBsRing(srs)(seed, ring, c, m);
    if (E.isLeft(proof)) throw new Error(`proveBsRing: ${proof.left}`);
    return { c, m, proof: proof.right };
  });
  it('1 to 6 proofs, some with one flipped bit, another context or another ring size, now and deferred (150 cases)', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray(proofs, { minLength: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 784 * 8 - 1 })), { maxLength: 2 }),
        fc.boolean(),
        fc.constantFrom(6, 6, 6, 5),
        (chosen, flips, swapContexts, ringSize) => {
          const items = chosen.map((x) => ({ ...x, proof: Uint8Array.from(x.proof) as BandersnatchRingProof }));
          for (const [which, bit] of flips) items[which % items.length]!.proof[bit >> 3]! ^= 1 << (bit & 7);
          if (swapContexts && items.length > 1) [items[0], items[1]] = [{ ...items[0]!, c: items[1]!.c }, { ...items[1]!, c: items[0]!.c }];
          const together = verifyBsRingProofs(srs)(ringSize, root, items).map(answer);
          const alone = items.map((x) => answer(verifyBsRingProof(srs)(ringSize, root, x.c, x.m, x.proof)));
          expect(together).toEqual(alone);
          if (flips.length === 0 && !swapContexts && ringSize === 6) expect(together.every(isOutput)).toBe(true);
          // Deferred: held exactly when every proof verifies, and then with the answers now.
          const deferred = deferSignatures(() => verifyBsRingProofs(srs)(ringSize, root, items).map(answer));
          expect(deferred.held).toBe(together.every(isOutput));
          if (deferred.held) expect(deferred.result).toEqual(together);
        },
      ),
      { numRuns: 150 },
    );
  });
});
