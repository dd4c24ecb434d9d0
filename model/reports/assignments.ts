/**
 * Section 11.3, guarantor assignments: the core each validator guarantees for, M for the present
 * rotation and M* for the previous one, built from a Fisher-Yates shuffle of the cores by epochal
 * entropy and rotated every R slots.
 */
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { Ed25519Key, Hash } from '../../spec/bytes.js';
import { blacklistFilter } from '../safrole/keys.js';
import type { ValidatorKey } from '../../spec/types.js';
import { shuffleByHash } from '../shuffle/index.js';

/** @gp 11.18 -- M (or M*): the core of each validator and the validators' keys (offenders nulled by Phi) */
export interface GuarantorAssignments {
  readonly cores: ReadonlyArray<number>;
  readonly keys: ReadonlyArray<ValidatorKey>;
}

/** @gp 11.19 -- R: every core index rotated by n, modulo C */
export const rotate = (spec: ChainSpec, c: ReadonlyArray<number>, n: number): ReadonlyArray<number> =>
  c.map((x) => (x + n) % spec.Ccorecount);

/**
 * a mod n as the paper means it, in [0, n) also for a negative a (JavaScript's % keeps a's sign):
 * M* (11.22) calls P with tau' - R, negative while tau' < R.
 */
const mod = (a: number, n: number): number => ((a % n) + n) % n;

/** @gp 11.20 -- P: the shuffled core of each validator, rotated by the slot's rotation within its epoch */
export const permute = (spec: ChainSpec, e: Hash, t: number): ReadonlyArray<number> =>
  rotate(
    spec,
    shuffleByHash(
      Array.from({ length: spec.Cvalcount }, (_, i) => Math.floor((spec.Ccorecount * i) / spec.Cvalcount)),
      e,
    ),
    Math.floor(mod(t, spec.Cepochlen) / spec.Crotationperiod),
  );

/** The posterior state the assignments read: eta', kappa', lambda', psi'_o and tau'. */
export interface AssignmentInputs {
  readonly eta: ReadonlyArray<Hash>;
  readonly kappa: ReadonlyArray<ValidatorKey>;
  readonly lambda: ReadonlyArray<ValidatorKey>;
  readonly offenders: ReadonlyArray<Ed25519Key>;
  readonly tau: number;
}

/** @gp 11.21 -- M = (P(eta'_2, tau'), Phi(kappa')) */
export const guarantorAssignments = (spec: ChainSpec, s: AssignmentInputs): GuarantorAssignments => ({
  cores: permute(spec, s.eta[2]!, s.tau),
  keys: blacklistFilter(s.kappa, s.offenders),
});

/** @gp 11.22 -- M*: the assignments under the previous rotation (eta'_3 and lambda' across an epoch boundary) */
export const guarantorAssignmentsUnderLastRotation = (spec: ChainSpec, s: AssignmentInputs): GuarantorAssignments => {
  const sameEpoch = Math.floor((s.tau - spec.Crotationperiod) / spec.Cepochlen) === Math.floor(s.tau / spec.Cepochlen);
  const [e, k] = sameEpoch ? [s.eta[2]!, s.kappa] : [s.eta[3]!, s.lambda];
  return { cores: permute(spec, e, s.tau - spec.Crotationperiod), keys: blacklistFilter(k, s.offenders) };
};
