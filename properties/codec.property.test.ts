/**
 * Appendix C properties, for every codec of `spec/` and both chain specs:
 * - decode(encode(v)) = v, and JSON: fromJson(toJson(v)) = v (arbitrary values);
 * - decoding arbitrary or corrupted octets returns Left(CodecError) or a value, never throws
 *   anything else, and a decoded value re-encodes to exactly the octets it consumed.
 */
import fc from 'fast-check';
import { isLeft } from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import type { ChainSpec } from '../spec/chain-spec.js';
import { full, tiny } from '../spec/chain-spec.js';
import { bytesEqual, fromHex, toHex } from '../spec/bytes.js';
import {
  CodecError,
  decode,
  decodePrefix,
  encode,
  enumeration,
  fromJson,
  natural,
  parseJson,
  u64 as u64Codec,
  varSequence,
  type Codec,
} from '../spec/codec.js';
import * as K from '../spec/codecs.js';
import { diffValues } from '../chain/index.js';

import {
  availabilitySpec,
  coreActivity,
  disputesRecords,
  guarantee,
  hash,
  nat64,
  numberMap,
  operandTuple,
  preimage,
  recentBlock,
  recentHistory,
  refineContext,
  seq,
  serviceAccount,
  serviceActivity,
  serviceInfo,
  specArbitraries,
  ticket,
  ticketEnvelope,
  u16,
  u32,
  u64,
  u8,
  validatorActivity,
  validatorKey,
  workDigest,
  workItem,
  workPackage,
  workReport,
  workResult,
} from './codec.arbitraries.js';

/** Each codec beside its arbitrary, by name. */
const pairs = <C extends Record<string, Codec<never>>>(codecs: C, arbs: { readonly [N in keyof C]: fc.Arbitrary<unknown> }) =>
  Object.keys(arbs).map(
    (name) => [name, codecs[name] as unknown as Codec<unknown>, arbs[name as keyof C] as fc.Arbitrary<unknown>] as const,
  );

const specIndependent = pairs(
  {
    natural,
    hash: K.hash,
    validatorKey: K.validatorKey,
    ticket: K.ticket,
    ticketEnvelope: K.ticketEnvelope,
    ticketsExtrinsic: K.ticketsExtrinsic,
    preimage: K.preimage,
    preimagesExtrinsic: K.preimagesExtrinsic,
    refineContext: K.refineContext,
    availabilitySpec: K.availabilitySpec,
    workResult: K.workResult,
    operandTuple: K.operandTuple,
    workDigest: K.workDigest,
    workReport: K.workReport,
    importSpec: K.importSpec,
    workItem: K.workItem,
    workPackage: K.workPackage,
    guarantee: K.guarantee,
    accumulationOutput: K.accumulationOutput,
    recentBlock: K.recentBlock,
    mmr: K.mmr,
    recentHistory: K.recentHistory,
    serviceInfo: K.serviceInfo,
    serviceAccount: K.serviceAccount,
    accounts: K.accounts,
    disputesRecords: K.disputesRecords,
    validatorActivity: K.validatorActivity,
    coreActivity: K.coreActivity,
    serviceActivity: K.serviceActivity,
    servicesStatistics: K.servicesStatistics,
    alwaysAccers: K.alwaysAccers,
  } as unknown as Record<string, Codec<never>>,
  {
    natural: nat64,
    hash,
    validatorKey,
    ticket,
    ticketEnvelope,
    ticketsExtrinsic: seq(ticketEnvelope),
    preimage,
    preimagesExtrinsic: seq(preimage),
    refineContext,
    availabilitySpec,
    workResult,
    operandTuple,
    workDigest,
    workReport,
    importSpec: fc.record({ treeRoot: hash, index: u16 }),
    workItem,
    workPackage,
    guarantee,
    accumulationOutput: fc.record({ serviceIndex: u32, hash }),
    recentBlock,
    mmr: seq(fc.option(hash, { nil: undefined }), 5),
    recentHistory,
    serviceInfo,
    serviceAccount,
    accounts: numberMap(serviceAccount),
    disputesRecords,
    validatorActivity,
    coreActivity,
    serviceActivity,
    servicesStatistics: numberMap(serviceActivity),
    alwaysAccers: numberMap(u64),
  },
);

// ---------------------------------------------------------------------------------------------
// Properties

/**
 * Every type runs 1000 cases with the spec-independent codecs and with `tiny`. With `full`, the
 * same codecs only change their fixed sizes (V = 1023, C = 341, E = 600), and one value can be
 * megabytes (rho holds 341 optional reports), so `full` runs 20 cases per type: enough to check
 * that the sizes are right without taking minutes.
 */
const runsFor = (spec: ChainSpec | undefined): number => (spec === full ? 20 : 1000);

/** Corrupts an encoding: truncates it, or overwrites some octets. */
const corrupt = (enc: Uint8Array) =>
  fc.oneof(
    fc.nat({ max: Math.max(0, enc.length - 1) }).map((n) => enc.subarray(0, n)),
    fc.array(fc.tuple(fc.nat({ max: Math.max(0, enc.length - 1) }), u8), { minLength: 1, maxLength: 4 }).map((edits) => {
      const b = enc.slice();
      for (const [i, v] of edits) if (i < b.length) b[i] = v;
      return b;
    }),
  );

/** decodePrefix returns Left(CodecError) or a value whose encoding is exactly the consumed prefix. */
const checkUntrusted = (codec: Codec<unknown>, input: Uint8Array): void => {
  const r = decodePrefix(codec, input);
  if (isLeft(r)) {
    expect(r.left).toBeInstanceOf(CodecError);
    return;
  }
  const [value, consumed] = r.right;
  expect(consumed).toBeLessThanOrEqual(input.length);
  expect(bytesEqual(encode(codec, value), input.subarray(0, consumed))).toBe(true);
};

const suite = (label: string, spec: ChainSpec | undefined, entries: ReadonlyArray<readonly [string, Codec<unknown>, fc.Arbitrary<unknown>]>) =>
  describe(label, () => {
    for (const [name, codec, arb] of entries) {
      const numRuns = runsFor(spec);
      it(`${name}: decode(encode(v)) = v and fromJson(toJson(v)) = v (${numRuns} runs)`, () => {
        fc.assert(
          fc.property(arb, (v) => {
            const enc = encode(codec, v);
            const back = decode(codec, enc);
            if (isLeft(back)) throw new Error(back.left.toString());
            expect(diffValues(back.right, v)).toEqual([]);
            // The JSON leg goes through the io-ts type, as a JSON consumer would use it.
            const viaJson = codec.json.decode(JSON.parse(JSON.stringify(codec.json.encode(v))));
            if (isLeft(viaJson)) throw new Error(String(viaJson.left[0]?.message));
            expect(diffValues(viaJson.right, v)).toEqual([]);
            expect(codec.json.is(v)).toBe(true);
          }),
          { numRuns },
        );
      });
      it(`${name}: corrupted encodings decode to an error or re-encode exactly (${numRuns} runs)`, () => {
        fc.assert(
          fc.property(
            arb.chain((v) => corrupt(encode(codec, v))),
            (input) => checkUntrusted(codec, input),
          ),
          { numRuns },
        );
      });
      it(`${name}: arbitrary octets decode to an error or re-encode exactly (${numRuns} runs)`, () => {
        fc.assert(
          fc.property(fc.uint8Array({ maxLength: 600 }), (input) => checkUntrusted(codec, input)),
          { numRuns },
        );
      });
    }
  });

suite('codec (spec-independent)', undefined, specIndependent);
for (const spec of [tiny, full]) {
  const c = K.codecs(spec);
  suite(`codec (${spec.name})`, spec, pairs(c as unknown as Record<string, Codec<never>>, specArbitraries(spec)));
}

describe('natural (C.5)', () => {
  it('encodes each length class canonically: 1 + l octets for 2^(7l) <= x < 2^(7(l+1)), 9 above 2^56', () => {
    fc.assert(
      fc.property(nat64, (x) => {
        const l = encode(natural, x).length;
        let expected = 9;
        for (let k = 0; k < 8; k++)
          if (x < 1n << BigInt(7 * (k + 1))) {
            expected = k + 1;
            break;
          }
        expect(l).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseJson', () => {
  it('keeps integers beyond 2^53 exact and leaves strings alone', () => {
    const text = '{"gas": 18446744073709551615, "small": 42, "s": "12345678901234567890", "a": [9007199254740993]}';
    expect(parseJson(text)).toEqual({ gas: '18446744073709551615', small: 42, s: '12345678901234567890', a: ['9007199254740993'] });
    const v = fromJson(u64Codec, (parseJson(text) as { gas: unknown }).gas);
    expect(isLeft(v) ? v.left.toString() : v.right).toBe((1n << 64n) - 1n);
  });
});

describe('CodecError', () => {
  it('names the field path and the offset of a truncated or malformed input', () => {
    const { header, block } = K.codecs(tiny);
    const h = decode(header, new Uint8Array(40));
    expect(isLeft(h) && h.left.toString()).toBe('Header.priorStateRoot: need 32 octets at offset 32, 8 remain');
    // parent, prior state root, extrinsic hash, slot, then an epoch-mark discriminator of 2.
    const bad = new Uint8Array(200);
    bad[100] = 2;
    const b = decode(block, bad);
    expect(isLeft(b) && b.left.toString()).toBe(
      'Block.header.epochMark: optional discriminator must be 0 or 1, got 2 at offset 100',
    );
    const version = decode(K.serviceInfo, new Uint8Array(89).fill(1));
    expect(isLeft(version) && version.left.toString()).toBe('ServiceInfo: ServiceInfo version must be 0, got 1 at offset 0');
    const trailing = decode(K.hash, new Uint8Array(33));
    expect(isLeft(trailing) && trailing.left.toString()).toBe('Hash: trailing octets at offset 32, 1 left over');
  });
});

describe('enumeration', () => {
  const errors = enumeration('ErrorCode', ['bad_core_index', 'future_report_slot', 'anchor_not_recent'] as const);
  it('is one octet, the index; JSON the name; an unknown index is a CodecError', () => {
    fc.assert(
      fc.property(fc.constantFrom(...(['bad_core_index', 'future_report_slot', 'anchor_not_recent'] as const)), (v) => {
        const enc = encode(errors, v);
        expect(enc.length).toBe(1);
        const back = decode(errors, enc);
        expect(isLeft(back) ? back.left.toString() : back.right).toBe(v);
        const j = fromJson(errors, errors.toJson(v));
        expect(isLeft(j) ? j.left.toString() : j.right).toBe(v);
      }),
      { numRuns: 100 },
    );
    const bad = decode(errors, new Uint8Array([3]));
    expect(isLeft(bad) && bad.left.toString()).toBe('ErrorCode: no value 3 at offset 0');
  });
});

describe('encoding out-of-range values', () => {
  it('throws a RangeError instead of truncating', () => {
    expect(() => encode(K.ticket, { id: new Uint8Array(32), entryIndex: 256 })).toThrow(RangeError);
    expect(() => encode(u64Codec, 1n << 64n)).toThrow(RangeError);
    expect(() => encode(natural, -1n)).toThrow(RangeError);
    expect(() => encode(K.hash, new Uint8Array(31))).toThrow(RangeError);
  });
});

describe('extrinsic sequences bounded by their type (eq:xtassurances, eq:guaranteesextrinsic)', () => {
  const c = K.codecs(tiny);
  const arbs = specArbitraries(tiny);
  const concat = (...parts: ReadonlyArray<Uint8Array>): Uint8Array => {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    parts.reduce((at, p) => (out.set(p, at), at + p.length), 0);
    return out;
  };
  it('a block with more than C guarantees or V assurances is a codec error naming the sequence and its offset', () => {
    fc.assert(
      fc.property(
        arbs.block,
        fc.array(guarantee, { maxLength: tiny.Ccorecount + 2 }),
        fc.array(arbs.assurance, { maxLength: tiny.Cvalcount + 2 }),
        (block, guarantees, assurances) => {
          // E(B) laid out as C.16 has it, the two sequences written with no bound.
          const head = concat(
            encode(c.header, block.header),
            encode(K.ticketsExtrinsic, block.extrinsic.tickets),
            encode(K.preimagesExtrinsic, block.extrinsic.preimages),
          );
          const g = encode(varSequence(K.guarantee), guarantees);
          const octets = concat(head, g, encode(varSequence(c.assurance), assurances), encode(c.disputesExtrinsic, block.extrinsic.disputes));
          const out = decode(c.block, octets);
          if (guarantees.length > tiny.Ccorecount)
            expect(isLeft(out) && out.left.toString()).toBe(
              `Block.extrinsic.guarantees: length ${guarantees.length} exceeds ${tiny.Ccorecount} at offset ${head.length}`,
            );
          else if (assurances.length > tiny.Cvalcount)
            expect(isLeft(out) && out.left.toString()).toBe(
              `Block.extrinsic.assurances: length ${assurances.length} exceeds ${tiny.Cvalcount} at offset ${head.length + g.length}`,
            );
          else expect(isLeft(out) ? out.left.toString() : 'decoded').toBe('decoded');
        },
      ),
      { numRuns: 200 },
    );
  });
  it('refuses to encode a longer sequence (the value is not of the type)', () => {
    const assurances = fc.sample(arbs.assurance, tiny.Cvalcount + 1);
    expect(() => encode(c.assurancesExtrinsic, assurances)).toThrow(RangeError);
  });
});

describe('hex (the JSON codecs\' and the dictionaries\' keys)', () => {
  const digits = (b: Uint8Array): string => `0x${[...b].map((x) => x.toString(16).padStart(2, '0')).join('')}`;
  it('toHex is 0x and two lower-case digits an octet, and fromHex reads it back, in either case', () => {
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 1200 }), fc.uint8Array({ minLength: 4090, maxLength: 4200 })), (b) => {
        const hex = toHex(b);
        expect(hex).toBe(digits(b));
        expect(fromHex(hex)).toEqual(b);
        expect(fromHex(hex.toUpperCase().replace('0X', ''))).toEqual(b);
      }),
      { numRuns: 500 },
    );
  });
  it('fromHex refuses an odd number of digits and any character that is no hex digit', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 1, maxLength: 40 }), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (b, at, c) => {
        const hex = toHex(b);
        expect(fromHex(hex.slice(0, -1))).toBeUndefined();
        const i = 2 + (at % (hex.length - 2));
        const changed = hex.slice(0, i) + c + hex.slice(i + 1);
        if (/^[0-9a-fA-F]$/.test(c)) expect(fromHex(changed)).toBeDefined();
        else expect(fromHex(changed)).toBeUndefined();
      }),
      { numRuns: 500 },
    );
  });
});
