/**
 * The general host calls as Psi_A uses them (Appendix B "General Functions", B.15-B.16, read
 * through the dispatch F of B.9): gas, fetch, lookup, read, write and info. read, write, lookup
 * and info act on x_s and (x_e)_d; G writes x_s back.
 */
import type { Hash } from '../../../spec/bytes.js';
import type { ChainSpec } from '../../../spec/chain-spec.js';
import { Writer, encode, perSpec } from '../../../spec/codec.js';
import { codecs } from '../../../spec/codecs.js';
import type { ServiceAccount } from '../../../spec/types.js';
import { preimageOf, storageOf, withStorage } from '../../merklization/serialize.js';
import type { PvmInstance } from '../../pvm/index.js';
import type { ImplicationsPair } from '../types.js';
import {
  type AccumulateHostCall,
  type HostEnv,
  SELF,
  answerBlob,
  code,
  footprintDelta,
  panic,
  readRange,
  reg,
  regular,
  self,
  thresholdBalance,
  value,
  withAccount,
} from './common.js';

/** @gp B.16 -- gas = 0: omega'_7 = the gas left after this call's 10. */
export const gas: AccumulateHostCall = (_env, machine, xy) => value(machine.gas, xy);

/**
 * The protocol constants blob c of fetch's variant 0, in the order B.16 lists them; encoded once
 * per spec (a service fetches it in every invocation; nothing writes to the blob).
 */
export const constantsBlob = perSpec((spec: ChainSpec): Uint8Array => {
  const w = new Writer();
  const e8 = (x: bigint): void => w.ubig(8, x);
  const e4 = (x: number): void => w.uint(4, x);
  const e2 = (x: number): void => w.uint(2, x);
  e8(spec.Citemdeposit);
  e8(spec.Cbytedeposit);
  e8(spec.Cbasedeposit);
  e2(spec.Ccorecount);
  e4(spec.Cexpungeperiod);
  e4(spec.Cepochlen);
  e8(spec.Creportaccgas);
  e8(spec.Cpackageauthgas);
  e8(spec.Cpackagerefgas);
  e8(spec.Cblockaccgas);
  e2(spec.Crecenthistorylen);
  e2(spec.Cmaxpackageitems);
  e2(spec.Cmaxreportdeps);
  e2(spec.Cmaxblocktickets);
  e4(spec.Cmaxlookupanchorage);
  e2(spec.Cticketentries);
  e2(spec.Cauthpoolsize);
  e2(spec.Cslotseconds);
  e2(spec.Cauthqueuesize);
  e2(spec.Crotationperiod);
  e2(spec.Cmaxpackagexts);
  e2(spec.Cassurancetimeoutperiod);
  e2(spec.Cvalcount);
  e4(spec.Cmaxauthcodesize);
  e4(spec.Cmaxbundlesize);
  e4(spec.Cmaxservicecodesize);
  e4(spec.Cecpiecesize);
  e4(spec.Cmaxpackageimports);
  e4(spec.Csegmentecpieces);
  e4(spec.Cmaxreportvarsize);
  e4(spec.Cmemosize);
  e4(spec.Cmaxpackageexports);
  e4(spec.Cepochtailstart);
  return w.result();
});

/**
 * The value v of fetch as Psi_A calls it, Omega_Y(..., none, eta'_0, none, none, none, none, i):
 * only the constants (0), the entropy (1) and the inputs (14, 15) exist; the rest is none.
 */
const fetchValue = (env: HostEnv, machine: PvmInstance): Uint8Array | undefined => {
  const kind = reg(machine, 10);
  const { accumulationInput } = codecs(env.spec);
  switch (kind) {
    case 0n:
      return constantsBlob(env.spec);
    case 1n:
      return env.entropy;
    case 14n: {
      const w = new Writer();
      w.natural(env.inputs.length);
      for (const i of env.inputs) w.bytes(encode(accumulationInput, i));
      return w.result();
    }
    case 15n: {
      const index = reg(machine, 11);
      const input = index < BigInt(env.inputs.length) ? env.inputs[Number(index)] : undefined;
      return input === undefined ? undefined : encode(accumulationInput, input);
    }
    default:
      return undefined;
  }
};

/** @gp B.16 -- fetch = 1: v per omega_10, written from omega_8 for omega_9 octets at omega_7. */
export const fetch: AccumulateHostCall = (env, machine, xy) =>
  answerBlob(machine, xy, fetchValue(env, machine), reg(machine, 7), 8, 9);

/** a of lookup and read: x_s when the register names s (or is 2^64 - 1), else d[register], else none. */
const accountOf = (xy: ImplicationsPair, r: bigint): ServiceAccount | undefined => {
  const x = xy.x;
  if (r === SELF || r === BigInt(x.id)) return self(x);
  return r < 1n << 32n ? x.state.delta.get(Number(r)) : undefined;
};

/** @gp B.16 -- lookup = 2: the preimage of the hash at omega_8 in the account omega_7 names. */
export const lookup: AccumulateHostCall = (_env, machine, xy) => {
  const a = accountOf(xy, reg(machine, 7));
  const h = readRange(machine, reg(machine, 8), 32n);
  if (h === undefined) return panic(xy);
  const v = a === undefined ? undefined : preimageOf(a, h as Hash);
  return answerBlob(machine, xy, v, reg(machine, 9), 10, 11);
};

/** @gp B.16 -- read = 3: the storage value under the key mu_{omega_8..+omega_9} of the account omega_7 names. */
export const read: AccumulateHostCall = (_env, machine, xy) => {
  const a = accountOf(xy, reg(machine, 7));
  const k = readRange(machine, reg(machine, 8), reg(machine, 9));
  if (k === undefined) return panic(xy);
  const v = a === undefined ? undefined : storageOf(a, k);
  return answerBlob(machine, xy, v, reg(machine, 10), 11, 12);
};

/**
 * @gp B.16 -- write = 4: set (or, with v_Z = 0, remove) x_s's storage item under the key at
 * omega_7..+omega_8; omega'_7 is the old value's length or NONE; FULL when the new footprint's
 * threshold exceeds the balance.
 */
export const write: AccumulateHostCall = (env, machine, xy) => {
  const [kO, kZ, vO, vZ] = [reg(machine, 7), reg(machine, 8), reg(machine, 9), reg(machine, 10)];
  const k = readRange(machine, kO, kZ);
  if (k === undefined) return panic(xy);
  const v = vZ === 0n ? undefined : readRange(machine, vO, vZ);
  if (vZ !== 0n && v === undefined) return panic(xy);
  const s = self(xy.x);
  const old = storageOf(s, k);
  let a = withStorage(s, k, v);
  if (old !== undefined) a = footprintDelta(a, -1, -BigInt(34 + k.length + old.length));
  if (v !== undefined) a = footprintDelta(a, 1, BigInt(34 + k.length + v.length));
  if (thresholdBalance(env.spec, a) > a.balance) return code('FULL', xy);
  const l = old === undefined ? undefined : BigInt(old.length);
  // @gp B.12 -- G: the pair with x_s replaced by the account write returns
  const next = regular(xy, withAccount(xy.x, xy.x.id, a));
  return l === undefined ? code('NONE', next) : value(l, next);
};

/** @gp B.16 -- info = 5: the encoded fields of the account omega_7 names (2^64 - 1: s). */
export const info: AccumulateHostCall = (env, machine, xy) => {
  const r = reg(machine, 7);
  const x = xy.x;
  const a = r === SELF ? x.state.delta.get(x.id) : r < 1n << 32n ? x.state.delta.get(Number(r)) : undefined;
  return answerBlob(machine, xy, a === undefined ? undefined : infoBlob(env.spec, a), reg(machine, 8), 9, 10);
};

/**
 * E(a_c, E_8(a_b, a_t, a_g, a_m, a_o), E_4(a_i), E_8(a_f), E_4(a_r, a_a, a_p)). Within an
 * invocation a_b may exceed 2^64 - 1 (credited transfers), and so may a_t (a_o near 2^64 with a
 * small a_f), outside E_8's domain N_{2^64} (C.12); E_l's recursion as written yields x mod 2^{8l},
 * which is what is answered (README: readings).
 */
const infoBlob = (spec: ChainSpec, a: ServiceAccount): Uint8Array => {
  const w = new Writer();
  const e8 = (x: bigint): void => w.ubig(8, x % (1n << 64n));
  w.bytes(a.codeHash as Hash);
  for (const x of [a.balance, thresholdBalance(spec, a), a.minAccGas, a.minMemoGas, a.octets]) e8(x);
  w.uint(4, a.items % 2 ** 32);
  e8(a.gratis);
  for (const x of [a.created, a.lastAcc, a.parent]) w.uint(4, x);
  return w.result();
};
