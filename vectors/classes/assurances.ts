/**
 * `stf/assurances`: availability assurances (eqs. 11.10 to 11.17). `avail_assignments` is
 * rho dagger (mutated to rho double-dagger), `curr_validators` is kappa; the output's
 * `reported` is R, the reports that became available.
 */
import { enumeration, record, u32, varSequence } from '../../spec/codec.js';
import { codecs, hash, workReport } from '../../spec/codecs.js';
import {
  assurances,
  type AssurancesError,
  type AssurancesInput,
  type AssurancesOutput,
  type AssurancesState,
} from '../../model/assurances/index.js';
import { fromEither, okOrErr, stfCaseCodec, stfClass } from '../stf.js';

const errors: ReadonlyArray<AssurancesError> = [
  'bad_attestation_parent',
  'bad_validator_index',
  'core_not_engaged',
  'bad_signature',
  'not_sorted_or_unique_assurers',
];

const output = okOrErr(
  record<AssurancesOutput>('AssurancesOutput', [['available', 'reported', varSequence(workReport)]]),
  enumeration('AssurancesErrorCode', errors),
);

export const assurancesClass = stfClass({
  name: 'assurances',
  description: 'availability assurances: R and rho double-dagger (eqs. 11.10-11.17)',
  testCase: (spec) => {
    const c = codecs(spec);
    const state = record<AssurancesState>('AssurancesState', [
      ['rho', 'avail_assignments', c.rho],
      ['kappa', 'curr_validators', c.validatorKeys],
    ]);
    const input = record<AssurancesInput>('AssurancesInput', [
      ['assurances', 'assurances', c.assurancesExtrinsic],
      ['slot', 'slot', u32],
      ['parent', 'parent', hash],
    ]);
    return stfCaseCodec(input, state, output);
  },
  run: (spec) => (preState, i) =>
    fromEither(preState, assurances(spec)(preState, i), (postState, out) => ({ output: out, postState })),
});
