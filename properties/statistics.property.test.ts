/**
 * Properties of the statistics (section 13): the validator records reset exactly at an epoch
 * change, when the accumulator moves into pi_L (eq. 13.4); within an epoch pi_L is untouched and
 * every counter only grows, by exactly what the block brings (one block for the author, its
 * tickets and preimages, one guarantee per reporter, one assurance per assurer; eq. 13.5); the
 * per-block core popularity counts the assurances' bits (eq. 13.8) and the service records cover
 * exactly the services provided with preimages (eqs. 13.12 to 13.15); nothing is mutated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import type { BandersnatchKey, BandersnatchRingProof, BlsKey, Ed25519Key, Ed25519Signature, Hash } from '../spec/bytes.js';
import type { Assurance, Statistics, TicketEnvelope, ValidatorActivity, ValidatorKey } from '../spec/types.js';
import { statistics, type StatisticsInput } from '../model/statistics/index.js';

const spec = tiny;
const V = spec.Cvalcount;
const C = spec.Ccorecount;
const kappaPrime: ReadonlyArray<ValidatorKey> = Array.from({ length: V }, (_, v) => ({
  bs: new Uint8Array(32) as BandersnatchKey,
  ed: new Uint8Array(32).fill(v + 1) as Ed25519Key,
  bls: new Uint8Array(144) as BlsKey,
  metadata: new Uint8Array(128),
}));

const count = fc.nat({ max: 1000 });
const record: fc.Arbitrary<ValidatorActivity> = fc.record({
  blocks: count,
  tickets: count,
  preimageCount: count,
  preimageSize: count,
  guarantees: count,
  assurances: count,
});
const records = fc.array(record, { minLength: V, maxLength: V });
const ticket: fc.Arbitrary<TicketEnvelope> = fc.record({
  entryIndex: fc.nat({ max: 2 }),
  proof: fc.constant(new Uint8Array(784) as BandersnatchRingProof),
});
const assurancesExtrinsic: fc.Arbitrary<ReadonlyArray<Assurance>> = fc
  .uniqueArray(fc.integer({ min: 0, max: V - 1 }), { maxLength: V })
  .chain((vs) =>
    fc.tuple(
      ...[...vs].sort((a, b) => a - b).map((assurer) =>
        fc.array(fc.boolean(), { minLength: C, maxLength: C }).map(
          (availabilities): Assurance => ({
            anchor: new Uint8Array(32) as Hash,
            availabilities,
            assurer,
            signature: new Uint8Array(64) as Ed25519Signature,
          }),
        ),
      ),
    ),
  );

const scenario = fc.record({
  pi: fc.record({ valsCurrent: records, valsLast: records }).map(
    (p): Statistics => ({ ...p, cores: [], services: new Map() }),
  ),
  tau: fc.nat({ max: 100 }),
  advance: fc.integer({ min: 1, max: 2 * spec.Cepochlen }),
  authorIndex: fc.integer({ min: 0, max: V - 1 }),
  tickets: fc.array(ticket, { maxLength: 3 }),
  preimages: fc.array(fc.record({ serviceIndex: fc.nat({ max: 5 }), data: fc.uint8Array({ maxLength: 10 }) }), { maxLength: 4 }),
  assurances: assurancesExtrinsic,
  reporters: fc.uniqueArray(fc.integer({ min: 0, max: V - 1 }), { maxLength: V }),
});

const total = (rs: ReadonlyArray<ValidatorActivity>, k: keyof ValidatorActivity): number => rs.reduce((n, r) => n + r[k], 0);

describe('statistics', () => {
  it('validator records reset exactly at an epoch change and grow by the block otherwise (300 cases)', () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const slot = s.tau + s.advance;
        const input: StatisticsInput = {
          slot,
          authorIndex: s.authorIndex,
          tickets: s.tickets,
          preimages: s.preimages,
          assurances: s.assurances,
          kappaPrime,
          reporters: s.reporters.map((v) => kappaPrime[v]!.ed),
          incoming: [],
          available: [],
          accumulationStatistics: new Map(),
        };
        const before = structuredClone(s.pi);
        const r = statistics(spec)({ pi: s.pi, tau: s.tau }, input);
        if (r._tag === 'Left') throw new Error('statistics rejects nothing');
        const pi = r.right[0].pi;
        expect(s.pi).toEqual(before);
        const newEpoch = Math.floor(slot / spec.Cepochlen) !== Math.floor(s.tau / spec.Cepochlen);
        const base = newEpoch ? s.pi.valsCurrent.map(() => ({ blocks: 0, tickets: 0, preimageCount: 0, preimageSize: 0, guarantees: 0, assurances: 0 })) : s.pi.valsCurrent;
        expect(pi.valsLast).toEqual(newEpoch ? s.pi.valsCurrent : s.pi.valsLast);
        expect(total(pi.valsCurrent, 'blocks')).toBe(total(base, 'blocks') + 1);
        expect(total(pi.valsCurrent, 'tickets')).toBe(total(base, 'tickets') + s.tickets.length);
        expect(total(pi.valsCurrent, 'preimageCount')).toBe(total(base, 'preimageCount') + s.preimages.length);
        expect(total(pi.valsCurrent, 'preimageSize')).toBe(total(base, 'preimageSize') + s.preimages.reduce((n, p) => n + p.data.length, 0));
        expect(total(pi.valsCurrent, 'guarantees')).toBe(total(base, 'guarantees') + s.reporters.length);
        expect(total(pi.valsCurrent, 'assurances')).toBe(total(base, 'assurances') + s.assurances.length);
        for (let v = 0; v < V; v++) {
          expect(pi.valsCurrent[v]!.blocks - base[v]!.blocks).toBe(v === s.authorIndex ? 1 : 0);
          expect(pi.valsCurrent[v]!.guarantees - base[v]!.guarantees).toBe(s.reporters.includes(v) ? 1 : 0);
        }
        for (let c = 0; c < C; c++) expect(pi.cores[c]!.popularity).toBe(s.assurances.filter((a) => a.availabilities[c]).length);
        expect([...pi.services.keys()]).toEqual([...new Set(s.preimages.map((p) => p.serviceIndex))].sort((a, b) => a - b));
        for (const [id, rec] of pi.services) expect(rec.provisionCount).toBe(s.preimages.filter((p) => p.serviceIndex === id).length);
      }),
      { numRuns: 300 },
    );
  });
});
