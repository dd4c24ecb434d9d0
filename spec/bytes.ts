/**
 * Octet sequences (the paper's blobs, B and B_n). Fixed-size byte strings are `Uint8Array`
 * behind a brand; every comparison goes through `bytesEqual`, every print through `toHex`.
 */

/** A blob of exactly N octets (B_N); the brand keeps a Hash from being passed where a key is asked. */
export type Bytes<N extends number, Brand extends string = 'Bytes'> = Uint8Array & {
  readonly __length?: N;
  readonly __brand?: Brand;
};

/** A 31-octet state key (B_31, the keys of T(sigma), eq. D.2). */
export type StateKey = Bytes<31, 'StateKey'>;

/** H: a 32-octet cryptographic value. */
export type Hash = Bytes<32, 'Hash'>;
/** H_E: an Ed25519 public key. */
export type Ed25519Key = Bytes<32, 'Ed25519Key'>;
/** H_B: a Bandersnatch public key. */
export type BandersnatchKey = Bytes<32, 'BandersnatchKey'>;
/** B_BLS: a BLS public key. */
export type BlsKey = Bytes<144, 'BlsKey'>;
/** B_144 ring root (gamma_Z). */
export type RingRoot = Bytes<144, 'RingRoot'>;
/** An Ed25519 signature. */
export type Ed25519Signature = Bytes<64, 'Ed25519Signature'>;
/** A Bandersnatch (IETF VRF) signature. */
export type BandersnatchSignature = Bytes<96, 'BandersnatchSignature'>;
/** A Bandersnatch ring VRF proof. */
export type BandersnatchRingProof = Bytes<784, 'BandersnatchRingProof'>;

export const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
};

/** Lexicographic order of octet sequences (the paper's ordering of keys and hashes). */
export const bytesCompare = (a: Uint8Array, b: Uint8Array): number => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
};

/** The ASCII codes of the hex digits 0-9a-f. */
const DIGITS = Array.from('0123456789abcdef', (c) => c.charCodeAt(0));
/** The value of each ASCII code as a hex digit (either case), -1 for any other. */
const DIGIT_VALUE = Int8Array.from({ length: 128 }, (_, c) => '0123456789abcdef'.indexOf(String.fromCharCode(c).toLowerCase()));
/** toHex's text before decoding, reused for up to 4 KiB (keys and hashes); a longer blob's is its own. */
const hexText = new Uint8Array(2 + 2 * 4096);
const latin1 = new TextDecoder('latin1');

/**
 * `0x` and two lower-case digits an octet. Written as octets and decoded at once, so the string
 * is flat: one built by `+=` is a rope of |b| + 1 pieces, which every Map lookup by it (keys
 * and hashes are looked up by their hex) would flatten and hash again.
 */
export const toHex = (b: Uint8Array): string => {
  const n = 2 + 2 * b.length;
  const text = n <= hexText.length ? hexText : new Uint8Array(n);
  text[0] = 0x30;
  text[1] = 0x78;
  for (let i = 0; i < b.length; i++) {
    text[2 + 2 * i] = DIGITS[b[i]! >> 4]!;
    text[3 + 2 * i] = DIGITS[b[i]! & 15]!;
  }
  return latin1.decode(text.subarray(0, n));
};

/** Parses `0x`-prefixed (or bare) hex; returns undefined on odd length or a non-hex digit. */
export const fromHex = (hex: string): Uint8Array | undefined => {
  const at = hex.startsWith('0x') ? 2 : 0;
  if ((hex.length - at) % 2 !== 0) return undefined;
  const out = new Uint8Array((hex.length - at) / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = DIGIT_VALUE[hex.charCodeAt(at + 2 * i)] ?? -1;
    const lo = DIGIT_VALUE[hex.charCodeAt(at + 2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return undefined;
    out[i] = (hi << 4) | lo;
  }
  return out;
};

export const concatBytes = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
};

/** The ASCII octets of a context string (the paper's X_* constants). */
export const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);
