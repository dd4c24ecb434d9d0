/**
 * The types of the accumulate invocation (section 12 and Appendix B.4): the partial state S,
 * the implications X (the context of Psi_A's host calls), the single-service output O, the
 * signature of Psi_A, and the optional host-call observer used for instrumentation.
 */
import type { Hash } from '../../spec/bytes.js';
import type {
  AccumulationInput,
  DeferredTransfer,
  Gas,
  ServiceAccount,
  ServiceId,
  TimeSlot,
  ValidatorKey,
} from '../../spec/types.js';

/**
 * @gp 12.16 -- S: the state components accumulation may read and change: the accounts (delta),
 * the staging set (iota), the authorizer queues (phi) and the privileges (chi's five parts).
 */
export interface PartialState {
  /** d: the service accounts. */
  readonly delta: ReadonlyMap<ServiceId, ServiceAccount>;
  /** i: the validator keys staged for the next epoch. */
  readonly iota: ReadonlyArray<ValidatorKey>;
  /** q: the authorizer queue of each core. */
  readonly phi: ReadonlyArray<ReadonlyArray<Hash>>;
  /** m: the manager (chi_M). */
  readonly manager: ServiceId;
  /** a: the assigner of each core (chi_A). */
  readonly assigners: ReadonlyArray<ServiceId>;
  /** v: the delegator, who may set iota (chi_V). */
  readonly delegator: ServiceId;
  /** r: the registrar, who may create services in the protected range (chi_R). */
  readonly registrar: ServiceId;
  /** z: the always-accumulate services and their free gas (chi_Z). */
  readonly alwaysAccers: ReadonlyMap<ServiceId, Gas>;
}

/** A preimage provision (service, data): an element of the set p of X and O. */
export interface Provision {
  readonly service: ServiceId;
  readonly data: Uint8Array;
}

/** @gp B.7 -- X: the implications, the context one dimension of Psi_A's host calls carries. */
export interface Implications {
  /** s: the accumulating service. */
  readonly id: ServiceId;
  /** e: the partial state as altered so far. */
  readonly state: PartialState;
  /** i: the next free service id `new` will use. */
  readonly nextFreeId: ServiceId;
  /** t: the deferred transfers made so far. */
  readonly xfers: ReadonlyArray<DeferredTransfer>;
  /** y: the yielded accumulation output, if any. */
  readonly yield: Hash | undefined;
  /** p: the preimage provisions (a set: no two equal pairs). */
  readonly provisions: ReadonlyArray<Provision>;
}

/** X^2: the regular dimension x and the exceptional dimension y (set by `checkpoint`). */
export interface ImplicationsPair {
  readonly x: Implications;
  readonly y: Implications;
}

/** @gp 12.23 -- O: what the accumulation of one service yields. */
export interface AccumulationOneOutput {
  /** e: the posterior partial state. */
  readonly poststate: PartialState;
  /** t: the deferred transfers. */
  readonly defxfers: ReadonlyArray<DeferredTransfer>;
  /** y: the accumulation output (a hash), if any. */
  readonly yield: Hash | undefined;
  /** u: the gas used. */
  readonly gasUsed: Gas;
  /** p: the preimage provisions. */
  readonly provisions: ReadonlyArray<Provision>;
}

/** The host-call result codes of B.1, by name. */
export type ResultCode = 'OK' | 'NONE' | 'WHAT' | 'OOB' | 'WHO' | 'FULL' | 'CORE' | 'CASH' | 'LOW' | 'HUH';

/**
 * What a host call ended with, for instrumentation: a result code written to omega_7, `value`
 * (a non-code value such as a length or gas), or one of the exits `panic`, `out-of-gas`.
 */
export type HostCallOutcome = ResultCode | 'value' | 'panic' | 'out-of-gas';

/** Told of each host call Psi_A handles: its name and how it ended. Not part of the paper. */
export type HostCallObserver = (call: string, outcome: HostCallOutcome) => void;

/**
 * @gp B.9 -- Psi_A(e, t, s, g, i): the accumulate invocation. The paper reads eta'_0 (for the
 * next free id and `fetch`) from the context; here it is the explicit argument `entropy`.
 */
export type AccumulateInvocation = (
  state: PartialState,
  tau: TimeSlot,
  s: ServiceId,
  g: Gas,
  inputs: ReadonlyArray<AccumulationInput>,
  entropy: Hash,
  observer?: HostCallObserver,
) => AccumulationOneOutput;
