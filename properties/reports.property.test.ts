/**
 * Properties of guarantor assignments and guarantees (sections 11.3-11.5) with real Ed25519
 * signatures over the tiny configuration: every core gets exactly V/C guarantors under M for
 * any entropy and slot (tiny and full), and a rotation moves every validator one core on; a
 * well-formed guarantees extrinsic signed by assigned guarantors is accepted, placing each
 * report on its core at tau' and naming its signers as reporters; breaking one rule gives that
 * rule's error and leaves the state exactly as it was.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { full, tiny, type ChainSpec } from '../spec/chain-spec.js';
import { bytesCompare, bytesEqual, concatBytes } from '../spec/bytes.js';
import type { Ed25519Signature, Hash } from '../spec/bytes.js';
import type { Entropy, Guarantee, ServiceInfo, WorkReport } from '../spec/types.js';
import { guarantorAssignments, permute, rotate } from '../model/reports/assignments.js';
import { reports, Xguarantee, type ReportsInput, type ReportsState } from '../model/reports/index.js';
import { workReportHash } from '../model/reports/work-report.js';
import { signingValidators } from './validators.fixture.js';

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => b as Hash);

describe('guarantor assignments', () => {
  for (const spec of [tiny, full] as ReadonlyArray<ChainSpec>)
    it(`11.20-11.21: every core has exactly V/C guarantors, and a rotation moves each one core on (${spec.name}, 200 cases)`, () => {
      fc.assert(
        fc.property(hash, fc.nat({ max: 2 ** 32 - 1 - spec.Crotationperiod }), (e, t) => {
          const cores = permute(spec, e, t);
          const counts = new Array<number>(spec.Ccorecount).fill(0);
          for (const c of cores) counts[c]! += 1;
          expect(counts.every((n) => n === spec.Cvalcount / spec.Ccorecount)).toBe(true);
          const sameEpoch = Math.floor(t / spec.Cepochlen) === Math.floor((t + spec.Crotationperiod) / spec.Cepochlen);
          if (sameEpoch) expect(permute(spec, e, t + spec.Crotationperiod)).toEqual(rotate(spec, cores, 1));
        }),
        { numRuns: 200 },
      );
    });
});

const spec = tiny;
const V = spec.Cvalcount;
const C = spec.Ccorecount;
const E = spec.Cepochlen;

const { kappa, lambda, sign } = signingValidators(spec);

const service = 7;
const codeHash = new Uint8Array(32).fill(0xc0) as Hash;
const account: ServiceInfo = {
  codeHash,
  balance: 0n,
  minAccGas: 10n,
  minMemoGas: 0n,
  octets: 0n,
  gratis: 0n,
  items: 0,
  created: 0,
  lastAcc: 0,
  parent: 0,
};

/** A prior state and a valid guarantees extrinsic for it. */
const scenario = fc
  .record({
    tau: fc.integer({ min: 2 * E, max: 100 * E }),
    eta: fc.tuple(hash, hash, hash, hash),
    cores: fc.subarray([...Array(C).keys()], { minLength: 1 }),
    packages: fc.uniqueArray(hash, { minLength: C, maxLength: C, comparator: bytesEqual }),
    authorizers: fc.array(hash, { minLength: C, maxLength: C }),
    threeSigners: fc.array(fc.boolean(), { minLength: C, maxLength: C }),
    gas: fc.array(fc.bigInt({ min: 10n, max: spec.Creportaccgas }), { minLength: C, maxLength: C }),
    anchor: fc.tuple(hash, hash, hash),
    known: fc.uniqueArray(hash, { maxLength: 4, comparator: bytesEqual }),
  })
  .map((g) => {
    const m = guarantorAssignments(spec, { eta: g.eta as Entropy, kappa, lambda, offenders: [], tau: g.tau });
    const [anchorHash, anchorPostState, anchorAccOutLog] = g.anchor;
    const guarantees: Guarantee[] = g.cores.map((core) => {
      const workReport: WorkReport = {
        avspec: { packageHash: g.packages[core]!, bundleLen: 0, erasureRoot: anchorHash, segRoot: anchorPostState, segCount: 0 },
        context: { anchorHash, anchorPostState, anchorAccOutLog, lookupAnchorHash: anchorHash, lookupAnchorTime: g.tau, prerequisites: [] },
        core,
        authorizer: g.authorizers[core]!,
        authGasUsed: 0n,
        authTrace: new Uint8Array(0),
        srLookup: [],
        digests: [
          {
            serviceIndex: service,
            codeHash,
            payloadHash: anchorHash,
            gasLimit: g.gas[core]!,
            result: { kind: 'ok', value: new Uint8Array(0) },
            gasUsed: 0n,
            importCount: 0,
            xtCount: 0,
            xtSize: 0,
            exportCount: 0,
          },
        ],
      };
      const message = concatBytes(Xguarantee, workReportHash(workReport));
      const signers = [...Array(V).keys()].filter((v) => m.cores[v] === core).slice(0, g.threeSigners[core] ? 3 : 2);
      return {
        workReport,
        timeslot: g.tau,
        credential: signers.map((v) => ({ validatorIndex: v, signature: sign(v, message) })),
      };
    });
    const state: ReportsState = {
      rho: Array.from({ length: C }, () => undefined),
      kappa,
      lambda,
      eta: g.eta as Entropy,
      psi: { good: [], bad: [], wonky: [], offenders: [] },
      beta: {
        history: [{ headerHash: anchorHash, stateRoot: anchorPostState, accOutLogSuperPeak: anchorAccOutLog, reportedPackageHashes: [] }],
        accOutBelt: [],
      },
      alpha: g.authorizers.map((a) => [a]),
      delta: new Map([[service, account]]),
    };
    const input: ReportsInput = { guarantees, slot: g.tau, knownPackages: g.known };
    return { state, input };
  });

type Case = { state: ReportsState; input: ReportsInput };

/** One broken rule, and the error it must give. */
const breakOne = ({ state, input }: Case, which: number): [Case, string] | undefined => {
  const gs = input.guarantees;
  const g0 = gs[0]!;
  const withG0 = (g: Guarantee): ReportsInput => ({ ...input, guarantees: [g, ...gs.slice(1)] });
  switch (which) {
    case 0:
      return gs.length < 2 ? undefined : [{ state, input: { ...input, guarantees: [...gs].reverse() } }, 'out_of_order_guarantee'];
    case 1:
      return [{ state, input: withG0({ ...g0, credential: g0.credential.slice(0, 1) }) }, 'insufficient_guarantees'];
    case 2:
      return [{ state, input: withG0({ ...g0, credential: [...g0.credential].reverse() }) }, 'not_sorted_or_unique_guarantors'];
    case 3: {
      const s = g0.credential[0]!.signature.slice() as Ed25519Signature;
      s[5] = s[5]! ^ 0x10;
      return [{ state, input: withG0({ ...g0, credential: [{ ...g0.credential[0]!, signature: s }, ...g0.credential.slice(1)] }) }, 'bad_signature'];
    }
    case 4:
      return [{ state, input: withG0({ ...g0, timeslot: input.slot + 1 }) }, 'future_report_slot'];
    case 5:
      return [
        { state: { ...state, rho: state.rho.map((p, c) => (c === g0.workReport.core ? { workReport: g0.workReport, timestamp: 0 } : p)) }, input },
        'core_engaged',
      ];
    case 6:
      return [{ state: { ...state, alpha: state.alpha.map(() => []) }, input }, 'core_unauthorized'];
    case 7:
      return [{ state, input: { ...input, knownPackages: [...input.knownPackages, g0.workReport.avspec.packageHash] } }, 'duplicate_package'];
    case 8:
      return [{ state: { ...state, delta: new Map([[service, { ...account, codeHash: new Uint8Array(32) as Hash }]]) }, input }, 'bad_code_hash'];
    case 9:
      return [{ state: { ...state, delta: new Map([[service, { ...account, minAccGas: spec.Creportaccgas + 1n }]]) }, input }, 'service_item_gas_too_low'];
    case 10:
      return [{ state: { ...state, beta: { ...state.beta, history: [] } }, input }, 'anchor_not_recent'];
    default: {
      const signer = kappa[g0.credential[0]!.validatorIndex]!.ed;
      return [{ state: { ...state, psi: { ...state.psi, offenders: [signer] } }, input }, 'banned_validator'];
    }
  }
};

describe('reports (guarantees)', () => {
  it('accepts a valid extrinsic: each report on its core at tau\', reported and reporters as sets (100 cases)', () => {
    fc.assert(
      fc.property(scenario, ({ state, input }) => {
        const before = structuredClone(state);
        const r = reports(spec)(state, input);
        expect(state).toEqual(before);
        if (r._tag === 'Left') throw new Error(`rejected: ${r.left}`);
        const [post, out] = r.right;
        post.rho.forEach((p, c) => {
          const g = input.guarantees.find((x) => x.workReport.core === c);
          expect(p).toEqual(g === undefined ? state.rho[c] : { workReport: g.workReport, timestamp: input.slot });
        });
        const signers = input.guarantees.flatMap((g) => g.credential.map((s) => kappa[s.validatorIndex]!.ed));
        expect(out.reporters).toEqual([...new Set(signers)].sort(bytesCompare));
        expect(out.reported.map((p) => p.hash)).toEqual(input.guarantees.map((g) => g.workReport.avspec.packageHash).sort(bytesCompare));
      }),
      { numRuns: 100 },
    );
  });

  it("one broken rule gives that rule's error and leaves the state as it was (240 cases)", () => {
    fc.assert(
      fc.property(scenario, fc.nat({ max: 11 }), (c, which) => {
        const broken = breakOne(c, which);
        fc.pre(broken !== undefined);
        const [{ state, input }, error] = broken!;
        const before = structuredClone(state);
        expect(reports(spec)(state, input)).toEqual({ _tag: 'Left', left: error });
        expect(state).toEqual(before);
      }),
      { numRuns: 240 },
    );
  });
});
