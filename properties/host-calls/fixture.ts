/**
 * A small hand-written world for the host-call tests (not used by the model): a real
 * TypeScript PVM instance with one read-only and one writable page, service accounts with a
 * given footprint, a partial state over them, and one host call run through Psi_A's dispatch F.
 */
import { paperReadings, type Readings } from '../../spec/readings.js';
import type { Hash } from '../../spec/bytes.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { withPreimage } from '../../model/merklization/serialize.js';
import { NativeUnavailable } from '../../model/native.js';
import { nativeEngine } from '../../model/pvm/native.js';
import { type ChainSpec, tiny } from '../../spec/chain-spec.js';
import type { AccumulationInput, ServiceAccount, ServiceId } from '../../spec/types.js';
import { type PvmInstance, encodeBlob, tsEngine } from '../../model/pvm/index.js';
import { F, initialContext } from '../../model/accumulation/invocation.js';
import type { HostCallOutcome, ImplicationsPair, PartialState } from '../../model/accumulation/types.js';
import type { HostEnv } from '../../model/accumulation/host-calls/common.js';
import { accumulateProgram, codePreimage, type Item } from '../../fuzz/guest/assembler.js';
import { serviceAccount, withProvided } from '../../fuzz/author/packages.js';

export { withProvided };

/** The read-only page and the writable pages of the fixture machine. */
export const RO = 0x10000;
export const RW = 0x20000;
export const RW_SIZE = 0x4000;
/** An address no page covers. */
export const UNMAPPED = 0x80000;

/** A machine (one trap instruction; never run) with gas, registers and memory to host-call against. */
export const machine = (gas: bigint, readOnly: Uint8Array = new Uint8Array(0)): PvmInstance => {
  const m = tsEngine.instantiate({
    program: encodeBlob({ c: Uint8Array.of(0), k: Uint8Array.of(1), j: [] }),
    pc: 0,
    gas,
    registers: Array.from({ length: 13 }, () => 0n),
    memory: {
      pages: [
        { address: RO, length: 4096, access: 'read' },
        { address: RW, length: RW_SIZE, access: 'write' },
      ],
      contents: readOnly.length === 0 ? [] : [{ address: RO, data: readOnly }],
    },
  });
  if (typeof m === 'string') throw new Error(`fixture program did not decode: ${m}`);
  return m;
};

export const setRegisters = (m: PvmInstance, from: number, values: ReadonlyArray<bigint | number>): void =>
  values.forEach((v, i) => m.setRegister(from + i, BigInt(v)));

export const hash = (byte: number): Hash => new Uint8Array(32).fill(byte) as Hash;

/** An account with no dictionaries (footprint 0) unless given. */
export const account = (fields: Partial<ServiceAccount> = {}): ServiceAccount => serviceAccount(hash(0xcc), { balance: 1000n, ...fields });

export const partialState = (
  accounts: ReadonlyArray<readonly [ServiceId, ServiceAccount]>,
  fields: Partial<PartialState> = {},
  spec: ChainSpec = tiny,
): PartialState => ({
  delta: new Map(accounts),
  iota: [],
  phi: Array.from({ length: spec.Ccorecount }, () => Array.from({ length: spec.Cauthqueuesize }, () => hash(0))),
  manager: 0,
  assigners: Array.from({ length: spec.Ccorecount }, () => 0),
  delegator: 0,
  registrar: 0,
  alwaysAccers: new Map(),
  ...fields,
});

export const env = (fields: Partial<HostEnv> = {}): HostEnv => ({
  spec: tiny,
  tau: 100,
  entropy: hash(0xee),
  inputs: [] as ReadonlyArray<AccumulationInput>,
  baseAccounts: new Map(),
  ...fields,
});

/** I(e, s)^2 for the given state and service. */
export const context = (state: PartialState, s: ServiceId, e: HostEnv = env()): ImplicationsPair => {
  const x = initialContext(e.spec, state, s, e.entropy, e.tau);
  return { x, y: x };
};

export interface Called {
  readonly exit: string;
  readonly xy: ImplicationsPair;
  readonly r7: bigint;
  readonly r8: bigint;
  /** Gas charged: before - after. */
  readonly charged: bigint;
  readonly outcomes: ReadonlyArray<readonly [string, HostCallOutcome]>;
}

/** Runs host call `id` through F on the machine (under a reading of `log`) and reports what changed. */
export const call = (
  id: number,
  m: PvmInstance,
  xy: ImplicationsPair,
  e: HostEnv = env(),
  log: Readings['log-host-call'] = paperReadings['log-host-call'],
): Called => {
  const before = m.gas;
  const outcomes: Array<readonly [string, HostCallOutcome]> = [];
  const answer = F(e, (c, o) => outcomes.push([c, o]), log)(id, m, xy);
  return {
    exit: answer.exit,
    xy: answer.x,
    r7: m.getRegister(7),
    r8: m.getRegister(8),
    charged: before - m.gas,
    outcomes,
  };
};

/**
 * A service code blob for Y (A.38) whose accumulate code is `body` (assembler items); `rw` is the
 * read-write data at 2^17, followed by one zero page; a 4096-octet stack.
 */
export const serviceProgram = (body: ReadonlyArray<Item>, rw: Uint8Array = new Uint8Array(0)): Uint8Array => accumulateProgram(body, { rw });

/** An account whose code preimage is E(var(metadata), p) with a three-octet metadata. */
export const withCode = (p: Uint8Array, balance = 1000n): ServiceAccount => {
  const preimage = codePreimage(p);
  const codeHash = blake2b256(preimage);
  return withPreimage(account({ balance, codeHash }), codeHash, preimage);
};

/** Whether the native addon is built (tests then run on both engines). */
export const nativeBuilt = (): boolean => {
  try {
    const m = nativeEngine.instantiate({
      program: encodeBlob({ c: Uint8Array.of(0), k: Uint8Array.of(1), j: [] }),
      pc: 0,
      gas: 0n,
      registers: Array.from({ length: 13 }, () => 0n),
      memory: { pages: [], contents: [] },
    });
    if (typeof m !== 'string') m.dispose();
    return true;
  } catch (e) {
    if (e instanceof NativeUnavailable) return false;
    throw e;
  }
};
