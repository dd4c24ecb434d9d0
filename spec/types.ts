/**
 * The paper's data types (sections 4-14), named after its macros. Field names are the
 * camel-cased macro names (`\wr¬avspec` -> `avspec`, `\H¬priorstateroot` -> `priorStateRoot`);
 * where the vectors' JSON (jam-types.asn) names a field differently, the codec in `codecs.ts`
 * records the mapping next to the field, e.g. `['priorStateRoot', 'parent_state_root', hash]`.
 *
 * The renamings a reader of the vectors meets most (paper <- vectors):
 *   Header: priorStateRoot <- parent_state_root, timeslot <- slot, winnersMark <- tickets_mark,
 *     vrfSig <- entropy_source, sealSig <- seal;
 *   WorkReport: avspec <- package_spec, core <- core_index, authorizer <- authorizer_hash,
 *     authTrace <- auth_output, srLookup <- segment_root_lookup, digests <- results;
 *   WorkDigest (the vectors' WorkResult): serviceIndex <- service_id, gasLimit <- accumulate_gas,
 *     gasUsed/importCount/xtCount/xtSize/exportCount <- refine_load.{gas_used, imports,
 *     extrinsic_count, extrinsic_size, exports};
 *   RefineContext: anchorHash <- anchor, anchorPostState <- state_root, anchorAccOutLog <- beefy_root,
 *     lookupAnchorHash <- lookup_anchor, lookupAnchorTime <- lookup_anchor_slot;
 *   AvailabilitySpec: packageHash <- hash, bundleLen <- length, segRoot <- exports_root,
 *     segCount <- exports_count;
 *   Ticket/TicketEnvelope: entryIndex <- attempt, proof <- signature;
 *   Guarantee: workReport <- report, timeslot <- slot, credential <- signatures;
 *   Assurance: availabilities <- bitfield (a bit sequence of C bits), assurer <- validator_index;
 *   Verdict: reportHash <- target, epochIndex <- age, judgments <- votes (validity <- vote,
 *     judgeIndex <- index); Preimage: serviceIndex <- requester, data <- blob;
 *   ValidatorKey: bs/ed <- bandersnatch/ed25519; Privileges: manager <- bless, assigners <- assign,
 *     delegator <- designate, registrar <- register, alwaysAccers <- always_acc;
 *   SafroleState: pendingSet <- gamma_k (the paper's gamma_P), epochRoot <- gamma_z,
 *     sealTickets <- gamma_s, ticketAccumulator <- gamma_a; RecentHistory: accOutBelt <- mmr.
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

/** @gp 9.1 eq:serviceaccounts -- N_S: a service index (32 bits). */
export type ServiceId = number;
/** N_T: a timeslot index (32 bits). */
export type TimeSlot = number;
/** N_V: a validator index. */
export type ValidatorIndex = number;
/** N_C: a core index. */
export type CoreIndex = number;
/** N_G: gas (64 bits, may be used signed in accumulation; stored as a bigint). */
export type Gas = bigint;
/** N_B: a balance (64 bits). */
export type Balance = bigint;

// ---------------------------------------------------------------------------------------------
// Validators and Safrole (section 6)

/** @gp 6.8-6.12 -- K: a validator's key set, 336 octets: Bandersnatch, Ed25519, BLS, metadata. */
export interface ValidatorKey {
  readonly bs: BandersnatchKey;
  readonly ed: Ed25519Key;
  readonly bls: BlsKey;
  readonly metadata: Uint8Array;
}

/** @gp 6.6 -- T: a ticket body, its identifier and its entry index (the vectors' `attempt`). */
export interface Ticket {
  readonly id: Hash;
  readonly entryIndex: number;
}

/** @gp 6.29 -- an element of E_T: an entry index and its ring VRF proof. */
export interface TicketEnvelope {
  readonly entryIndex: number;
  readonly proof: BandersnatchRingProof;
}

/** @gp 6.5 -- gamma_S: the seal-key sequence, either winning tickets or fallback keys. */
export type SealKeys =
  | { readonly kind: 'tickets'; readonly value: ReadonlyArray<Ticket> }
  | { readonly kind: 'keys'; readonly value: ReadonlyArray<BandersnatchKey> };

/** @gp 6.3 -- gamma: the Safrole state (pending keys, ring root, seal keys, ticket accumulator). */
export interface SafroleState {
  /** @gp 6.7 eq:validatorkeys -- gamma_P in K^V: the validator keys of the next epoch. */
  readonly pendingSet: ReadonlyArray<ValidatorKey>;
  /** gamma_Z: the Bandersnatch ring root of the pending set. */
  readonly epochRoot: RingRoot;
  /** gamma_S */
  readonly sealTickets: SealKeys;
  /** gamma_A: the ticket accumulator. */
  readonly ticketAccumulator: ReadonlyArray<Ticket>;
}

/** @gp 6.21 -- eta: the entropy accumulator and the three most recent epochs' entropy. */
export type Entropy = readonly [Hash, Hash, Hash, Hash];

// ---------------------------------------------------------------------------------------------
// Header (section 5)

/** @gp 6.27 -- H_E: the epoch marker, (eta_0, eta_1, [(k_b, k_e)]). */
export interface EpochMark {
  readonly entropy: Hash;
  readonly ticketsEntropy: Hash;
  readonly validators: ReadonlyArray<{ readonly bs: BandersnatchKey; readonly ed: Ed25519Key }>;
}

/** @gp 5.1 -- H: the header. `sealSig` absent is the unsigned header of C.23. */
export interface Header {
  readonly parent: Hash;
  readonly priorStateRoot: Hash;
  readonly extrinsicHash: Hash;
  readonly timeslot: TimeSlot;
  /** @gp 5.10 -- H_E: the epoch marker, if any (entropies and the next epoch's keys). */
  readonly epochMark: EpochMark | undefined;
  /** @gp 5.10 -- H_W: the winning-tickets marker, if any (the vectors' `tickets_mark`). */
  readonly winnersMark: ReadonlyArray<Ticket> | undefined;
  readonly authorIndex: ValidatorIndex;
  readonly vrfSig: BandersnatchSignature;
  /** @gp 5.10 -- H_O: the offenders marker, Ed25519 keys. */
  readonly offendersMark: ReadonlyArray<Ed25519Key>;
  readonly sealSig: BandersnatchSignature;
}
export type UnsignedHeader = Omit<Header, 'sealSig'>;

// ---------------------------------------------------------------------------------------------
// Work packages and reports (sections 11, 14)

/** @gp 11.4 -- X: the refinement context. */
export interface RefineContext {
  readonly anchorHash: Hash;
  readonly anchorPostState: Hash;
  readonly anchorAccOutLog: Hash;
  readonly lookupAnchorHash: Hash;
  readonly lookupAnchorTime: TimeSlot;
  readonly prerequisites: ReadonlyArray<Hash>;
}

/** @gp 11.5 -- Y: the availability specification. */
export interface AvailabilitySpec {
  readonly packageHash: Hash;
  readonly bundleLen: number;
  readonly erasureRoot: Hash;
  readonly segRoot: Hash;
  readonly segCount: number;
}

/**
 * @gp 11.7 -- a work result: an output blob or one of the errors of E (C.34 gives the codes:
 * 1 out of gas, 2 panic, 3 bad exports, 4 oversize digest, 5 BAD code, 6 BIG code).
 */
export type WorkResult =
  | { readonly kind: 'ok'; readonly value: Uint8Array }
  | { readonly kind: 'outOfGas'; readonly value: null }
  | { readonly kind: 'panic'; readonly value: null }
  | { readonly kind: 'badExports'; readonly value: null }
  | { readonly kind: 'oversize'; readonly value: null }
  | { readonly kind: 'badCode'; readonly value: null }
  | { readonly kind: 'bigCode'; readonly value: null };

/** @gp 11.6 -- D: a work digest (the vectors' WorkResult plus its nested `refine_load`). */
export interface WorkDigest {
  readonly serviceIndex: ServiceId;
  readonly codeHash: Hash;
  readonly payloadHash: Hash;
  readonly gasLimit: Gas;
  readonly result: WorkResult;
  readonly gasUsed: Gas;
  readonly importCount: number;
  readonly xtCount: number;
  readonly xtSize: number;
  readonly exportCount: number;
}

/** One entry of the segment-root lookup dictionary wr_L (package hash -> segment root). */
export interface SegmentRootLookupItem {
  readonly packageHash: Hash;
  readonly segRoot: Hash;
}

/** @gp 11.2 -- R: a work report. */
export interface WorkReport {
  readonly avspec: AvailabilitySpec;
  readonly context: RefineContext;
  readonly core: CoreIndex;
  readonly authorizer: Hash;
  readonly authGasUsed: Gas;
  readonly authTrace: Uint8Array;
  /** wr_L, a dictionary held as its entries in key order. */
  readonly srLookup: ReadonlyArray<SegmentRootLookupItem>;
  readonly digests: ReadonlyArray<WorkDigest>;
}

/**
 * An imported segment reference (h, i): `treeRoot` is the segment root or, when the top bit of
 * the encoded index is set (C.35), a work-package hash (h boxplus); `index` is the raw 16-bit field.
 */
export interface ImportSpec {
  readonly treeRoot: Hash;
  readonly index: number;
}

/** An extrinsic reference (hash, length). */
export interface ExtrinsicSpec {
  readonly hash: Hash;
  readonly len: number;
}

/** @gp 14.3 -- W: a work item. */
export interface WorkItem {
  readonly serviceIndex: ServiceId;
  readonly codeHash: Hash;
  readonly refGasLimit: Gas;
  readonly accGasLimit: Gas;
  readonly exportCount: number;
  readonly payload: Uint8Array;
  readonly importSegments: ReadonlyArray<ImportSpec>;
  readonly extrinsics: ReadonlyArray<ExtrinsicSpec>;
}

/** @gp 14.2 -- P: a work package. */
export interface WorkPackage {
  readonly authCodeHost: ServiceId;
  readonly authCodeHash: Hash;
  readonly context: RefineContext;
  readonly authToken: Uint8Array;
  readonly authConfig: Uint8Array;
  readonly workItems: ReadonlyArray<WorkItem>;
}

// ---------------------------------------------------------------------------------------------
// Extrinsics (sections 6, 10, 11, 12)

/** @gp 12.35 -- an element of E_P: (requesting service, preimage data). */
export interface Preimage {
  readonly serviceIndex: ServiceId;
  readonly data: Uint8Array;
}

/** A guarantor's credential (v, s). */
export interface Credential {
  readonly validatorIndex: ValidatorIndex;
  readonly signature: Ed25519Signature;
}

/** @gp 11.23 -- an element of E_G: a report, the slot and the guarantors' credentials. */
export interface Guarantee {
  readonly workReport: WorkReport;
  readonly timeslot: TimeSlot;
  readonly credential: ReadonlyArray<Credential>;
}

/** @gp 11.10 -- an element of E_A: anchor, availability bits (one per core), assurer, signature. */
export interface Assurance {
  readonly anchor: Hash;
  readonly availabilities: ReadonlyArray<boolean>;
  readonly assurer: ValidatorIndex;
  readonly signature: Ed25519Signature;
}

/** A judgment within a verdict: validity, judge index, signature. */
export interface Judgment {
  readonly validity: boolean;
  readonly judgeIndex: ValidatorIndex;
  readonly signature: Ed25519Signature;
}

/** @gp 10.2 -- a verdict: report hash, epoch index, judgments of a super-majority. */
export interface Verdict {
  readonly reportHash: Hash;
  readonly epochIndex: number;
  readonly judgments: ReadonlyArray<Judgment>;
}

/** A culprit: a guarantor of a report judged bad. */
export interface Culprit {
  readonly reportHash: Hash;
  readonly key: Ed25519Key;
  readonly signature: Ed25519Signature;
}

/** A fault: a judge who voted against the verdict. */
export interface Fault {
  readonly reportHash: Hash;
  readonly validity: boolean;
  readonly key: Ed25519Key;
  readonly signature: Ed25519Signature;
}

/** @gp 10.2 -- E_D = (v, c, f). */
export interface DisputesExtrinsic {
  readonly verdicts: ReadonlyArray<Verdict>;
  readonly culprits: ReadonlyArray<Culprit>;
  readonly faults: ReadonlyArray<Fault>;
}

/** @gp 4.3 -- E: the extrinsic (in the order of its encoding, C.16). */
export interface Extrinsic {
  readonly tickets: ReadonlyArray<TicketEnvelope>;
  readonly preimages: ReadonlyArray<Preimage>;
  readonly guarantees: ReadonlyArray<Guarantee>;
  readonly assurances: ReadonlyArray<Assurance>;
  readonly disputes: DisputesExtrinsic;
}

/** @gp 4.2 -- B = (H, E). */
export interface Block {
  readonly header: Header;
  readonly extrinsic: Extrinsic;
}

// ---------------------------------------------------------------------------------------------
// Accumulation inputs (section 12)

/** @gp 12.13 -- U: an operand tuple, what accumulate learns of one work digest and its report. */
export interface OperandTuple {
  readonly packageHash: Hash;
  readonly segRoot: Hash;
  readonly authorizer: Hash;
  readonly payloadHash: Hash;
  readonly gasLimit: Gas;
  readonly authTrace: Uint8Array;
  readonly result: WorkResult;
}

/** @gp 12.14 -- X: a deferred transfer (the memo is W_T octets). */
export interface DeferredTransfer {
  readonly source: ServiceId;
  readonly dest: ServiceId;
  readonly amount: Balance;
  readonly memo: Uint8Array;
  readonly gas: Gas;
}

/** @gp 12.15 -- I = U ∪ X: an accumulation input. */
export type AccumulationInput =
  | { readonly kind: 'operand'; readonly value: OperandTuple }
  | { readonly kind: 'transfer'; readonly value: DeferredTransfer };

// ---------------------------------------------------------------------------------------------
// State components (eq. 4.4)

/** @gp 7.3 -- an MMR (the accumulation-output belt): peaks, each possibly empty. */
export type Mmr = ReadonlyArray<Hash | undefined>;

/** One reported package of a recent block (package hash -> exports root). */
export interface ReportedPackage {
  readonly hash: Hash;
  readonly exportsRoot: Hash;
}

/** @gp 7.2 -- an element of beta_H: header hash, accumulation-output super-peak, state root, reported packages. */
export interface RecentBlock {
  readonly headerHash: Hash;
  readonly accOutLogSuperPeak: Hash;
  readonly stateRoot: Hash;
  readonly reportedPackageHashes: ReadonlyArray<ReportedPackage>;
}

/** @gp 7.1 -- beta = (beta_H, beta_B). */
export interface RecentHistory {
  readonly history: ReadonlyArray<RecentBlock>;
  readonly accOutBelt: Mmr;
}

/** @gp 9.3 -- an account's fields other than its dictionaries (the vectors' ServiceInfo). */
export interface ServiceInfo {
  readonly codeHash: Hash;
  readonly balance: Balance;
  readonly minAccGas: Gas;
  readonly minMemoGas: Gas;
  /** a_o: total octets of storage (derived in the paper, stored in the state). */
  readonly octets: bigint;
  /** a_f: the gratis storage offset. */
  readonly gratis: bigint;
  /** a_i: number of storage items (derived, stored). */
  readonly items: number;
  readonly created: TimeSlot;
  readonly lastAcc: TimeSlot;
  readonly parent: ServiceId;
}

/**
 * The key of one entry of T (eq. D.2) under a service, as 0x-hex of 27 octets: the part a_0 ... a_26
 * of a = H(E_4(2^32-1) ++ k) for storage k, H(E_4(2^32-2) ++ h) for the preimage of h, H(E_4(l) ++ h)
 * for the request (h, l), which the entry's state key C(s, ...) holds (eq. D.1-D.2); it does not
 * depend on the service index s. Built by `storageEntryKey`, `preimageEntryKey`, `requestEntryKey`
 * of `model/merklization/serialize.ts` (the hash lives in `model/`).
 */
export type AccountEntryKey = string & { readonly __brand: 'AccountEntryKey' };

/**
 * @gp 9.3 -- a service account with a_s, a_p and a_l under their own keys, the layout of the STF
 * vectors (accumulate.asn): storage keyed by the key's 0x-hex, preimages by the hash's 0x-hex,
 * requests by `${0x-hash}:${length}`.
 */
export interface RawServiceAccount extends ServiceInfo {
  /** a_s: storage key -> value. */
  readonly storage: ReadonlyMap<string, Uint8Array>;
  /** a_p: hash -> preimage. */
  readonly preimages: ReadonlyMap<string, Uint8Array>;
  /** a_l: (hash, length) -> up to three timeslots. */
  readonly requests: ReadonlyMap<string, ReadonlyArray<TimeSlot>>;
}

/**
 * @gp 9.3 -- A: a service account, its info and its three dictionaries a_s, a_p and a_l, kept
 * apart as the paper keeps them (every host call reads its own: B.16's read a_s, lookup a_p,
 * B.20's query, solicit, forget a_l), plus `opaque`: the entries of T (eq. D.2) known only by their
 * serialized key, as a state given as key-values (a trace's pre-state, a fuzzer's Initialize)
 * brings them. T hashes each key with its discriminator, so which dictionary an entry belongs to
 * is not recoverable from the key, and D.2's keys are not even injective: the storage item of a
 * 32-octet key h and the request (h, 2^32-1) share one key, as do the preimage h and the request
 * (h, 2^32-2). A read of a dictionary falls back on the opaque entry under the key it would have,
 * when the entry's value can be what the read asks for (model/merklization/serialize.ts); a write
 * of that key then supersedes the opaque entry. The derived a_i and a_o (eq. 9.8) need the key
 * lengths an opaque entry hides, so they are kept as the stored fields `items` and `octets`.
 */
export interface ServiceAccount extends RawServiceAccount {
  readonly opaque: ReadonlyMap<AccountEntryKey, Uint8Array>;
}

/** @gp 9.9 -- chi: the privileged services. */
export interface Privileges {
  readonly manager: ServiceId;
  readonly assigners: ReadonlyArray<ServiceId>;
  readonly delegator: ServiceId;
  readonly registrar: ServiceId;
  readonly alwaysAccers: ReadonlyMap<ServiceId, Gas>;
}

/** @gp 10.1 -- psi: the judgment records (good, bad, wonky, offenders), each in ascending order. */
export interface DisputesRecords {
  readonly good: ReadonlyArray<Hash>;
  readonly bad: ReadonlyArray<Hash>;
  readonly wonky: ReadonlyArray<Hash>;
  readonly offenders: ReadonlyArray<Ed25519Key>;
}

/** @gp 11.1 -- an element of rho: a pending report and the time it was reported. */
export interface PendingReport {
  readonly workReport: WorkReport;
  /** The slot it was reported in (the paper's timestamp; the vectors' `timeout`). */
  readonly timestamp: TimeSlot;
}

/** A validator's activity record (an element of pi_V and pi_L). */
export interface ValidatorActivity {
  readonly blocks: number;
  readonly tickets: number;
  readonly preimageCount: number;
  readonly preimageSize: number;
  readonly guarantees: number;
  readonly assurances: number;
}

/** A core's activity record (an element of pi_C). */
export interface CoreActivity {
  readonly daLoad: number;
  readonly popularity: number;
  readonly importCount: number;
  readonly xtCount: number;
  readonly xtSize: number;
  readonly exportCount: number;
  readonly bundleLen: number;
  readonly gasUsed: Gas;
}

/** A service's activity record (an element of pi_S). */
export interface ServiceActivity {
  /** (count, size) of provided preimages. */
  readonly provisionCount: number;
  readonly provisionSize: number;
  /** (count, gas) of refinements. */
  readonly refinementCount: number;
  readonly refinementGas: Gas;
  readonly importCount: number;
  readonly xtCount: number;
  readonly xtSize: number;
  readonly exportCount: number;
  /** (count, gas) of accumulations. */
  readonly accumulationCount: number;
  readonly accumulationGas: Gas;
}

/** @gp 13.1 -- pi = (pi_V, pi_L, pi_C, pi_S). */
export interface Statistics {
  readonly valsCurrent: ReadonlyArray<ValidatorActivity>;
  readonly valsLast: ReadonlyArray<ValidatorActivity>;
  readonly cores: ReadonlyArray<CoreActivity>;
  readonly services: ReadonlyMap<ServiceId, ServiceActivity>;
}

/** @gp 12.3 -- an element of omega's queues: a report and its unaccumulated dependencies. */
export interface ReadyRecord {
  readonly workReport: WorkReport;
  readonly dependencies: ReadonlyArray<Hash>;
}

/** @gp 7.4 -- an element of theta: (service, accumulation output hash). */
export interface AccumulationOutput {
  readonly serviceIndex: ServiceId;
  readonly hash: Hash;
}

/** @gp 4.4 -- sigma: the state. */
export interface State {
  /** alpha: the authorizer pools, one per core. @gp 8.1 */
  readonly alpha: ReadonlyArray<ReadonlyArray<Hash>>;
  /** beta: recent history. */
  readonly beta: RecentHistory;
  /** theta: the most recent accumulation outputs. */
  readonly theta: ReadonlyArray<AccumulationOutput>;
  /** gamma: Safrole. */
  readonly gamma: SafroleState;
  /** @gp 9.2 -- delta: the service accounts, a dictionary from N_S to A. */
  readonly delta: ReadonlyMap<ServiceId, ServiceAccount>;
  /** eta: entropy. */
  readonly eta: Entropy;
  /** @gp 6.7 eq:validatorkeys -- iota in K^V: the validator keys staged for the next epoch. */
  readonly iota: ReadonlyArray<ValidatorKey>;
  /** @gp 6.7 eq:validatorkeys -- kappa in K^V: the active validator keys. */
  readonly kappa: ReadonlyArray<ValidatorKey>;
  /** @gp 6.7 eq:validatorkeys -- lambda in K^V: the previous epoch's validator keys. */
  readonly lambda: ReadonlyArray<ValidatorKey>;
  /** rho: the pending report of each core. */
  readonly rho: ReadonlyArray<PendingReport | undefined>;
  /** tau: the most recent block's timeslot. */
  readonly tau: TimeSlot;
  /** phi: the authorizer queues, one per core. */
  readonly phi: ReadonlyArray<ReadonlyArray<Hash>>;
  /** chi: privileges. */
  readonly chi: Privileges;
  /** psi: judgments. */
  readonly psi: DisputesRecords;
  /** pi: activity statistics. */
  readonly pi: Statistics;
  /** omega: the ready queue, one slot of records per timeslot of the epoch. */
  readonly omega: ReadonlyArray<ReadonlyArray<ReadyRecord>>;
  /** xi: the accumulated package hashes, one set per timeslot of the epoch. */
  readonly xi: ReadonlyArray<ReadonlyArray<Hash>>;
}
