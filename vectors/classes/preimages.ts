/**
 * `stf/preimages`: preimage integration (eqs. 12.35 to 12.38). `accounts` holds, per service,
 * only a_p (`preimage_blobs`) and a_l (`preimage_requests`); `statistics` is pi_S, of which this
 * step defines the provision counters (eq. 13.12 with no incoming reports and no accumulation).
 */
import { blob, dictionary, enumeration, mapCodec, nothing, record, u32, varSequence } from '../../spec/codec.js';
import { hash, hexKey, preimagesExtrinsic, requestTimeslots, servicesStatistics } from '../../spec/codecs.js';
import { fromHex, toHex, type Hash } from '../../spec/bytes.js';
import type { ServiceActivity, ServiceId, TimeSlot } from '../../spec/types.js';
import {
  preimages,
  type PreimageAccount,
  type PreimagesError,
  type PreimagesInput,
} from '../../model/preimages/index.js';
import { serviceStatistics } from '../../model/statistics/index.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { preimageOf, requestOf, withPreimage, withRequest } from '../../model/merklization/serialize.js';
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

/**
 * The model's account here: its dictionaries as state entries (spec/types.ts `ServiceAccount`), and
 * the (hash, length) keys of a_l the vector names, so that the account can be written back in the
 * vectors' layout (a request key cannot be read back from its hashed entry key).
 */
type Account = PreimageAccount & { readonly requestKeys: ReadonlyArray<readonly [Hash, number]> };

const toAccount = (v: VectorAccount): Account => {
  let a: Account = { entries: new Map(), requestKeys: v.requests.map(({ key }) => [key.hash, key.length] as const) };
  for (const [h, p] of v.preimages) a = withPreimage(a, fromHex(h) as Hash, p);
  for (const { key, value } of v.requests) a = withRequest(a, key.hash, key.length, value);
  return a;
};

/** The account in the vectors' layout: a_p read back by hashing each value, a_l at the keys the vector named. */
const fromAccount = (a: Account): VectorAccount => {
  const preimages = new Map<string, Uint8Array>();
  for (const p of a.entries.values()) {
    const h = blake2b256(p);
    if (preimageOf(a, h) === p) preimages.set(toHex(h), p);
  }
  const requests = a.requestKeys.flatMap(([h, l]): ReadonlyArray<RequestEntry> => {
    const value = requestOf(a, h, l);
    return value === undefined ? [] : [{ key: { hash: h, length: l }, value }];
  });
  return { preimages, requests };
};

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
