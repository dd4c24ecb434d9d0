/**
 * Properties of availability assurances (eqs. 11.10 to 11.17) with real Ed25519 signatures over
 * the tiny configuration: a well-formed extrinsic is accepted; R holds exactly the reports of the
 * cores more than two thirds of the validators assured, in core order; rho double-dagger drops
 * those and the timed-out ones and keeps every other pending report; breaking one rule (anchor,
 * order, index, signature, a bit for an idle core) gives that rule's error and leaves the state
 * exactly as it was; nothing is mutated.
 */
import fc from 'fast-check';
import { ed25519 } from '@noble/curves/ed25519.js';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import type { BandersnatchKey, BlsKey, Ed25519Key, Ed25519Signature, Hash } from '../spec/bytes.js';
import type { Assurance, PendingReport, ValidatorKey, WorkReport } from '../spec/types.js';
import { assuranceMessage, assurances, type AssurancesState } from '../model/assurances/index.js';

const spec = tiny;
const V = spec.Cvalcount;
const C = spec.Ccorecount;
const secrets = Array.from({ length: V }, (_, v) => new Uint8Array(32).fill(v + 1));
const kappa: ReadonlyArray<ValidatorKey> = secrets.map((sk) => ({
  bs: new Uint8Array(32) as BandersnatchKey,
  ed: ed25519.getPublicKey(sk) as Ed25519Key,
  bls: new Uint8Array(144) as BlsKey,
  metadata: new Uint8Array(128),
}));

const report = (core: number): WorkReport => ({
  avspec: {
    packageHash: new Uint8Array(32).fill(core) as Hash,
    bundleLen: 0,
    erasureRoot: new Uint8Array(32) as Hash,
    segRoot: new Uint8Array(32) as Hash,
    segCount: 0,
  },
  context: {
    anchorHash: new Uint8Array(32) as Hash,
    anchorPostState: new Uint8Array(32) as Hash,
    anchorAccOutLog: new Uint8Array(32) as Hash,
    lookupAnchorHash: new Uint8Array(32) as Hash,
    lookupAnchorTime: 0,
    prerequisites: [],
  },
  core,
  authorizer: new Uint8Array(32) as Hash,
  authGasUsed: 0n,
  authTrace: new Uint8Array(0),
  srLookup: [],
  digests: [],
});

const parent = new Uint8Array(32).fill(7) as Hash;
const sign = (v: number, availabilities: ReadonlyArray<boolean>, anchor: Hash = parent): Assurance => ({
  anchor,
  availabilities,
  assurer: v,
  signature: ed25519.sign(assuranceMessage(spec, anchor, availabilities), secrets[v]!) as Ed25519Signature,
});

/** rho dagger (each core pending or not, reported at some slot), the slot, and a valid E_A. */
const scenario = fc
  .record({
    pending: fc.array(fc.option(fc.integer({ min: 0, max: 20 }), { nil: undefined }), { minLength: C, maxLength: C }),
    slot: fc.integer({ min: 0, max: 30 }),
    assurers: fc.uniqueArray(fc.integer({ min: 0, max: V - 1 }), { maxLength: V }).map((a) => [...a].sort((x, y) => x - y)),
    bits: fc.array(fc.array(fc.boolean(), { minLength: C, maxLength: C }), { minLength: V, maxLength: V }),
  })
  .map(({ pending, slot, assurers, bits }) => {
    const rho: ReadonlyArray<PendingReport | undefined> = pending.map((t, c) =>
      t === undefined ? undefined : { workReport: report(c), timeslot: t },
    );
    // A bit only for a core with a pending report (eq. 11.15).
    const ea = assurers.map((v) => sign(v, bits[v]!.map((b, c) => b && rho[c] !== undefined)));
    return { state: { rho, kappa } satisfies AssurancesState, slot, ea };
  });

describe('assurances', () => {
  it('accepts a valid extrinsic: R by super-majority, rho double-dagger drops available and timed-out (100 cases)', () => {
    fc.assert(
      fc.property(scenario, ({ state, slot, ea }) => {
        const before = structuredClone(state);
        const r = assurances(spec)(state, { assurances: ea, slot, parent });
        expect(state).toEqual(before);
        if (r._tag === 'Left') throw new Error(`rejected a valid extrinsic: ${r.left}`);
        const [{ rho }, { available }] = r.right;
        const assured = (c: number) => ea.filter((a) => a.availabilities[c]).length;
        const expected = state.rho.flatMap((p, c) => (p !== undefined && 3 * assured(c) > 2 * V ? [p.workReport] : []));
        expect(available).toEqual(expected);
        for (let c = 0; c < C; c++) {
          const p = state.rho[c];
          const gone = p === undefined || 3 * assured(c) > 2 * V || slot >= p.timeslot + spec.Cassurancetimeoutperiod;
          expect(rho[c]).toBe(gone ? undefined : p);
        }
      }),
      { numRuns: 100 },
    );
  });

  it('rejects a broken rule with its error and leaves the state as it was (100 cases)', () => {
    const rules = ['bad_attestation_parent', 'not_sorted_or_unique_assurers', 'bad_validator_index', 'bad_signature', 'core_not_engaged'] as const;
    fc.assert(
      fc.property(scenario, fc.constantFrom(...rules), fc.nat(), ({ state, slot, ea }, rule, k) => {
        const idle = state.rho.findIndex((p) => p === undefined);
        fc.pre(ea.length > (rule === 'not_sorted_or_unique_assurers' ? 1 : 0) && (rule !== 'core_not_engaged' || idle >= 0));
        const i = k % ea.length;
        const a = ea[i]!;
        const replaced = (x: Assurance): ReadonlyArray<Assurance> => ea.map((y, j) => (j === i ? x : y));
        const last = ea[ea.length - 1]!;
        const ea2: ReadonlyArray<Assurance> =
          rule === 'bad_attestation_parent'
            ? replaced(sign(a.assurer, a.availabilities, new Uint8Array(32).fill(8) as Hash))
            : rule === 'not_sorted_or_unique_assurers'
              ? [...ea].reverse()
              : rule === 'bad_validator_index'
                ? [...ea.slice(0, -1), { ...last, assurer: V + (k % 3) }]
                : rule === 'bad_signature'
                  ? replaced({ ...a, signature: sign(a.assurer, a.availabilities.map((b) => !b)).signature })
                  : replaced(sign(a.assurer, a.availabilities.map((b, c) => b || c === idle)));
        const before = structuredClone(state);
        expect(assurances(spec)(state, { assurances: ea2, slot, parent })).toEqual({ _tag: 'Left', left: rule });
        expect(state).toEqual(before);
      }),
      { numRuns: 100 },
    );
  });
});
