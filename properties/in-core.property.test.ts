/**
 * Properties of the in-core half (Appendix B's Psi_I/Psi_R, sections 9.7, 14, 15):
 * - Lambda (9.7) against the text's four modes: with the history's slots ascending, a preimage is
 *   available at t exactly when an odd number of them are at or before t.
 * - Paged proofs (14.11): each page, with its path, rebuilds the segment root M(s).
 * - Xi (14.12) over random packages of the fixture service: |exports| = segCount = sum w_e,
 *   segRoot = M(exports), a non-ok item exports only zero segments; Psi_R the same on both engines.
 * - Guaranteeing (15.1-15.2): the credential verifies under kappa[v]_e on X_G ++ H(E(r)), and r is
 *   Xi(p, c) for the validator's core c.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { type Hash, bytesEqual, concatBytes } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import { Reader, encode } from '../spec/codec.js';
import { workReport } from '../spec/codecs.js';
import type { State, WorkItem } from '../spec/types.js';
import { blake2b256, ed25519Verify } from '../model/crypto/index.js';
import { erasureEngines } from '../model/erasure/index.js';
import { type GuaranteeState, guarantee, guarantorCore } from '../model/in-core/guarantee.js';
import { PsiR } from '../model/in-core/invocations.js';
import { historicalLookup } from '../model/in-core/lookup.js';
import { authorizer, computeWorkReport, pagedProofs } from '../model/in-core/work-report.js';
import { merkleConstantDepth, merkleNode } from '../model/merklization/merkle.js';
import { withPreimage, withRequest } from '../model/merklization/serialize.js';
import { tsEngine } from '../model/pvm/index.js';
import { nativeEngine } from '../model/pvm/native.js';
import { Xguarantee } from '../model/reports/index.js';
import { account, delta, item, noData, pkg, refinePreimage, trapPreimage } from './in-core.fixture.js';
import { signingValidators } from './validators.fixture.js';

describe('historical lookup (9.7)', () => {
  it('available at t iff an odd number of the (ascending) history slots are <= t (300 cases)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 100 }), { maxLength: 3 }).map((l) => [...new Set(l)].sort((a, b) => a - b)),
        fc.integer({ min: 0, max: 120 }),
        fc.uint8Array({ minLength: 1, maxLength: 8 }),
        (l, t, p) => {
          const h = blake2b256(p);
          const a = withRequest(withPreimage(account([]), h, p), h, p.length, l);
          const odd = l.filter((x) => x <= t).length % 2 === 1;
          expect(historicalLookup(a, t, h)).toEqual(odd ? p : undefined);
          // A request of another length says nothing of this preimage.
          expect(historicalLookup(withRequest(withPreimage(account([]), h, p), h, p.length + 1, l), t, h)).toBeUndefined();
        },
      ),
      { numRuns: 300 },
    );
  });
});

/** Rebuilds M(s) from page i of P(s): the page's leaf hashes padded to its subtree, then up its path. */
const rootFromPage = (page: Uint8Array, i: number, total: number): Hash => {
  const r = new Reader(page);
  const J = Array.from({ length: Number(r.natural()) }, () => r.take(32));
  const L = Array.from({ length: Number(r.natural()) }, () => r.take(32));
  const width = Math.min(64, 2 ** Math.ceil(Math.log2(Math.max(1, total))));
  let node = merkleNode([...L, ...Array.from({ length: width - L.length }, () => new Uint8Array(32))]);
  // J runs from the top down; the bits of i, lowest first, say on which side the subtree lies.
  J.reverse().forEach((sibling, level) => {
    node = (i >> level) & 1 ? merkleNode([sibling, node]) : merkleNode([node, sibling]);
  });
  return node as Hash;
};

describe('paged proofs (14.11)', () => {
  it('every page and its path rebuild the segment root; ceil(|s|/64) pages of W_G octets (40 cases of 1-300 segments)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 0, max: 255 }), (n, seed) => {
        const s = Array.from({ length: n }, (_, k) => new Uint8Array(tiny.Csegmentsize).fill((seed + k) % 256));
        const pages = pagedProofs(tiny, s);
        expect(pages.length).toBe(Math.ceil(n / 64));
        const root = merkleConstantDepth(s);
        pages.forEach((page, i) => {
          expect(page.length).toBe(tiny.Csegmentsize);
          expect(rootFromPage(page, i, n)).toEqual(root);
        });
      }),
      { numRuns: 40 },
    );
  });
});

/** Items of the fixture service: the exporting refiner, a trap or a missing code, 0-3 exports. */
const workItem: fc.Arbitrary<WorkItem> = fc
  .record({
    code: fc.constantFrom(blake2b256(refinePreimage), blake2b256(trapPreimage), new Uint8Array(32).fill(7) as Hash),
    exportCount: fc.integer({ min: 0, max: 3 }),
    payload: fc.uint8Array({ maxLength: 40 }),
    refGasLimit: fc.bigInt({ min: 0n, max: 100n }),
  })
  .map(({ code, ...rest }) => item({ codeHash: code, ...rest }));

describe('Xi (14.12)', () => {
  const xi = computeWorkReport(tiny, nativeEngine, erasureEngines.native);
  it('exports: |e| = segCount = sum w_e, segRoot = M(e), a non-ok item exports zero segments (30 packages)', () => {
    fc.assert(
      fc.property(fc.array(workItem, { minLength: 1, maxLength: 4 }), fc.integer({ min: 0, max: tiny.Ccorecount - 1 }), (items, c) => {
        const out = xi(delta, noData, pkg(items), c);
        if (E.isLeft(out)) throw new Error(out.left);
        const { report, exports } = out.right;
        const total = items.reduce((a, w) => a + w.exportCount, 0);
        expect(exports.length).toBe(total);
        expect(report.avspec.segCount).toBe(total);
        expect(report.avspec.segRoot).toEqual(merkleConstantDepth(exports));
        expect(report.digests.length).toBe(items.length);
        let at = 0;
        report.digests.forEach((d, j) => {
          const mine = exports.slice(at, at + items[j]!.exportCount);
          at += items[j]!.exportCount;
          if (d.result.kind !== 'ok') expect(mine.every((x) => x.every((b) => b === 0))).toBe(true);
        });
      }),
      { numRuns: 30 },
    );
  });
  it('Psi_R gives the same result, exports and gas on the TypeScript and native engines (50 packages)', () => {
    fc.assert(
      fc.property(fc.array(workItem, { minLength: 1, maxLength: 3 }), (items) => {
        const p = pkg(items);
        for (let i = 0; i < items.length; i++) {
          const args = { c: 0, i, p, r: new Uint8Array(0), imports: items.map(() => []), extrinsics: items.map(() => []), segoff: 0 };
          expect(PsiR(tiny, tsEngine)(delta, args)).toEqual(PsiR(tiny, nativeEngine)(delta, args));
        }
      }),
      { numRuns: 50 },
    );
  });
});

describe('guaranteeing (15.1-15.2)', () => {
  const { kappa, sign } = signingValidators(tiny);
  it('the credential verifies on X_G ++ H(E(r)) and r is Xi(p, c) for the validator\'s core (20 cases)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: tiny.Cvalcount - 1 }),
        fc.uint8Array({ minLength: 32, maxLength: 32 }),
        fc.integer({ min: 0, max: 1000 }),
        fc.array(workItem, { minLength: 1, maxLength: 2 }),
        (v, entropy, tau, items) => {
          const p = pkg(items);
          const state: GuaranteeState = {
            alpha: Array.from({ length: tiny.Ccorecount }, () => [authorizer(p)]),
            delta,
            eta: [entropy, entropy, entropy, entropy] as unknown as State['eta'],
            kappa,
            psi: { good: [], bad: [], wonky: [], offenders: [] },
            tau,
          };
          const out = guarantee(tiny, nativeEngine, erasureEngines.native)(state, noData, p, v, (m) => sign(v, m));
          if (E.isLeft(out)) throw new Error(out.left);
          const c = guarantorCore(tiny, state, v)!;
          const { report, credential } = out.right;
          expect(report.core).toBe(c);
          const again = computeWorkReport(tiny, nativeEngine, erasureEngines.native)(delta, noData, p, c);
          expect(E.isRight(again) && bytesEqual(encode(workReport, again.right.report), encode(workReport, report))).toBe(true);
          const message = concatBytes(Xguarantee, blake2b256(encode(workReport, report)));
          expect(ed25519Verify(kappa[v]!.ed, message, credential.signature)).toBe(true);
          expect(ed25519.verify(credential.signature, message, kappa[(v + 1) % tiny.Cvalcount]!.ed)).toBe(false);
          // Without p_a in the core's pool there is no guarantee.
          const empty = { ...state, alpha: state.alpha.map(() => []) };
          expect(guarantee(tiny, nativeEngine, erasureEngines.native)(empty, noData, p, v, (m) => sign(v, m))).toEqual(E.left('authorizer_not_in_pool'));
          // Nor for an index outside the validator set.
          expect(guarantee(tiny, nativeEngine, erasureEngines.native)(state, noData, p, tiny.Cvalcount, (m) => sign(v, m))).toEqual(E.left('unknown_validator'));
        },
      ),
      { numRuns: 20 },
    );
  });
});
