/**
 * Unit tests of the account-dictionary helpers of serialize.ts that the round trips of
 * properties/state-serialization.property.test.ts do not reach: removing an entry, reading opaque
 * entries (a state given as key-values) as what each read asks for, D.2's aliased keys, the
 * inverse of the hashed part of C(s, h) (eq. D.1), and the conversion of an account in the STF
 * vectors' layout.
 */
import { describe, expect, it } from 'vitest';
import { ascii, toHex, type Hash } from '../../spec/bytes.js';
import type { AccountEntryKey } from '../../spec/types.js';
import { blake2b256 } from '../crypto/hash.js';
import {
  accountEntries,
  accountOfRaw,
  preimageEntryKey,
  preimageOf,
  requestEntryKey,
  requestOf,
  storageEntryKey,
  storageOf,
  withPreimage,
  withRequest,
  withStorage,
  type AccountDictionaries,
} from './serialize.js';
import { serviceDataHashOfStateKey, stateKeyOfServiceData, stateKeyOfServiceDataHash, storageKey } from './state-key.js';

const empty: AccountDictionaries = { storage: new Map(), preimages: new Map(), requests: new Map(), opaque: new Map() };
const h = blake2b256(ascii('preimage')) as Hash;
const opaque = (entries: ReadonlyArray<readonly [AccountEntryKey, Uint8Array]>): AccountDictionaries => ({ ...empty, opaque: new Map(entries) });

describe('account dictionaries', () => {
  it('writes, reads and removes a_s, a_p and a_l under their distinct keys', () => {
    let a = withStorage(empty, ascii('k'), ascii('v'));
    a = withPreimage(a, h, ascii('preimage'));
    a = withRequest(a, h, 8, [1, 2]);
    expect(accountEntries(a).size).toBe(3);
    expect(new Set([storageEntryKey(ascii('k')), preimageEntryKey(h), requestEntryKey(h, 8)]).size).toBe(3);
    expect(storageOf(a, ascii('k'))).toEqual(ascii('v'));
    expect(preimageOf(a, h)).toEqual(ascii('preimage'));
    expect(requestOf(a, h, 8)).toEqual([1, 2]);
    expect(requestOf(a, h, 9)).toBeUndefined();
    const b = withRequest(withPreimage(withStorage(a, ascii('k'), undefined), h, undefined), h, 8, undefined);
    expect(accountEntries(b).size).toBe(0);
    expect(accountEntries(a).size).toBe(3); // the earlier account is untouched
  });

  it('an empty request list is an entry (solicited, not provided), not an absent one', () => {
    const a = withRequest(empty, h, 8, []);
    expect(requestOf(a, h, 8)).toEqual([]);
  });

  it('an opaque entry reads as what a read asks for only when its value can be that', () => {
    const notTimeslots = new Uint8Array([4, 0, 0, 0, 0]);
    const a = opaque([
      [requestEntryKey(h, 8), notTimeslots],
      [requestEntryKey(h, 9), new Uint8Array([1, 7, 0, 0, 0])],
      [preimageEntryKey(h), ascii('not the preimage of h')],
      [storageEntryKey(ascii('k')), notTimeslots],
    ]);
    expect(requestOf(a, h, 8)).toBeUndefined();
    expect(requestOf(a, h, 9)).toEqual([7]);
    expect(preimageOf(a, h)).toBeUndefined();
    expect(preimageOf(opaque([[preimageEntryKey(h), ascii('preimage')]]), h)).toEqual(ascii('preimage'));
    expect(storageOf(a, ascii('k'))).toEqual(notTimeslots);
  });

  it('a write supersedes the opaque entry it read as its own, and no other', () => {
    const a = opaque([[requestEntryKey(h, 8), ascii('x')]]);
    // Not a request: solicit's write keeps it (it is some other dictionary's entry under the same key).
    expect(withRequest(a, h, 8, []).opaque.size).toBe(1);
    const b = opaque([[requestEntryKey(h, 8), new Uint8Array([0])]]);
    expect(withRequest(b, h, 8, undefined).opaque.size).toBe(0);
    expect(requestOf(withRequest(b, h, 8, undefined), h, 8)).toBeUndefined();
    expect(withStorage(opaque([[storageEntryKey(ascii('k')), ascii('v')]]), ascii('k'), undefined).opaque.size).toBe(0);
  });

  it("D.2's aliases: a_s[h] and a_l[(h, 2^32-1)], a_p[h] and a_l[(h, 2^32-2)] are apart; T keeps the first row's", () => {
    expect(storageEntryKey(h)).toBe(requestEntryKey(h, 2 ** 32 - 1));
    expect(preimageEntryKey(h)).toBe(requestEntryKey(h, 2 ** 32 - 2));
    const a = withRequest(withRequest(withPreimage(withStorage(empty, h, ascii('v')), h, ascii('preimage')), h, 2 ** 32 - 1, []), h, 2 ** 32 - 2, [1]);
    expect([storageOf(a, h), preimageOf(a, h), requestOf(a, h, 2 ** 32 - 1), requestOf(a, h, 2 ** 32 - 2)]).toEqual([
      ascii('v'),
      ascii('preimage'),
      [],
      [1],
    ]);
    expect([...accountEntries(a)]).toEqual([
      [storageEntryKey(h), ascii('v')],
      [preimageEntryKey(h), ascii('preimage')],
    ]);
  });

  it('the entry key is the hashed part of the state key, the same for every service (eq. D.1)', () => {
    for (const s of [0, 1, 0xffff_ffff]) {
      const key = storageKey(s, ascii('k'));
      expect(toHex(serviceDataHashOfStateKey(key))).toBe(storageEntryKey(ascii('k')));
      expect(stateKeyOfServiceDataHash(s, serviceDataHashOfStateKey(key))).toEqual(key);
      expect(stateKeyOfServiceData(s, ascii('x'))).toEqual(stateKeyOfServiceDataHash(s, blake2b256(ascii('x'))));
    }
  });

  it('accountOfRaw keeps the dictionaries and the info, with no opaque entries', () => {
    const info = { codeHash: h, balance: 1n, minAccGas: 2n, minMemoGas: 3n, octets: 4n, gratis: 5n, items: 6, created: 7, lastAcc: 8, parent: 9 };
    const a = accountOfRaw({
      ...info,
      storage: new Map([[toHex(ascii('k')), ascii('v')]]),
      preimages: new Map([[toHex(h), ascii('preimage')]]),
      requests: new Map([[`${toHex(h)}:8`, [3]]]),
    });
    const { storage: _s, preimages: _p, requests: _l, opaque: o, ...rest } = a;
    expect(rest).toEqual(info);
    expect(o.size).toBe(0);
    expect(storageOf(a, ascii('k'))).toEqual(ascii('v'));
    expect(preimageOf(a, h)).toEqual(ascii('preimage'));
    expect(requestOf(a, h, 8)).toEqual([3]);
  });
});
