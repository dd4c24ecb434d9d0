/**
 * Section 14 from the paper's text: Psi_I and Psi_R on a small service (an authorizer that halts
 * at once, a refiner that exports its argument blob), then Xi's report and each named rejection.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { type Hash, toHex } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import { Writer, encode } from '../spec/codec.js';
import { workPackage } from '../spec/codecs.js';
import type { WorkPackage } from '../spec/types.js';
import { blake2b256 } from '../model/crypto/index.js';
import { erasureEngines } from '../model/erasure/index.js';
import { merkleConstantDepth } from '../model/merklization/merkle.js';
import { type PvmEngine, tsEngine } from '../model/pvm/index.js';
import { nativeEngine } from '../model/pvm/native.js';
import { PsiI, PsiR } from '../model/in-core/invocations.js';
import { type InCoreData, authorizer, computeWorkReport } from '../model/in-core/work-report.js';
import {
  HALT,
  S,
  account,
  authPreimage,
  delta,
  item,
  noData,
  pkg,
  trapPreimage,
} from './in-core.fixture.js';
import { programBlob, servicePreimageWith } from '../fuzz/author/packages.js';

describe.each<[string, PvmEngine]>([
  ['ts', tsEngine],
  ['native', nativeEngine],
])('Psi_I and Psi_R (B.1, B.5) on the %s engine', (_name, engine) => {
  it('Psi_I: the trace is the halted machine\'s output, here the argument E_2(c)', () => {
    const { r, u } = PsiI(tiny, engine)(delta, pkg(), 1);
    expect(r).toEqual(Uint8Array.of(1, 0));
    expect(u).toBe(1n);
  });
  it('Psi_I: BAD when p_c is not historically available at the lookup anchor', () => {
    const late = new Map([[S, account([authPreimage], 11)]]);
    expect(PsiI(tiny, engine)(late, pkg(), 0)).toEqual({ r: 'badCode', u: 0n });
    expect(PsiI(tiny, engine)(new Map(), pkg(), 0)).toEqual({ r: 'badCode', u: 0n });
  });
  it('Psi_I: BIG when |p_c| > W_A', () => {
    const big = servicePreimageWith(new Uint8Array(tiny.Cmaxauthcodesize), new Uint8Array(0), HALT);
    const p = pkg([item()], { authCodeHash: blake2b256(big) });
    expect(PsiI(tiny, engine)(new Map([[S, account([big])]]), p, 0)).toEqual({ r: 'bigCode', u: 0n });
  });
  it('Psi_I: panic', () => {
    expect(PsiI(tiny, engine)(delta, pkg([item()], { authCodeHash: blake2b256(trapPreimage) }), 0).r).toBe('panic');
  });
  const refineArgs = { c: 0, i: 0, p: pkg(), r: Uint8Array.of(0), imports: [[]], extrinsics: [[]], segoff: 0 };
  it('Psi_R: the export is the argument E(c, i, w_s, var(w_y), H(p)) zero-padded to W_G', () => {
    const out = PsiR(tiny, engine)(delta, refineArgs);
    const a = new Writer();
    [0, 0, S, 2].forEach((n) => a.natural(n));
    a.bytes(Uint8Array.of(0xaa, 0xbb));
    a.bytes(blake2b256(encode(workPackage, refineArgs.p)));
    expect(out.exports.length).toBe(1);
    expect(toHex(out.exports[0]!.subarray(0, a.result().length))).toBe(toHex(a.result()));
    expect(out.result).toEqual(new Uint8Array(0));
    // ecalli (1) + export (10) + jump_ind (1)
    expect(out.u).toBe(12n);
  });
  it('Psi_R: an inner machine made by `machine` from the read-only data, run by `invoke` to its host call, E_8(g\') ++ E_8(w\') the output', () => {
    // Inner: load_imm omega_7 42; ecalli 5. Outer (o = the inner blob at 2^16, w = E_8(100) ++ 13
    // zero registers at 2^16 * 3, A.42): machine(2^16, |o|, 0); invoke(0, 3 * 2^16); output those 112 octets.
    const inner = programBlob([51, 7, 42], [10, 5]);
    const rw = new Uint8Array(112);
    rw[0] = 100;
    const outer = servicePreimageWith(
      inner,
      rw,
      [51, 7, 0x00, 0x00, 0x01],
      [51, 8, inner.length],
      [51, 9],
      [10, 8],
      [51, 8, 0x00, 0x00, 0x03],
      [10, 12],
      [51, 7, 0x00, 0x00, 0x03],
      [51, 8, 112],
      HALT,
    );
    const p = pkg([item({ codeHash: blake2b256(outer) })]);
    const out = PsiR(tiny, engine)(new Map([[S, account([outer])]]), { ...refineArgs, p });
    const expected = new Uint8Array(112);
    expected[0] = 98;
    expected[8 + 7 * 8] = 42;
    expect(out.result).toEqual(expected);
    // nine instructions and two host calls of 10
    expect(out.u).toBe(29n);
  });
  it('Psi_R: BAD when w_s has no account; exports dropped on panic', () => {
    expect(PsiR(tiny, engine)(new Map(), refineArgs)).toEqual({ result: 'badCode', exports: [], u: 0n });
    const p = pkg([item({ codeHash: blake2b256(trapPreimage) })]);
    expect(PsiR(tiny, engine)(delta, { ...refineArgs, p })).toMatchObject({ result: 'panic', exports: [] });
  });
  it('Psi_R: out of gas', () => {
    const p = pkg([item({ refGasLimit: 0n })]);
    expect(PsiR(tiny, engine)(delta, { ...refineArgs, p })).toMatchObject({ result: 'outOfGas', exports: [] });
  });
});

describe('Xi: the work report (14.12)', () => {
  const xi = computeWorkReport(tiny, nativeEngine, erasureEngines.native);
  it('a report whose exports are the refiners\', with the avspec over them', () => {
    const p = pkg([item(), item({ exportCount: 0, codeHash: blake2b256(trapPreimage) })]);
    const out = xi(delta, noData, p, 1);
    if (E.isLeft(out)) throw new Error(out.left);
    const { report, exports } = out.right;
    expect(report.authorizer).toEqual(authorizer(p));
    expect(report.authTrace).toEqual(Uint8Array.of(1, 0));
    expect(report.core).toBe(1);
    expect(report.digests.map((d) => d.result.kind)).toEqual(['ok', 'panic']);
    expect(report.avspec.packageHash).toEqual(blake2b256(encode(workPackage, p)));
    expect(report.avspec.segCount).toBe(1);
    expect(report.avspec.segRoot).toEqual(merkleConstantDepth(exports));
    expect(report.avspec.bundleLen).toBe(encode(workPackage, p).length);
  });
  it('bad exports: |e| != w_e gives w_e zero segments and the error', () => {
    const out = xi(delta, noData, pkg([item({ exportCount: 3 })]), 0);
    if (E.isLeft(out)) throw new Error(out.left);
    expect(out.right.report.digests[0]!.result.kind).toBe('badExports');
    expect(out.right.exports).toEqual(Array.from({ length: 3 }, () => new Uint8Array(tiny.Csegmentsize)));
  });
  it('a failing item yields w_e zero segments; read literally, with w_e > 0 its error is bad exports (|e| = 0 != w_e comes first)', () => {
    const failing = (exportCount: number): ReadonlyArray<string> => {
      const out = xi(delta, noData, pkg([item({ codeHash: new Uint8Array(32) as Hash, exportCount })]), 0);
      if (E.isLeft(out)) throw new Error(out.left);
      expect(out.right.exports).toEqual(Array.from({ length: exportCount }, () => new Uint8Array(tiny.Csegmentsize)));
      return out.right.report.digests.map((d) => d.result.kind);
    };
    expect(failing(0)).toEqual(['badCode']);
    expect(failing(2)).toEqual(['badExports']);
  });
  it('imports and extrinsics: resolved through L and put in the bundle with their justifications', () => {
    const exporter = Array.from({ length: 3 }, (_, i) => new Uint8Array(tiny.Csegmentsize).fill(i + 1));
    const root = merkleConstantDepth(exporter);
    const packageHash = new Uint8Array(32).fill(0x99) as Hash;
    const ext = Uint8Array.of(7, 7, 7);
    const data: InCoreData = {
      segments: new Map([[toHex(root), exporter]]),
      packages: [{ packageHash, bundleLen: 0, erasureRoot: root, segRoot: root, segCount: 3 }],
      extrinsics: new Map([[toHex(blake2b256(ext)), ext]]),
    };
    const p = pkg([
      item({
        importSegments: [
          { treeRoot: root, index: 2 },
          { treeRoot: packageHash, index: 2 ** 15 + 1 },
        ],
        extrinsics: [{ hash: blake2b256(ext), len: 3 }],
      }),
    ]);
    const out = xi(delta, data, p, 0);
    if (E.isLeft(out)) throw new Error(out.left);
    expect(out.right.report.srLookup).toEqual([{ packageHash, segRoot: root }]);
    // E(p) ++ x ++ two segments ++ two justifications of ceil(log2 3) = 2 hashes each (with a prefix)
    expect(out.right.report.avspec.bundleLen).toBe(encode(workPackage, p).length + 3 + 2 * tiny.Csegmentsize + 2 * (1 + 64));
  });
  it.each<[string, WorkPackage, InCoreData]>([
    ['no_items', pkg([]), noData],
    ['too_many_items', pkg(Array.from({ length: tiny.Cmaxpackageitems + 1 }, () => item({ exportCount: 0 }))), noData],
    ['too_many_exports', pkg([item({ exportCount: tiny.Cmaxpackageexports + 1 })]), noData],
    ['too_many_imports', pkg([item({ importSegments: Array.from({ length: tiny.Cmaxpackageimports + 1 }, () => ({ treeRoot: new Uint8Array(32) as Hash, index: 0 })) })]), noData],
    ['too_many_extrinsics', pkg([item({ extrinsics: Array.from({ length: tiny.Cmaxpackagexts + 1 }, () => ({ hash: new Uint8Array(32) as Hash, len: 0 })) })]), noData],
    ['bundle_too_big', pkg([item({ payload: new Uint8Array(tiny.Cmaxbundlesize) })]), noData],
    ['accumulate_gas_too_high', pkg([item({ accGasLimit: tiny.Creportaccgas })]), noData],
    ['refine_gas_too_high', pkg([item({ refGasLimit: tiny.Cpackagerefgas })]), noData],
    ['authorizer_bad_code', pkg([item()], { authCodeHost: 99 }), noData],
    ['authorizer_panic', pkg([item()], { authCodeHash: blake2b256(trapPreimage) }), noData],
    ['missing_import', pkg([item({ importSegments: [{ treeRoot: new Uint8Array(32) as Hash, index: 0 }] })]), noData],
    ['unknown_package_hash', pkg([item({ importSegments: [{ treeRoot: new Uint8Array(32) as Hash, index: 2 ** 15 }] })]), noData],
    [
      'too_many_lookup_entries',
      pkg([item({ importSegments: Array.from({ length: 9 }, (_, i) => ({ treeRoot: new Uint8Array(32).fill(i) as Hash, index: 2 ** 15 })) })]),
      noData,
    ],
    ['missing_extrinsic', pkg([item({ extrinsics: [{ hash: blake2b256(Uint8Array.of(1)), len: 1 }] })]), noData],
  ])('rejects: %s', (name, p, data) => {
    expect(xi(delta, data, p, 0)).toEqual(E.left(name));
  });
});
