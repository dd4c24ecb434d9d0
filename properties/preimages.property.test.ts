/**
 * Properties of preimage integration (eqs. 12.21, 12.22, 12.35 to 12.38), over random accounts
 * whose requests are drawn partly from the extrinsic's data: an accepted extrinsic stores each
 * preimage under its hash with the request set to [tau'] and changes nothing else; providing it
 * again is rejected as unneeded; an extrinsic out of order or with a duplicate is rejected; a
 * rejected input leaves the state exactly as it was; nothing is mutated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { bytesCompare } from '../spec/bytes.js';
import type { Preimage, ServiceId } from '../spec/types.js';
import { blake2b256 } from '../model/crypto/index.js';
import { preimages, type PreimageAccount } from '../model/preimages/index.js';
import { preimageOf, requestOf, withRequest } from '../model/merklization/serialize.js';

const spec = tiny;
const data = fc.uint8Array({ minLength: 1, maxLength: 8 });
const preimage: fc.Arbitrary<Preimage> = fc.record({ serviceIndex: fc.integer({ min: 0, max: 3 }), data });
const ordered = (ep: ReadonlyArray<Preimage>): ReadonlyArray<Preimage> =>
  [...ep].sort((a, b) => a.serviceIndex - b.serviceIndex || bytesCompare(a.data, b.data));
const unique = (ep: ReadonlyArray<Preimage>): ReadonlyArray<Preimage> =>
  ep.filter((p, i) => ep.findIndex((q) => q.serviceIndex === p.serviceIndex && bytesCompare(q.data, p.data) === 0) === i);

/** Accounts 0-3 (some absent), with each extrinsic item requested (empty list), provided, or not requested. */
const scenario = fc
  .array(preimage, { maxLength: 6 })
  .map((ep) => ordered(unique(ep)))
  .chain((ep) =>
    fc.record({
      ep: fc.constant(ep),
      // Mostly present and requested, so that about half of the extrinsics are accepted.
      present: fc.array(fc.oneof({ weight: 9, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }), {
        minLength: 4,
        maxLength: 4,
      }),
      status: fc.array(
        fc.oneof(
          { weight: 8, arbitrary: fc.constant('requested') },
          { weight: 1, arbitrary: fc.constant('provided') },
          { weight: 1, arbitrary: fc.constant('absent') },
        ),
        { minLength: ep.length, maxLength: ep.length },
      ),
      slot: fc.nat({ max: 1000 }),
    }),
  )
  .map(({ ep, present, status, slot }) => {
    const delta = new Map<ServiceId, PreimageAccount>();
    for (let s = 0; s < 4; s++) if (present[s]) delta.set(s, { preimages: new Map(), requests: new Map(), opaque: new Map() });
    ep.forEach((p, i) => {
      const a = delta.get(p.serviceIndex);
      if (a === undefined || status[i] === 'absent') return;
      delta.set(p.serviceIndex, withRequest(a, blake2b256(p.data), p.data.length, status[i] === 'provided' ? [1] : []));
    });
    return { delta: delta as ReadonlyMap<ServiceId, PreimageAccount>, ep, slot };
  });

describe('preimages', () => {
  it('accepts exactly the solicited, ordered extrinsics, stores them at tau\', rejects them again (300 cases)', () => {
    fc.assert(
      fc.property(scenario, ({ delta, ep, slot }) => {
        const before = structuredClone(delta);
        const r = preimages(spec)({ delta }, { preimages: ep, slot });
        expect(delta).toEqual(before);
        const solicited = ep.every((p) => {
          const a = delta.get(p.serviceIndex);
          return a !== undefined && requestOf(a, blake2b256(p.data), p.data.length)?.length === 0;
        });
        expect(r._tag).toBe(solicited ? 'Right' : 'Left');
        if (r._tag === 'Left') {
          expect(r.left).toBe('preimage_unneeded');
          return;
        }
        const after = r.right[0].delta;
        for (const [s, a] of delta) {
          const provided = ep.filter((p) => p.serviceIndex === s);
          const b = after.get(s)!;
          // One new preimage per provided item; its request existed already.
          expect([b.preimages.size, b.requests.size]).toEqual([a.preimages.size + provided.length, a.requests.size]);
          for (const p of provided) {
            const h = blake2b256(p.data);
            expect(preimageOf(b, h)).toEqual(p.data);
            expect(requestOf(b, h, p.data.length)).toEqual([slot]);
          }
        }
        if (ep.length > 0) expect(preimages(spec)({ delta: after }, { preimages: ep, slot })).toEqual({ _tag: 'Left', left: 'preimage_unneeded' });
      }),
      { numRuns: 300 },
    );
  });

  it('rejects an extrinsic out of order or with a duplicate, leaving the state as it was (300 cases)', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ delta, ep, slot }, k) => {
        fc.pre(ep.length > 0);
        const i = k % ep.length;
        const broken = ep.length > 1 && k % 2 === 0 ? [...ep].reverse() : [...ep.slice(0, i + 1), ep[i]!, ...ep.slice(i + 1)];
        const before = structuredClone(delta);
        expect(preimages(spec)({ delta }, { preimages: broken, slot })).toEqual({ _tag: 'Left', left: 'preimages_not_sorted_unique' });
        expect(delta).toEqual(before);
      }),
      { numRuns: 300 },
    );
  });
});
