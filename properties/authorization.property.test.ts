/**
 * Properties of the authorizer pools (section 8), over random pools, queues and guaranteed
 * reports: no pool ever exceeds O; each pool ends with the queue's entry for the slot (eq. 8.2);
 * a core without a guaranteed report only shifts in that entry; a guaranteed report's authorizer
 * is removed once, leftmost first (eq. 8.3); the queues are untouched and nothing is mutated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { bytesEqual, type Hash } from '../spec/bytes.js';
import { authorization, type AuthorizationState } from '../model/authorization/index.js';

const spec = tiny;
/** A small alphabet of authorizers so that pools repeat them and reports hit them. */
const authorizer = fc.integer({ min: 0, max: 5 }).map((i) => new Uint8Array(32).fill(i) as Hash);
const state: fc.Arbitrary<AuthorizationState> = fc.record({
  alpha: fc.array(fc.array(authorizer, { maxLength: spec.Cauthpoolsize }), {
    minLength: spec.Ccorecount,
    maxLength: spec.Ccorecount,
  }),
  phi: fc.array(fc.array(authorizer, { minLength: spec.Cauthqueuesize, maxLength: spec.Cauthqueuesize }), {
    minLength: spec.Ccorecount,
    maxLength: spec.Ccorecount,
  }),
});
/** E_G has at most one report per core. */
const guaranteed = fc
  .uniqueArray(fc.integer({ min: 0, max: spec.Ccorecount - 1 }), { maxLength: spec.Ccorecount })
  .chain((cores) => fc.tuple(...cores.map((core) => authorizer.map((a) => ({ core, authorizer: a })))));

const count = (pool: ReadonlyArray<Hash>, a: Hash): number => pool.filter((x) => bytesEqual(x, a)).length;

describe('authorization', () => {
  it('pools stay within O, take phi[c][slot mod Q], drop a used authorizer once (200 cases)', () => {
    fc.assert(
      fc.property(state, guaranteed, fc.nat(), (s, g, slot) => {
        const before = structuredClone(s);
        const r = authorization(spec)(s, { slot, guaranteed: g });
        if (r._tag === 'Left') throw new Error('authorization rejects nothing');
        const { alpha, phi } = r.right[0];
        expect(s).toEqual(before);
        expect(phi).toBe(s.phi);
        for (let c = 0; c < spec.Ccorecount; c++) {
          const pool = alpha[c]!;
          const old = s.alpha[c]!;
          const next = s.phi[c]![slot % spec.Cauthqueuesize]!;
          expect(pool.length).toBeLessThanOrEqual(spec.Cauthpoolsize);
          expect(pool[pool.length - 1]).toEqual(next);
          const used = g.find((w) => w.core === c)?.authorizer;
          const leftmost = used === undefined ? -1 : old.findIndex((x) => bytesEqual(x, used));
          const F = leftmost < 0 ? old : [...old.slice(0, leftmost), ...old.slice(leftmost + 1)];
          expect(pool).toEqual([...F, next].slice(-spec.Cauthpoolsize));
          if (used !== undefined && leftmost >= 0 && !bytesEqual(used, next) && F.length < spec.Cauthpoolsize)
            expect(count(pool, used)).toBe(count(old, used) - 1);
        }
      }),
      { numRuns: 200 },
    );
  });
});
