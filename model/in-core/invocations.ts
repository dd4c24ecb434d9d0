/**
 * The two in-core invocations of Appendix B: Is-Authorized Psi_I (B.1-B.2) and Refine Psi_R
 * (B.5-B.6), each Psi_M (A.44) over its host-call dispatch, on the PVM engine the caller gives.
 */
import type { Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { Writer, encode } from '../../spec/codec.js';
import { workPackage } from '../../spec/codecs.js';
import type { CoreIndex, ServiceAccount, ServiceId, WorkPackage, WorkResult } from '../../spec/types.js';
import { RESULT } from '../accumulation/host-calls/common.js';
import { blake2b256, zeroHash } from '../crypto/index.js';
import type { HostCall, PvmEngine, PvmInstance } from '../pvm/index.js';
import { PsiM } from '../pvm/index.js';
import {
  type Answer,
  type RefineContextPair,
  type Segment,
  emptyRefineContext,
  exportCall,
  expungeCall,
  fetchCall,
  gasCall,
  historicalLookupCall,
  invokeCall,
  machineCall,
  pagesCall,
  peekCall,
  pokeCall,
} from './host-calls.js';
import { historicalLookup, splitMetadata } from './lookup.js';

/** The gas of every in-core host call, and of an unknown one. */
const G = 10n;

/**
 * @gp B.15, B.17 -- gas' = gas - g, g = 10 for every general and refine call: out of gas (nothing
 * else changed) when fewer are left, else the call runs; an unknown id costs 10 and answers WHAT
 * (B.2, B.6). The engines hold natural gas, so an exhausted counter is left at 0.
 */
const dispatch =
  <X>(calls: ReadonlyMap<number, (machine: PvmInstance, x: X) => Answer<X>>): HostCall<X> =>
  (id, machine, x) => {
    if (machine.gas < G) {
      machine.gas = 0n;
      return { exit: 'out-of-gas', x };
    }
    machine.gas -= G;
    const call = calls.get(id);
    if (call === undefined) {
      machine.setRegister(7, RESULT.WHAT);
      return { exit: 'continue', x };
    }
    return call(machine, x);
  };

/** The result of Psi_R: a blob or one of the work errors E (11.7). */
export type InvocationResult = Uint8Array | Exclude<WorkResult['kind'], 'ok'>;

/** The result of Psi_I: a trace, or BAD, BIG, panic, out of gas. */
export type AuthorizationResult = Uint8Array | 'badCode' | 'bigCode' | 'panic' | 'outOfGas';

/** The accounts delta the in-core invocations read through the historical lookup. */
export type Accounts = ReadonlyMap<ServiceId, ServiceAccount>;

/**
 * @gp 14.10 -- p_c: the authorization code, E(var(p_m), p_c) = Lambda(delta[p_h], (p_x)_t, p_u);
 * none when the host, the preimage or the split is missing.
 */
export const authCode = (delta: Accounts, p: WorkPackage): Uint8Array | undefined => {
  const host = delta.get(p.authCodeHost);
  const preimage = host === undefined ? undefined : historicalLookup(host, p.context.lookupAnchorTime, p.authCodeHash);
  return preimage === undefined ? undefined : splitMetadata(preimage)?.c;
};

/** @gp B.2 eq:isauthorizedmutator -- F of Psi_I: gas and fetch (with p alone); anything else WHAT. */
export const isAuthorizedDispatch = (spec: ChainSpec, p: WorkPackage): HostCall<null> =>
  dispatch(
    new Map([
      [0, gasCall],
      [1, fetchCall(spec, { p })],
    ]),
  );

/**
 * @gp B.1 eq:isauthinvocation -- Psi_I(p, c): BAD when p_c is none, BIG when |p_c| > W_A, else
 * Psi_M(p_c, 0, G_I, E_2(c), F, none): the trace r (or panic, out of gas) and the gas used u.
 */
export const PsiI =
  (spec: ChainSpec, engine: PvmEngine) =>
  (delta: Accounts, p: WorkPackage, c: CoreIndex): { readonly r: AuthorizationResult; readonly u: bigint } => {
    const code = authCode(delta, p);
    if (code === undefined) return { r: 'badCode', u: 0n };
    if (code.length > spec.Cmaxauthcodesize) return { r: 'bigCode', u: 0n };
    const a = new Writer();
    a.uint(2, c);
    const run = PsiM(engine)(code, 0, spec.Cpackageauthgas, a.result(), isAuthorizedDispatch(spec, p), null);
    return { r: workError(run.result), u: run.gasUsed };
  };

/** Psi_M's panic and out-of-gas as the work errors of 11.7. */
const workError = (o: Uint8Array | 'panic' | 'out-of-gas'): Uint8Array | 'panic' | 'outOfGas' =>
  o === 'panic' ? 'panic' : o === 'out-of-gas' ? 'outOfGas' : o;

/** The arguments of Psi_R besides the spec, the engine and delta. */
export interface RefineArguments {
  /** c: the core refining. */
  readonly c: CoreIndex;
  /** i: the index of the work item. */
  readonly i: number;
  readonly p: WorkPackage;
  /** r: the authorizer trace. */
  readonly r: Uint8Array;
  /** i-bar: every work item's import segments. */
  readonly imports: ReadonlyArray<ReadonlyArray<Segment>>;
  /** x-bar: every work item's extrinsic data (the blobs whose (H(x), |x|) the item lists). */
  readonly extrinsics: ReadonlyArray<ReadonlyArray<Uint8Array>>;
  /** The export segment offset: the exports of the items before i. */
  readonly segoff: number;
}

/** What Psi_R yields: the result, the exported segments (none unless it halted), the gas used u. */
export interface RefineOutcome {
  readonly result: InvocationResult;
  readonly exports: ReadonlyArray<Segment>;
  readonly u: bigint;
}

/**
 * @gp B.6 eq:refinemutator -- F of Psi_R: gas, fetch (p, H_0, r, i, i-bar, x-bar), and the refine
 * functions; anything else WHAT.
 */
export const refineDispatch = (
  spec: ChainSpec,
  engine: PvmEngine,
  delta: Accounts,
  args: RefineArguments,
): HostCall<RefineContextPair> => {
  const w = args.p.workItems[args.i]!;
  const calls = new Map<number, (m: PvmInstance, x: RefineContextPair) => Answer<RefineContextPair>>([
    [0, gasCall],
    [1, fetchCall(spec, { p: args.p, n: zeroHash, r: args.r, i: args.i, imports: args.imports, extrinsics: args.extrinsics })],
    [6, historicalLookupCall(w.serviceIndex, delta, args.p.context.lookupAnchorTime)],
    [7, exportCall(spec, args.segoff)],
    [8, machineCall],
    [9, peekCall],
    [10, pokeCall],
    [11, pagesCall],
    [12, invokeCall(engine)],
    [13, expungeCall],
  ]);
  return dispatch(calls);
};

/**
 * @gp B.5 eq:refinvocation -- Psi_R(c, i, p, r, i-bar, segoff): BAD when w_s has no account or
 * its code is not historically available at the lookup anchor, BIG when the code exceeds W_C,
 * else Psi_M(c, 0, w_g, E(c, i, w_s, var(w_y), H(p)), F, (emptyset, [])): the result, the exports
 * e (none on panic or out of gas) and the gas used.
 */
export const PsiR =
  (spec: ChainSpec, engine: PvmEngine) =>
  (delta: Accounts, args: RefineArguments): RefineOutcome => {
    const { c, i, p } = args;
    const w = p.workItems[i];
    if (w === undefined) throw new RangeError(`work item ${i} of ${p.workItems.length}`);
    const account = delta.get(w.serviceIndex);
    const preimage = account === undefined ? undefined : historicalLookup(account, p.context.lookupAnchorTime, w.codeHash);
    if (preimage === undefined) return { result: 'badCode', exports: [], u: 0n };
    if (preimage.length > spec.Cmaxservicecodesize) return { result: 'bigCode', exports: [], u: 0n };
    const code = splitMetadata(preimage)?.c;
    if (code === undefined) return { result: 'badCode', exports: [], u: 0n };
    const a = new Writer();
    a.natural(c);
    a.natural(i);
    a.natural(w.serviceIndex);
    a.natural(w.payload.length);
    a.bytes(w.payload);
    a.bytes(blake2b256(encode(workPackage, p)) as Hash);
    const run = PsiM(engine)(code, 0, w.refGasLimit, a.result(), refineDispatch(spec, engine, delta, args), emptyRefineContext);
    const result = workError(run.result);
    return { result, exports: typeof result === 'string' ? [] : run.x.e, u: run.gasUsed };
  };
