/**
 * The accumulate host calls that create, change or remove accounts and move balance
 * (B.20 "Accumulate Functions"): checkpoint, new, upgrade, transfer and eject.
 */
import { bytesEqual, type Hash } from '../../../spec/bytes.js';
import type { DeferredTransfer, ServiceAccount } from '../../../spec/types.js';
import { requestOf, withRequest } from '../../merklization/serialize.js';
import {
  type AccumulateHostCall,
  asServiceId,
  check,
  code,
  panic,
  readRange,
  reg,
  regular,
  self,
  thresholdBalance,
  value,
  withAccount,
} from './common.js';

/** @gp B.20 -- checkpoint = 17: y' = x; omega'_7 = the gas left after this call's 10. */
export const checkpoint: AccumulateHostCall = (_env, machine, xy) => value(machine.gas, { x: xy.x, y: xy.x });

/**
 * @gp B.20 -- new = 18: [o, l, g, m, f, i] = omega_7..12. A new account with code hash mu_{o..+32},
 * one request (c, l) -> [], balance its threshold, taken from x_s. HUH for a gratis offset from
 * a non-manager; CASH if x_s would fall below its threshold; the registrar may pick i < S (FULL
 * if taken); otherwise the account gets x_i, and x_i moves on to check(S + (x_i - S + 42) mod (2^32 - S - 2^8)).
 */
export const newService: AccumulateHostCall = (env, machine, xy) => {
  const { spec } = env;
  const [o, l, minAccGas, minMemoGas, gratis, desired] = [7, 8, 9, 10, 11, 12].map((i) => reg(machine, i)) as [
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
    bigint,
  ];
  const c = l < 1n << 32n ? readRange(machine, o, 32n) : undefined;
  if (c === undefined) return panic(xy);
  const x = xy.x;
  const bare: ServiceAccount = {
    codeHash: c as Hash,
    balance: 0n,
    minAccGas,
    minMemoGas,
    octets: 81n + l,
    gratis,
    items: 2,
    created: env.tau,
    lastAcc: 0,
    parent: x.id,
    storage: new Map(),
    preimages: new Map(),
    requests: new Map(),
    opaque: new Map(),
  };
  const a: ServiceAccount = { ...withRequest(bare, c as Hash, Number(l), []), balance: thresholdBalance(spec, bare) };
  const me = self(x);
  const s: ServiceAccount = { ...me, balance: me.balance - a.balance };
  if (gratis !== 0n && x.id !== x.state.manager) return code('HUH', xy);
  if (s.balance < thresholdBalance(spec, me)) return code('CASH', xy);
  const S = BigInt(spec.Cminpublicindex);
  if (x.id === x.state.registrar && desired < S) {
    const i = Number(desired);
    if (x.state.delta.has(i)) return code('FULL', xy);
    return value(desired, regular(xy, withAccount(withAccount(x, i, a), x.id, s)));
  }
  const created = withAccount(withAccount(x, x.nextFreeId, a), x.id, s);
  const span = 2 ** 32 - spec.Cminpublicindex - 2 ** 8;
  const next = spec.Cminpublicindex + ((x.nextFreeId - spec.Cminpublicindex + 42) % span);
  return value(
    BigInt(x.nextFreeId),
    regular(xy, { ...created, nextFreeId: check(spec, env.baseAccounts, next) }),
  );
};

/** @gp B.20 -- upgrade = 19: [o, g, m] = omega_7..9; x_s gets code hash mu_{o..+32} and gas limits g, m. */
export const upgrade: AccumulateHostCall = (_env, machine, xy) => {
  const c = readRange(machine, reg(machine, 7), 32n);
  if (c === undefined) return panic(xy);
  const x = xy.x;
  const a: ServiceAccount = { ...self(x), codeHash: c as Hash, minAccGas: reg(machine, 8), minMemoGas: reg(machine, 9) };
  return code('OK', regular(xy, withAccount(x, x.id, a)));
};

/**
 * @gp B.20 -- transfer = 20: [d, a, l, o] = omega_7..10; a deferred transfer of a to d with
 * gas l and the memo at o. WHO for an unknown d; LOW if l is below d's a_m; CASH if x_s would
 * fall below its threshold; OK appends it and debits x_s. Gas 10 + l when OK, else 10.
 */
export const transfer: AccumulateHostCall = (env, machine, xy) => {
  const [d, amount, l, o] = [reg(machine, 7), reg(machine, 8), reg(machine, 9), reg(machine, 10)];
  const memo = readRange(machine, o, BigInt(env.spec.Cmemosize));
  if (memo === undefined) return panic(xy);
  const x = xy.x;
  const dest = asServiceId(d);
  const target = dest === undefined ? undefined : x.state.delta.get(dest);
  if (dest === undefined || target === undefined) return code('WHO', xy);
  if (l < target.minMemoGas) return code('LOW', xy);
  const me = self(x);
  const b = me.balance - amount;
  if (b < thresholdBalance(env.spec, me)) return code('CASH', xy);
  const t: DeferredTransfer = { source: x.id, dest, amount, memo: memo.slice(), gas: l };
  const next = withAccount(x, x.id, { ...me, balance: b });
  return { ...code('OK', regular(xy, { ...next, xfers: [...x.xfers, t] })), gas: 10n + l };
};

/**
 * @gp B.20 -- eject = 21: [d, o] = omega_7, omega_8. Removes d (not s), whose code hash must be
 * E_32(s), which holds exactly its one request (h, max(81, d_o) - 81) = [x, y] with y < t - D;
 * x_s takes d's balance. WHO for an unknown or foreign d, else HUH for any other shape.
 */
export const eject: AccumulateHostCall = (env, machine, xy) => {
  const [d, o] = [reg(machine, 7), reg(machine, 8)];
  const h = readRange(machine, o, 32n);
  if (h === undefined) return panic(xy);
  const x = xy.x;
  const id = asServiceId(d);
  const target = id === undefined || id === x.id ? undefined : x.state.delta.get(id);
  const ownHash = new Uint8Array(32);
  new DataView(ownHash.buffer).setUint32(0, x.id, true);
  if (id === undefined || target === undefined || !bytesEqual(target.codeHash, ownHash)) return code('WHO', xy);
  const l = (target.octets > 81n ? target.octets : 81n) - 81n;
  const request = l < 1n << 32n ? requestOf(target, h as Hash, Number(l)) : undefined;
  if (target.items !== 2 || request === undefined) return code('HUH', xy);
  const [, y] = request;
  if (request.length !== 2 || y === undefined || !(y < env.tau - env.spec.Cexpungeperiod)) return code('HUH', xy);
  const me = self(x);
  const delta = new Map(x.state.delta);
  delta.delete(id);
  delta.set(x.id, { ...me, balance: me.balance + target.balance });
  return code('OK', regular(xy, { ...x, state: { ...x.state, delta } }));
};
