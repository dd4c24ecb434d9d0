/**
 * fast-check arbitraries, one per type of spec/types.ts (moved out of codec.property.test.ts so that
 * other properties, e.g. state-serialization, draw the same values).
 */
import fc from 'fast-check';
import type { ChainSpec } from '../spec/chain-spec.js';
import type * as T from '../spec/types.js';
import type * as K from '../spec/codecs.js';
import { toHex } from '../spec/bytes.js';

// ---------------------------------------------------------------------------------------------
// Arbitraries, one per type of spec/types.ts

/**
 * n octets. Long fixed strings (keys, signatures, proofs) only need to be distinct and arbitrary,
 * not shrinkable octet by octet: they are filled from a 32-bit seed, which keeps 1000 runs fast.
 */
export const bytes = (n: number): fc.Arbitrary<Uint8Array> =>
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
export const blob = fc.uint8Array({ maxLength: 40 });
export const hash = bytes(32);
export const u8 = fc.integer({ min: 0, max: 0xff });
export const u16 = fc.integer({ min: 0, max: 0xffff });
export const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
export const u64 = fc.bigInt({ min: 0n, max: (1n << 64n) - 1n });
/** Naturals spread over every length class of C.5. */
export const nat64 = fc.oneof(
  fc.bigInt({ min: 0n, max: 0x7fn }),
  fc.integer({ min: 1, max: 63 }).chain((b) => fc.bigInt({ min: 1n << BigInt(b), max: (1n << BigInt(b + 1)) - 1n })),
  fc.constant((1n << 64n) - 1n),
);
export const nat32 = fc.oneof(fc.integer({ min: 0, max: 0x7f }), u32);
export const seq = <A>(a: fc.Arbitrary<A>, max = 3) => fc.array(a, { maxLength: max });
export const fixed = <A>(a: fc.Arbitrary<A>, n: number) => fc.array(a, { minLength: n, maxLength: n });

export const ticket: fc.Arbitrary<T.Ticket> = fc.record({ id: hash, entryIndex: u8 });
export const ticketEnvelope: fc.Arbitrary<T.TicketEnvelope> = fc.record({ entryIndex: u8, proof: bytes(784) });
export const preimage: fc.Arbitrary<T.Preimage> = fc.record({ serviceIndex: u32, data: blob });
export const refineContext: fc.Arbitrary<T.RefineContext> = fc.record({
  anchorHash: hash,
  anchorPostState: hash,
  anchorAccOutLog: hash,
  lookupAnchorHash: hash,
  lookupAnchorTime: u32,
  prerequisites: seq(hash),
});
export const availabilitySpec: fc.Arbitrary<T.AvailabilitySpec> = fc.record({
  packageHash: hash,
  bundleLen: u32,
  erasureRoot: hash,
  segRoot: hash,
  segCount: u16,
});
export const workResult: fc.Arbitrary<T.WorkResult> = fc.oneof(
  blob.map((value) => ({ kind: 'ok' as const, value })),
  fc
    .constantFrom('outOfGas', 'panic', 'badExports', 'oversize', 'badCode', 'bigCode')
    .map((kind) => ({ kind, value: null }) as T.WorkResult),
);
export const workDigest: fc.Arbitrary<T.WorkDigest> = fc.record({
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
export const operandTuple: fc.Arbitrary<T.OperandTuple> = fc.record({
  packageHash: hash,
  segRoot: hash,
  authorizer: hash,
  payloadHash: hash,
  gasLimit: nat64,
  authTrace: blob,
  result: workResult,
});
export const workReport: fc.Arbitrary<T.WorkReport> = fc.record({
  avspec: availabilitySpec,
  context: refineContext,
  core: nat32,
  authorizer: hash,
  authGasUsed: nat64,
  authTrace: blob,
  srLookup: seq(fc.record({ packageHash: hash, segRoot: hash })),
  digests: seq(workDigest),
});
export const workItem: fc.Arbitrary<T.WorkItem> = fc.record({
  serviceIndex: u32,
  codeHash: hash,
  refGasLimit: u64,
  accGasLimit: u64,
  exportCount: u16,
  payload: blob,
  importSegments: seq(fc.record({ treeRoot: hash, index: u16 })),
  extrinsics: seq(fc.record({ hash, len: u32 })),
});
export const workPackage: fc.Arbitrary<T.WorkPackage> = fc.record({
  authCodeHost: u32,
  authCodeHash: hash,
  context: refineContext,
  authToken: blob,
  authConfig: blob,
  workItems: seq(workItem),
});
export const guarantee: fc.Arbitrary<T.Guarantee> = fc.record({
  workReport,
  timeslot: u32,
  credential: seq(fc.record({ validatorIndex: u16, signature: bytes(64) })),
});
export const culprit: fc.Arbitrary<T.Culprit> = fc.record({ reportHash: hash, key: bytes(32), signature: bytes(64) });
export const fault: fc.Arbitrary<T.Fault> = fc.record({
  reportHash: hash,
  validity: fc.boolean(),
  key: bytes(32),
  signature: bytes(64),
});
export const validatorKey: fc.Arbitrary<T.ValidatorKey> = fc.record({
  bs: bytes(32),
  ed: bytes(32),
  bls: bytes(144),
  metadata: bytes(128),
});
export const recentBlock: fc.Arbitrary<T.RecentBlock> = fc.record({
  headerHash: hash,
  accOutLogSuperPeak: hash,
  stateRoot: hash,
  reportedPackageHashes: seq(fc.record({ hash, exportsRoot: hash })),
});
export const recentHistory: fc.Arbitrary<T.RecentHistory> = fc.record({
  history: seq(recentBlock),
  accOutBelt: seq(fc.option(hash, { nil: undefined }), 5),
});
export const serviceInfo: fc.Arbitrary<T.ServiceInfo> = fc.record({
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
export const hexOf = (b: Uint8Array) => toHex(b);
export const serviceAccount: fc.Arbitrary<T.RawServiceAccount> = fc
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
export const disputesRecords: fc.Arbitrary<T.DisputesRecords> = fc.record({
  good: seq(hash),
  bad: seq(hash),
  wonky: seq(hash),
  offenders: seq(bytes(32)),
});
export const validatorActivity: fc.Arbitrary<T.ValidatorActivity> = fc.record({
  blocks: u32,
  tickets: u32,
  preimageCount: u32,
  preimageSize: u32,
  guarantees: u32,
  assurances: u32,
});
export const coreActivity: fc.Arbitrary<T.CoreActivity> = fc.record({
  daLoad: u32,
  popularity: u16,
  importCount: u16,
  xtCount: u16,
  xtSize: u32,
  exportCount: u16,
  bundleLen: u32,
  gasUsed: u64,
});
export const serviceActivity: fc.Arbitrary<T.ServiceActivity> = fc.record({
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
export const numberMap = <V>(v: fc.Arbitrary<V>) =>
  fc.array(fc.tuple(u32, v), { maxLength: 4 }).map((es) => new Map(es) as ReadonlyMap<number, V>);

/** The arbitraries whose shapes depend on the chain spec (V, C, E). */
export const specArbitraries = (spec: ChainSpec) => {
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
    guaranteesExtrinsic: seq(guarantee, 2),
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
