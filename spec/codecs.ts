/**
 * The encodings of Appendix C.2 (eq. C.16-C.35) for every structure of `types.ts`, built from the
 * chain spec (V, C, E fix the sizes of several sequences) and memoized per spec:
 *
 *   const { header, block } = codecs(tiny);
 *   decode(header, bytes)   // Either<CodecError, Header>
 *
 * Each record lists `[model name, vectors' JSON name, codec]`: that list is the mapping between the
 * paper's names and jam-types.asn. The state components follow the vectors' layout (jam-types.asn),
 * which the STF vectors' `.bin` files use.
 */
import type {
  BandersnatchKey,
  BandersnatchRingProof,
  BandersnatchSignature,
  BlsKey,
  Ed25519Key,
  Ed25519Signature,
  Hash,
  RingRoot,
} from './bytes.js';
import { fromHex, toHex } from './bytes.js';
import type { ChainSpec } from './chain-spec.js';
import {
  bitSequence,
  blob,
  bool,
  bytes,
  choice,
  CodecFailure,
  dictionary,
  mapCodec,
  natural,
  naturalU32,
  nothing,
  optional,
  perSpec,
  record,
  remembered,
  sequence,
  u16,
  u32,
  u64,
  u8,
  varSequence,
  type Codec,
} from './codec.js';
import type {
  AccumulationInput,
  Assurance,
  AvailabilitySpec,
  Block,
  Credential,
  Culprit,
  DeferredTransfer,
  DisputesExtrinsic,
  DisputesRecords,
  Entropy,
  EpochMark,
  Extrinsic,
  ExtrinsicSpec,
  Fault,
  Guarantee,
  Header,
  ImportSpec,
  Judgment,
  OperandTuple,
  PendingReport,
  Preimage,
  Privileges,
  ReadyRecord,
  RecentBlock,
  RecentHistory,
  RefineContext,
  ReportedPackage,
  SafroleState,
  SealKeys,
  State,
  SegmentRootLookupItem,
  RawServiceAccount,
  ServiceActivity,
  ServiceInfo,
  Statistics,
  Ticket,
  TicketEnvelope,
  UnsignedHeader,
  Verdict,
  ValidatorActivity,
  ValidatorKey,
  CoreActivity,
  WorkDigest,
  WorkItem,
  WorkPackage,
  WorkReport,
  WorkResult,
  AccumulationOutput,
} from './types.js';

// ---------------------------------------------------------------------------------------------
// Octet strings

export const hash = bytes<Hash>(32, 'Hash');
export const bandersnatchKey = bytes<BandersnatchKey>(32, 'BandersnatchKey');
export const ed25519Key = bytes<Ed25519Key>(32, 'Ed25519Key');
export const blsKey = bytes<BlsKey>(144, 'BlsKey');
export const ringRoot = bytes<RingRoot>(144, 'RingRoot');
export const ed25519Signature = bytes<Ed25519Signature>(64, 'Ed25519Signature');
export const bandersnatchSignature = bytes<BandersnatchSignature>(96, 'BandersnatchSignature');
export const ringProof = bytes<BandersnatchRingProof>(784, 'BandersnatchRingProof');

// ---------------------------------------------------------------------------------------------
// Spec-independent structures

/** @gp 6.8-6.12 -- K: 336 octets, [bandersnatch, ed25519, bls, metadata]. */
export const validatorKey: Codec<ValidatorKey> = record<ValidatorKey>('ValidatorKey', [
  ['bs', 'bandersnatch', bandersnatchKey],
  ['ed', 'ed25519', ed25519Key],
  ['bls', 'bls', blsKey],
  ['metadata', 'metadata', bytes(128, 'ValidatorMetadata')],
]);

/** @gp C.30 -- a ticket: (id, entry index as one octet). */
export const ticket: Codec<Ticket> = record<Ticket>('Ticket', [
  ['id', 'id', hash],
  ['entryIndex', 'attempt', u8],
]);

/** @gp 6.29 -- (entry index, ring proof). */
export const ticketEnvelope: Codec<TicketEnvelope> = record<TicketEnvelope>('TicketEnvelope', [
  ['entryIndex', 'attempt', u8],
  ['proof', 'signature', ringProof],
]);

/** @gp C.17 -- E_T: the tickets extrinsic. */
export const ticketsExtrinsic = varSequence(ticketEnvelope);

/** @gp C.18 -- an element of E_P: E_4(service), ↕data. */
export const preimage: Codec<Preimage> = record<Preimage>('Preimage', [
  ['serviceIndex', 'requester', u32],
  ['data', 'blob', blob],
]);
export const preimagesExtrinsic = varSequence(preimage);

/** @gp C.24 -- X: the refinement context. */
export const refineContext: Codec<RefineContext> = record<RefineContext>('RefineContext', [
  ['anchorHash', 'anchor', hash],
  ['anchorPostState', 'state_root', hash],
  ['anchorAccOutLog', 'beefy_root', hash],
  ['lookupAnchorHash', 'lookup_anchor', hash],
  ['lookupAnchorTime', 'lookup_anchor_slot', u32],
  ['prerequisites', 'prerequisites', varSequence(hash)],
]);

/** @gp C.25 -- Y: the availability specification. */
export const availabilitySpec: Codec<AvailabilitySpec> = record<AvailabilitySpec>('AvailabilitySpec', [
  ['packageHash', 'hash', hash],
  ['bundleLen', 'length', u32],
  ['erasureRoot', 'erasure_root', hash],
  ['segRoot', 'exports_root', hash],
  ['segCount', 'exports_count', u16],
]);

/**
 * @gp C.34 -- O: the work result. JSON keys follow jam-types.asn where it agrees with 0.7.2
 * (ok, out_of_gas, panic, bad_exports); the ASN.1 has no digest-oversize error and numbers
 * bad_code 4 and code_oversize 5, where 0.7.2 has oversize 4, BAD 5 and BIG 6: the paper's
 * numbers are used (no vector exercises codes 3 to 6).
 */
export const workResult: Codec<WorkResult> = choice<WorkResult>('WorkResult', {
  ok: { tag: 0, json: 'ok', codec: blob },
  outOfGas: { tag: 1, json: 'out_of_gas', codec: nothing },
  panic: { tag: 2, json: 'panic', codec: nothing },
  badExports: { tag: 3, json: 'bad_exports', codec: nothing },
  oversize: { tag: 4, json: 'oversize', codec: nothing },
  badCode: { tag: 5, json: 'bad_code', codec: nothing },
  bigCode: { tag: 6, json: 'code_oversize', codec: nothing },
});

interface RefineLoad {
  readonly gasUsed: bigint;
  readonly importCount: number;
  readonly xtCount: number;
  readonly xtSize: number;
  readonly exportCount: number;
}
/** The five refine-load fields, each a general natural (C.26); JSON nests them as `refine_load`. */
const refineLoad = record<RefineLoad>('RefineLoad', [
  ['gasUsed', 'gas_used', natural],
  ['importCount', 'imports', naturalU32],
  ['xtCount', 'extrinsic_count', naturalU32],
  ['xtSize', 'extrinsic_size', naturalU32],
  ['exportCount', 'exports', naturalU32],
]);

/** @gp C.26 -- D: a work digest. */
export const workDigest: Codec<WorkDigest> = mapCodec(
  record<Omit<WorkDigest, keyof RefineLoad> & { readonly load: RefineLoad }>('WorkDigest', [
    ['serviceIndex', 'service_id', u32],
    ['codeHash', 'code_hash', hash],
    ['payloadHash', 'payload_hash', hash],
    ['gasLimit', 'accumulate_gas', u64],
    ['result', 'result', workResult],
    ['load', 'refine_load', refineLoad],
  ]),
  'WorkDigest',
  // Field by field: with object spreads this function was a fifth of a block's decoding.
  (d) => ({
    serviceIndex: d.serviceIndex,
    codeHash: d.codeHash,
    payloadHash: d.payloadHash,
    gasLimit: d.gasLimit,
    result: d.result,
    gasUsed: d.load.gasUsed,
    importCount: d.load.importCount,
    xtCount: d.load.xtCount,
    xtSize: d.load.xtSize,
    exportCount: d.load.exportCount,
  }),
  (d) => ({
    serviceIndex: d.serviceIndex,
    codeHash: d.codeHash,
    payloadHash: d.payloadHash,
    gasLimit: d.gasLimit,
    result: d.result,
    load: {
      gasUsed: d.gasUsed,
      importCount: d.importCount,
      xtCount: d.xtCount,
      xtSize: d.xtSize,
      exportCount: d.exportCount,
    },
  }),
);

const segmentRootLookupItem = record<SegmentRootLookupItem>('SegmentRootLookupItem', [
  ['packageHash', 'work_package_hash', hash],
  ['segRoot', 'segment_tree_root', hash],
]);

/** @gp C.27 -- R: a work report; core and auth gas are general naturals. */
export const workReport: Codec<WorkReport> = remembered(
  record<WorkReport>('WorkReport', [
    ['avspec', 'package_spec', availabilitySpec],
    ['context', 'context', refineContext],
    ['core', 'core_index', naturalU32],
    ['authorizer', 'authorizer_hash', hash],
    ['authGasUsed', 'auth_gas_used', natural],
    ['authTrace', 'auth_output', blob],
    ['srLookup', 'segment_root_lookup', varSequence(segmentRootLookupItem)],
    ['digests', 'results', varSequence(workDigest)],
  ]),
);

/** @gp C.32 -- E_U: an operand tuple; the gas limit is a general natural, the result O(...). */
export const operandTuple: Codec<OperandTuple> = record<OperandTuple>('OperandTuple', [
  ['packageHash', 'package_hash', hash],
  ['segRoot', 'exports_root', hash],
  ['authorizer', 'authorizer_hash', hash],
  ['payloadHash', 'payload_hash', hash],
  ['gasLimit', 'gas_limit', natural],
  ['result', 'result', workResult],
  ['authTrace', 'auth_output', blob],
]);

/** @gp C.35 -- I: an import reference, (h, E_2(i)) with the top bit of i marking h as a package hash. */
export const importSpec: Codec<ImportSpec> = record<ImportSpec>('ImportSpec', [
  ['treeRoot', 'tree_root', hash],
  ['index', 'index', u16],
]);

const extrinsicSpec = record<ExtrinsicSpec>('ExtrinsicSpec', [
  ['hash', 'hash', hash],
  ['len', 'len', u32],
]);

/** @gp C.29 -- W: a work item. */
export const workItem: Codec<WorkItem> = record<WorkItem>('WorkItem', [
  ['serviceIndex', 'service', u32],
  ['codeHash', 'code_hash', hash],
  ['refGasLimit', 'refine_gas_limit', u64],
  ['accGasLimit', 'accumulate_gas_limit', u64],
  ['exportCount', 'export_count', u16],
  ['payload', 'payload', blob],
  ['importSegments', 'import_segments', varSequence(importSpec)],
  ['extrinsics', 'extrinsic', varSequence(extrinsicSpec)],
]);

/** @gp C.28 -- P: a work package. */
export const workPackage: Codec<WorkPackage> = record<WorkPackage>('WorkPackage', [
  ['authCodeHost', 'auth_code_host', u32],
  ['authCodeHash', 'auth_code_hash', hash],
  ['context', 'context', refineContext],
  ['authToken', 'authorization', blob],
  ['authConfig', 'authorizer_config', blob],
  ['workItems', 'items', varSequence(workItem)],
]);

const credential = record<Credential>('Credential', [
  ['validatorIndex', 'validator_index', u16],
  ['signature', 'signature', ed25519Signature],
]);

/** @gp C.19 -- an element of E_G: (R, E_4(t), ↕[(E_2(v), s)]). */
export const guarantee: Codec<Guarantee> = record<Guarantee>('Guarantee', [
  ['workReport', 'report', workReport],
  ['timeslot', 'slot', u32],
  ['credential', 'signatures', varSequence(credential)],
]);

const culprit = record<Culprit>('Culprit', [
  ['reportHash', 'target', hash],
  ['key', 'key', ed25519Key],
  ['signature', 'signature', ed25519Signature],
]);

const fault = record<Fault>('Fault', [
  ['reportHash', 'target', hash],
  ['validity', 'vote', bool],
  ['key', 'key', ed25519Key],
  ['signature', 'signature', ed25519Signature],
]);

const judgment = record<Judgment>('Judgment', [
  ['validity', 'vote', bool],
  ['judgeIndex', 'index', u16],
  ['signature', 'signature', ed25519Signature],
]);

/** The fields of E_U(H) (C.23), shared by the signed and unsigned headers. */
const headerFields = (epochMark: Codec<EpochMark>, winnersMark: Codec<ReadonlyArray<Ticket>>) =>
  [
    ['parent', 'parent', hash],
    ['priorStateRoot', 'parent_state_root', hash],
    ['extrinsicHash', 'extrinsic_hash', hash],
    ['timeslot', 'slot', u32],
    ['epochMark', 'epoch_mark', optional(epochMark)],
    ['winnersMark', 'tickets_mark', optional(winnersMark)],
    ['authorIndex', 'author_index', u16],
    ['vrfSig', 'entropy_source', bandersnatchSignature],
    ['offendersMark', 'offenders_mark', varSequence(ed25519Key)],
  ] as const;

// ---------------------------------------------------------------------------------------------
// State components (vectors' layout)

/** One entry of the accumulation-output sequence theta. */
export const accumulationOutput: Codec<AccumulationOutput> = record<AccumulationOutput>('AccumulationOutput', [
  ['serviceIndex', 'service', u32],
  ['hash', 'hash', hash],
]);

/** One reported work-package of a recent block, package hash -> exports root (the vectors' ReportedWorkPackage). */
export const reportedPackage = record<ReportedPackage>('ReportedPackage', [
  ['hash', 'hash', hash],
  ['exportsRoot', 'exports_root', hash],
]);

/** @gp 7.2 -- an element of beta_H. */
export const recentBlock: Codec<RecentBlock> = record<RecentBlock>('RecentBlock', [
  ['headerHash', 'header_hash', hash],
  ['accOutLogSuperPeak', 'beefy_root', hash],
  ['stateRoot', 'state_root', hash],
  ['reportedPackageHashes', 'reported', varSequence(reportedPackage)],
]);

/** @gp 7.3 -- an MMR: ↕ of optional peaks; JSON `{ peaks: [...] }`. */
export const mmr = mapCodec(
  record<{ readonly peaks: ReadonlyArray<Hash | undefined> }>('Mmr', [['peaks', 'peaks', varSequence(optional(hash))]]),
  'Mmr',
  (m) => m.peaks,
  (peaks) => ({ peaks }),
);

/** @gp 7.1 -- beta: (beta_H, beta_B); JSON `{ history, mmr }`. */
export const recentHistory: Codec<RecentHistory> = record<RecentHistory>('RecentHistory', [
  ['history', 'history', varSequence(recentBlock)],
  ['accOutBelt', 'mmr', mmr],
]);

/** The fields of ServiceInfo, and only those, of an account or a decoded row. */
const serviceInfoFields = (a: ServiceInfo): ServiceInfo => ({
  codeHash: a.codeHash,
  balance: a.balance,
  minAccGas: a.minAccGas,
  minMemoGas: a.minMemoGas,
  octets: a.octets,
  gratis: a.gratis,
  items: a.items,
  created: a.created,
  lastAcc: a.lastAcc,
  parent: a.parent,
});

/**
 * @gp 9.3 -- the account's non-dictionary fields in the vectors' ServiceInfo layout, which
 * opens with a version octet that must be 0 (as the paper's state serialization, D.2).
 */
export const serviceInfo: Codec<ServiceInfo> = mapCodec(
  record<ServiceInfo & { readonly version: number }>('ServiceInfo', [
    ['version', 'version', u8],
    ['codeHash', 'code_hash', hash],
    ['balance', 'balance', u64],
    ['minAccGas', 'min_item_gas', u64],
    ['minMemoGas', 'min_memo_gas', u64],
    ['octets', 'bytes', u64],
    ['gratis', 'deposit_offset', u64],
    ['items', 'items', u32],
    ['created', 'creation_slot', u32],
    ['lastAcc', 'last_accumulation_slot', u32],
    ['parent', 'parent_service', u32],
  ]),
  'ServiceInfo',
  (v) => {
    if (v.version !== 0) throw new CodecFailure(-1, `ServiceInfo version must be 0, got ${v.version}`);
    return serviceInfoFields(v);
  },
  // Encoded for every account a block changes (its row C(255, s)): field by field, not by
  // spreading the account (its dictionaries too) into a new object.
  (info) => ({ version: 0, ...serviceInfoFields(info) }),
);

/** @gp D.2 -- the value of a request a_l[(h, l)] in the state: ↕[E_4(x)], at most three timeslots (eq. 9.3). */
export const requestTimeslots = varSequence(u32, 3);

/** @gp 10.1 -- psi: good, bad, wonky, offenders. */
export const disputesRecords: Codec<DisputesRecords> = record<DisputesRecords>('DisputesRecords', [
  ['good', 'good', varSequence(hash)],
  ['bad', 'bad', varSequence(hash)],
  ['wonky', 'wonky', varSequence(hash)],
  ['offenders', 'offenders', varSequence(ed25519Key)],
]);

/** A validator's activity record: six E_4 counters. */
export const validatorActivity: Codec<ValidatorActivity> = record<ValidatorActivity>('ValidatorActivity', [
  ['blocks', 'blocks', u32],
  ['tickets', 'tickets', u32],
  ['preimageCount', 'pre_images', u32],
  ['preimageSize', 'pre_images_size', u32],
  ['guarantees', 'guarantees', u32],
  ['assurances', 'assurances', u32],
]);

/**
 * A core's activity record. Every field is a general natural (E): the state serialization
 * (D.2, C(13)) encodes pi_C and pi_S with E, and the STF vectors' binaries agree, although
 * jam-types.asn declares fixed-width U16/U32/U64 fields.
 */
export const coreActivity: Codec<CoreActivity> = record<CoreActivity>('CoreActivity', [
  ['daLoad', 'da_load', naturalU32],
  ['popularity', 'popularity', naturalU32],
  ['importCount', 'imports', naturalU32],
  ['xtCount', 'extrinsic_count', naturalU32],
  ['xtSize', 'extrinsic_size', naturalU32],
  ['exportCount', 'exports', naturalU32],
  ['bundleLen', 'bundle_size', naturalU32],
  ['gasUsed', 'gas_used', natural],
]);

/** A service's activity record: every field a general natural, as for cores. */
export const serviceActivity: Codec<ServiceActivity> = record<ServiceActivity>('ServiceActivity', [
  ['provisionCount', 'provided_count', naturalU32],
  ['provisionSize', 'provided_size', naturalU32],
  ['refinementCount', 'refinement_count', naturalU32],
  ['refinementGas', 'refinement_gas_used', natural],
  ['importCount', 'imports', naturalU32],
  ['xtCount', 'extrinsic_count', naturalU32],
  ['xtSize', 'extrinsic_size', naturalU32],
  ['exportCount', 'exports', naturalU32],
  ['accumulationCount', 'accumulate_count', naturalU32],
  ['accumulationGas', 'accumulate_gas_used', natural],
]);

/** pi_S: service id (E_4, as in the vectors) -> activity, as a dictionary (C.10). */
export const servicesStatistics = dictionary('ServicesStatistics', u32, serviceActivity, 'id', 'record');

/** chi_Z: the always-accumulate services, service id -> gas. */
export const alwaysAccers = dictionary('AlwaysAccumulate', u32, u64, 'id', 'gas');

/** An octet-string dictionary key, held as lower-case 0x-hex (a JS Map compares strings by value). */
export const hexKey = (inner: Codec<Uint8Array>, name: string): Codec<string> =>
  mapCodec(inner, name, toHex, octetsOf);

/** The octets of a hex map key; a malformed key is a bug in whoever built the map. */
const octetsOf = (h: string): Uint8Array => {
  const b = fromHex(h);
  if (b === undefined) throw new RangeError(`not a hex key: ${h}`);
  return b;
};

/** The map key of a preimage request (hash, length): `${0x-hash}:${length}`. */
export const requestMapKey = (hash: Hash, length: number): string => `${toHex(hash)}:${length}`;

/** The key of a preimage request (hash, length), held as `requestMapKey(hash, length)`. */
export const requestKey: Codec<string> = mapCodec(
  record<{ readonly hash: Hash; readonly length: number }>('PreimageRequestKey', [
    ['hash', 'hash', hash],
    ['length', 'length', u32],
  ]),
  'PreimageRequestKey',
  (k) => requestMapKey(k.hash, k.length),
  (s) => {
    const [h = '', l = '0'] = s.split(':');
    return { hash: octetsOf(h) as Hash, length: Number(l) };
  },
);
/** Requests ordered by hash, then by length. */
export const compareRequestKeys = (a: string, b: string): number => {
  const [ha = '', la = '0'] = a.split(':');
  const [hb = '', lb = '0'] = b.split(':');
  return ha < hb ? -1 : ha > hb ? 1 : Number(la) - Number(lb);
};

/**
 * @gp 9.3 -- A: a service account in the STF vectors' layout (accumulate.asn ServiceAccount):
 * its info, then storage (blob key -> blob), preimages (hash -> blob) and requests
 * ((hash, length) -> up to three timeslots), each a dictionary in key order.
 */
export const serviceAccount: Codec<RawServiceAccount> = mapCodec(
  record<{
    readonly info: ServiceInfo;
    readonly storage: RawServiceAccount['storage'];
    readonly preimages: RawServiceAccount['preimages'];
    readonly requests: RawServiceAccount['requests'];
  }>('ServiceAccount', [
    ['info', 'service', serviceInfo],
    ['storage', 'storage', dictionary('Storage', hexKey(blob, 'StorageKey'), blob, 'key', 'value')],
    ['preimages', 'preimage_blobs', dictionary('Preimages', hexKey(hash, 'PreimageHash'), blob, 'hash', 'blob')],
    [
      'requests',
      'preimage_requests',
      dictionary('Requests', requestKey, varSequence(u32, 3), 'key', 'value', compareRequestKeys),
    ],
  ]),
  'ServiceAccount',
  ({ info, storage, preimages, requests }) => ({ ...info, storage, preimages, requests }),
  ({ storage, preimages, requests, ...info }) => ({ info, storage, preimages, requests }),
);

/** delta: service id -> account (JSON `[{ id, data }]`). */
export const accounts = dictionary('Accounts', u32, serviceAccount, 'id', 'data');

// ---------------------------------------------------------------------------------------------
// Structures whose sizes depend on the chain spec

/** Every codec, built for one chain spec (memoized). */
export const codecs = perSpec((spec: ChainSpec) => {
  const V = spec.Cvalcount;
  const C = spec.Ccorecount;
  const Ep = spec.Cepochlen;
  /** floor(2V/3) + 1: the judgments of one verdict. */
  const superMajority = Math.floor((2 * V) / 3) + 1;

  /** @gp 6.27 -- H_E */
  const epochMark = record<EpochMark>('EpochMark', [
    ['entropy', 'entropy', hash],
    ['ticketsEntropy', 'tickets_entropy', hash],
    [
      'validators',
      'validators',
      sequence(
        record<EpochMark['validators'][number]>('EpochMarkValidatorKeys', [
          ['bs', 'bandersnatch', bandersnatchKey],
          ['ed', 'ed25519', ed25519Key],
        ]),
        V,
      ),
    ],
  ]);
  /** @gp 6.28 -- H_W: E tickets. */
  const winnersMark = sequence(ticket, Ep);

  /** @gp C.23 -- E_U(H): the header without its seal. */
  const unsignedHeader = record<UnsignedHeader>('UnsignedHeader', [...headerFields(epochMark, winnersMark)]);
  /** @gp C.22 -- E(H) = E(E_U(H), H_S). */
  const header = record<Header>('Header', [
    ...headerFields(epochMark, winnersMark),
    ['sealSig', 'seal', bandersnatchSignature],
  ]);

  /** @gp C.20 -- an element of E_A: (anchor, bits, E_2(assurer), signature). */
  const assurance = record<Assurance>('Assurance', [
    ['anchor', 'anchor', hash],
    ['availabilities', 'bitfield', bitSequence(C)],
    ['assurer', 'validator_index', u16],
    ['signature', 'signature', ed25519Signature],
  ]);
  /**
   * @gp 11.10 eq:xtassurances -- E_A in ⟦…⟧_{:V}: at most one assurance per validator. The bound is
   * the type's, so a longer sequence is not a Block at all (a codec error), unlike E_T, whose
   * limit (eq:enforceticketlimit) is a validity rule on a well-typed block.
   */
  const assurancesExtrinsic = varSequence(assurance, V);
  /** @gp 11.23 eq:guaranteesextrinsic -- E_G in ⟦…⟧_{:C}: at most one guarantee per core, as a type bound. */
  const guaranteesExtrinsic = varSequence(guarantee, C);

  /** @gp C.21 -- E_D: verdicts (each with exactly floor(2V/3)+1 judgments, no prefix), culprits, faults. */
  const verdict = record<Verdict>('Verdict', [
    ['reportHash', 'target', hash],
    ['epochIndex', 'age', u32],
    ['judgments', 'votes', sequence(judgment, superMajority)],
  ]);
  const disputesExtrinsic = record<DisputesExtrinsic>('DisputesExtrinsic', [
    ['verdicts', 'verdicts', varSequence(verdict)],
    ['culprits', 'culprits', varSequence(culprit)],
    ['faults', 'faults', varSequence(fault)],
  ]);

  /** @gp C.16 -- E(B) = E(H, E_T, E_P, E_G, E_A, E_D). */
  const extrinsic = record<Extrinsic>('Extrinsic', [
    ['tickets', 'tickets', ticketsExtrinsic],
    ['preimages', 'preimages', preimagesExtrinsic],
    ['guarantees', 'guarantees', guaranteesExtrinsic],
    ['assurances', 'assurances', assurancesExtrinsic],
    ['disputes', 'disputes', disputesExtrinsic],
  ]);
  const block = record<Block>('Block', [
    ['header', 'header', header],
    ['extrinsic', 'extrinsic', extrinsic],
  ]);

  // State components.
  const validatorKeys = sequence(validatorKey, V);
  /** @gp 6.5 -- gamma_S: tickets (0) or fallback keys (1), each E long. */
  const sealKeys = choice<SealKeys>('SealKeys', {
    tickets: { tag: 0, json: 'tickets', codec: sequence(ticket, Ep) },
    keys: { tag: 1, json: 'keys', codec: sequence(bandersnatchKey, Ep) },
  });
  const ticketAccumulator = varSequence(ticket);
  /** @gp 6.21 -- eta: four hashes. */
  const entropy = sequence(hash, 4) as unknown as Codec<Entropy>;
  /** @gp 11.1 -- rho: per core, an optional (report, timeslot). */
  const pendingReport = record<PendingReport>('AvailabilityAssignment', [
    ['workReport', 'report', workReport],
    ['timestamp', 'timeout', u32],
  ]);
  const rho = sequence(optional(pendingReport), C);
  /** @gp 8.1 -- alpha: per core, up to O authorizer hashes; phi: per core, Q hashes. */
  const alpha = sequence(varSequence(hash), C);
  const phi = sequence(sequence(hash, spec.Cauthqueuesize), C);
  /** @gp 9.9 -- chi (vectors' Privileges). */
  const privileges = record<Privileges>('Privileges', [
    ['manager', 'bless', u32],
    ['assigners', 'assign', sequence(u32, C)],
    ['delegator', 'designate', u32],
    ['registrar', 'register', u32],
    ['alwaysAccers', 'always_acc', alwaysAccers],
  ]);
  /** @gp 13.1 -- pi. */
  const statistics = record<Statistics>('Statistics', [
    ['valsCurrent', 'vals_curr', sequence(validatorActivity, V)],
    ['valsLast', 'vals_last', sequence(validatorActivity, V)],
    ['cores', 'cores', sequence(coreActivity, C)],
    ['services', 'services', servicesStatistics],
  ]);
  /** @gp 6.3 -- gamma = (gamma_P, gamma_Z, gamma_S, gamma_A), serialized as in D.2, C(4). */
  const gamma = record<SafroleState>('SafroleState', [
    ['pendingSet', 'gamma_k', validatorKeys],
    ['epochRoot', 'gamma_z', ringRoot],
    ['sealTickets', 'gamma_s', sealKeys],
    ['ticketAccumulator', 'gamma_a', ticketAccumulator],
  ]);
  /** @gp C.31 -- E_X: a deferred transfer, (E_4(source), E_4(dest), E_8(amount), memo, E_8(gas)). */
  const deferredTransfer = record<DeferredTransfer>('DeferredTransfer', [
    ['source', 'source', u32],
    ['dest', 'destination', u32],
    ['amount', 'amount', u64],
    ['memo', 'memo', bytes(spec.Cmemosize, 'Memo')],
    ['gas', 'gas', u64],
  ]);
  /**
   * @gp C.33 -- an accumulation input: 0 then E_U(o), or 1 then E_X(o). Its encoding remembered:
   * fetch (14, 15) encodes an invocation's inputs at each call.
   */
  const accumulationInput = remembered(
    choice<AccumulationInput>('AccumulationInput', {
      operand: { tag: 0, json: 'operand', codec: operandTuple },
      transfer: { tag: 1, json: 'transfer', codec: deferredTransfer },
    }),
  );
  /** @gp 12.3 -- omega: E slots of ready records. */
  const readyRecord = record<ReadyRecord>('ReadyRecord', [
    ['workReport', 'report', workReport],
    ['dependencies', 'dependencies', varSequence(hash)],
  ]);
  const omega = sequence(varSequence(readyRecord), Ep);
  /** @gp 12.1 -- xi: E slots of accumulated package hashes. */
  const xi = sequence(varSequence(hash), Ep);

  /**
   * The value codec of each state component, in the order of eq. 4.4, as D.2 serializes it
   * (the state keys C(i) are Merklization's). tau is E_4; theta is ↕[(E_4(s), h)].
   */
  const stateComponents = {
    alpha,
    beta: recentHistory,
    theta: varSequence(accumulationOutput),
    gamma,
    eta: entropy,
    iota: validatorKeys,
    kappa: validatorKeys,
    lambda: validatorKeys,
    rho,
    tau: u32,
    phi,
    chi: privileges,
    psi: disputesRecords,
    pi: statistics,
    omega,
    xi,
  } satisfies { readonly [N in Exclude<keyof State, 'delta'>]: Codec<State[N]> };

  return {
    stateComponents,
    deferredTransfer,
    accumulationInput,
    gamma,
    epochMark,
    winnersMark,
    unsignedHeader,
    header,
    assurance,
    assurancesExtrinsic,
    guaranteesExtrinsic,
    verdict,
    disputesExtrinsic,
    extrinsic,
    block,
    validatorKeys,
    sealKeys,
    ticketAccumulator,
    entropy,
    pendingReport,
    rho,
    alpha,
    phi,
    privileges,
    statistics,
    readyRecord,
    omega,
    xi,
  };
});

export type Codecs = ReturnType<typeof codecs>;
