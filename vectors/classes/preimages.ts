/**
 * `stf/preimages`: preimage integration (eqs. 12.35 to 12.38). `accounts` holds, per service,
 * only a_p (`preimage_blobs`) and a_l (`preimage_requests`); `statistics` is pi_S, of which this
 * step defines the provision counters (eq. 13.12 with no incoming reports and no accumulation).
 */
import { blob, dictionary, nothing, record, u32, varSequence } from '../../spec/codec.js';
import { compareRequestKeys, hash, hexKey, preimagesExtrinsic, requestKey, servicesStatistics } from '../../spec/codecs.js';
import type { ServiceActivity, ServiceId } from '../../spec/types.js';
import {
  preimages,
  type PreimageAccount,
  type PreimagesError,
  type PreimagesInput,
} from '../../model/preimages/index.js';
import { serviceStatistics } from '../../model/statistics/index.js';
import { errorCode, fromEither, okOrErr, stfCaseCodec, stfClass } from '../stf.js';

const account = record<PreimageAccount>('ServiceAccount', [
  ['preimages', 'preimage_blobs', dictionary('Preimages', hexKey(hash, 'PreimageHash'), blob, 'hash', 'blob')],
  ['requests', 'preimage_requests', dictionary('Requests', requestKey, varSequence(u32, 3), 'key', 'value', compareRequestKeys)],
]);

/** The vectors' state: delta (its a_p and a_l only) and pi_S. */
interface PreimagesVectorState {
  readonly delta: ReadonlyMap<ServiceId, PreimageAccount>;
  readonly services: ReadonlyMap<ServiceId, ServiceActivity>;
}

const state = record<PreimagesVectorState>('PreimagesState', [
  ['delta', 'accounts', dictionary('Accounts', u32, account, 'id', 'data')],
  ['services', 'statistics', servicesStatistics],
]);

const input = record<PreimagesInput>('PreimagesInput', [
  ['preimages', 'preimages', preimagesExtrinsic],
  ['slot', 'slot', u32],
]);

const errors: ReadonlyArray<PreimagesError> = ['preimage_unneeded', 'preimages_not_sorted_unique'];

export const preimagesClass = stfClass({
  name: 'preimages',
  description: 'preimage integration into delta (eqs. 12.35-12.38) and the provision statistics of pi_S',
  testCase: () => stfCaseCodec(input, state, okOrErr(nothing, errorCode('PreimagesErrorCode', errors))),
  run: (spec) => (preState, i) =>
    fromEither(preState, preimages(spec)({ delta: preState.delta }, i), ({ delta }) => ({
      output: null,
      postState: {
        delta,
        services: serviceStatistics({ incoming: [], preimages: i.preimages, accumulationStatistics: new Map() }),
      },
    })),
});
