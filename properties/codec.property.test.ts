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
import { bytesEqual, toHex } from '../spec/bytes.js';
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
  type Codec,
} from '../spec/codec.js';
import * as K from '../spec/codecs.js';
import type * as T from '../spec/types.js';
import { diffValues } from '../vectors/diff.js';

// ---------------------------------------------------------------------------------------------
// Arbitraries, one per type of spec/types.ts

/**
 * n octets. Long fixed strings (keys, signatures, proofs) only need to be distinct and arbitrary,
 * not shrinkable octet by octet: they are filled from a 32-bit seed, which keeps 1000 runs fast.
 */
const bytes = (n: number): fc.Arbitrary<Uint8Array> =>
  n <= 8
    ? fc.uint8Array({ minLength: n, maxLength: n })
    : fc.integer().map((seed) => {
        const b = new Uint8Array(n);
        let x = seed | 1;
        for (let i = 0; i < n; i++) {
          x ^= x << 13;
          x ^= x >>> 17;
          x ^= x << 5;
          b[i] = x & 0xff;
        }
        return b;
      });
const blob = fc.uint8Array({ maxLength: 40 });
const hash = bytes(32);
const u8 = fc.integer({ min: 0, max: 0xff });
const u16 = fc.integer({ min: 0, max: 0xffff });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** Naturals spread over every length class of C.5. */
const nat64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 0x7fn }),
  fc.integer({ min: 1, max: 63 }).chain((b) => fc.bigInt({ min: 1n << BigInt(b), max: (1n << BigInt(b + 1)) - 1n })),
  fc.constant((1n << 64n) - 1n),
);
const nat32 = fc.oneof(fc.integer({ min: 0, max: 0x7f }), u32);
const seq = <A>(a: fc.Arbitrary<A>, max = 3) => fc.array(a, { maxLength: max });
const fixed = <A>(a: fc.Arbitrary<A>, n: number) => fc.array(a, { minLength: n, maxLength: n });

const ticket: fc.Arbitrary<T.Ticket> = fc.record({ id: hash, entryIndex: u8 });
const ticketEnvelope: fc.Arbitrary<T.TicketEnvelope> = fc.record({ entryIndex: u8, proof: bytes(784) });
const preimage: fc.Arbitrary<T.Preimage> = fc.record({ serviceIndex: u32, data: blob });
const refineContext: fc.Arbitrary<T.RefineContext> = fc.record({
  anchorHash: hash,
  anchorPostState: hash,
  anchorAccOutLog: hash,
  lookupAnchorHash: hash,
  lookupAnchorTime: u32,
  prerequisites: seq(hash),
});
const availabilitySpec: fc.Arbitrary<T.AvailabilitySpec> = fc.record({
  packageHash: hash,
  bundleLen: u32,
  erasureRoot: hash,
  segRoot: hash,
  segCount: u16,
});
const workResult: fc.Arbitrary<T.WorkResult> = fc.oneof(
  blob.map((value) => ({ kind: 'ok' as const, value })),
  fc
    .constantFrom('outOfGas', 'panic', 'badExports', 'oversize', 'badCode', 'bigCode')
    .map((kind) => ({ kind, value: null }) as T.WorkResult),
);
const workDigest: fc.Arbitrary<T.WorkDigest> = fc.record({
  serviceIndex: u32,
  codeHash: hash,
  payloadHash: hash,
  gasLimit: u64,
  result: workResult,
  gasUsed: nat64,
  importCount: nat32,
  xtCount: nat32,
  xtSize: nat32,
  exportCount: nat32,
});
const operandTuple: fc.Arbitrary<T.OperandTuple> = fc.record({
  packageHash: hash,
  segRoot: hash,
  authorizer: hash,
  payloadHash: hash,
  gasLimit: nat64,
  authTrace: blob,
  result: workResult,
});
const workReport: fc.Arbitrary<T.WorkReport> = fc.record({
  avspec: availabilitySpec,
  context: refineContext,
  core: nat32,
  authorizer: hash,
  authGasUsed: nat64,
  authTrace: blob,
  srLookup: seq(fc.record({ packageHash: hash, segRoot: hash })),
  digests: seq(workDigest),
});
const workItem: fc.Arbitrary<T.WorkItem> = fc.record({
  serviceIndex: u32,
  codeHash: hash,
  refGasLimit: u64,
  accGasLimit: u64,
  exportCount: u16,
  payload: blob,
  importSegments: seq(fc.record({ treeRoot: hash, index: u16 })),
  extrinsics: seq(fc.record({ hash, len: u32 })),
});
const workPackage: fc.Arbitrary<T.WorkPackage> = fc.record({
  authCodeHost: u32,
  authCodeHash: hash,
  context: refineContext,
  authToken: blob,
  authConfig: blob,
  workItems: seq(workItem),
});
const guarantee: fc.Arbitrary<T.Guarantee> = fc.record({
  workReport,
  timeslot: u32,
  credential: seq(fc.record({ validatorIndex: u16, signature: bytes(64) })),
});
const culprit: fc.Arbitrary<T.Culprit> = fc.record({ reportHash: hash, key: bytes(32), signature: bytes(64) });
const fault: fc.Arbitrary<T.Fault> = fc.record({
  reportHash: hash,
  validity: fc.boolean(),
  key: bytes(32),
  signature: bytes(64),
});
const validatorKey: fc.Arbitrary<T.ValidatorKey> = fc.record({
  bs: bytes(32),
  ed: bytes(32),
  bls: bytes(144),
  metadata: bytes(128),
});
const recentBlock: fc.Arbitrary<T.RecentBlock> = fc.record({
  headerHash: hash,
  accOutLogSuperPeak: hash,
  stateRoot: hash,
  reportedPackageHashes: seq(fc.record({ hash, exportsRoot: hash })),
});
const recentHistory: fc.Arbitrary<T.RecentHistory> = fc.record({
  history: seq(recentBlock),
  accOutBelt: seq(fc.option(hash, { nil: undefined }), 5),
});
const serviceInfo: fc.Arbitrary<T.ServiceInfo> = fc.record({
  codeHash: hash,
  balance: u64,
  minAccGas: u64,
  minMemoGas: u64,
  octets: u64,
  gratis: u64,
  items: u32,
  created: u32,
  lastAcc: u32,
  parent: u32,
});
const hexOf = (b: Uint8Array) => toHex(b);
const serviceAccount: fc.Arbitrary<T.ServiceAccount> = fc
  .record({
    info: serviceInfo,
    storage: fc.array(fc.tuple(blob.map(hexOf), blob), { maxLength: 3 }),
    preimages: fc.array(fc.tuple(hash.map(hexOf), blob), { maxLength: 3 }),
    requests: fc.array(fc.tuple(hash.map(hexOf), u32, seq(u32, 3)), { maxLength: 3 }),
  })
  .map(({ info, storage, preimages, requests }) => ({
    ...info,
    storage: new Map(storage),
    preimages: new Map(preimages),
    requests: new Map(requests.map(([h, l, ts]) => [`${h}:${l}`, ts])),
  }));
const disputesRecords: fc.Arbitrary<T.DisputesRecords> = fc.record({
  good: seq(hash),
  bad: seq(hash),
  wonky: seq(hash),
  offenders: seq(bytes(32)),
});
const validatorActivity: fc.Arbitrary<T.ValidatorActivity> = fc.record({
  blocks: u32,
  tickets: u32,
  preimageCount: u32,
  preimageSize: u32,
  guarantees: u32,
  assurances: u32,
});
const coreActivity: fc.Arbitrary<T.CoreActivity> = fc.record({
  daLoad: u32,
  popularity: u16,
  importCount: u16,
  xtCount: u16,
  xtSize: u32,
  exportCount: u16,
  bundleLen: u32,
  gasUsed: u64,
});
const serviceActivity: fc.Arbitrary<T.ServiceActivity> = fc.record({
  provisionCount: u16,
  provisionSize: u32,
  refinementCount: u32,
  refinementGas: u64,
  importCount: u32,
  xtCount: u32,
  xtSize: u32,
  exportCount: u32,
  accumulationCount: u32,
  accumulationGas: u64,
});
const numberMap = <V>(v: fc.Arbitrary<V>) =>
  fc.array(fc.tuple(u32, v), { maxLength: 4 }).map((es) => new Map(es) as ReadonlyMap<number, V>);

/** The arbitraries whose shapes depend on the chain spec (V, C, E). */
const perSpec = (spec: ChainSpec) => {
  const V = spec.Cvalcount;
  const C = spec.Ccorecount;
  const Ep = spec.Cepochlen;
  // Full-size fixed sequences (1023 validators) are big: keep them, but generate them lazily.
  const epochMark: fc.Arbitrary<T.EpochMark> = fc.record({
    entropy: hash,
    ticketsEntropy: hash,
    validators: fixed(fc.record({ bs: bytes(32), ed: bytes(32) }), V),
  });
  const header: fc.Arbitrary<T.Header> = fc.record({
    parent: hash,
    priorStateRoot: hash,
    extrinsicHash: hash,
    timeslot: u32,
    epochMark: fc.option(epochMark, { nil: undefined, freq: 3 }),
    winnersMark: fc.option(fixed(ticket, Ep), { nil: undefined, freq: 3 }),
    authorIndex: u16,
    vrfSig: bytes(96),
    offendersMark: seq(bytes(32)),
    sealSig: bytes(96),
  });
  const assurance: fc.Arbitrary<T.Assurance> = fc.record({
    anchor: hash,
    availabilities: fixed(fc.boolean(), C),
    assurer: u16,
    signature: bytes(64),
  });
  const verdict: fc.Arbitrary<T.Verdict> = fc.record({
    reportHash: hash,
    epochIndex: u32,
    judgments: fixed(
      fc.record({ validity: fc.boolean(), judgeIndex: u16, signature: bytes(64) }),
      Math.floor((2 * V) / 3) + 1,
    ),
  });
  const disputesExtrinsic: fc.Arbitrary<T.DisputesExtrinsic> = fc.record({
    verdicts: seq(verdict, 2),
    culprits: seq(culprit),
    faults: seq(fault),
  });
  const extrinsic: fc.Arbitrary<T.Extrinsic> = fc.record({
    tickets: seq(ticketEnvelope),
    preimages: seq(preimage),
    guarantees: seq(guarantee, 2),
    assurances: seq(assurance),
    disputes: disputesExtrinsic,
  });
  const sealKeys: fc.Arbitrary<T.SealKeys> = fc.oneof(
    fixed(ticket, Ep).map((value) => ({ kind: 'tickets' as const, value })),
    fixed(bytes(32), Ep).map((value) => ({ kind: 'keys' as const, value })),
  );
  const pendingReport: fc.Arbitrary<T.PendingReport> = fc.record({ workReport, timestamp: u32 });
  return {
    epochMark,
    winnersMark: fixed(ticket, Ep),
    header,
    unsignedHeader: header.map(({ sealSig: _, ...u }) => u),
    assurance,
    assurancesExtrinsic: seq(assurance),
    verdict,
    disputesExtrinsic,
    extrinsic,
    block: fc.record({ header, extrinsic }),
    validatorKeys: fixed(validatorKey, V),
    deferredTransfer: fc.record({ source: u32, dest: u32, amount: u64, memo: bytes(spec.Cmemosize), gas: u64 }),
    accumulationInput: fc.oneof(
      operandTuple.map((value) => ({ kind: 'operand' as const, value })),
      fc
        .record({ source: u32, dest: u32, amount: u64, memo: bytes(spec.Cmemosize), gas: u64 })
        .map((value) => ({ kind: 'transfer' as const, value })),
    ),
    gamma: fc.record({
      pendingSet: fixed(validatorKey, V),
      epochRoot: bytes(144),
      sealTickets: sealKeys,
      ticketAccumulator: seq(ticket, Ep),
    }),
    sealKeys,
    ticketAccumulator: seq(ticket, Ep),
    entropy: fixed(hash, 4),
    pendingReport,
    rho: fixed(fc.option(pendingReport, { nil: undefined }), C),
    alpha: fixed(seq(hash, spec.Cauthpoolsize), C),
    phi: fixed(fixed(hash, spec.Cauthqueuesize), C),
    privileges: fc.record({
      manager: u32,
      assigners: fixed(u32, C),
      delegator: u32,
      registrar: u32,
      alwaysAccers: numberMap(u64),
    }),
    statistics: fc.record({
      valsCurrent: fixed(validatorActivity, V),
      valsLast: fixed(validatorActivity, V),
      cores: fixed(coreActivity, C),
      services: numberMap(serviceActivity),
    }),
    readyRecord: fc.record({ workReport, dependencies: seq(hash) }),
    omega: fixed(seq(fc.record({ workReport, dependencies: seq(hash) }), 1), Ep),
    xi: fixed(seq(hash), Ep),
  } satisfies { readonly [N in Exclude<keyof K.Codecs, 'stateComponents'>]: fc.Arbitrary<unknown> };
};

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
    guaranteesExtrinsic: K.guaranteesExtrinsic,
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
    guaranteesExtrinsic: seq(guarantee, 2),
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
  suite(`codec (${spec.name})`, spec, pairs(c as unknown as Record<string, Codec<never>>, perSpec(spec)));
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
