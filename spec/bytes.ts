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

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export const toHex = (b: Uint8Array): string => {
  let s = '0x';
  for (let i = 0; i < b.length; i++) s += HEX[b[i]!];
  return s;
};

/** Parses `0x`-prefixed (or bare) hex; returns undefined on odd length or a non-hex digit. */
export const fromHex = (hex: string): Uint8Array | undefined => {
  const s = hex.startsWith('0x') ? hex.slice(2) : hex;
  if (s.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(s)) return undefined;
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
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
