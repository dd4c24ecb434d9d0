/**
 * `stf/preimages`: preimage integration (eqs. 12.35 to 12.38). `accounts` holds, per service,
 * only a_p (`preimage_blobs`) and a_l (`preimage_requests`); `statistics` is pi_S, of which this
 * step defines the provision counters (eq. 13.12 with no incoming reports and no accumulation).
 */
import { blob, dictionary, enumeration, mapCodec, nothing, record, u32, varSequence } from '../../spec/codec.js';
import { hash, hexKey, preimagesExtrinsic, requestTimeslots, servicesStatistics } from '../../spec/codecs.js';
import type { Hash } from '../../spec/bytes.js';
import type { ServiceActivity, ServiceId, TimeSlot } from '../../spec/types.js';
import {
  preimages,
  type PreimageAccount,
  type PreimagesError,
  type PreimagesInput,
} from '../../model/preimages/index.js';
import { serviceStatistics } from '../../model/statistics/index.js';
import { requestKeyOf, requestOfKey } from '../../model/merklization/serialize.js';
import { fromEither, okOrErr, stfCaseCodec, stfClass } from '../stf.js';

/** One entry of the vectors' `preimage_requests`: (hash, length) -> timeslots. */
interface RequestEntry {
  readonly key: { readonly hash: Hash; readonly length: number };
  readonly value: ReadonlyArray<TimeSlot>;
}

/** The vectors' account: a_p (`preimage_blobs`) and a_l (`preimage_requests`) under their raw keys. */
interface VectorAccount {
  /** hash (0x-hex) -> preimage */
  readonly preimages: ReadonlyMap<string, Uint8Array>;
  readonly requests: ReadonlyArray<RequestEntry>;
}

/** The model's account here: a_p and a_l, both in the vectors' keys, with no opaque entries. */
type Account = PreimageAccount;

const toAccount = (v: VectorAccount): Account => ({
  preimages: v.preimages,
  requests: new Map(v.requests.map(({ key, value }) => [requestKeyOf(key.hash, key.length), value] as const)),
  opaque: new Map(),
});

/** The account in the vectors' layout. */
const fromAccount = (a: Account): VectorAccount => ({
  preimages: a.preimages,
  requests: [...a.requests].map(([key, value]) => {
    const [hash, length] = requestOfKey(key);
    return { key: { hash, length }, value };
  }),
});

const account = mapCodec(
  record<VectorAccount>('ServiceAccount', [
    ['preimages', 'preimage_blobs', dictionary('PreimagesBlobs', hexKey(hash, 'PreimageHash'), blob, 'hash', 'blob')],
    [
      'requests',
      'preimage_requests',
      varSequence(
        record<RequestEntry>('PreimagesRequestsMapEntry', [
          [
            'key',
            'key',
            record<RequestEntry['key']>('PreimagesRequestsMapKey', [
              ['hash', 'hash', hash],
              ['length', 'length', u32],
            ]),
          ],
          ['value', 'value', requestTimeslots],
        ]),
      ),
    ],
  ]),
  'ServiceAccount',
  toAccount,
  fromAccount,
);

/** The vectors' state: delta (its a_p and a_l only) and pi_S. */
interface PreimagesVectorState {
  readonly delta: ReadonlyMap<ServiceId, Account>;
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
  testCase: () => stfCaseCodec(input, state, okOrErr(nothing, enumeration('PreimagesErrorCode', errors))),
  run: (spec) => (preState, i) =>
    fromEither(preState, preimages(spec)({ delta: preState.delta }, i), ({ delta }) => ({
      output: null,
      postState: {
        delta,
        services: serviceStatistics({ incoming: [], preimages: i.preimages, accumulationStatistics: new Map() }),
      },
    })),
});
