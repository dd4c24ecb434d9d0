/**
 * `stf/statistics`: the validator statistics (eqs. 13.3 to 13.5). `vals_curr_stats` is pi_V,
 * `vals_last_stats` pi_L, `slot` tau and `curr_validators` kappa'. The vectors carry neither
 * pi_C nor pi_S, so only the validator records are compared. The reporters R (eq. 11.26) are the
 * keys in kappa' of the guarantees' signers, which is what R is when no guarantee is from the
 * previous rotation (the vectors give no lambda').
 */
import { nothing, record, sequence, u16, u32 } from '../../spec/codec.js';
import { codecs, validatorActivity } from '../../spec/codecs.js';
import { bytesEqual, type Ed25519Key } from '../../spec/bytes.js';
import type { Extrinsic, Statistics, TimeSlot, ValidatorKey } from '../../spec/types.js';
import { validatorStatistics } from '../../model/statistics/index.js';
import { stfCaseCodec, stfClass } from '../stf.js';

interface StatisticsVectorState {
  readonly valsCurrent: Statistics['valsCurrent'];
  readonly valsLast: Statistics['valsLast'];
  readonly tau: TimeSlot;
  readonly kappaPrime: ReadonlyArray<ValidatorKey>;
}

interface StatisticsVectorInput {
  readonly slot: TimeSlot;
  readonly authorIndex: number;
  readonly extrinsic: Extrinsic;
}

/** R: the distinct Ed25519 keys of the validators in kappa' who signed a guarantee. */
const reporters = (extrinsic: Extrinsic, kappaPrime: ReadonlyArray<ValidatorKey>): ReadonlyArray<Ed25519Key> =>
  extrinsic.guarantees
    .flatMap((g) => g.credential.map((c) => kappaPrime[c.validatorIndex]?.ed))
    .filter((k): k is Ed25519Key => k !== undefined)
    .filter((k, i, all) => all.findIndex((x) => bytesEqual(x, k)) === i);

export const statisticsClass = stfClass({
  name: 'statistics',
  description: 'validator statistics pi_V and pi_L (eqs. 13.3-13.5)',
  testCase: (spec) => {
    const c = codecs(spec);
    const validatorRecords = sequence(validatorActivity, spec.Cvalcount);
    const state = record<StatisticsVectorState>('StatisticsState', [
      ['valsCurrent', 'vals_curr_stats', validatorRecords],
      ['valsLast', 'vals_last_stats', validatorRecords],
      ['tau', 'slot', u32],
      ['kappaPrime', 'curr_validators', c.validatorKeys],
    ]);
    const input = record<StatisticsVectorInput>('StatisticsInput', [
      ['slot', 'slot', u32],
      ['authorIndex', 'author_index', u16],
      ['extrinsic', 'extrinsic', c.extrinsic],
    ]);
    return stfCaseCodec(input, state, nothing);
  },
  run: (spec) => (preState, i) => {
    const { valsCurrent, valsLast } = validatorStatistics(spec)(preState, preState.tau, {
      slot: i.slot,
      authorIndex: i.authorIndex,
      tickets: i.extrinsic.tickets,
      preimages: i.extrinsic.preimages,
      assurances: i.extrinsic.assurances,
      kappaPrime: preState.kappaPrime,
      reporters: reporters(i.extrinsic, preState.kappaPrime),
    });
    return { output: null, postState: { ...preState, valsCurrent, valsLast } };
  },
});
