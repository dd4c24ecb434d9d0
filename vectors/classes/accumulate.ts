/**
 * `stf/accumulate`: accumulation, section 12. The vectors' state is tau (`slot`), eta'_0
 * (`entropy`), omega (`ready_queue`), xi (`accumulated`), chi (`privileges`), pi_S
 * (`statistics`, of which accumulation defines the accumulation counters, eq. 13.12 with no
 * incoming reports and no preimages) and delta (`accounts`); the output is the Keccak Merkle root
 * of theta' (eq. 7.6). The vectors carry neither iota nor phi, which only `designate` and
 * `assign` touch: the model runs with an all-zero staging set and authorizer queues, and those
 * two components are not compared. Runs on either PVM engine (`ts`, `native`).
 *
 * sbrk: the test service's allocator grows its heap with `sbrk`; the A.28 row leaves the heap
 * pointer h undefined, and the PVM follows the vectors' byte-precise heap pointer (see
 * `model/pvm/interpreter.ts`), which reproduces their gas in every case.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { Hash } from '../../spec/bytes.js';
import { choice, mapCodec, nothing, record, u32, varSequence } from '../../spec/codec.js';
import { accounts, codecs, hash, servicesStatistics, workReport } from '../../spec/codecs.js';
import type { Privileges, ServiceAccount, ServiceActivity, ServiceId, State, TimeSlot, WorkReport } from '../../spec/types.js';
import { accumulation } from '../../model/accumulation/index.js';
import { PsiA } from '../../model/accumulation/invocation.js';
import type { HostCallObserver } from '../../model/accumulation/types.js';
import { zeroHash } from '../../model/crypto/index.js';
import { accoutLogRoot } from '../../model/history/index.js';
import { accountOfRaw } from '../../model/merklization/serialize.js';
import type { PvmEngine } from '../../model/pvm/index.js';
import { isPvmEngineName, pvmEngineChoices, pvmEngineNamed, pvmEngineNames } from '../../chain/index.js';
import { paperReadings, type Readings } from '../../spec/readings.js';
import { serviceStatistics } from '../../model/statistics/index.js';
import type { VectorClass } from '../report.js';
import { stfCaseCodec, stfClass, type StfResult } from '../stf.js';

interface AccumulateVectorState {
  readonly tau: TimeSlot;
  readonly entropy: Hash;
  readonly omega: State['omega'];
  readonly xi: State['xi'];
  readonly chi: Privileges;
  readonly services: ReadonlyMap<ServiceId, ServiceActivity>;
  readonly delta: ReadonlyMap<ServiceId, ServiceAccount>;
}

interface AccumulateVectorInput {
  readonly slot: TimeSlot;
  readonly reports: ReadonlyArray<WorkReport>;
}

/** `Output ::= CHOICE { ok OpaqueHash, err NULL }`: `err` when accumulation makes the block invalid. */
type AccumulateVectorOutput = { readonly kind: 'ok'; readonly value: Hash } | { readonly kind: 'err'; readonly value: null };

/**
 * delta as the vectors give it (a_s, a_p, a_l under their own keys, `RawServiceAccount`), read into
 * the state's form with `accountOfRaw` (no opaque entries), for the pre-state the model runs on and
 * the post-state its posterior is compared with. Only the model's posterior is ever compared, never
 * written back, so this codec only decodes.
 */
const stateFormAccounts = mapCodec(
  accounts,
  'Accounts',
  (raw): ReadonlyMap<ServiceId, ServiceAccount> => new Map([...raw].map(([s, a]) => [s, accountOfRaw(a)] as const)),
  () => {
    throw new Error('accumulate: accounts in the state form cannot be encoded under the raw keys of the vectors');
  },
);

/** The vectors' test case (`accumulate.asn`) for one chain spec. */
export const accumulateTestCase = (spec: ChainSpec) => {
  const c = codecs(spec);
  const state = record<AccumulateVectorState>('AccumulateState', [
    ['tau', 'slot', u32],
    ['entropy', 'entropy', hash],
    ['omega', 'ready_queue', c.omega],
    ['xi', 'accumulated', c.xi],
    ['chi', 'privileges', c.privileges],
    ['services', 'statistics', servicesStatistics],
    ['delta', 'accounts', stateFormAccounts],
  ]);
  const input = record<AccumulateVectorInput>('AccumulateInput', [
    ['slot', 'slot', u32],
    ['reports', 'reports', varSequence(workReport)],
  ]);
  const output = choice<AccumulateVectorOutput>('AccumulateOutput', {
    ok: { tag: 0, json: 'ok', codec: hash },
    err: { tag: 1, json: 'err', codec: nothing },
  });
  return stfCaseCodec(input, state, output);
};

/** iota and phi, absent from the vectors: all-zero keys and queues of the spec's sizes. */
const placeholders = (spec: ChainSpec): Pick<State, 'iota' | 'phi'> => ({
  iota: Array.from({ length: spec.Cvalcount }, () => ({
    bs: zeroHash,
    ed: zeroHash,
    bls: new Uint8Array(144),
    metadata: new Uint8Array(128),
  })) as State['iota'],
  phi: Array.from({ length: spec.Ccorecount }, () => Array.from({ length: spec.Cauthqueuesize }, () => zeroHash)),
});

/**
 * Runs accumulation on a vector's pre-state and input, with Psi_A on the given PVM engine; an
 * observer, when given, is told of every host call (for the coverage table).
 */
export const runAccumulate =
  (engine: PvmEngine, observer?: HostCallObserver, readings: Readings = paperReadings) =>
  (spec: ChainSpec) =>
  (pre: AccumulateVectorState, i: AccumulateVectorInput): StfResult<AccumulateVectorState, AccumulateVectorOutput> => {
    const psiA = PsiA(spec, engine, readings);
    const observed: typeof psiA = observer === undefined ? psiA : (e, t, s, g, inputs, entropy) => psiA(e, t, s, g, inputs, entropy, observer);
    const accumulated = accumulation(spec, observed)(
      { ...pre, ...placeholders(spec) },
      { slot: i.slot, available: i.reports, entropy: pre.entropy },
    );
    // An invalid block (eq. 12.22's conflict) leaves the state as it was; the vectors' output then is `err`.
    if (E.isLeft(accumulated)) return { output: { kind: 'err', value: null }, postState: pre };
    const [posterior, result] = accumulated.right;
    return {
      output: { kind: 'ok', value: accoutLogRoot(result.theta) },
      postState: {
        tau: i.slot,
        entropy: pre.entropy,
        omega: posterior.omega,
        xi: posterior.xi,
        chi: posterior.chi,
        services: serviceStatistics({ incoming: [], preimages: [], accumulationStatistics: result.accumulationStatistics }),
        delta: posterior.delta,
      },
    };
  };

const classOn = (engine: PvmEngine, readings: Readings) =>
  stfClass({
    name: 'accumulate',
    description: 'accumulation (section 12): ready queue, Delta+/Delta*/Delta_1 over Psi_A, chi, delta, xi, omega, theta and S',
    testCase: accumulateTestCase,
    run: runAccumulate(engine, undefined, readings),
  });

export const accumulateClass: VectorClass = {
  ...classOn(pvmEngineNamed('ts', paperReadings), paperReadings),
  engines: pvmEngineNames,
  engineKind: 'pvm',
  cases: (config, engine = 'ts', engines, chain) => {
    if (!isPvmEngineName(engine)) throw new Error(`accumulate: unknown engine ${engine}; known: ${pvmEngineChoices.join(', ')}`);
    return classOn(pvmEngineNamed(engine, chain.readings), chain.readings).cases(config, undefined, engines, chain);
  },
};
