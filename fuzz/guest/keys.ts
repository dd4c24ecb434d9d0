/**
 * Bandersnatch keys of every class a point decode tells apart (G.3: a key that is not a valid
 * point stands as the padding point in a ring root): valid; off the curve; on the curve but
 * outside the prime-order subgroup; a non-canonical encoding (y at or above the field order);
 * the identity. Keys are 32 octets in the compressed form of the native crate (ark): y little
 * endian, the top bit the sign of x.
 *
 * The curve is Bandersnatch's twisted Edwards form a x^2 + y^2 = 1 + d x^2 y^2 over the scalar
 * field of BLS12-381 (the paper's Appendix G names the curve; a and d are its published
 * parameters).
 */
import fc from 'fast-check';
import type { BandersnatchKey } from '../../spec/bytes.js';

export type KeyClass = 'valid' | 'off-curve' | 'off-subgroup' | 'non-canonical' | 'identity';
export const keyClasses: ReadonlyArray<KeyClass> = ['valid', 'off-curve', 'off-subgroup', 'non-canonical', 'identity'];

/** q: the order of the base field (BLS12-381's scalar field). */
const q = 0x73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001n;
const a = q - 5n;
const d = 45022363124591815672509500913686876175488063829319466900776701791074614335719n;

const mod = (x: bigint): bigint => ((x % q) + q) % q;
const pow = (b: bigint, e: bigint): bigint => {
  let r = 1n;
  for (let x = mod(b); e > 0n; e >>= 1n, x = (x * x) % q) if (e & 1n) r = (r * x) % q;
  return r;
};

/** y of a compressed point (the top bit cleared) and its sign bit. */
const yOf = (k: Uint8Array): bigint => k.reduceRight((acc, b, i) => (acc << 8n) | BigInt(i === 31 ? b & 0x7f : b), 0n);
const compressed = (y: bigint, sign: number): BandersnatchKey => {
  const out = Uint8Array.from({ length: 32 }, (_, i) => Number((y >> BigInt(8 * i)) & 0xffn));
  out[31]! |= sign;
  return out as BandersnatchKey;
};

/** Whether some x has a x^2 + y^2 = 1 + d x^2 y^2: x^2 = (1 - y^2) / (a - d y^2) a square (Euler's criterion). */
const onCurve = (y: bigint): boolean => {
  const x2 = mod((1n - y * y) * pow(a - d * y * y, q - 2n));
  return x2 === 0n || pow(x2, (q - 1n) / 2n) === 1n;
};

/** The least y >= 2 of no curve point. */
const offCurveY = ((): bigint => {
  let y = 2n;
  while (onCurve(y)) y++;
  return y;
})();

/**
 * P + T for the 2-torsion point T = (0, -1), i.e. (-x, -y): on the curve, outside the
 * prime-order subgroup when P is in it (a key or a VRF output point).
 */
export const plusTorsion = (point: Uint8Array): Uint8Array => compressed(mod(q - yOf(point)), (point[31]! & 0x80) ^ 0x80);

/**
 * A key of the given class made from a valid key `k`; y + q with the same sign is a
 * non-canonical encoding of k when it fits below 2^255, else of the identity (y = 1).
 */
export const keyOfClass = (kind: KeyClass, k: BandersnatchKey): BandersnatchKey => {
  const y = yOf(k);
  const sign = k[31]! & 0x80;
  switch (kind) {
    case 'valid':
      return k;
    case 'off-curve':
      return compressed(offCurveY, sign);
    case 'off-subgroup':
      return plusTorsion(k) as BandersnatchKey;
    case 'non-canonical':
      return y + q < 1n << 255n ? compressed(y + q, sign) : compressed(1n + q, 0);
    case 'identity':
      return compressed(1n, 0);
  }
};

/** How many keys of a validator set stay valid: enough that the author finds a sealer it knows for some slot of two epochs. */
const VALID_KEPT = 3;

/** The classes of a validator set's keys: the first VALID_KEPT valid, the rest mostly valid, every class of `classes` possible. */
export const arbKeyClasses = (count: number, classes: ReadonlyArray<KeyClass> = keyClasses): fc.Arbitrary<ReadonlyArray<KeyClass>> =>
  fc
    .array(
      fc.oneof({ weight: 2, arbitrary: fc.constant<KeyClass>('valid') }, { weight: 3, arbitrary: fc.constantFrom(...classes) }),
      { minLength: Math.max(0, count - VALID_KEPT), maxLength: Math.max(0, count - VALID_KEPT) },
    )
    .map((rest) => [...Array.from({ length: Math.min(count, VALID_KEPT) }, (): KeyClass => 'valid'), ...rest]);
