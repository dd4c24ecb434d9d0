/**
 * The accumulate host calls on preimage requests and outputs (B.20 "Accumulate Functions"):
 * query, solicit, forget, yield and provide.
 */
import { bytesEqual, type Hash } from '../../../spec/bytes.js';
import type { ServiceAccount, TimeSlot } from '../../../spec/types.js';
import { blake2b256 } from '../../crypto/index.js';
import { requestOf, withPreimage, withRequest } from '../../merklization/serialize.js';
import {
  type AccumulateHostCall,
  SELF,
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

const TWO_32 = 1n << 32n;

/** The length z of a request key (h, z), or undefined when z is no length (z >= 2^32: no such key can exist). */
const requestLength = (z: bigint): number | undefined => (z < TWO_32 ? Number(z) : undefined);

/**
 * @gp B.20 -- query = 22: [o, z] = omega_7, omega_8; the request (mu_{o..+32}, z) of x_s packed
 * into omega'_7, omega'_8: NONE, 0 for [], 1 + 2^32 x for [x], 2 + 2^32 x and y for [x, y],
 * 3 + 2^32 x and y + 2^32 z for [x, y, z].
 */
export const query: AccumulateHostCall = (_env, machine, xy) => {
  const z = reg(machine, 8);
  const h = readRange(machine, reg(machine, 7), 32n) as Hash | undefined;
  if (h === undefined) return panic(xy);
  const l = requestLength(z);
  const a = l === undefined ? undefined : requestOf(self(xy.x), h, l);
  if (a === undefined) return code('NONE', xy, 0n);
  const [x, y, w] = a.map(BigInt);
  if (x === undefined) return value(0n, xy, 0n);
  if (y === undefined) return value(1n + TWO_32 * x, xy, 0n);
  if (w === undefined) return value(2n + TWO_32 * x, xy, y);
  return value(3n + TWO_32 * x, xy, y + TWO_32 * w);
};

/**
 * @gp B.20 -- solicit = 23: a new request (h, z) -> [], or [x, y] -> [x, y, t]; HUH otherwise;
 * FULL if x_s's threshold then exceeds its balance.
 */
export const solicit: AccumulateHostCall = (env, machine, xy) => {
  const z = reg(machine, 8);
  const h = readRange(machine, reg(machine, 7), 32n) as Hash | undefined;
  if (h === undefined) return panic(xy);
  const l = requestLength(z);
  const s = self(xy.x);
  const old = l === undefined ? undefined : requestOf(s, h, l);
  let a: ServiceAccount;
  if (l === undefined) return code('HUH', xy);
  if (old === undefined) a = footprintDelta(withRequest(s, h, l, []), 2, 81n + z);
  else if (old.length === 2) a = withRequest(s, h, l, [...old, env.tau]);
  else return code('HUH', xy);
  if (a.balance < thresholdBalance(env.spec, a)) return code('FULL', xy);
  return code('OK', regular(xy, withAccount(xy.x, xy.x.id, a)));
};

/**
 * @gp B.20 -- forget = 24: for the request (h, z) of x_s: [] or [x, y] with y < t - D drops it
 * and the preimage h; [x] becomes [x, t]; [x, y, w] with y < t - D becomes [w, t]; HUH otherwise.
 */
export const forget: AccumulateHostCall = (env, machine, xy) => {
  const z = reg(machine, 8);
  const h = readRange(machine, reg(machine, 7), 32n) as Hash | undefined;
  if (h === undefined) return panic(xy);
  const l = requestLength(z);
  const s = self(xy.x);
  const old = l === undefined ? undefined : requestOf(s, h, l);
  if (l === undefined || old === undefined) return code('HUH', xy);
  const expired = (y: TimeSlot | undefined): boolean => y !== undefined && y < env.tau - env.spec.Cexpungeperiod;
  const [x, y, w] = old;
  let a: ServiceAccount;
  if (old.length === 0 || (old.length === 2 && expired(y))) {
    a = footprintDelta(withPreimage(withRequest(s, h, l, undefined), h, undefined), -2, -(81n + z));
  } else if (old.length === 1 && x !== undefined) a = withRequest(s, h, l, [x, env.tau]);
  else if (old.length === 3 && expired(y) && w !== undefined) a = withRequest(s, h, l, [w, env.tau]);
  else return code('HUH', xy);
  return code('OK', regular(xy, withAccount(xy.x, xy.x.id, a)));
};

/** @gp B.20 -- yield = 25: x_y = mu_{omega_7..+32}. */
export const yieldHash: AccumulateHostCall = (_env, machine, xy) => {
  const h = readRange(machine, reg(machine, 7), 32n);
  if (h === undefined) return panic(xy);
  return code('OK', regular(xy, { ...xy.x, yield: h.slice() as Hash }));
};

/**
 * @gp B.20 -- provide = 26: [o, z] = omega_8, omega_9; the preimage i = mu_{o..+z} for the
 * service omega_7 (2^64 - 1: s). WHO for an unknown service; HUH unless it requests
 * (H(i), z) with [], or when (s, i) is already provided; OK adds (s, i) to x_p.
 */
export const provide: AccumulateHostCall = (_env, machine, xy) => {
  const r7 = reg(machine, 7);
  const x = xy.x;
  const s = r7 === SELF ? BigInt(x.id) : r7;
  const i = readRange(machine, reg(machine, 8), reg(machine, 9));
  if (i === undefined) return panic(xy);
  const a = s < TWO_32 ? x.state.delta.get(Number(s)) : undefined;
  if (a === undefined) return code('WHO', xy);
  const request = requestOf(a, blake2b256(i), i.length);
  if (request === undefined || request.length !== 0) return code('HUH', xy);
  const service = Number(s);
  if (x.provisions.some((p) => p.service === service && bytesEqual(p.data, i))) return code('HUH', xy);
  return code('OK', regular(xy, { ...x, provisions: [...x.provisions, { service, data: i.slice() }] }));
};
