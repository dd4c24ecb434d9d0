/**
 * The disputes STF vectors (`stf/disputes`, disputes.asn): input E_D, state (psi, rho, tau,
 * kappa, lambda) under the paper's own names, output the offenders marker H_o.
 */
import type { ChainSpec } from '../../spec/chain-spec.js';
import { enumeration, record, u32, varSequence } from '../../spec/codec.js';
import { codecs, disputesRecords, ed25519Key } from '../../spec/codecs.js';
import type { DisputesExtrinsic } from '../../spec/types.js';
import { disputes, type DisputesError, type DisputesOutput, type DisputesState } from '../../model/disputes/index.js';
import { fromEither, okOrErr, stfCaseCodec, stfClass, type OkOrErr } from '../stf.js';

interface Input {
  readonly disputes: DisputesExtrinsic;
}
type Output = OkOrErr<DisputesOutput, DisputesError>;

/** disputes.asn ErrorCode, in enumeration order. */
const errors: ReadonlyArray<DisputesError> = [
  'already_judged',
  'bad_vote_split',
  'verdicts_not_sorted_unique',
  'judgements_not_sorted_unique',
  'culprits_not_sorted_unique',
  'faults_not_sorted_unique',
  'not_enough_culprits',
  'not_enough_faults',
  'culprits_verdict_not_bad',
  'fault_verdict_wrong',
  'offender_already_reported',
  'bad_judgement_age',
  'bad_validator_index',
  'bad_signature',
  'bad_guarantor_key',
  'bad_auditor_key',
];

const testCase = (spec: ChainSpec) => {
  const c = codecs(spec);
  const state = record<DisputesState>('DisputesState', [
    ['psi', 'psi', disputesRecords],
    ['rho', 'rho', c.rho],
    ['tau', 'tau', u32],
    ['kappa', 'kappa', c.validatorKeys],
    ['lambda', 'lambda', c.validatorKeys],
  ]);
  const input = record<Input>('DisputesInput', [['disputes', 'disputes', c.disputesExtrinsic]]);
  const output = okOrErr(
    record<DisputesOutput>('DisputesOutput', [['offendersMark', 'offenders_mark', varSequence(ed25519Key)]]),
    enumeration('DisputesErrorCode', errors),
  );
  return stfCaseCodec(input, state, output);
};

export const disputesClass = stfClass<Input, DisputesState, Output>({
  name: 'disputes',
  description: 'Section 10: verdicts, culprits and faults into psi, bad and wonky reports cleared from rho',
  testCase,
  run: (spec) => (pre, input) => fromEither(pre, disputes(spec)(pre, input.disputes), (state, output) => ({ output, postState: state })),
});
