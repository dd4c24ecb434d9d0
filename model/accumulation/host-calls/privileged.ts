/**
 * The privileged accumulate host calls (B.20 "Accumulate Functions"): bless, assign and
 * designate, which set chi, phi and iota of the regular dimension's partial state.
 */
import type { Hash } from '../../../spec/bytes.js';
import * as E from 'fp-ts/lib/Either.js';
import { decode, sequence } from '../../../spec/codec.js';
import { validatorKey } from '../../../spec/codecs.js';
import type { Gas, ServiceId } from '../../../spec/types.js';
import { type AccumulateHostCall, asServiceId, code, panic, readRange, reg, regular } from './common.js';

const u32At = (b: Uint8Array, at: number): number =>
  (b[at] ?? 0) + (b[at + 1] ?? 0) * 2 ** 8 + (b[at + 2] ?? 0) * 2 ** 16 + (b[at + 3] ?? 0) * 2 ** 24;
const u64At = (b: Uint8Array, at: number): bigint =>
  BigInt(u32At(b, at)) + (BigInt(u32At(b, at + 4)) << 32n);

/**
 * @gp B.20 -- bless = 14: [m, a, v, r, o, n] = omega_7..12; a: C service ids E_4 at omega_8;
 * z: n pairs E_4(s) ++ E_8(g) at o. WHO unless m, v, r are service ids; OK sets
 * (manager, assigners, delegator, registrar, alwaysAccers) = (m, a, v, r, z).
 */
export const bless: AccumulateHostCall = (env, machine, xy) => {
  const C = env.spec.Ccorecount;
  const [m, aAt, v, r, o, n] = [7, 8, 9, 10, 11, 12].map((i) => reg(machine, i)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const aBytes = readRange(machine, aAt, BigInt(4 * C));
  const zBytes = n < 1n << 32n ? readRange(machine, o, 12n * n) : undefined;
  if (aBytes === undefined || zBytes === undefined) return panic(xy);
  const assigners: ServiceId[] = Array.from({ length: C }, (_, c) => u32At(aBytes, 4 * c));
  const alwaysAccers = new Map<ServiceId, Gas>();
  for (let i = 0; i < Number(n); i++) alwaysAccers.set(u32At(zBytes, 12 * i), u64At(zBytes, 12 * i + 4));
  const [manager, delegator, registrar] = [asServiceId(m), asServiceId(v), asServiceId(r)];
  if (manager === undefined || delegator === undefined || registrar === undefined) return code('WHO', xy);
  const x = xy.x;
  return code('OK', regular(xy, { ...x, state: { ...x.state, manager, assigners, delegator, registrar, alwaysAccers } }));
};

/**
 * @gp B.20 -- assign = 15: [c, o, a] = omega_7..9; q: Q hashes at o. CORE if c >= C; HUH unless
 * x_s is core c's assigner; WHO unless a is a service id; OK sets phi[c] = q, assigners[c] = a.
 */
export const assign: AccumulateHostCall = (env, machine, xy) => {
  const Q = env.spec.Cauthqueuesize;
  const [c, o, a] = [reg(machine, 7), reg(machine, 8), reg(machine, 9)];
  const q = readRange(machine, o, BigInt(32 * Q));
  if (q === undefined) return panic(xy);
  if (c >= BigInt(env.spec.Ccorecount)) return code('CORE', xy);
  const x = xy.x;
  const core = Number(c);
  if (x.id !== x.state.assigners[core]) return code('HUH', xy);
  const assigner = asServiceId(a);
  if (assigner === undefined) return code('WHO', xy);
  const queue = Array.from({ length: Q }, (_, i) => q.slice(32 * i, 32 * i + 32) as Hash);
  const phi = x.state.phi.map((old, i) => (i === core ? queue : old));
  const assigners = x.state.assigners.map((old, i) => (i === core ? assigner : old));
  return code('OK', regular(xy, { ...x, state: { ...x.state, phi, assigners } }));
};

/**
 * @gp B.20 -- designate = 16: V validator keys of 336 octets at omega_7. HUH unless x_s is the
 * delegator; OK sets iota.
 */
export const designate: AccumulateHostCall = (env, machine, xy) => {
  const V = env.spec.Cvalcount;
  const v = readRange(machine, reg(machine, 7), BigInt(336 * V));
  if (v === undefined) return panic(xy);
  const x = xy.x;
  if (x.id !== x.state.delegator) return code('HUH', xy);
  // 336 V octets always decode as V keys (four fixed-size fields each); were it not so, the guest
  // would be at fault, never the block: a panic, not a throw.
  const iota = decode(sequence(validatorKey, V), v);
  if (E.isLeft(iota)) return panic(xy);
  return code('OK', regular(xy, { ...x, state: { ...x.state, iota: iota.right } }));
};
