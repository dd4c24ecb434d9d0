/**
 * The serialization codec of Appendix C, as combinators. One descriptor (`Codec<T>`) per type
 * carries its binary encoding (`encodeTo`), its decoding (`decodeFrom`) and its JSON form
 * (`fromJson`/`toJson`, and `json`, the same pair as an io-ts `Type`), so each type is described
 * once and the binary and JSON forms cannot drift apart.
 *
 * Hot path: `encodeTo`/`decodeFrom` are plain loops over a `Writer`/`Reader`. A decoding failure
 * throws one internal `CodecFailure`, which the public boundary `decode` turns into
 * `Left(CodecError)`; nothing else is thrown for bad input, and no read goes past the end.
 */
import * as E from 'fp-ts/lib/Either.js';
import * as t from 'io-ts';
import { fromHex, toHex } from './bytes.js';

/** 2^n for n in 0..64, as numbers: the natural codec's bounds, without Math.pow on the hot path. */
const pow2: ReadonlyArray<number> = Array.from({ length: 65 }, (_, n) => 2 ** n);

// ---------------------------------------------------------------------------------------------
// Errors

/** What failed, where (the field path, e.g. `header.parent`) and at which octet offset. */
export class CodecError {
  constructor(
    readonly path: ReadonlyArray<string>,
    /** The octet offset of the failure; -1 for the JSON form. */
    readonly offset: number,
    readonly reason: string,
    /** Words printed after the offset (e.g. `7 remain`). */
    readonly detail = '',
  ) {}
  /** E.g. `Header.parent: need 32 octets at offset 12, 7 remain`. */
  toString(): string {
    const where = this.path.length === 0 ? '' : `${joinPath(this.path)}: `;
    const offset = this.offset >= 0 ? ` at offset ${this.offset}` : '';
    return `${where}${this.reason}${offset}${this.detail === '' ? '' : `, ${this.detail}`}`;
  }
}

const joinPath = (path: ReadonlyArray<string>): string =>
  path.reduce((acc, p) => (p.startsWith('[') || acc === '' ? acc + p : `${acc}.${p}`), '');

/**
 * Thrown inside a decoder (binary or JSON) and caught at the public boundary only. Field and
 * element codecs prepend their name on the way out, so the path costs nothing on success.
 */
export class CodecFailure extends Error {
  readonly path: string[] = [];
  constructor(
    /** -1 until known: a check made after decoding (e.g. in `mapCodec`) sets it to the value's start. */
    public offset: number,
    readonly reason: string,
    readonly detail = '',
  ) {
    super(reason);
  }
  toCodecError(): CodecError {
    return new CodecError(this.path, this.offset, this.reason, this.detail);
  }
}

/** Runs `f`; a failure inside it gets `segment` prepended to its path. */
export const within = <T>(segment: string, f: () => T): T => {
  try {
    return f();
  } catch (e) {
    if (e instanceof CodecFailure) e.path.unshift(segment);
    throw e;
  }
};

// ---------------------------------------------------------------------------------------------
// Reader and Writer

/** A cursor over untrusted octets: every read checks the bound first. */
export class Reader {
  offset: number;
  constructor(
    readonly bytes: Uint8Array,
    offset = 0,
  ) {
    this.offset = offset;
  }
  get remaining(): number {
    return this.bytes.length - this.offset;
  }
  need(n: number): void {
    if (n > this.remaining)
      throw new CodecFailure(this.offset, `need ${n} octets`, `${this.remaining} remain`);
  }
  /** n octets, copied (decoded values never alias the input). */
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.offset++]!;
  }
  /** E_l^-1 for l <= 4, as a number (C.12). */
  uint(l: number): number {
    this.need(l);
    let x = 0;
    for (let i = l - 1; i >= 0; i--) x = x * 256 + this.bytes[this.offset + i]!;
    this.offset += l;
    return x;
  }
  /** E_l^-1 for any l, as a bigint (C.12). */
  ubig(l: number): bigint {
    this.need(l);
    let x = 0n;
    for (let i = l - 1; i >= 0; i--) x = (x << 8n) | BigInt(this.bytes[this.offset + i]!);
    this.offset += l;
    return x;
  }
  /** The inverse of the general natural encoding E (C.5); rejects non-canonical forms. */
  natural(): bigint {
    const at = this.offset;
    const head = this.u8();
    if (head < 0x80) return BigInt(head);
    if (head === 0xff) {
      const x = this.ubig(8);
      if (x < 1n << 56n) throw new CodecFailure(at, 'non-canonical natural');
      return x;
    }
    let l = 1;
    while (l < 8 && head & (0x80 >> l)) l++;
    const high = BigInt(head & (0xff >> (l + 1)));
    const x = (high << BigInt(8 * l)) | this.ubig(l);
    if (x < 1n << BigInt(7 * l)) throw new CodecFailure(at, 'non-canonical natural');
    return x;
  }
  /** A general natural that must be below `bound` <= 2^48 (a length, a 32-bit count): number arithmetic. */
  naturalBelow(bound: number): number {
    const at = this.offset;
    this.need(1);
    const head = this.bytes[this.offset]!;
    let x: number;
    if (head < 0x80) {
      this.offset++;
      x = head;
    } else if (head < 0xfe) {
      // l in 1..6 prefix bits: the value stays below 2^55, exact in a double only up to 2^53,
      // so l = 6 is read as a bigint below.
      let l = 1;
      while (head & (0x80 >> l)) l++;
      if (l > 5) x = Number(this.natural());
      else {
        this.offset++;
        x = (head & (0xff >> (l + 1))) * pow2[8 * l]! + this.uint(l);
        if (x < pow2[7 * l]!) throw new CodecFailure(at, 'non-canonical natural');
      }
    } else x = Number(this.natural());
    if (x >= bound) throw new CodecFailure(at, `natural ${x} is not below ${bound}`);
    return x;
  }
}

/** A growable octet buffer. */
export class Writer {
  private buf = new Uint8Array(256);
  length = 0;
  /** The octets the buffer holds before it must grow. */
  get capacity(): number {
    return this.buf.length;
  }
  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const next = new Uint8Array(cap);
    next.set(this.buf.subarray(0, this.length));
    this.buf = next;
  }
  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.length);
    this.length += b.length;
  }
  u8(x: number): void {
    this.ensure(1);
    this.buf[this.length++] = x;
  }
  /** @gp C.12 -- E_l: l octets, little-endian (x < 2^(8l) is the caller's invariant). */
  uint(l: number, x: number): void {
    this.ensure(l);
    for (let i = 0; i < l; i++) {
      this.buf[this.length++] = x % 256;
      x = Math.floor(x / 256);
    }
  }
  ubig(l: number, x: bigint): void {
    this.ensure(l);
    for (let i = 0; i < l; i++) {
      this.buf[this.length++] = Number(x & 0xffn);
      x >>= 8n;
    }
  }
  /** @gp C.5 -- the general natural encoding E, up to 2^64. */
  natural(x: bigint | number): void {
    if (typeof x === 'number' && x >= 0 && x < 2 ** 35) {
      // The common case (lengths, counts): l <= 4, in number arithmetic.
      for (let l = 0; l <= 4; l++)
        if (x < pow2[7 * (l + 1)]!) {
          const p = pow2[8 * l]!;
          this.u8(256 - pow2[8 - l]! + Math.floor(x / p));
          return this.uint(l, x % p);
        }
    }
    const v = BigInt(x);
    if (v < 0n || v >= 1n << 64n) throw new RangeError(`natural out of range: ${v}`);
    if (v < 0x80n) return this.u8(Number(v));
    for (let l = 1; l < 8; l++)
      if (v < 1n << BigInt(7 * (l + 1))) {
        this.u8(256 - (1 << (8 - l)) + Number(v >> BigInt(8 * l)));
        return this.ubig(l, v & ((1n << BigInt(8 * l)) - 1n));
      }
    this.u8(0xff);
    this.ubig(8, v);
  }
  result(): Uint8Array {
    return this.buf.slice(0, this.length);
  }
}

// ---------------------------------------------------------------------------------------------
// The descriptor

export interface Codec<T> {
  /** The type's name, used in messages. */
  readonly name: string;
  /** A lower bound on the encoded size; bounds how many elements a length prefix may claim. */
  readonly minSize: number;
  readonly encodeTo: (w: Writer, v: T) => void;
  readonly decodeFrom: (r: Reader) => T;
  /** The vectors' JSON form (field names of jam-types.asn, 0x-hex octets); throws CodecFailure. */
  readonly fromJson: (u: unknown) => T;
  readonly toJson: (v: T) => unknown;
  /** The JSON form as an io-ts type. */
  readonly json: t.Type<T, unknown, unknown>;
}

/**
 * Builds a descriptor; the io-ts `json` type is derived from `fromJson`/`toJson` (its `is` is
 * structural: the value is one the binary encoder accepts).
 */
export const codec = <T>(d: Omit<Codec<T>, 'json'>): Codec<T> => {
  const json = new t.Type<T, unknown, unknown>(
    d.name,
    (u): u is T => {
      try {
        const w = new Writer();
        d.encodeTo(w, u as T);
        return true;
      } catch {
        return false;
      }
    },
    (u, ctx) => {
      try {
        return t.success(d.fromJson(u));
      } catch (e) {
        if (e instanceof CodecFailure) return t.failure(u, ctx, e.toCodecError().toString());
        throw e;
      }
    },
    d.toJson,
  );
  return { ...d, json };
};

/**
 * Writers `encode` has finished with, reused: a block import encodes thousands of values, and a
 * writer's buffer, once grown, fits the next value of the kind. A stack, so that an encoder that
 * calls `encode` inside gets a writer of its own; buffers past `spareCapacity` are let go.
 */
const spare: Writer[] = [];
const spareCapacity = 1 << 20;

/** E(v): the octets of a value. */
export const encode = <T>(c: Codec<T>, v: T): Uint8Array => {
  const w = spare.pop() ?? new Writer();
  try {
    c.encodeTo(w, v);
    return w.result();
  } finally {
    if (w.capacity <= spareCapacity) {
      w.length = 0;
      spare.push(w);
    }
  }
};

/**
 * The codec with each value's encoding remembered, by the value's identity: for values encoded
 * again and again while they live (a work report is encoded in its guarantee's hash, its own
 * hash and rho's row of the trie, block after block). The model never changes a value in place,
 * so a value's encoding stays its encoding.
 */
export const remembered = <T extends object>(c: Codec<T>): Codec<T> => {
  const encodings = new WeakMap<T, Uint8Array>();
  return {
    ...c,
    encodeTo: (w, v) => {
      let e = encodings.get(v);
      if (e === undefined) encodings.set(v, (e = encode(c, v)));
      w.bytes(e);
    },
  };
};

/** The inverse of E, for untrusted input: all octets must be consumed; never throws for bad input. */
export const decode = <T>(c: Codec<T>, bytes: Uint8Array): E.Either<CodecError, T> => {
  const r = new Reader(bytes);
  try {
    const v = within(c.name, () => c.decodeFrom(r));
    if (r.remaining !== 0)
      return E.left(new CodecError([c.name], r.offset, 'trailing octets', `${r.remaining} left over`));
    return E.right(v);
  } catch (e) {
    if (e instanceof CodecFailure) return E.left(e.toCodecError());
    throw e;
  }
};

/** Decodes a prefix of `bytes`; returns the value and the number of octets consumed. */
export const decodePrefix = <T>(c: Codec<T>, bytes: Uint8Array): E.Either<CodecError, [T, number]> => {
  const r = new Reader(bytes);
  try {
    const v = within(c.name, () => c.decodeFrom(r));
    return E.right([v, r.offset]);
  } catch (e) {
    if (e instanceof CodecFailure) return E.left(e.toCodecError());
    throw e;
  }
};

/** The JSON form of the vectors, decoded into the model's value. */
export const fromJson = <T>(c: Codec<T>, u: unknown): E.Either<CodecError, T> => {
  try {
    return E.right(within(c.name, () => c.fromJson(u)));
  } catch (e) {
    if (e instanceof CodecFailure) return E.left(e.toCodecError());
    throw e;
  }
};

/**
 * JSON.parse, except that integers too long to be exact as a double (16 digits or more, e.g.
 * a 2^64 - 1 gas limit) are kept as decimal strings, which the 64-bit codecs accept.
 */
export const parseJson = (text: string): unknown =>
  JSON.parse(
    text.replace(/("(?:[^"\\]|\\.)*")|(-?\d{16,})(?=\s*[,\]}]|\s*$)/g, (_match, str: string | undefined, big: string | undefined) =>
      str !== undefined ? str : `"${big}"`,
    ),
  );

const jsonFail = (reason: string): never => {
  throw new CodecFailure(-1, reason);
};

const describe = (u: unknown): string => (u === null ? 'null' : Array.isArray(u) ? 'array' : typeof u);

// ---------------------------------------------------------------------------------------------
// Naturals

const jsonNumber = (bits: number) => (u: unknown): number => {
  if (typeof u !== 'number' || !Number.isInteger(u) || u < 0 || u >= 2 ** bits)
    return jsonFail(`expected an integer in [0, 2^${bits}), got ${JSON.stringify(u)}`);
  return u;
};

/** E_l for l in {1, 2, 4}: a fixed-width little-endian natural below 2^(8l), as a number. */
export const fixedU = (l: 1 | 2 | 3 | 4): Codec<number> =>
  codec({
    name: `U${8 * l}`,
    minSize: l,
    encodeTo: (w, v) => {
      if (!(Number.isInteger(v) && v >= 0 && v < pow2[8 * l]!)) throw new RangeError(`U${8 * l} out of range: ${v}`);
      w.uint(l, v);
    },
    decodeFrom: (r) => r.uint(l),
    fromJson: jsonNumber(8 * l),
    toJson: (v) => v,
  });

/** E_1 */
export const u8 = fixedU(1);
/** E_2 */
export const u16 = fixedU(2);
/** E_4 */
export const u32 = fixedU(4);

const bigFromJson = (bits: number) => (u: unknown): bigint => {
  let v: bigint | undefined;
  if (typeof u === 'number' && Number.isSafeInteger(u)) v = BigInt(u);
  else if (typeof u === 'string' && /^[0-9]+$/.test(u)) v = BigInt(u);
  else if (typeof u === 'bigint') v = u;
  if (v === undefined || v < 0n || v >= 1n << BigInt(bits))
    return jsonFail(`expected an integer in [0, 2^${bits}), got ${JSON.stringify(String(u))}`);
  return v;
};
/** JSON numbers lose precision above 2^53, so larger values are written as decimal strings. */
const bigToJson = (v: bigint): number | string => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString());

/** E_8: a 64-bit natural (gas, balances), as a bigint. */
export const u64: Codec<bigint> = codec({
  name: 'U64',
  minSize: 8,
  encodeTo: (w, v) => {
    if (v < 0n || v >= 1n << 64n) throw new RangeError(`U64 out of range: ${v}`);
    w.ubig(8, v);
  },
  decodeFrom: (r) => r.ubig(8),
  fromJson: bigFromJson(64),
  toJson: bigToJson,
});

/** @gp C.5 -- E: the general natural encoding (1 to 9 octets), as a bigint below 2^64. */
export const natural: Codec<bigint> = codec({
  name: 'Natural',
  minSize: 1,
  encodeTo: (w, v) => w.natural(v),
  decodeFrom: (r) => r.natural(),
  fromJson: bigFromJson(64),
  toJson: bigToJson,
});

/** E on a natural known to be below 2^32 (counts, core indices): a number. */
export const naturalU32: Codec<number> = codec({
  name: 'Natural32',
  minSize: 1,
  encodeTo: (w, v) => {
    if (!(Number.isInteger(v) && v >= 0 && v < 2 ** 32)) throw new RangeError(`Natural32 out of range: ${v}`);
    w.natural(v);
  },
  decodeFrom: (r) => r.naturalBelow(2 ** 32),
  fromJson: jsonNumber(32),
  toJson: (v) => v,
});

/** A validity flag: one octet, 0 or 1. */
export const bool: Codec<boolean> = codec({
  name: 'Boolean',
  minSize: 1,
  encodeTo: (w, v) => w.u8(v ? 1 : 0),
  decodeFrom: (r) => {
    const at = r.offset;
    const b = r.u8();
    if (b > 1) throw new CodecFailure(at, `boolean must be 0 or 1, got ${b}`);
    return b === 1;
  },
  fromJson: (u) => (typeof u === 'boolean' ? u : jsonFail(`expected a boolean, got ${describe(u)}`)),
  toJson: (v) => v,
});

// ---------------------------------------------------------------------------------------------
// Octet sequences

const hexFromJson = (u: unknown, n?: number): Uint8Array => {
  const b = typeof u === 'string' ? fromHex(u) : undefined;
  if (b === undefined) return jsonFail(`expected 0x-hex, got ${describe(u)}`);
  if (n !== undefined && b.length !== n) return jsonFail(`expected ${n} octets, got ${b.length}`);
  return b;
};

/** @gp C.2 -- B_n: a fixed-length octet sequence encodes as itself. */
export const bytes = <B extends Uint8Array = Uint8Array>(n: number, name = `B${n}`): Codec<B> =>
  codec({
    name,
    minSize: n,
    encodeTo: (w, v) => {
      if (v.length !== n) throw new RangeError(`${name}: expected ${n} octets, got ${v.length}`);
      w.bytes(v);
    },
    decodeFrom: (r) => r.take(n) as B,
    fromJson: (u) => hexFromJson(u, n) as B,
    toJson: (v) => toHex(v),
  });

/** @gp C.7 -- ↕x: a blob with its length prefixed. */
export const blob: Codec<Uint8Array> = codec({
  name: 'Blob',
  minSize: 1,
  encodeTo: (w, v) => {
    w.natural(v.length);
    w.bytes(v);
  },
  decodeFrom: (r) => r.take(r.naturalBelow(2 ** 32)),
  fromJson: (u) => hexFromJson(u),
  toJson: (v) => toHex(v),
});

// ---------------------------------------------------------------------------------------------
// Sequences

const readArray = <T>(r: Reader, item: Codec<T>, n: number): T[] => {
  const out: T[] = new Array<T>(n);
  let i = 0;
  try {
    for (; i < n; i++) out[i] = item.decodeFrom(r);
  } catch (e) {
    if (e instanceof CodecFailure) e.path.unshift(`[${i}]`);
    throw e;
  }
  return out;
};

const arrayFromJson = <T>(item: Codec<T>, u: unknown, n?: number): T[] => {
  if (!Array.isArray(u)) return jsonFail(`expected an array, got ${describe(u)}`);
  if (n !== undefined && u.length !== n) return jsonFail(`expected ${n} elements, got ${u.length}`);
  return u.map((x, i) => within(`[${i}]`, () => item.fromJson(x)));
};

/** @gp C.6 -- a sequence of exactly n elements, concatenated without a prefix. */
export const sequence = <T>(item: Codec<T>, n: number): Codec<ReadonlyArray<T>> =>
  codec({
    name: `${item.name}[${n}]`,
    minSize: item.minSize * n,
    encodeTo: (w, v) => {
      if (v.length !== n) throw new RangeError(`${item.name}[${n}]: got ${v.length} elements`);
      for (const x of v) item.encodeTo(w, x);
    },
    decodeFrom: (r) => readArray(r, item, n),
    fromJson: (u) => arrayFromJson(item, u, n),
    toJson: (v) => v.map(item.toJson),
  });

/** @gp C.7 -- ↕[...]: a sequence with its length prefixed (optionally at most `max` elements). */
export const varSequence = <T>(item: Codec<T>, max?: number): Codec<ReadonlyArray<T>> =>
  codec({
    name: `${item.name}[]`,
    minSize: 1,
    encodeTo: (w, v) => {
      // A longer value is not of the type (a bug in whoever built it), as in `sequence`.
      if (max !== undefined && v.length > max) throw new RangeError(`${item.name}[]: ${v.length} elements, at most ${max}`);
      w.natural(v.length);
      for (const x of v) item.encodeTo(w, x);
    },
    decodeFrom: (r) => {
      const at = r.offset;
      const n = r.naturalBelow(2 ** 32);
      if (max !== undefined && n > max) throw new CodecFailure(at, `length ${n} exceeds ${max}`);
      // Each element takes at least one octet (zero-size elements would need none): a claimed
      // length the remaining octets cannot hold is rejected before anything is allocated.
      if (n * Math.max(item.minSize, 1) > r.remaining)
        throw new CodecFailure(at, `length ${n} of ${item.name}`, `only ${r.remaining} octets remain`);
      return readArray(r, item, n);
    },
    fromJson: (u) => {
      const v = arrayFromJson(item, u);
      if (max !== undefined && v.length > max) return jsonFail(`length ${v.length} exceeds ${max}`);
      return v;
    },
    toJson: (v) => v.map(item.toJson),
  });

/** @gp C.9 -- a bit sequence of exactly n bits, packed least significant bit first. */
export const bitSequence = (n: number): Codec<ReadonlyArray<boolean>> => {
  const octets = Math.ceil(n / 8);
  const unpack = (b: Uint8Array, at: number): boolean[] => {
    const bits = new Array<boolean>(n);
    for (let i = 0; i < n; i++) bits[i] = ((b[i >> 3]! >> (i & 7)) & 1) === 1;
    // Exactly one value per encoding: the padding bits of the last octet must be zero.
    if (n % 8 !== 0 && b[octets - 1]! >> n % 8 !== 0)
      throw new CodecFailure(at, `bits beyond the ${n}th must be zero`);
    return bits;
  };
  const pack = (v: ReadonlyArray<boolean>): Uint8Array => {
    if (v.length !== n) throw new RangeError(`bit sequence: expected ${n} bits, got ${v.length}`);
    const b = new Uint8Array(octets);
    for (let i = 0; i < n; i++) if (v[i]) b[i >> 3]! |= 1 << (i & 7);
    return b;
  };
  return codec({
    name: `Bits${n}`,
    minSize: octets,
    encodeTo: (w, v) => w.bytes(pack(v)),
    decodeFrom: (r) => {
      const at = r.offset;
      return unpack(r.take(octets), at);
    },
    fromJson: (u) => unpack(hexFromJson(u, octets), -1),
    toJson: (v) => toHex(pack(v)),
  });
};

// ---------------------------------------------------------------------------------------------
// Optionals, records, unions, dictionaries

/** @gp C.8 -- ¿x: 0 for nothing, else 1 then x. JSON: null or the value. */
export const optional = <T>(item: Codec<T>): Codec<T | undefined> =>
  codec({
    name: `${item.name}?`,
    minSize: 1,
    encodeTo: (w, v) => {
      if (v === undefined) return w.u8(0);
      w.u8(1);
      item.encodeTo(w, v);
    },
    decodeFrom: (r) => {
      const at = r.offset;
      const d = r.u8();
      if (d === 0) return undefined;
      if (d === 1) return item.decodeFrom(r);
      throw new CodecFailure(at, `optional discriminator must be 0 or 1, got ${d}`);
    },
    fromJson: (u) => (u === null || u === undefined ? undefined : item.fromJson(u)),
    toJson: (v) => (v === undefined ? null : item.toJson(v)),
  });

/** One field of a record: the model's (paper's) name, the vectors' JSON name, its codec. */
export type Field<T, K extends keyof T = keyof T> = readonly [K, string, Codec<T[K]>];

/**
 * @gp C.3 -- a record encodes as the tuple of its fields in order. Each field names the
 * model's key and the key of the vectors' JSON (jam-types.asn, with `-` as `_`): this is the
 * documented mapping between paper and vector names.
 */
export const record = <T>(name: string, fields: { readonly [K in keyof T]-?: Field<T, K> }[keyof T][]): Codec<T> =>
  codec({
    name,
    minSize: fields.reduce((s, f) => s + f[2].minSize, 0),
    encodeTo: (w, v) => {
      for (const [k, , c] of fields) c.encodeTo(w, v[k]);
    },
    decodeFrom: (r) => {
      const out: Partial<T> = {};
      let field = '';
      try {
        for (const [k, , c] of fields) {
          field = String(k);
          out[k] = c.decodeFrom(r);
        }
      } catch (e) {
        if (e instanceof CodecFailure) e.path.unshift(field);
        throw e;
      }
      return out as T;
    },
    fromJson: (u) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u))
        return jsonFail(`expected an object, got ${describe(u)}`);
      const o = u as Record<string, unknown>;
      const out: Partial<T> = {};
      for (const [k, j, c] of fields) out[k] = within(j, () => c.fromJson(o[j]));
      return out as T;
    },
    toJson: (v) => {
      const o: Record<string, unknown> = {};
      for (const [k, j, c] of fields) o[j] = c.toJson(v[k]);
      return o;
    },
  });

/** A variant of a tagged union: its discriminator, its JSON key and the codec of its payload. */
export interface Variant<T> {
  readonly tag: number;
  readonly json: string;
  readonly codec: Codec<T>;
}

/** @gp C.1 -- the empty payload of a variant without data (JSON `null`). */
export const nothing: Codec<null> = codec({
  name: 'Null',
  minSize: 0,
  encodeTo: () => undefined,
  decodeFrom: () => null,
  fromJson: (u) => (u === null ? null : jsonFail(`expected null, got ${describe(u)}`)),
  toJson: () => null,
});

/**
 * A discriminated union (a discriminator natural, section C.1.4): the value is `{ kind, value }`;
 * the JSON form is `{ "<json key>": payload }` as in the vectors' ASN.1 CHOICE.
 */
export const choice = <U extends { readonly kind: string; readonly value: unknown }>(
  name: string,
  variants: { readonly [K in U['kind']]: Variant<Extract<U, { kind: K }>['value']> },
): Codec<U> => {
  const entries = Object.entries(variants) as [U['kind'], Variant<unknown>][];
  const byTag = new Map(entries.map(([k, v]) => [v.tag, [k, v] as const]));
  const byJson = new Map(entries.map(([k, v]) => [v.json, [k, v] as const]));
  return codec({
    name,
    minSize: 1,
    encodeTo: (w, v) => {
      const variant = variants[v.kind as U['kind']] as Variant<unknown>;
      w.natural(variant.tag);
      variant.codec.encodeTo(w, v.value);
    },
    decodeFrom: (r) => {
      const at = r.offset;
      const tag = r.naturalBelow(2 ** 32);
      const hit = byTag.get(tag);
      if (hit === undefined) throw new CodecFailure(at, `unknown ${name} discriminator ${tag}`);
      return { kind: hit[0], value: within(hit[0], () => hit[1].codec.decodeFrom(r)) } as unknown as U;
    },
    fromJson: (u) => {
      if (typeof u !== 'object' || u === null || Array.isArray(u) || Object.keys(u).length !== 1)
        return jsonFail(`expected an object with one key, got ${describe(u)}`);
      const [key, payload] = Object.entries(u)[0]!;
      const hit = byJson.get(key);
      if (hit === undefined) return jsonFail(`unknown ${name} variant ${key}`);
      return { kind: hit[0], value: within(key, () => hit[1].codec.fromJson(payload)) } as unknown as U;
    },
    toJson: (v) => {
      const variant = variants[v.kind as U['kind']] as Variant<unknown>;
      return { [variant.json]: variant.codec.toJson(v.value) };
    },
  });
};

/**
 * An ASN.1 ENUMERATED of the vectors (e.g. an STF's error codes): one octet, the name's index;
 * JSON: the name with `-` written `_`, as the vectors spell it (`"bad_core_index"`).
 */
export const enumeration = <N extends string>(name: string, names: ReadonlyArray<N>): Codec<N> => {
  const index = new Map(names.map((n, i) => [n, i]));
  return codec({
    name,
    minSize: 1,
    encodeTo: (w, v) => {
      const i = index.get(v);
      if (i === undefined) throw new RangeError(`${name}: unknown value ${v}`);
      w.u8(i);
    },
    decodeFrom: (r) => {
      const at = r.offset;
      const v = names[r.u8()];
      if (v === undefined) throw new CodecFailure(at, `no value ${r.bytes[at]}`);
      return v;
    },
    fromJson: (u) =>
      typeof u === 'string' && index.has(u as N) ? (u as N) : jsonFail(`${name}: unknown value ${JSON.stringify(u)}`),
    toJson: (v) => v,
  });
};

/** Maps a codec of A to a codec of B through a bijection (e.g. a wrapper record). */
export const mapCodec = <A, B>(c: Codec<A>, name: string, to: (a: A) => B, from: (b: B) => A): Codec<B> =>
  codec({
    name,
    minSize: c.minSize,
    encodeTo: (w, v) => c.encodeTo(w, from(v)),
    decodeFrom: (r) => {
      const at = r.offset;
      const a = c.decodeFrom(r);
      try {
        return to(a);
      } catch (e) {
        if (e instanceof CodecFailure && e.offset < 0) e.offset = at;
        throw e;
      }
    },
    fromJson: (u) => to(c.fromJson(u)),
    toJson: (v) => c.toJson(from(v)),
  });

/**
 * Key order of a dictionary: numbers ascending; strings in code-unit order, which for lower-case
 * 0x-hex of octet strings (the map keys of `storageKey`, ...) is the octets' lexicographic order.
 */
export const compareKeys = <K extends number | string>(a: K, b: K): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * @gp C.10 -- a dictionary encodes as the length-prefixed sequence of (key, value) pairs ordered
 * by key. Keys are numbers or strings (octet-string keys as 0x-hex, so that a JS Map can look
 * them up). Decoding requires strictly ascending keys (one encoding per value). JSON: an array of
 * `{ <keyName>: k, <valueName>: v }`.
 */
export const dictionary = <K extends number | string, V>(
  name: string,
  key: Codec<K>,
  value: Codec<V>,
  keyName: string,
  valueName: string,
  compare: (a: K, b: K) => number = compareKeys,
): Codec<ReadonlyMap<K, V>> => {
  const entry = record<{ k: K; v: V }>(`${name}Entry`, [
    ['k', keyName, key],
    ['v', valueName, value],
  ]);
  const pairs = varSequence(entry);
  const sorted = (m: ReadonlyMap<K, V>) => [...m].sort(([a], [b]) => compare(a, b)).map(([k, v]) => ({ k, v }));
  const toMap = (es: ReadonlyArray<{ k: K; v: V }>, at: number): ReadonlyMap<K, V> => {
    for (let i = 1; i < es.length; i++)
      if (compare(es[i - 1]!.k, es[i]!.k) >= 0)
        throw new CodecFailure(at, `${name}: keys must be strictly ascending (entry ${i})`);
    return new Map(es.map(({ k, v }) => [k, v]));
  };
  return codec({
    name,
    minSize: 1,
    encodeTo: (w, m) => pairs.encodeTo(w, sorted(m)),
    decodeFrom: (r) => {
      const at = r.offset;
      return toMap(pairs.decodeFrom(r), at);
    },
    fromJson: (u) => toMap(pairs.fromJson(u), -1),
    toJson: (m) => pairs.toJson(sorted(m)),
  });
};

/** Memoizes a function of the chain spec (codecs are built once per spec). */
export const perSpec = <S extends object, R>(f: (spec: S) => R): ((spec: S) => R) => {
  const cache = new WeakMap<S, R>();
  return (spec) => {
    let r = cache.get(spec);
    if (r === undefined) {
      r = f(spec);
      cache.set(spec, r);
    }
    return r;
  };
};
