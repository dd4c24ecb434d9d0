/**
 * What every accumulate host call shares: the result constants of B.1, the additional
 * parameters of the invocation, the shape of a host call's answer, reading guest memory by
 * 64-bit register values, and the account footprint of section 9.
 */
import type { Hash } from '../../../spec/bytes.js';
import type { ChainSpec } from '../../../spec/chain-spec.js';
import type { AccumulationInput, ServiceAccount, ServiceId, TimeSlot } from '../../../spec/types.js';
import type { PvmInstance } from '../../pvm/index.js';
import type { HostCallOutcome, Implications, ImplicationsPair, ResultCode } from '../types.js';

const TWO_64 = 1n << 64n;

/** The host-call result constants (the list opening appendix B; it has no equation number). */
export const RESULT: Readonly<Record<ResultCode, bigint>> = {
  NONE: TWO_64 - 1n,
  WHAT: TWO_64 - 2n,
  OOB: TWO_64 - 3n,
  WHO: TWO_64 - 4n,
  FULL: TWO_64 - 5n,
  CORE: TWO_64 - 6n,
  CASH: TWO_64 - 7n,
  LOW: TWO_64 - 8n,
  HUH: TWO_64 - 9n,
  OK: 0n,
};

/** 2^64 - 1: the register value that names the accumulating service itself. */
export const SELF = TWO_64 - 1n;
const TWO_32 = 1n << 32n;

/** The parameters of Psi_A that host calls read besides the machine and the context. */
export interface HostEnv {
  readonly spec: ChainSpec;
  /** H_t: the block's timeslot. */
  readonly tau: TimeSlot;
  /** eta'_0: the entropy accumulator. */
  readonly entropy: Hash;
  /** i: the accumulation inputs. */
  readonly inputs: ReadonlyArray<AccumulationInput>;
  /** The accounts of Psi_A's first argument e (its base state), which check (B.14) tests. */
  readonly baseAccounts: ReadonlyMap<ServiceId, ServiceAccount>;
}

/**
 * A host call's answer before gas is settled: how to go on, the registers omega'_7 (and
 * omega'_8) to set, the new context, the outcome for instrumentation, and the gas g when it
 * is not the dispatcher's default (transfer's 10 + t).
 */
export interface HostAnswer {
  readonly exit: 'continue' | 'panic';
  readonly r7?: bigint;
  readonly r8?: bigint;
  readonly xy: ImplicationsPair;
  readonly outcome: HostCallOutcome;
  readonly gas?: bigint;
}

/** A host call of Psi_A: Omega(gas, registers, memory, (x, y), ...), the machine already charged its gas. */
export type AccumulateHostCall = (env: HostEnv, machine: PvmInstance, xy: ImplicationsPair) => HostAnswer;

export const panic = (xy: ImplicationsPair): HostAnswer => ({ exit: 'panic', xy, outcome: 'panic' });
export const code = (name: ResultCode, xy: ImplicationsPair, r8?: bigint): HostAnswer => ({
  exit: 'continue',
  r7: RESULT[name],
  ...(r8 === undefined ? {} : { r8 }),
  xy,
  outcome: name,
});
export const value = (v: bigint, xy: ImplicationsPair, r8?: bigint): HostAnswer => ({
  exit: 'continue',
  r7: v,
  ...(r8 === undefined ? {} : { r8 }),
  xy,
  outcome: 'value',
});

/** omega_i. */
export const reg = (machine: PvmInstance, i: number): bigint => machine.getRegister(i);

/** mu_{o..+l} if N_{o..+l} is readable (an empty range always is), else undefined. */
export const readRange = (machine: PvmInstance, o: bigint, l: bigint): Uint8Array | undefined => {
  if (l === 0n) return new Uint8Array(0);
  if (o + l > TWO_32) return undefined;
  return machine.readMemory(Number(o), Number(l));
};

/** mu'_{o..+|v|} = v if N_{o..+|v|} is writable (an empty range always is); false (memory untouched) otherwise. */
export const writeRange = (machine: PvmInstance, o: bigint, v: Uint8Array): boolean => {
  if (v.length === 0) return true;
  if (o + BigInt(v.length) > TWO_32) return false;
  return machine.writeMemory(Number(o), v);
};

/**
 * The tail of fetch, lookup, read and info: with f = min(omega_f, |v|), l = min(omega_l, |v| - f),
 * panic if N_{o..+l} is not writable, NONE if v is none, else omega'_7 = |v| and mu'_{o..+l} = v_{f..+l}.
 */
export const answerBlob = (
  machine: PvmInstance,
  xy: ImplicationsPair,
  v: Uint8Array | undefined,
  o: bigint,
  fromReg: number,
  lengthReg: number,
): HostAnswer => {
  if (v === undefined) return code('NONE', xy);
  const size = BigInt(v.length);
  const f = min(reg(machine, fromReg), size);
  const l = min(reg(machine, lengthReg), size - f);
  if (!writeRange(machine, o, v.subarray(Number(f), Number(f + l)))) return panic(xy);
  return value(size, xy);
};

export const min = (a: bigint, b: bigint): bigint => (a < b ? a : b);

/** A register value as a service id, or undefined when it is not in N_S. */
export const asServiceId = (r: bigint): ServiceId | undefined => (r < TWO_32 ? Number(r) : undefined);

/** @gp B.8 -- x_s: the accumulating service's account in the context's state (always present: nothing removes it). */
export const self = (x: Implications): ServiceAccount => {
  const a = x.state.delta.get(x.id);
  if (a === undefined) throw new Error(`the accumulating service ${x.id} is missing from its own context`);
  return a;
};

/** x with (x_e)_d[id] = account. */
export const withAccount = (x: Implications, id: ServiceId, account: ServiceAccount): Implications => {
  const delta = new Map(x.state.delta);
  delta.set(id, account);
  return { ...x, state: { ...x.state, delta } };
};

/** The pair with its regular dimension replaced. */
export const regular = (xy: ImplicationsPair, x: Implications): ImplicationsPair => ({ x, y: xy.y });

/**
 * @gp 9.8 -- a_t: the threshold balance max(0, B_S + B_I a_i + B_L a_o - a_f), from the
 * footprint a_i, a_o the account carries.
 */
export const thresholdBalance = (spec: ChainSpec, a: ServiceAccount): bigint => {
  const t = spec.Cbasedeposit + spec.Citemdeposit * BigInt(a.items) + spec.Cbytedeposit * a.octets - a.gratis;
  return t > 0n ? t : 0n;
};

/**
 * @gp 9.8 -- the footprint kept in step with the dictionaries: a_i counts 2 per request and 1
 * per storage item; a_o counts 81 + z per request (h, z) and 34 + |k| + |v| per storage item.
 * The paper derives them, so they are never negative; the model stores them, and a state given as
 * key-values may store a footprint below what its (opaque) entries hold, which nothing can check
 * since the keys are hashed. Removing an entry then stops a_i and a_o at zero rather than making
 * them unencodable (README: readings).
 */
export const footprintDelta = (a: ServiceAccount, items: number, octets: bigint): ServiceAccount => ({
  ...a,
  items: Math.max(0, a.items + items),
  octets: a.octets + octets > 0n ? a.octets + octets : 0n,
});

/**
 * @gp B.14 -- check(i): the first index from i on, stepping by one through the public range
 * [S, 2^32 - 2^8), that names no account of `accounts`: the base state's of Psi_A, so an id that
 * an eject frees during the invocation is not handed out again (Delta*, 12.19, would restore it).
 */
export const check = (spec: ChainSpec, accounts: ReadonlyMap<ServiceId, unknown>, i: ServiceId): ServiceId => {
  const S = spec.Cminpublicindex;
  const span = 2 ** 32 - 2 ** 8 - S;
  while (accounts.has(i)) i = ((i - S + 1) % span) + S;
  return i;
};
