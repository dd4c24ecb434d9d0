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
import { bytesEqual } from '../spec/bytes.js';
import { CodecError, decode, decodePrefix, encode, fromJson, natural, type Codec } from '../spec/codec.js';
import * as K from '../spec/codecs.js';
import { diffValues } from '../vectors/diff.js';

import {
  availabilitySpec,
  coreActivity,
  disputesRecords,
  guarantee,
  hash,
  nat64,
  numberMap,
  preimage,
  recentBlock,
  recentHistory,
  refineContext,
  seq,
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
    workDigest: K.workDigest,
    workReport: K.workReport,
    importSpec: K.importSpec,
    workItem: K.workItem,
    workPackage: K.workPackage,
    guarantee: K.guarantee,
    guaranteesExtrinsic: K.guaranteesExtrinsic,
    accumulationOutput: K.accumulationOutput,
    recentBlock: K.recentBlock,
    mmr: K.mmr,
    recentHistory: K.recentHistory,
    serviceInfo: K.serviceInfo,
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
    workDigest,
    workReport,
    importSpec: fc.record({ treeRoot: hash, index: u16 }),
    workItem,
    workPackage,
    guarantee,
    guaranteesExtrinsic: seq(guarantee, 2),
    accumulationOutput: fc.record({ serviceIndex: u32, hash }),
    recentBlock,
    mmr: seq(fc.option(hash, { nil: undefined }), 5),
    recentHistory,
    serviceInfo,
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
            const viaJson = fromJson(codec, JSON.parse(JSON.stringify(codec.toJson(v))));
            if (isLeft(viaJson)) throw new Error(viaJson.left.toString());
            expect(diffValues(viaJson.right, v)).toEqual([]);
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
