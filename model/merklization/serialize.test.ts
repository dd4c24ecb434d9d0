/**
 * Unit tests of the account-entry helpers of serialize.ts that the round trips of
 * properties/state-serialization.property.test.ts do not reach: removing an entry, reading a
 * request whose value is not ↕[E_4(x)], the inverse of the hashed part of C(s, h) (eq. D.1), and
 * the conversion of an account under raw keys (the STF vectors' layout).
 */
import { describe, expect, it } from 'vitest';
import { ascii, toHex, type Hash } from '../../spec/bytes.js';
import type { AccountEntryKey } from '../../spec/types.js';
import { blake2b256 } from '../crypto/hash.js';
import {
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

const empty: AccountDictionaries = { entries: new Map<AccountEntryKey, Uint8Array>() };
const h = blake2b256(ascii('preimage')) as Hash;

describe('account entries', () => {
  it('writes, reads and removes a_s, a_p and a_l under their distinct keys', () => {
    let a = withStorage(empty, ascii('k'), ascii('v'));
    a = withPreimage(a, h, ascii('preimage'));
    a = withRequest(a, h, 8, [1, 2]);
    expect(a.entries.size).toBe(3);
    expect(new Set([storageEntryKey(ascii('k')), preimageEntryKey(h), requestEntryKey(h, 8)]).size).toBe(3);
    expect(storageOf(a, ascii('k'))).toEqual(ascii('v'));
    expect(preimageOf(a, h)).toEqual(ascii('preimage'));
    expect(requestOf(a, h, 8)).toEqual([1, 2]);
    expect(requestOf(a, h, 9)).toBeUndefined();
    const b = withRequest(withPreimage(withStorage(a, ascii('k'), undefined), h, undefined), h, 8, undefined);
    expect(b.entries.size).toBe(0);
    expect(a.entries.size).toBe(3); // the earlier account is untouched
  });

  it('an empty request list is an entry (solicited, not provided), not an absent one', () => {
    const a = withRequest(empty, h, 8, []);
    expect(requestOf(a, h, 8)).toEqual([]);
  });

  it('throws on a request entry whose value is not ↕[E_4(x)] of at most three', () => {
    const bad: AccountDictionaries = { entries: new Map([[requestEntryKey(h, 8), new Uint8Array([4, 0, 0, 0, 0])]]) };
    expect(() => requestOf(bad, h, 8)).toThrow(/request/);
  });

  it('the entry key is the hashed part of the state key, the same for every service (eq. D.1)', () => {
    for (const s of [0, 1, 0xffff_ffff]) {
      const key = storageKey(s, ascii('k'));
      expect(toHex(serviceDataHashOfStateKey(key))).toBe(storageEntryKey(ascii('k')));
      expect(stateKeyOfServiceDataHash(s, serviceDataHashOfStateKey(key))).toEqual(key);
      expect(stateKeyOfServiceData(s, ascii('x'))).toEqual(stateKeyOfServiceDataHash(s, blake2b256(ascii('x'))));
    }
  });

  it('accountOfRaw writes every raw entry under its hashed key and keeps the info', () => {
    const info = {
      codeHash: h,
      balance: 1n,
      minAccGas: 2n,
      minMemoGas: 3n,
      octets: 4n,
      gratis: 5n,
      items: 6,
      created: 7,
      lastAcc: 8,
      parent: 9,
    };
    const a = accountOfRaw({
      ...info,
      storage: new Map([[toHex(ascii('k')), ascii('v')]]),
      preimages: new Map([[toHex(h), ascii('preimage')]]),
      requests: new Map([[`${toHex(h)}:8`, [3]]]),
    });
    const { entries, ...rest } = a;
    expect(rest).toEqual(info);
    expect(entries.size).toBe(3);
    expect(storageOf(a, ascii('k'))).toEqual(ascii('v'));
    expect(preimageOf(a, h)).toEqual(ascii('preimage'));
    expect(requestOf(a, h, 8)).toEqual([3]);
    expect(() => accountOfRaw({ ...info, storage: new Map(), preimages: new Map(), requests: new Map([['0x00:x', []]]) })).toThrow(
      /request key/,
    );
  });
});
