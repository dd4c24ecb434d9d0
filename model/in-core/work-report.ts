/**
 * Section 14: a work package to its work report. The package's limits (14.4-14.8), the
 * authorizer (14.10, Psi_I), each item refined (Psi_R) and digested (14.9), the imports with
 * their justifications and the extrinsics (14.13-14.15), the exports with their paged proofs
 * (14.11), and the availability specifier with its erasure root (14.16-14.17). Every way a package
 * fails is a named rejection; a failing item is not one (its digest carries the error).
 */
import * as E from 'fp-ts/lib/Either.js';
import { type Hash, concatBytes, toHex } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { Writer, encode } from '../../spec/codec.js';
import { workPackage } from '../../spec/codecs.js';
import type {
  AvailabilitySpec,
  CoreIndex,
  ImportSpec,
  SegmentRootLookupItem,
  WorkDigest,
  WorkItem,
  WorkPackage,
  WorkReport,
  WorkResult,
} from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import { type ErasureEngine, erasureCodeBlob, erasureCodeSegment, transpose, zeroPad } from '../erasure/index.js';
import { merkleConstantDepth, merkleJustifyPage, merkleLeafPage, merkleWellBalanced } from '../merklization/merkle.js';
import type { PvmEngine } from '../pvm/index.js';
import type { Segment } from './host-calls.js';
import { type Accounts, type AuthorizationResult, type InvocationResult, PsiI, PsiR } from './invocations.js';

/** Why a package yields no report: each names the paper's condition it fails. */
export type WorkPackageRejection =
  /** 14.2: 1 <= |p_w| <= I. */
  | 'no_items'
  | 'too_many_items'
  /** 14.4: the sums of exports, imports and extrinsics within W_X, W_M, T. */
  | 'too_many_exports'
  | 'too_many_imports'
  | 'too_many_extrinsics'
  /** 14.5: the bundle's size bound W_B. */
  | 'bundle_too_big'
  /** 14.8: the sums of the gas limits below G_A and G_R. */
  | 'accumulate_gas_too_high'
  | 'refine_gas_too_high'
  /** 14.12 via B.1: Psi_I gave no trace. */
  | 'authorizer_bad_code'
  | 'authorizer_big_code'
  | 'authorizer_panic'
  | 'authorizer_out_of_gas'
  /** 14.12: the trace exceeds W_R. */
  | 'auth_trace_too_big'
  /** 14.12: |l| <= 8. */
  | 'too_many_lookup_entries'
  /** 14.14: an import names a package h-boxplus whose segment root the guarantor does not know. */
  | 'unknown_package_hash'
  /** 14.15: no known exports s with M(s) = L(r), or none at index n. */
  | 'missing_import'
  /** 14.15: no known data d with (H(d), |d|) as the item lists. */
  | 'missing_extrinsic';

/**
 * What the guarantor knows besides the state (section 14's "assumptions" made data): the exported
 * segments of each segment root it imports from (the D3L as reconstructed, by 0x-hex of the root),
 * the availability specifications of exporting packages (for h-boxplus imports), and the extrinsic
 * data by 0x-hex of its hash.
 */
export interface InCoreData {
  readonly segments: ReadonlyMap<string, ReadonlyArray<Segment>>;
  readonly packages: ReadonlyArray<AvailabilitySpec>;
  readonly extrinsics: ReadonlyMap<string, Uint8Array>;
}

/** @gp 14.6 eq:segmentfootprint -- W_S = W_G + 32 ceil(log2(W_M)): a segment with its justification. */
export const segmentFootprint = (spec: ChainSpec): number => spec.Csegmentsize + 32 * Math.ceil(Math.log2(spec.Cmaxpackageimports));

const sum = <T>(xs: ReadonlyArray<T>, f: (x: T) => number): number => xs.reduce((a, x) => a + f(x), 0);
const sumGas = <T>(xs: ReadonlyArray<T>, f: (x: T) => bigint): bigint => xs.reduce((a, x) => a + f(x), 0n);

/** The limits the paper puts on every package (14.2, 14.4, 14.5, 14.8). */
export const packageLimits = (spec: ChainSpec, p: WorkPackage): E.Either<WorkPackageRejection, WorkPackage> => {
  const w = p.workItems;
  if (w.length === 0) return E.left('no_items');
  if (w.length > spec.Cmaxpackageitems) return E.left('too_many_items');
  // @gp 14.4 eq:limitworkpackagebandwidth -- sum w_e <= W_X, sum |w_i| <= W_M, sum |w_x| <= T
  if (sum(w, (x) => x.exportCount) > spec.Cmaxpackageexports) return E.left('too_many_exports');
  if (sum(w, (x) => x.importSegments.length) > spec.Cmaxpackageimports) return E.left('too_many_imports');
  if (sum(w, (x) => x.extrinsics.length) > spec.Cmaxpackagexts) return E.left('too_many_extrinsics');
  // @gp 14.5 eq:checkextractsize -- |p_j| + |p_f| + sum S(w) <= W_B, S(w) = |w_y| + |w_i| W_S + sum l
  // @gp 14.7 -- W_B = W_M W_S + 4096 + 64 + 64 (the chain spec's constant)
  const S = (x: WorkItem): number => x.payload.length + x.importSegments.length * segmentFootprint(spec) + sum(x.extrinsics, (e) => e.len);
  if (p.authToken.length + p.authConfig.length + sum(w, S) > spec.Cmaxbundlesize) return E.left('bundle_too_big');
  // @gp 14.8 eq:wplimits -- sum w_a < G_A and sum w_g < G_R
  if (sumGas(w, (x) => x.accGasLimit) >= spec.Creportaccgas) return E.left('accumulate_gas_too_high');
  if (sumGas(w, (x) => x.refGasLimit) >= spec.Cpackagerefgas) return E.left('refine_gas_too_high');
  return E.right(p);
};

/** The work result of 11.7 for an invocation's result. */
const asWorkResult = (r: InvocationResult): WorkResult =>
  typeof r === 'string' ? { kind: r, value: null } : { kind: 'ok', value: r };

/**
 * @gp 14.9 -- C(w, r, u): the digest of an item: its service, code hash, payload hash, accumulate
 * gas limit, result, gas used, and the counts and size of its imports, exports and extrinsics.
 */
export const itemToDigest = (w: WorkItem, r: InvocationResult, u: bigint): WorkDigest => ({
  serviceIndex: w.serviceIndex,
  codeHash: w.codeHash,
  payloadHash: blake2b256(w.payload),
  gasLimit: w.accGasLimit,
  result: asWorkResult(r),
  gasUsed: u,
  importCount: w.importSegments.length,
  exportCount: w.exportCount,
  xtCount: w.extrinsics.length,
  xtSize: sum(w.extrinsics, (e) => e.len),
});

/** @gp 14.10 -- p_a = H(p_u ++ p_f): the package's implied authorizer. */
export const authorizer = (p: Pick<WorkPackage, 'authCodeHash' | 'authConfig'>): Hash => blake2b256(concatBytes(p.authCodeHash, p.authConfig));

/**
 * @gp 14.11 eq:pagedproofs -- P(s): for each page i of 64 segments, P_{W_G}(E(var(J_6(s, i)), var(L_6(s, i)))):
 * the path to the page's subtree and the page's leaf hashes.
 */
export const pagedProofs = (spec: ChainSpec, s: ReadonlyArray<Segment>): ReadonlyArray<Segment> =>
  Array.from({ length: Math.ceil(s.length / 64) }, (_, i) => {
    const w = new Writer();
    const J = merkleJustifyPage(6, s, i);
    const L = merkleLeafPage(6, s, i);
    w.natural(J.length);
    for (const h of J) w.bytes(h);
    w.natural(L.length);
    for (const h of L) w.bytes(h);
    return zeroPad(spec.Csegmentsize, w.result());
  });

/**
 * @gp 14.16 -- A(h, b, s): the availability specifier: the package hash, |b|, the erasure root,
 * the segment root M(s) and |s|.
 * @gp 14.17 -- u = M_B([x_0 ++ x_1 | x <- T[b-club, s-club]]), b-club = H#(C_{ceil(|b|/W_E)}(P_{W_E}(b))),
 * s-club = M_B#(T C#(s ++ P(s))).
 */
export const availabilitySpecifier =
  (spec: ChainSpec, engine: ErasureEngine) =>
  (h: Hash, b: Uint8Array, s: ReadonlyArray<Segment>): AvailabilitySpec => {
    const bClub = erasureCodeBlob(spec, engine)(b).map(blake2b256);
    const coded = [...s, ...pagedProofs(spec, s)].map((x) => {
      const chunks = erasureCodeSegment(spec, engine)(x);
      if (E.isLeft(chunks)) throw new Error(`a segment of ${x.length} octets: ${chunks.left}`);
      return chunks.right;
    });
    // T of no segments: each validator's sequence of chunks is empty (the paper leaves T([]) implicit).
    const perValidator = coded.length === 0 ? bClub.map(() => []) : transpose(coded);
    const sClub = perValidator.map((chunks) => merkleWellBalanced(chunks as ReadonlyArray<Uint8Array>));
    return {
      packageHash: h,
      bundleLen: b.length,
      erasureRoot: merkleWellBalanced(bClub.map((x, i) => concatBytes(x, sClub[i]!))),
      segRoot: merkleConstantDepth(s),
      segCount: s.length,
    };
  };

/** An import's root: the segment root r, or the package hash of r-boxplus (the top bit of its index, C.35). */
const importOf = (i: ImportSpec): { readonly r: Hash; readonly boxplus: boolean; readonly n: number } => ({
  r: i.treeRoot,
  boxplus: i.index >= 2 ** 15,
  n: i.index % 2 ** 15,
});

/**
 * What Psi_R gave for one item before 14.12 judged it: its result, the gas it used and how many
 * segments it exported (the digest keeps only the judged result and the declared count, so an
 * item reported as bad exports or oversize is explained only by this).
 */
export interface RefinedItem {
  readonly result: InvocationResult;
  readonly u: bigint;
  readonly exported: number;
}

/** The report, the exported segments of all items in item order, and each item's Psi_R outcome. */
export interface ComputedReport {
  readonly report: WorkReport;
  readonly exports: ReadonlyArray<Segment>;
  readonly refined: ReadonlyArray<RefinedItem>;
}

/**
 * @gp 14.12 eq:workdigestfunction -- Xi(p, c): the work report of p on core c, or the named
 * rejection: (a, t, u) from Psi_I, each item refined in order with its export offset and the
 * size budget W_R, the digests and exports transposed out, the availability specifier over the
 * bundle E(p, X#, S#, J#) and all exports.
 */
export const computeWorkReport =
  (spec: ChainSpec, pvm: PvmEngine, erasure: ErasureEngine) =>
  (delta: Accounts, data: InCoreData, p: WorkPackage, c: CoreIndex): E.Either<WorkPackageRejection, ComputedReport> => {
    const limits = packageLimits(spec, p);
    if (E.isLeft(limits)) return limits;
    const w = p.workItems;
    // Is-Authorized runs first (section 14: "must be executed first in order to ensure that the
    // work-package warrants the needed core-time"), then the imports and extrinsics are gathered.
    const auth = PsiI(spec, pvm)(delta, p, c);
    if (typeof auth.r === 'string') return E.left(authRejection[auth.r]);
    const o = auth.r;
    if (o.length > spec.Cmaxreportvarsize) return E.left('auth_trace_too_big');

    // @gp 14.14 -- each (h, e) of l is a package hash and the segment root of that package's report:
    // l is built from the availability specifications the guarantor knows, so it holds by construction.
    const packageHashes = new Set(w.flatMap((x) => x.importSegments.map(importOf).filter((i) => i.boxplus).map((i) => toHex(i.r))));
    if (packageHashes.size > 8) return E.left('too_many_lookup_entries');
    const l = new Map<string, Hash>();
    for (const h of packageHashes) {
      const known = data.packages.find((a) => toHex(a.packageHash) === h);
      if (known === undefined) return E.left('unknown_package_hash');
      l.set(h, known.segRoot);
    }
    // @gp 14.13 -- L(r): r itself for a segment root, l[h] for h-boxplus
    const L = (i: { readonly r: Hash; readonly boxplus: boolean }): Hash => (i.boxplus ? l.get(toHex(i.r))! : i.r);

    // @gp 14.15 -- X(w), S(w), J(w): the extrinsic data, the imported segments s_n of the s with
    // M(s) = L(r), and each segment's justification var(J_0(s, n))
    const verified = new Map<string, ReadonlyArray<Segment> | undefined>();
    const exportsOf = (root: Hash): ReadonlyArray<Segment> | undefined => {
      const key = toHex(root);
      if (!verified.has(key)) {
        const s = data.segments.get(key);
        verified.set(key, s !== undefined && toHex(merkleConstantDepth(s)) === key ? s : undefined);
      }
      return verified.get(key);
    };
    const S: Segment[][] = [];
    const J: Hash[][][] = [];
    const X: Uint8Array[][] = [];
    for (const item of w) {
      const segments: Segment[] = [];
      const justifications: Hash[][] = [];
      for (const imported of item.importSegments.map(importOf)) {
        const s = exportsOf(L(imported));
        const segment = s?.[imported.n];
        if (s === undefined || segment === undefined) return E.left('missing_import');
        segments.push(segment);
        justifications.push([...merkleJustifyPage(0, s, imported.n)]);
      }
      const extrinsics: Uint8Array[] = [];
      for (const { hash, len } of item.extrinsics) {
        const d = data.extrinsics.get(toHex(hash));
        if (d === undefined || d.length !== len || toHex(blake2b256(d)) !== toHex(hash)) return E.left('missing_extrinsic');
        extrinsics.push(d);
      }
      S.push(segments);
      J.push(justifications);
      X.push(extrinsics);
    }

    const digests: WorkDigest[] = [];
    const allExports: Segment[] = [];
    const refinedItems: RefinedItem[] = [];
    // z: |o| plus the output sizes of the items before j that gave a blob
    let z = o.length;
    let segoff = 0;
    for (let j = 0; j < w.length; j++) {
      const item = w[j]!;
      const refined = PsiR(spec, pvm)(delta, { c, i: j, p, r: o, imports: S, extrinsics: X, segoff });
      refinedItems.push({ result: refined.result, u: refined.u, exported: refined.exports.length });
      const zeros = (): ReadonlyArray<Segment> => Array.from({ length: item.exportCount }, () => new Uint8Array(spec.Csegmentsize));
      let r: InvocationResult = refined.result;
      let e = refined.exports;
      // |r| + z > W_R is read for a blob r only: an error has no size (see the report's ambiguity).
      if (typeof r !== 'string' && r.length + z > spec.Cmaxreportvarsize) [r, e] = ['oversize', zeros()];
      else if (e.length !== item.exportCount) [r, e] = ['badExports', zeros()];
      else if (typeof r === 'string') e = zeros();
      if (typeof r !== 'string') z += r.length;
      digests.push(itemToDigest(item, r, refined.u));
      allExports.push(...e);
      segoff += item.exportCount;
    }

    const packageHash = blake2b256(encode(workPackage, p));
    const bundle = new Writer();
    bundle.bytes(encode(workPackage, p));
    for (const x of X.flat()) bundle.bytes(x);
    for (const s of S.flat()) bundle.bytes(s);
    for (const path of J.flat()) {
      bundle.natural(path.length);
      for (const h of path) bundle.bytes(h);
    }
    const srLookup: SegmentRootLookupItem[] = [...l]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([h, segRoot]) => ({ packageHash: data.packages.find((a) => toHex(a.packageHash) === h)!.packageHash, segRoot }));
    return E.right({
      report: {
        avspec: availabilitySpecifier(spec, erasure)(packageHash, bundle.result(), allExports),
        context: p.context,
        core: c,
        authorizer: authorizer(p),
        authGasUsed: auth.u,
        authTrace: o,
        srLookup,
        digests,
      },
      exports: allExports,
      refined: refinedItems,
    });
  };

const authRejection: Readonly<Record<Exclude<AuthorizationResult, Uint8Array>, WorkPackageRejection>> = {
  badCode: 'authorizer_bad_code',
  bigCode: 'authorizer_big_code',
  panic: 'authorizer_panic',
  outOfGas: 'authorizer_out_of_gas',
};
