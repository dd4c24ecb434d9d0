/**
 * The in-core half of JAM: Is-Authorized and Refine (Appendix B, B.1-B.6, with the general and
 * refine host calls of B.15-B.18), the historical lookup (9.7) and the work package to work
 * report function Xi (section 14), with the guarantor's side of it (section 15).
 *
 * Readings of 0.7.2 where the paper leaves a choice (each is also said at its code site):
 * - B.16/B.18 (fetch, historical_lookup): with v = none, f and l are undefined; the answer is
 *   NONE without a writability check, as for accumulate's calls.
 * - B.18 export: P_{W_G} (14.18) of an empty read is the empty blob, not a segment; a zero
 *   segment is exported.
 * - B.18 invoke: E_8(g') of a negative g' (an inner out of gas, the engines' g - 1 = -1) is
 *   written as 0. An inner counter at or past 2^32 runs as 2^32 - 1 (both trap, A.19).
 * - B.18 machine leaves the guest's RAM wholly inaccessible; inaccessible pages hold zeroes (only
 *   pages with r < 3 makes them so, and it zeroes them), so a guest keeps only its accessible pages.
 * - B.5: BIG compares |Lambda(...)| (metadata included) with W_C; B.1 compares |p_c| (code only)
 *   with W_A. A preimage that does not split as E(var(z), c) is read as no code (BAD).
 * - B.6 lists no `log` call (JIP-1's 100): it is an unknown id, 10 gas and WHAT.
 * - 14.12 I(p, j): read in the paper's order, |e| != w_e comes before r not in B, so an item that
 *   fails (BAD, BIG, panic, out of gas) with w_e > 0 reports bad exports; only with w_e = 0 does
 *   its own error show. |r| + z > W_R is tested for a blob r only (an error has no size).
 * - 14.16-14.17: T of no segments is taken as V empty sequences, so s-club is V zero hashes.
 * - 14.8 bounds the gas sums strictly (< G_A, < G_R), as written.
 * - Section 14 asks that Is-Authorized run first; Xi rejects on the authorizer before it
 *   gathers imports and extrinsics.
 */
import type * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { CoreIndex, State, WorkPackage } from '../../spec/types.js';
import type { ErasureEngine } from '../erasure/index.js';
import type { PvmEngine } from '../pvm/index.js';
import { type ComputedReport, type InCoreData, type WorkPackageRejection, computeWorkReport } from './work-report.js';

export { PsiI, PsiR, authCode } from './invocations.js';
export type { Accounts, AuthorizationResult, InvocationResult, RefineArguments, RefineOutcome } from './invocations.js';
export { historicalLookup } from './lookup.js';
export { computeWorkReport, packageLimits, pagedProofs, availabilitySpecifier, itemToDigest, authorizer } from './work-report.js';
export type { ComputedReport, InCoreData, RefinedItem, WorkPackageRejection } from './work-report.js';
export { guarantee, guarantorCore, guaranteePayload } from './guarantee.js';
export type { GuaranteeRejection, GuaranteeState, GuarantorPayload, Signer } from './guarantee.js';

/** The state refining reads: delta, through the historical lookup (any state no earlier than the lookup anchor's, B.5). */
export type RefineState = Pick<State, 'delta'>;

/**
 * A package refined on core c against a state: Xi(p, c) (14.12) with the engines chosen by the
 * caller, the report and exports or the named rejection. The entry point of `jam-model refine`.
 */
export const refinePackage =
  (spec: ChainSpec, pvm: PvmEngine, erasure: ErasureEngine) =>
  (state: RefineState, data: InCoreData, p: WorkPackage, c: CoreIndex): E.Either<WorkPackageRejection, ComputedReport> =>
    computeWorkReport(spec, pvm, erasure)(state.delta, data, p, c);
