/**
 * Properties of auditing (section 17) and of the best chain (section 19):
 * - q (17.2) keeps exactly the pending reports that became available.
 * - s_0, s_n (17.3, 17.14): Bandersnatch VRF signatures on their contexts verify; Y(s_0) seeds a_0.
 * - a_0 (17.5-17.6): at most ten pairs, distinct cores with a report, every report when there are
 *   at most ten cores; the same VRF output always selects the same cores.
 * - a_n (17.15): no no-shows, no later audit; more no-shows never drop a selected report.
 * - x_n (17.9): the announced set does not depend on the tranche's order.
 * - U (17.18): over two thirds of positive judgments audit a report whatever else; a negative
 *   judgment leaves only that route; more positive judgments never un-audit.
 * - The best block (19.1-19.4) is acceptable and has the most ticketed ancestors among acceptable
 *   blocks; learning of a new block never makes an unacceptable block acceptable.
 * - BEEFY (18.1-18.2): the signed material is $jam_beefy ++ the last block's accumulation-output super-peak.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as E from 'fp-ts/lib/Either.js';
import { type Hash, toHex } from '../spec/bytes.js';
import { full, tiny } from '../spec/chain-spec.js';
import type { WorkReport } from '../spec/types.js';
import {
  type AuditorsOf,
  announcedCores,
  auditReports,
  initialAuditContext,
  initialTranche,
  isAudited,
  laterAuditContext,
  laterTranche,
} from '../model/auditing/index.js';
import { banderout, publicKeyFromSeed, signBs, verifyBsSignature } from '../model/crypto/bandersnatch.js';
import { Xbeefy, beefyCommitmentMessage } from '../model/best-chain/beefy.js';
import { type BlockTree, type KnownBlock, bestBlock, isAcceptable, ticketedCount } from '../model/best-chain/index.js';

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }) as fc.Arbitrary<Hash>;
/** A report distinguishable by its authorizer; the rest is fixed. */
const report = (tag: number, core: number): WorkReport => ({
  avspec: { packageHash: new Uint8Array(32) as Hash, bundleLen: 0, erasureRoot: new Uint8Array(32) as Hash, segRoot: new Uint8Array(32) as Hash, segCount: 0 },
  context: {
    anchorHash: new Uint8Array(32) as Hash,
    anchorPostState: new Uint8Array(32) as Hash,
    anchorAccOutLog: new Uint8Array(32) as Hash,
    lookupAnchorHash: new Uint8Array(32) as Hash,
    lookupAnchorTime: 0,
    prerequisites: [],
  },
  core,
  authorizer: new Uint8Array(32).fill(tag) as Hash,
  authGasUsed: 0n,
  authTrace: new Uint8Array(0),
  srLookup: [],
  digests: [],
});
/** q over C cores: each core's report present with the given probability. */
const auditReportsOf = (C: number): fc.Arbitrary<ReadonlyArray<WorkReport | undefined>> =>
  fc.array(fc.boolean(), { minLength: C, maxLength: C }).map((present) => present.map((p, c) => (p ? report(c % 256, c) : undefined)));

describe('auditing (17)', () => {
  it('q: rho[c]_r exactly when it is among W (100 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.boolean(), fc.boolean()), { minLength: 2, maxLength: 2 }), (cores) => {
        const rho = cores.map(([pending], c) => (pending ? { workReport: report(c + 1, c), timestamp: 0 } : undefined));
        const W = cores.flatMap(([pending, available], c) => (pending && available ? [report(c + 1, c)] : []));
        const q = auditReports(rho, W);
        cores.forEach(([pending, available], c) => expect(q[c] !== undefined).toBe(pending && available));
      }),
      { numRuns: 100 },
    );
  });
  it('a_0: at most ten distinct cores with a report, all of them when C <= 10, a function of Y(s_0) (200 cases, C up to 341)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: full.Ccorecount }).chain(auditReportsOf), hash, (q, y) => {
        const a = initialTranche(q, y);
        expect(a.length).toBeLessThanOrEqual(10);
        expect(new Set(a.map((x) => x.c)).size).toBe(a.length);
        a.forEach(({ c, w }) => expect(q[c]).toBe(w));
        if (q.length <= 10) expect(a.length).toBe(q.filter((w) => w !== undefined).length);
        expect(initialTranche(q, y)).toEqual(a);
      }),
      { numRuns: 200 },
    );
  });
  it('a_n: none without no-shows; more no-shows never drop a report (200 cases)', () => {
    fc.assert(
      fc.property(
        auditReportsOf(tiny.Ccorecount),
        fc.array(hash, { minLength: tiny.Ccorecount, maxLength: tiny.Ccorecount }),
        fc.array(fc.uniqueArray(fc.integer({ min: 0, max: tiny.Cvalcount - 1 })), { minLength: tiny.Ccorecount, maxLength: tiny.Ccorecount }),
        fc.integer({ min: 0, max: tiny.Cvalcount - 1 }),
        (q, ys, noShows, extra) => {
          const Ysn = (c: number): Hash => ys[c]!;
          const judgedAll = { valid: new Map(noShows.map((vs, c) => [c, new Set(vs)])), invalid: new Map() };
          const previous: AuditorsOf = new Map(noShows.map((vs, c) => [c, new Set(vs)]));
          expect(laterTranche(tiny, q, Ysn, previous, judgedAll)).toEqual([]);
          const nobody = { valid: new Map(), invalid: new Map() };
          const some = laterTranche(tiny, q, Ysn, previous, nobody);
          const more: AuditorsOf = new Map(noShows.map((vs, c) => [c, new Set([...vs, extra])]));
          const selected = new Set(laterTranche(tiny, q, Ysn, more, nobody).map((x) => x.c));
          some.forEach(({ c }) => expect(selected.has(c)).toBe(true));
        },
      ),
      { numRuns: 200 },
    );
  });
  it('s_0 and s_n: VRF signatures of kappa[v]_b on their contexts verify, and Y(s_0) picks a_0 (10 cases)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), hash, fc.integer({ min: 1, max: 255 }), (seed, YHv, n) => {
        const key = publicKeyFromSeed(seed);
        const s0 = signBs(seed, initialAuditContext(YHv), new Uint8Array(0));
        if (E.isLeft(s0)) throw new Error(s0.left);
        const y0 = banderout(s0.right);
        expect(verifyBsSignature(key, initialAuditContext(YHv), new Uint8Array(0), s0.right)).toEqual(y0);
        const other = YHv.slice() as Hash;
        other[0] = other[0]! ^ 1;
        expect(E.isLeft(verifyBsSignature(key, initialAuditContext(other), new Uint8Array(0), s0.right))).toBe(true);
        if (E.isLeft(y0)) throw new Error(y0.left);
        const q = [report(1, 0), undefined];
        expect(initialTranche(q, y0.right)).toEqual([{ c: 0, w: q[0] }]);
        const sn = signBs(seed, laterAuditContext(YHv, q[0]!, n), new Uint8Array(0));
        if (E.isLeft(sn)) throw new Error(sn.left);
        expect(E.isRight(verifyBsSignature(key, laterAuditContext(YHv, q[0]!, n), new Uint8Array(0), sn.right))).toBe(true);
      }),
      { numRuns: 10 },
    );
  });
  it('x_n: the announced set is the same in any order (100 cases)', () => {
    fc.assert(
      fc.property(auditReportsOf(8), fc.integer(), (q, seed) => {
        const a = q.flatMap((w, c) => (w === undefined ? [] : [{ c, w }]));
        const shuffled = [...a].sort((x, y) => ((x.c * 7919 + seed) % 13) - ((y.c * 7919 + seed) % 13));
        expect(announcedCores(shuffled)).toEqual(announcedCores(a));
        expect(announcedCores(a).length).toBe(34 * a.length);
      }),
      { numRuns: 100 },
    );
  });
  it('U: > 2V/3 positive judgments audit; a negative judgment leaves only that route; monotone in J_top (300 cases)', () => {
    const V = tiny.Cvalcount;
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 0, max: V - 1 })),
        fc.uniqueArray(fc.integer({ min: 0, max: V - 1 })),
        fc.uniqueArray(fc.integer({ min: 0, max: V - 1 })),
        fc.integer({ min: 0, max: V - 1 }),
        (required, positive, negative, another) => {
          const tranches: ReadonlyArray<AuditorsOf> = [new Map([[0, new Set(required)]])];
          const judged = { valid: new Map([[0, new Set(positive)]]), invalid: new Map([[0, new Set(negative)]]) };
          const u = isAudited(tiny, 0, tranches, judged);
          if (3 * positive.length > 2 * V) expect(u).toBe(true);
          if (negative.length > 0) expect(u).toBe(3 * positive.length > 2 * V);
          if (negative.length === 0 && required.every((v) => positive.includes(v))) expect(u).toBe(true);
          const more = { ...judged, valid: new Map([[0, new Set([...positive, another])]]) };
          if (u) expect(isAudited(tiny, 0, tranches, more)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** A random block tree: block k's parent is one of the blocks before it (block 0 is the root). */
const tree: fc.Arbitrary<ReadonlyArray<KnownBlock>> = fc
  .array(fc.record({ parent: fc.nat(), slot: fc.integer({ min: 1, max: 6 }), ticketed: fc.boolean(), audited: fc.boolean() }), { minLength: 1, maxLength: 14 })
  .map((rows) => {
    const hashOf = (k: number): Hash => new Uint8Array(32).fill(k + 1) as Hash;
    const blocks: KnownBlock[] = [{ hash: hashOf(0), parent: new Uint8Array(32) as Hash, timeslot: 0, ticketed: false, audited: true }];
    rows.forEach((row, k) => {
      const parent = blocks[row.parent % blocks.length]!;
      // A child's slot is after its parent's, as 5.7 requires.
      blocks.push({ hash: hashOf(k + 1), parent: parent.hash, timeslot: parent.timeslot + row.slot, ticketed: row.ticketed, audited: row.audited });
    });
    return blocks;
  });
const treeOf = (blocks: ReadonlyArray<KnownBlock>): BlockTree => new Map(blocks.map((b) => [toHex(b.hash), b]));

describe('best chain (19)', () => {
  it('the best block is acceptable and no acceptable block has more ticketed ancestors (300 trees)', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (blocks, f) => {
        const t = treeOf(blocks);
        const finalized = blocks[f % blocks.length]!.hash;
        const best = bestBlock(t, finalized);
        const acceptable = blocks.filter((b) => isAcceptable(t, finalized, b.hash));
        expect(best === undefined).toBe(acceptable.length === 0);
        if (best !== undefined) {
          expect(isAcceptable(t, finalized, best.hash)).toBe(true);
          acceptable.forEach((b) => expect(ticketedCount(t, b.hash)).toBeLessThanOrEqual(ticketedCount(t, best.hash)));
        }
      }),
      { numRuns: 300 },
    );
  });
  it('a new block never makes a known block acceptable (300 trees)', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (blocks, f) => {
        const before = blocks.slice(0, -1);
        if (before.length === 0) return;
        const finalized = before[f % before.length]!.hash;
        const [t0, t1] = [treeOf(before), treeOf(blocks)];
        before.forEach((b) => {
          if (isAcceptable(t1, finalized, b.hash)) expect(isAcceptable(t0, finalized, b.hash)).toBe(true);
        });
      }),
      { numRuns: 300 },
    );
  });
  it('a block whose chain skips the finalized block, or is not audited, is not acceptable (300 trees)', () => {
    fc.assert(
      fc.property(tree, fc.nat(), (blocks, f) => {
        const t = treeOf(blocks);
        const finalized = blocks[f % blocks.length]!;
        blocks.forEach((b) => {
          if (!b.audited) expect(isAcceptable(t, finalized.hash, b.hash)).toBe(false);
        });
        // The root is an ancestor of everything: finalizing it leaves acceptability to U and equivocations.
        const root = blocks[0]!;
        if (finalized !== root) expect(isAcceptable(t, finalized.hash, root.hash)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe('BEEFY (18)', () => {
  it('the commitment is X_B ++ last(beta_H)_b, none without history (100 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ headerHash: hash, accOutLogSuperPeak: hash, stateRoot: hash }), { maxLength: 8 }), (blocks) => {
        const beta = { history: blocks.map((b) => ({ ...b, reportedPackageHashes: [] })), accOutBelt: [] };
        const m = beefyCommitmentMessage(beta);
        if (blocks.length === 0) expect(m).toBeUndefined();
        else expect(m).toEqual(new Uint8Array([...Xbeefy, ...blocks[blocks.length - 1]!.accOutLogSuperPeak]));
      }),
      { numRuns: 100 },
    );
  });
});
