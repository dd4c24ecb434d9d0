/**
 * The accumulate invocation Psi_A (B.9): the code of the service, the balance credit of its
 * incoming transfers, the initial context I (with the next free id from check, B.14), the
 * host-call dispatch F over the host calls of `host-calls/`, and the collapse C of the
 * regular and exceptional dimensions. The machine runs on the PVM engine the caller chooses
 * (chain/engines.ts) through Psi_M of `model/pvm`.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { paperReadings, type Readings } from '../../spec/readings.js';
import { Writer, decodePrefix, natural } from '../../spec/codec.js';
import type { ServiceAccount, ServiceId, TimeSlot } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import { preimageOf } from '../merklization/serialize.js';
import { PsiM, type HostCall, type PvmEngine } from '../pvm/index.js';
import { type AccumulateHostCall, type HostEnv, RESULT, check } from './host-calls/common.js';
import { fetch, gas, info, lookup, read, write } from './host-calls/general.js';
import { forget, provide, query, solicit, yieldHash } from './host-calls/preimages.js';
import { assign, bless, designate } from './host-calls/privileged.js';
import { checkpoint, eject, newService, transfer, upgrade } from './host-calls/services.js';
import type {
  AccumulateInvocation,
  AccumulationOneOutput,
  HostCallObserver,
  HostCallOutcome,
  Implications,
  ImplicationsPair,
  PartialState,
} from './types.js';

/**
 * The host calls of Psi_A by identifier (B.9's F), with their names and base gas g. JIP-1's
 * `log` (100) is not among them: F answers it as any unknown id, 10 gas and WHAT, which is what
 * the accumulate vectors' gas figures show (their README says 0); the reading `log-host-call =
 * jip-1` makes it JIP-1's instead (see `jip1Log`).
 */
export const hostCalls: ReadonlyMap<number, { readonly name: string; readonly call: AccumulateHostCall; readonly gas: bigint }> =
  new Map([
    [0, { name: 'gas', call: gas, gas: 10n }],
    [1, { name: 'fetch', call: fetch, gas: 10n }],
    [2, { name: 'lookup', call: lookup, gas: 10n }],
    [3, { name: 'read', call: read, gas: 10n }],
    [4, { name: 'write', call: write, gas: 10n }],
    [5, { name: 'info', call: info, gas: 10n }],
    [14, { name: 'bless', call: bless, gas: 10n }],
    [15, { name: 'assign', call: assign, gas: 10n }],
    [16, { name: 'designate', call: designate, gas: 10n }],
    [17, { name: 'checkpoint', call: checkpoint, gas: 10n }],
    [18, { name: 'new', call: newService, gas: 10n }],
    [19, { name: 'upgrade', call: upgrade, gas: 10n }],
    [20, { name: 'transfer', call: transfer, gas: 10n }],
    [21, { name: 'eject', call: eject, gas: 10n }],
    [22, { name: 'query', call: query, gas: 10n }],
    [23, { name: 'solicit', call: solicit, gas: 10n }],
    [24, { name: 'forget', call: forget, gas: 10n }],
    [25, { name: 'yield', call: yieldHash, gas: 10n }],
    [26, { name: 'provide', call: provide, gas: 10n }],
  ]);

/**
 * @gp 9.4 -- a_c: the code of an account, E(var(m), c) = a_p[a_c] with the metadata m dropped;
 * none when the preimage is missing or does not split so.
 */
export const serviceCode = (a: ServiceAccount): Uint8Array | undefined => {
  const p = preimageOf(a, a.codeHash);
  if (p === undefined) return undefined;
  const split = decodePrefix(natural, p);
  if (E.isLeft(split)) return undefined;
  const [m, at] = split.right;
  return BigInt(at) + m <= BigInt(p.length) ? p.subarray(at + Number(m)) : undefined;
};

/**
 * @gp B.10 -- I(e, s): the initial context, with the next free id
 * check((E_4^-1(H(E(s, eta'_0, H_t))) mod (2^32 - S - 2^8)) + S).
 */
export const initialContext = (
  spec: ChainSpec,
  state: PartialState,
  s: ServiceId,
  entropy: Hash,
  tau: TimeSlot,
): Implications => {
  const w = new Writer();
  // E without a subscript: general naturals (C.5) for s and H_t.
  w.natural(s);
  w.bytes(entropy);
  w.natural(tau);
  const h = blake2b256(w.result());
  const n = ((h[0] ?? 0) + (h[1] ?? 0) * 2 ** 8 + (h[2] ?? 0) * 2 ** 16 + (h[3] ?? 0) * 2 ** 24) >>> 0;
  const S = spec.Cminpublicindex;
  const nextFreeId = check(spec, state.delta, (n % (2 ** 32 - S - 2 ** 8)) + S);
  return { id: s, state, nextFreeId, xfers: [], yield: undefined, provisions: [] };
};

/** @gp B.13 -- C: the regular dimension after a halt, the exceptional one after panic or out of gas. */
export const collapse = (
  gasUsed: bigint,
  o: Uint8Array | 'panic' | 'out-of-gas',
  { x, y }: ImplicationsPair,
): AccumulationOneOutput => {
  if (o === 'panic' || o === 'out-of-gas')
    return { poststate: y.state, defxfers: y.xfers, yield: y.yield, gasUsed, provisions: y.provisions };
  return {
    poststate: x.state,
    defxfers: x.xfers,
    yield: o.length === 32 ? (o.slice() as Hash) : x.yield,
    gasUsed,
    provisions: x.provisions,
  };
};

/** JIP-1's log (id 100): no effect on the accumulation, 0 gas, the registers left as they are. */
const JIP1_LOG = 100;

/**
 * @gp B.11 -- F: the host-call dispatch of Psi_A. Charges g (out of gas, nothing else changed,
 * when the gas left is below it), runs the call, sets omega'_7 (and omega'_8); an unknown id
 * costs 10 and answers WHAT.
 */
export const F =
  (env: HostEnv, observer: HostCallObserver | undefined, log: Readings['log-host-call']): HostCall<ImplicationsPair> =>
  (id, machine, xy) => {
    if (id === JIP1_LOG && log === 'jip-1') {
      // Reported as OK, though log writes no register: it did what it was asked.
      observer?.('log', 'OK');
      return { exit: 'continue', x: xy };
    }
    const entry = hostCalls.get(id);
    const name = entry?.name ?? `unknown(${id})`;
    const report = (outcome: HostCallOutcome): void => observer?.(name, outcome);
    const before = machine.gas;
    const base = entry?.gas ?? 10n;
    // Out of gas: g' = g - base < 0; Psi_M counts max(g', 0), and the engines hold naturals, so 0.
    if (before < base) {
      machine.gas = 0n;
      report('out-of-gas');
      return { exit: 'out-of-gas', x: xy };
    }
    machine.gas = before - base;
    if (entry === undefined) {
      machine.setRegister(7, RESULT.WHAT);
      report('WHAT');
      return { exit: 'continue', x: xy };
    }
    const answer = entry.call(env, machine, xy);
    if (answer.gas !== undefined && answer.gas !== base) {
      // transfer: g = 10 + t once t is known.
      if (before < answer.gas) {
        machine.gas = 0n;
        report('out-of-gas');
        return { exit: 'out-of-gas', x: xy };
      }
      machine.gas = before - answer.gas;
    }
    report(answer.outcome);
    if (answer.exit === 'panic') return { exit: 'panic', x: answer.xy };
    if (answer.r7 !== undefined) machine.setRegister(7, answer.r7);
    if (answer.r8 !== undefined) machine.setRegister(8, answer.r8);
    return { exit: 'continue', x: answer.xy };
  };

/**
 * @gp B.9 -- Psi_A(e, t, s, g, i): credit s with its incoming transfers, then (if s has code of at
 * most W_C octets) run it from instruction 5 with E(t, s, |i|) and collapse the context.
 */
export const PsiA =
  (spec: ChainSpec, engine: PvmEngine, readings: Pick<Readings, 'sbrk-heap-start' | 'log-host-call'> = paperReadings): AccumulateInvocation =>
  (state, tau, s, g, inputs, entropy, observer) => {
    const account = state.delta.get(s);
    let credited = state;
    if (account !== undefined) {
      let balance = account.balance;
      for (const i of inputs) if (i.kind === 'transfer') balance += i.value.amount;
      const delta = new Map(state.delta);
      delta.set(s, { ...account, balance });
      credited = { ...state, delta };
    }
    const c = account === undefined ? undefined : serviceCode(account);
    if (c === undefined || c.length > spec.Cmaxservicecodesize)
      return { poststate: credited, defxfers: [], yield: undefined, gasUsed: 0n, provisions: [] };
    const args = new Writer();
    args.natural(tau);
    args.natural(s);
    args.natural(inputs.length);
    const x = initialContext(spec, credited, s, entropy, tau);
    const env: HostEnv = { spec, tau, entropy, inputs, baseAccounts: state.delta };
    const result = PsiM(engine, readings['sbrk-heap-start'])(c, 5, g, args.result(), F(env, observer, readings['log-host-call']), { x, y: x });
    return collapse(result.gasUsed, result.result, result.x);
  };

/**
 * A counter of (host call, outcome) pairs reached, for the accumulate class to print: pass
 * `observer` to Psi_A, read `counts` (keys `name:outcome`) afterwards.
 */
export const hostCallCounter = (): { readonly observer: HostCallObserver; readonly counts: ReadonlyMap<string, number> } => {
  const counts = new Map<string, number>();
  return {
    observer: (call, outcome) => counts.set(`${call}:${outcome}`, (counts.get(`${call}:${outcome}`) ?? 0) + 1),
    counts,
  };
};
