/**
 * Section 15, guaranteeing: the core a validator guarantees for (its entry in M, 11.21), the
 * checks a guarantor makes before refining (its core's authorizer pool), the report Xi(p, c)
 * and the signed payload l = H(E(r)) with X_G (11.27).
 */
import * as E from 'fp-ts/lib/Either.js';
import { type Ed25519Signature, type Hash, bytesEqual, concatBytes } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { encode } from '../../spec/codec.js';
import { workReport } from '../../spec/codecs.js';
import type { Credential, State, ValidatorIndex, WorkPackage, WorkReport } from '../../spec/types.js';
import { blake2b256 } from '../crypto/index.js';
import type { ErasureEngine } from '../erasure/index.js';
import type { PvmEngine } from '../pvm/index.js';
import { guarantorAssignments } from '../reports/assignments.js';
import { Xguarantee } from '../reports/index.js';
import { type InCoreData, type WorkPackageRejection, authorizer, computeWorkReport } from './work-report.js';
import type { Segment } from './host-calls.js';

/** The state a guarantor reads: the most recent block's (section 15: "we always utilize the chain state of the most recent block"). */
export type GuaranteeState = Pick<State, 'alpha' | 'delta' | 'eta' | 'kappa' | 'psi' | 'tau'>;

/** Why a validator does not guarantee a package: its own index, its core's pool, or Xi's rejection. */
export type GuaranteeRejection = 'unknown_validator' | 'authorizer_not_in_pool' | WorkPackageRejection;

/** The validator's Ed25519 signature on a message, by whoever holds its key (the model holds none). */
export type Signer = (message: Uint8Array) => Ed25519Signature;

/** A guarantor's payload (s, v) with the report r it signs and the segments it exports. */
export interface GuarantorPayload {
  readonly report: WorkReport;
  readonly exports: ReadonlyArray<Segment>;
  readonly credential: Credential;
}

/** The core validator v guarantees for now: its entry of M = (P(eta'_2, tau'), Phi(kappa')) (11.21). */
export const guarantorCore = (spec: ChainSpec, state: GuaranteeState, v: ValidatorIndex): number | undefined =>
  guarantorAssignments(spec, { eta: state.eta, kappa: state.kappa, lambda: [], offenders: state.psi.offenders, tau: state.tau }).cores[v];

/** @gp 15.2 -- l = H(E(r)): the payload a guarantor signs, under the context X_G (11.26). */
export const guaranteePayload = (r: WorkReport): Uint8Array => concatBytes(Xguarantee, blake2b256(encode(workReport, r)));

/**
 * @gp 15.1 -- r = Xi(p, c) for guarantor v on its core c, once p's authorizer is in c's pool
 * (step 1 of section 15, made before any refining as the section advises); then (s, v).
 */
export const guarantee =
  (spec: ChainSpec, pvm: PvmEngine, erasure: ErasureEngine) =>
  (state: GuaranteeState, data: InCoreData, p: WorkPackage, v: ValidatorIndex, sign: Signer): E.Either<GuaranteeRejection, GuarantorPayload> => {
    const c = guarantorCore(spec, state, v);
    if (c === undefined) return E.left('unknown_validator');
    const pa: Hash = authorizer(p);
    if (!(state.alpha[c] ?? []).some((h) => bytesEqual(h, pa))) return E.left('authorizer_not_in_pool');
    return E.map(({ report, exports }: { report: WorkReport; exports: ReadonlyArray<Segment> }) => ({
      report,
      exports,
      credential: { validatorIndex: v, signature: sign(guaranteePayload(report)) },
    }))(computeWorkReport(spec, pvm, erasure)(state.delta, data, p, c));
  };
