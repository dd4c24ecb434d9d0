/**
 * `stf/preimages`: preimage integration (eqs. 12.35 to 12.38). `accounts` holds, per service,
 * only a_p (`preimage_blobs`) and a_l (`preimage_requests`); `statistics` is pi_S, of which this
 * step defines the provision counters (eq. 13.12 with no incoming reports and no accumulation).
 */
import { blob, dictionary, mapCodec, nothing, record, u32, varSequence } from '../../spec/codec.js';
import { hash, preimagesExtrinsic, servicesStatistics } from '../../spec/codecs.js';
import { fromHex, toHex, type Hash } from '../../spec/bytes.js';
import type { ServiceActivity, ServiceId, TimeSlot } from '../../spec/types.js';
import {
  preimages,
  requestKey,
  type PreimageAccount,
  type PreimagesError,
  type PreimagesInput,
} from '../../model/preimages/index.js';
import { serviceStatistics } from '../../model/statistics/index.js';
import { errorCode, fromEither, okOrErr, stfCaseCodec, stfClass } from '../stf.js';

const hashOfHex = (hex: string): Hash => {
  const h = fromHex(hex);
  if (h === undefined || h.length !== 32) throw new Error(`not a hash: ${hex}`);
  return h as Hash;
};

/** a_p: the vectors' `preimage_blobs`, hash -> blob, held by the model keyed by 0x-hex. */
const preimageBlobs = mapCodec(
  dictionary('PreimagesBlobs', hash, blob, 'hash', 'blob'),
  'PreimagesBlobs',
  (m): PreimageAccount['preimages'] => new Map([...m].map(([h, b]) => [toHex(h), b])),
  (m) => new Map([...m].map(([h, b]) => [hashOfHex(h), b])),
);

/** a_l: the vectors' `preimage_requests`, (hash, length) -> timeslots, keyed `${hex}:${length}`. */
const preimageRequests = mapCodec(
  varSequence(
    record<{ readonly key: { readonly hash: Hash; readonly length: number }; readonly value: ReadonlyArray<TimeSlot> }>(
      'PreimagesRequestsMapEntry',
      [
        ['key', 'key', record<{ readonly hash: Hash; readonly length: number }>('PreimagesRequestsMapKey', [
          ['hash', 'hash', hash],
          ['length', 'length', u32],
        ])],
        ['value', 'value', varSequence(u32, 3)],
      ],
    ),
  ),
  'PreimagesRequests',
  (es): PreimageAccount['requests'] => new Map(es.map(({ key, value }) => [requestKey(key.hash, key.length), value])),
  (m) =>
    [...m].map(([k, value]) => {
      const [hex, length] = k.split(':');
      return { key: { hash: hashOfHex(hex ?? ''), length: Number(length) }, value };
    }),
);

const account = record<PreimageAccount>('ServiceAccount', [
  ['preimages', 'preimage_blobs', preimageBlobs],
  ['requests', 'preimage_requests', preimageRequests],
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
