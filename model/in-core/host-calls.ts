/**
 * The host calls of the in-core invocations Psi_I and Psi_R (Appendix B): the general gas and
 * fetch (B.15-B.16) and the refine functions (B.17-B.18): historical_lookup, export, machine,
 * peek, poke, pages, invoke, expunge. Each reads and writes the outer machine through its
 * instance and returns how to go on with the new refine context (m, e); the dispatchers of B.2
 * and B.6 (invocations.ts) charge the gas g = 10 first.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { Writer, encode } from '../../spec/codec.js';
import { codecs, refineContext, workPackage } from '../../spec/codecs.js';
import type { AccumulationInput, ServiceAccount, ServiceId, TimeSlot, WorkItem, WorkPackage } from '../../spec/types.js';
import { RESULT, min, readRange, writeRange } from '../accumulation/host-calls/common.js';
import { constantsBlob } from '../accumulation/host-calls/general.js';
import { zeroPad } from '../erasure/index.js';
import type { PvmEngine, PvmInstance } from '../pvm/index.js';
import { deblob } from '../pvm/index.js';
import { type PvmGuest, accessible, afterHostCall, readGuest, runGuest, writeGuest } from './guest.js';
import { historicalLookup } from './lookup.js';

/** @gp 14.1 eq:segment -- G = B_{W_G}: a segment. */
export type Segment = Uint8Array;

/** The refine context (m, e): the inner machines by index and the segments exported so far. */
export interface RefineContextPair {
  readonly m: ReadonlyMap<bigint, PvmGuest>;
  readonly e: ReadonlyArray<Segment>;
}

/** An empty refine context, (emptyset, []), as Psi_R starts with. */
export const emptyRefineContext: RefineContextPair = { m: new Map(), e: [] };

/** How a host call goes on: continue (registers already set) or panic (registers untouched). */
export interface Answer<X> {
  readonly exit: 'continue' | 'panic';
  readonly x: X;
}

/** The inner-invocation result codes of B.1's second list. */
export const INNER = { HALT: 0n, PANIC: 1n, FAULT: 2n, HOST: 3n, OOG: 4n } as const;

const TWO_64 = 2n ** 64n;
const TWO_32 = 2n ** 32n;
/** 2^64 - 1: the register value naming the invoking service itself. */
const SELF = TWO_64 - 1n;

const reg = (machine: PvmInstance, i: number): bigint => machine.getRegister(i);
const go = <X>(machine: PvmInstance, x: X, r7: bigint, r8?: bigint): Answer<X> => {
  machine.setRegister(7, r7);
  if (r8 !== undefined) machine.setRegister(8, r8);
  return { exit: 'continue', x };
};
const panic = <X>(x: X): Answer<X> => ({ exit: 'panic', x });

/** N_{o..+z} within V*_mu of the outer machine (the empty range always is); the memory is left as it was. */
const writable = (machine: PvmInstance, o: bigint, z: bigint): boolean => {
  const current = readRange(machine, o, z);
  return current !== undefined && writeRange(machine, o, current);
};

/**
 * The tail of fetch and historical_lookup: with f = min(omega_f, |v|), l = min(omega_l, |v| - f),
 * panic if N_{o..+l} is not writable, NONE if v is none, else omega'_7 = |v| and mu'_{o..+l} = v_{f..+l}.
 * (With v none, f and l are undefined in the paper; as for accumulate's calls, the answer is NONE.)
 */
const giveBlob = <X>(machine: PvmInstance, x: X, v: Uint8Array | undefined, o: bigint, fromReg: number, lengthReg: number): Answer<X> => {
  if (v === undefined) return go(machine, x, RESULT.NONE);
  const size = BigInt(v.length);
  const f = min(reg(machine, fromReg), size);
  const l = min(reg(machine, lengthReg), size - f);
  if (!writeRange(machine, o, v.subarray(Number(f), Number(f + l)))) return panic(x);
  return go(machine, x, size);
};

/** @gp B.16 -- gas = 0: omega'_7 = the gas left once this call's 10 is paid. */
export const gasCall = <X>(machine: PvmInstance, x: X): Answer<X> => go(machine, x, machine.gas);

/**
 * The arguments of Omega_Y(p, n, r, i, i-bar, x-bar, i-bold); each may be none (absent). Psi_I
 * gives p only; Psi_R gives p, n = H_0, r, i, i-bar, x-bar; Psi_A gives n and i-bold.
 */
export interface FetchArgs {
  readonly p?: WorkPackage;
  readonly n?: Uint8Array;
  readonly r?: Uint8Array;
  readonly i?: number;
  /** i-bar: each work item's import segments. */
  readonly imports?: ReadonlyArray<ReadonlyArray<Segment>>;
  /** x-bar: each work item's extrinsic data. */
  readonly extrinsics?: ReadonlyArray<ReadonlyArray<Uint8Array>>;
  /** i-bold: the accumulation inputs. */
  readonly inputs?: ReadonlyArray<AccumulationInput>;
}

/** S(w) of fetch: E(E_4(w_s), w_c, E_8(w_g, w_a), E_2(w_e, |w_i|, |w_x|), E_4(|w_y|)). */
const itemSummary = (w: WorkItem): Uint8Array => {
  const out = new Writer();
  out.uint(4, w.serviceIndex);
  out.bytes(w.codeHash);
  out.ubig(8, w.refGasLimit);
  out.ubig(8, w.accGasLimit);
  out.uint(2, w.exportCount);
  out.uint(2, w.importSegments.length);
  out.uint(2, w.extrinsics.length);
  out.uint(4, w.payload.length);
  return out.result();
};

/** The element at index k of a sequence, by a 64-bit register value. */
const at = <T>(s: ReadonlyArray<T> | undefined, k: bigint): T | undefined => (s !== undefined && k < BigInt(s.length) ? s[Number(k)] : undefined);

/** The value v of fetch: the variant omega_10 names, or none. */
export const fetchValue = (spec: ChainSpec, machine: PvmInstance, args: FetchArgs): Uint8Array | undefined => {
  const [kind, r11, r12] = [reg(machine, 10), reg(machine, 11), reg(machine, 12)];
  const { p, n, r, i } = args;
  switch (kind) {
    case 0n:
      return constantsBlob(spec);
    case 1n:
      return n;
    case 2n:
      return r;
    case 3n:
      return at(at(args.extrinsics, r11), r12);
    case 4n:
      return i === undefined ? undefined : at(args.extrinsics?.[i], r11);
    case 5n:
      return at(at(args.imports, r11), r12);
    case 6n:
      return i === undefined ? undefined : at(args.imports?.[i], r11);
    case 7n:
      return p === undefined ? undefined : encode(workPackage, p);
    case 8n:
      return p?.authConfig;
    case 9n:
      return p?.authToken;
    case 10n:
      return p === undefined ? undefined : encode(refineContext, p.context);
    case 11n: {
      if (p === undefined) return undefined;
      const out = new Writer();
      out.natural(p.workItems.length);
      for (const w of p.workItems) out.bytes(itemSummary(w));
      return out.result();
    }
    case 12n: {
      const w = at(p?.workItems, r11);
      return w === undefined ? undefined : itemSummary(w);
    }
    case 13n:
      return at(p?.workItems, r11)?.payload;
    case 14n: {
      if (args.inputs === undefined) return undefined;
      const out = new Writer();
      out.natural(args.inputs.length);
      for (const input of args.inputs) out.bytes(encode(codecs(spec).accumulationInput, input));
      return out.result();
    }
    case 15n: {
      const input = at(args.inputs, r11);
      return input === undefined ? undefined : encode(codecs(spec).accumulationInput, input);
    }
    default:
      return undefined;
  }
};

/** @gp B.16 -- fetch = 1: v per omega_10 (omega_11, omega_12 index it), written from omega_8 for omega_9 octets at omega_7. */
export const fetchCall =
  (spec: ChainSpec, args: FetchArgs) =>
  <X>(machine: PvmInstance, x: X): Answer<X> =>
    giveBlob(machine, x, fetchValue(spec, machine, args), reg(machine, 7), 8, 9);

/**
 * @gp B.18 -- historical_lookup = 6: Lambda(a, t, mu_{omega_8..+32}) for a = d[s] when omega_7 =
 * 2^64 - 1 (and s is in d), else d[omega_7]; written from omega_10 for omega_11 octets at omega_9.
 */
export const historicalLookupCall =
  (s: ServiceId, d: ReadonlyMap<ServiceId, ServiceAccount>, t: TimeSlot) =>
  <X>(machine: PvmInstance, x: X): Answer<X> => {
    const r7 = reg(machine, 7);
    const a = r7 === SELF && d.has(s) ? d.get(s) : r7 < TWO_32 ? d.get(Number(r7)) : undefined;
    const h = readRange(machine, reg(machine, 8), 32n);
    if (h === undefined) return panic(x);
    const v = a === undefined ? undefined : historicalLookup(a, t, h as Hash);
    return giveBlob(machine, x, v, reg(machine, 9), 10, 11);
  };

/**
 * @gp B.18 -- export = 7: x = P_{W_G}(mu_{p..+z}) with z = min(omega_8, W_G); FULL when the
 * segment offset plus |e| reaches W_X, else omega'_7 = its index and e' = e ++ [x].
 */
export const exportCall =
  (spec: ChainSpec, segoff: number) =>
  (machine: PvmInstance, x: RefineContextPair): Answer<RefineContextPair> => {
    const z = min(reg(machine, 8), BigInt(spec.Csegmentsize));
    const data = readRange(machine, reg(machine, 7), z);
    if (data === undefined) return panic(x);
    const index = segoff + x.e.length;
    if (index >= spec.Cmaxpackageexports) return go(machine, x, RESULT.FULL);
    // P_{W_G} (14.18) of 1 to W_G octets is one segment; of none it is the empty blob, which is
    // no segment (B_{W_G}): the model exports a zero segment then (see the report's ambiguity).
    const segment = data.length === 0 ? new Uint8Array(spec.Csegmentsize) : zeroPad(spec.Csegmentsize, data);
    return go(machine, { m: x.m, e: [...x.e, segment] }, BigInt(index));
  };

/**
 * @gp B.18 -- machine = 8: a new guest (p = mu_{p_O..+p_Z}, zero RAM with no page accessible,
 * counter i = omega_9) at the least free index n; HUH when p does not deblob.
 */
export const machineCall = (machine: PvmInstance, x: RefineContextPair): Answer<RefineContextPair> => {
  const p = readRange(machine, reg(machine, 7), reg(machine, 8));
  if (p === undefined) return panic(x);
  if (E.isLeft(deblob(p))) return go(machine, x, RESULT.HUH);
  let n = 0n;
  while (x.m.has(n)) n++;
  const m = new Map(x.m);
  m.set(n, { p: p.slice(), u: new Map(), i: reg(machine, 9) });
  return go(machine, { m, e: x.e }, n);
};

/**
 * @gp B.18 -- peek = 9: mu'_{o..+z} = (m[n]_u)_{s..+z}; panic when the outer range is not
 * writable, WHO for no guest n, OOB when the guest's range is not readable.
 */
export const peekCall = (machine: PvmInstance, x: RefineContextPair): Answer<RefineContextPair> => {
  const [n, o, s, z] = [reg(machine, 7), reg(machine, 8), reg(machine, 9), reg(machine, 10)];
  if (!writable(machine, o, z)) return panic(x);
  const guest = x.m.get(n);
  if (guest === undefined) return go(machine, x, RESULT.WHO);
  if (!accessible(guest.u, s, z, 'read')) return go(machine, x, RESULT.OOB);
  writeRange(machine, o, readGuest(guest.u, s, z));
  return go(machine, x, RESULT.OK);
};

/**
 * @gp B.18 -- poke = 10: (m'[n]_u)_{o..+z} = mu_{s..+z}; panic when the outer range is not
 * readable, WHO for no guest n, OOB when the guest's range is not writable.
 */
export const pokeCall = (machine: PvmInstance, x: RefineContextPair): Answer<RefineContextPair> => {
  const [n, s, o, z] = [reg(machine, 7), reg(machine, 8), reg(machine, 9), reg(machine, 10)];
  const data = readRange(machine, s, z);
  if (data === undefined) return panic(x);
  const guest = x.m.get(n);
  if (guest === undefined) return go(machine, x, RESULT.WHO);
  if (!accessible(guest.u, o, z, 'write')) return go(machine, x, RESULT.OOB);
  const m = new Map(x.m);
  m.set(n, { ...guest, u: writeGuest(guest.u, o, data) });
  return go(machine, { m, e: x.e }, RESULT.OK);
};

/** 2^32 / Z_P: the number of pages. */
const PAGE_COUNT = 2n ** 20n;

/**
 * @gp B.18 -- pages = 11: pages p..+c of guest n become inaccessible (r = 0), R (1, 3) or W (2,
 * 4), zeroed when r < 3; WHO for no guest n; HUH when r > 4, p < 16 or p + c >= 2^32 / Z_P, or
 * when r > 2 and one of the pages is inaccessible.
 */
export const pagesCall = (machine: PvmInstance, x: RefineContextPair): Answer<RefineContextPair> => {
  const [n, p, c, r] = [reg(machine, 7), reg(machine, 8), reg(machine, 9), reg(machine, 10)];
  const guest = x.m.get(n);
  if (guest === undefined) return go(machine, x, RESULT.WHO);
  if (r > 4n || p < 16n || p + c >= PAGE_COUNT) return go(machine, x, RESULT.HUH);
  const pages = Array.from({ length: Number(c) }, (_, k) => Number(p) + k);
  if (r > 2n && pages.some((page) => !guest.u.has(page))) return go(machine, x, RESULT.HUH);
  const u = new Map(guest.u);
  for (const page of pages) {
    if (r === 0n) u.delete(page);
    else
      u.set(page, {
        access: r === 1n || r === 3n ? 'read' : 'write',
        value: r < 3n ? new Uint8Array(4096) : guest.u.get(page)!.value,
      });
  }
  const m = new Map(x.m);
  m.set(n, { ...guest, u });
  return go(machine, { m, e: x.e }, RESULT.OK);
};

/** E_8 of a signed gas value: the out-of-gas g' = -1 of the engines is written as 0 (see the report's ambiguity). */
const gasOctets = (g: bigint): bigint => (g < 0n ? 0n : g);

/**
 * @gp B.18 -- invoke = 12: run guest n from its counter with gas g and registers w read as
 * E_8(g) ++ E_8(w) at omega_8 (112 octets); write g', w' back and answer with the exit code:
 * HOST (omega'_8 = h, counter past the ecalli), FAULT (omega'_8 = the address), OOG, PANIC, HALT.
 * Panic when the 112 octets are not writable; WHO for no guest n.
 */
export const invokeCall =
  (engine: PvmEngine) =>
  (machine: PvmInstance, x: RefineContextPair): Answer<RefineContextPair> => {
    const [n, o] = [reg(machine, 7), reg(machine, 8)];
    const args = readRange(machine, o, 112n);
    if (args === undefined || !writable(machine, o, 112n)) return panic(x);
    const guest = x.m.get(n);
    if (guest === undefined) return go(machine, x, RESULT.WHO);
    const view = new DataView(args.buffer, args.byteOffset, 112);
    const g = view.getBigUint64(0, true);
    const w = Array.from({ length: 13 }, (_, k) => view.getBigUint64(8 + 8 * k, true));
    const run = runGuest(engine, guest, g, w);
    const out = new Writer();
    out.ubig(8, gasOctets(run.g));
    for (const v of run.w) out.ubig(8, v);
    writeRange(machine, o, out.result());
    const m = new Map(x.m);
    const i = run.c.kind === 'host' ? afterHostCall(guest.p, run.i) : run.i;
    m.set(n, { p: guest.p, u: run.u, i });
    const next = { m, e: x.e };
    switch (run.c.kind) {
      case 'host':
        return go(machine, next, INNER.HOST, BigInt(run.c.id));
      case 'fault':
        return go(machine, next, INNER.FAULT, BigInt(run.c.address));
      case 'out-of-gas':
        return go(machine, next, INNER.OOG);
      case 'panic':
        return go(machine, next, INNER.PANIC);
      case 'halt':
        return go(machine, next, INNER.HALT);
    }
  };

/** @gp B.18 -- expunge = 13: remove guest omega_7 and answer its counter; WHO for no such guest. */
export const expungeCall = (machine: PvmInstance, x: RefineContextPair): Answer<RefineContextPair> => {
  const n = reg(machine, 7);
  const guest = x.m.get(n);
  if (guest === undefined) return go(machine, x, RESULT.WHO);
  const m = new Map(x.m);
  m.delete(n);
  return go(machine, { m, e: x.e }, guest.i);
};
