/**
 * Properties of Ed25519 verification (ZIP-215 rules, `model/crypto/ed25519.ts`).
 *
 * Differential: the native engine (`ed25519VerifyNative`) gives the same verdict as the
 * TypeScript reference (`ed25519VerifyTs`) on the 196 cases of `crypto/ed25519` and on random
 * triples: valid signatures, then flipped bits in key, message or signature, random 32/64-octet
 * garbage, s >= q, small-order and non-canonical encodings of A and R, wrong lengths; and
 * verified together (`ed25519VerifyEach*`, a block's assurances) each answers as alone, the
 * native engine's batch verification included (a batch of valid signatures holds, the 196 edge
 * cases and keys and nonces with small-order components among them); deferred
 * (`deferSignatures`, the chain's optimistic import) each well-sized item is answered valid and
 * `held` is whether all were.
 *
 * Semantic: a signature made by the key verifies; a changed message or signature octet does not;
 * s + q in place of s does not (ZIP-215 wants s < q); a signature by a key or nonce with a
 * small-order component does (the cofactored equation multiplies the torsion away).
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { ED25519_TORSION_SUBGROUP, ed25519 } from '@noble/curves/ed25519.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { concatBytes, fromHex, toHex, type Ed25519Key, type Ed25519Signature } from '../spec/bytes.js';
import { ed25519Verify, ed25519VerifyEach, ed25519VerifyEachNative, ed25519VerifyEachTs, ed25519VerifyNative, ed25519VerifyTs } from '../model/crypto/ed25519.js';
import { deferSignatures } from '../model/crypto/deferral.js';
import { readJson, vectorsDir } from '../chain/index.js';

/** q, the order of the prime subgroup; p, the field prime. */
const q = 2n ** 252n + 27742317777372353535851937790883648493n;
const p = 2n ** 255n - 19n;

const leToBigint = (b: Uint8Array): bigint => b.reduceRight((acc, x) => (acc << 8n) | BigInt(x), 0n);
const bigintToLe = (n: bigint): Uint8Array => Uint8Array.from({ length: 32 }, (_, i) => Number((n >> BigInt(8 * i)) & 0xffn));

type Triple = readonly [key: Uint8Array, message: Uint8Array, signature: Uint8Array];

/** The verdict of both engines, after checking that they agree. */
const agreed = ([key, message, signature]: Triple): boolean => {
  const reference = ed25519VerifyTs(key, message, signature);
  expect(
    ed25519VerifyNative(key, message, signature),
    `native vs TypeScript on key ${toHex(key)}, message ${toHex(message)}, signature ${toHex(signature)}`,
  ).toBe(reference);
  return reference;
};

/** The 196 cases of crypto/ed25519: small-order and non-canonical keys and nonces, all valid under ZIP-215. */
const edgeCases = (): ReadonlyArray<Triple> =>
  (
    readJson(join(vectorsDir('crypto', 'ed25519'), 'vectors.json')) as ReadonlyArray<{
      readonly pk: string;
      readonly r: string;
      readonly s: string;
      readonly msg: string;
    }>
  ).map((c) => [fromHex(c.pk)!, fromHex(c.msg)!, concatBytes(fromHex(c.r)!, fromHex(c.s)!)] as const);

/** Triples as the verifiers' items. */
const itemsOf = (triples: ReadonlyArray<Triple>) =>
  triples.map(([key, message, signature]) => ({ key: key as Ed25519Key, message, signature: signature as Ed25519Signature }));

const secret = fc.uint8Array({ minLength: 32, maxLength: 32 });
const message = fc.uint8Array({ maxLength: 100 });

/** A valid triple: a key, a message and the key's signature on it. */
const signed: fc.Arbitrary<Triple> = fc
  .tuple(secret, message)
  .map(([sk, msg]) => [ed25519.getPublicKey(sk), msg, ed25519.sign(msg, sk)] as const);

/** A valid triple whose key and nonce carry small-order components: A = [a]B + T, R = [r]B + T2. */
const withTorsion: fc.Arbitrary<Triple> = fc
  .tuple(
    fc.bigInt({ min: 1n, max: q - 1n }),
    fc.bigInt({ min: 1n, max: q - 1n }),
    fc.constantFrom(...ED25519_TORSION_SUBGROUP),
    fc.constantFrom(...ED25519_TORSION_SUBGROUP),
    message,
  )
  .map(([a, r, t1, t2, msg]) => {
    const A = ed25519.Point.BASE.multiply(a).add(ed25519.Point.fromBytes(fromHex(t1)!)).toBytes();
    const R = ed25519.Point.BASE.multiply(r).add(ed25519.Point.fromBytes(fromHex(t2)!)).toBytes();
    const k = leToBigint(sha512(concatBytes(R, A, msg))) % q;
    return [A, msg, concatBytes(R, bigintToLe((r + k * a) % q))] as const;
  });

/**
 * Encodings of the eight small-order points (canonical), and of y < 19 written as y or as y + p
 * (non-canonical; it still fits in 255 bits), with either sign bit: some decode, some do not.
 */
const oddPoint: fc.Arbitrary<Uint8Array> = fc.oneof(
  fc.constantFrom(...ED25519_TORSION_SUBGROUP).map((h) => fromHex(h)!),
  fc.tuple(fc.nat({ max: 18 }), fc.boolean(), fc.boolean()).map(([y, nonCanonical, sign]) => {
    const b = bigintToLe(nonCanonical ? BigInt(y) + p : BigInt(y));
    if (sign) b[31]! |= 0x80;
    return b;
  }),
);

const flipBit = (b: Uint8Array, bit: number): Uint8Array => {
  const c = b.slice();
  c[bit >> 3]! ^= 1 << (bit & 7);
  return c;
};

const withS = (signature: Uint8Array, s: bigint): Uint8Array => concatBytes(signature.subarray(0, 32), bigintToLe(s));

/** A change to a valid triple, named for the failure report. */
type Mutation = readonly [what: string, change: (t: Triple) => Triple];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.constant<Mutation>(['none', (t) => t]),
  fc.nat({ max: 255 }).map<Mutation>((bit) => [`flip key bit ${bit}`, ([k, m, s]) => [flipBit(k, bit), m, s]]),
  fc.nat({ max: 511 }).map<Mutation>((bit) => [`flip signature bit ${bit}`, ([k, m, s]) => [k, m, flipBit(s, bit)]]),
  fc.nat({ max: 799 }).map<Mutation>((bit) => [
    `flip message bit ${bit}`,
    ([k, m, s]) => [k, m.length === 0 ? Uint8Array.of(1) : flipBit(m, bit % (8 * m.length)), s],
  ]),
  fc.uint8Array({ minLength: 32, maxLength: 32 }).map<Mutation>((g) => ['garbage key', ([, m, s]) => [g, m, s]]),
  fc.uint8Array({ minLength: 64, maxLength: 64 }).map<Mutation>((g) => ['garbage signature', ([k, m]) => [k, m, g]]),
  // s + jq < 15q < 2^256 for s < q, j <= 14
  fc.integer({ min: 1, max: 14 }).map<Mutation>((j) => [`s + ${j}q`, ([k, m, s]) => [k, m, withS(s, leToBigint(s.subarray(32)) + BigInt(j) * q)]]),
  fc.bigInt({ min: q, max: 2n ** 256n - 1n }).map<Mutation>((v) => [`s = ${v} >= q`, ([k, m, s]) => [k, m, withS(s, v)]]),
  oddPoint.map<Mutation>((a) => [`A = ${toHex(a)}`, ([, m, s]) => [a, m, s]]),
  oddPoint.map<Mutation>((r) => [`R = ${toHex(r)}`, ([k, m, s]) => [k, m, concatBytes(r, s.subarray(32))]]),
  fc.tuple(oddPoint, oddPoint).map<Mutation>(([a, r]) => [`A = ${toHex(a)}, R = ${toHex(r)}, s = 0`, ([, m]) => [a, m, concatBytes(r, new Uint8Array(32))]]),
  fc.constant<Mutation>(['key of 31 octets', ([k, m, s]) => [k.subarray(1), m, s]]),
  fc.constant<Mutation>(['signature of 63 octets', ([k, m, s]) => [k, m, s.subarray(1)]]),
);

describe('ed25519VerifyNative (native) = ed25519VerifyTs (TypeScript reference)', () => {
  it('on the 196 cases of crypto/ed25519 (all valid under ZIP-215)', () => {
    const cases = edgeCases();
    expect(cases).toHaveLength(196);
    for (const t of cases) expect(agreed(t)).toBe(true);
  });

  it('on valid signatures and their mutations (1500 cases)', () => {
    fc.assert(
      fc.property(signed, mutation, (t, [what, change]) => {
        const verdict = agreed(change(t));
        if (what === 'none') expect(verdict).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });

  it('verified together (ed25519VerifyEach*), each answer is the one alone, both engines (300 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(signed, mutation), { maxLength: 8 }), (cases) => {
        const triples = cases.map(([t, [, change]]) => change(t));
        const items = itemsOf(triples);
        const alone = triples.map(agreed);
        expect(ed25519VerifyEachNative(items)).toEqual(alone);
        expect(ed25519VerifyEachTs(items)).toEqual(alone);
      }),
      { numRuns: 300 },
    );
  });

  // The native engine verifies two or more together first (ZIP-215 batch verification), each alone
  // only when that fails: a batch of valid signatures must hold however odd their points are.
  it('verified together, the 196 cases of crypto/ed25519 all hold; with one altered, only that one fails (50 cases)', () => {
    const cases = edgeCases();
    expect(ed25519VerifyEachNative(itemsOf(cases))).toEqual(cases.map(() => true));
    fc.assert(
      fc.property(fc.nat({ max: cases.length - 1 }), fc.nat({ max: 511 }), (at, bit) => {
        const altered = cases.map((t, i) => (i === at ? ([t[0], t[1], flipBit(t[2], bit)] as const) : t));
        expect(ed25519VerifyEachNative(itemsOf(altered))).toEqual(altered.map(agreed));
      }),
      { numRuns: 50 },
    );
  });

  it('verified together, valid signatures hold, among them ones whose key and nonce carry small-order components (200 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(signed, withTorsion), { minLength: 2, maxLength: 12 }), (triples) => {
        expect(ed25519VerifyEachNative(itemsOf(triples))).toEqual(triples.map(() => true));
      }),
      { numRuns: 200 },
    );
  });

  it('deferred (deferSignatures), well-sized items answer valid and hold exactly when all are (300 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(signed, mutation), { maxLength: 8 }), fc.boolean(), (cases, alone) => {
        const items = itemsOf(cases.map(([t, [, change]]) => change(t)));
        const now = ed25519VerifyEach(items);
        const sized = items.map((i) => i.key.length === 32 && i.signature.length === 64);
        const { result, held } = deferSignatures(() =>
          alone ? items.map((i) => ed25519Verify(i.key, i.message, i.signature)) : ed25519VerifyEach(items),
        );
        expect(result).toEqual(sized);
        expect(held).toBe(now.every((v, i) => v || !sized[i]));
      }),
      { numRuns: 300 },
    );
  });

  it('on random triples (500 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), message, fc.uint8Array({ minLength: 64, maxLength: 64 }), (k, m, s) => {
        agreed([k, m, s]);
      }),
      { numRuns: 500 },
    );
  });

  it('accepts signatures whose key and nonce carry a small-order component, A = [a]B + T, R = [r]B + T2 (300 cases)', () => {
    fc.assert(
      fc.property(withTorsion, (t) => {
        expect(agreed(t)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('ed25519VerifyNative (ZIP-215)', () => {
  it('accepts what the key signed, rejects a changed message or signature octet (200 cases)', () => {
    fc.assert(
      fc.property(secret, message, fc.nat({ max: 63 }), fc.integer({ min: 1, max: 255 }), (sk, msg, at, flip) => {
        const pk = ed25519.getPublicKey(sk);
        const sig = ed25519.sign(msg, sk);
        expect(ed25519VerifyNative(pk, msg, sig)).toBe(true);
        const otherMsg = Uint8Array.from([...msg, flip]);
        expect(ed25519VerifyNative(pk, otherMsg, sig)).toBe(false);
        const otherSig = sig.slice();
        otherSig[at]! ^= flip;
        expect(ed25519VerifyNative(pk, msg, otherSig)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('rejects s + q in place of s (it fits in 32 octets: s < q < 2^253) (200 cases)', () => {
    fc.assert(
      fc.property(secret, message, (sk, msg) => {
        const pk = ed25519.getPublicKey(sk);
        const sig = ed25519.sign(msg, sk);
        const nonCanonical = withS(sig, leToBigint(sig.subarray(32)) + q);
        expect(ed25519VerifyNative(pk, msg, nonCanonical)).toBe(false);
      }),
      { numRuns: 200 },
    );
  });
});
