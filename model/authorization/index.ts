/**
 * Authorization, section 8: each core's authorizer pool (alpha) drops the authorizer a guaranteed
 * report used and takes the queue's (phi) entry for this timeslot, keeping the last O.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesEqual, type Hash } from '../../spec/bytes.js';
import type { State, WorkReport } from '../../spec/types.js';

/** alpha, and phi' (the queue after accumulation, which the pool draws from). */
export type AuthorizationState = Pick<State, 'alpha' | 'phi'>;

export interface AuthorizationInput {
  /** H_t: the block's timeslot. */
  readonly slot: number;
  /** The reports of the guarantees extrinsic E_G: only their core and authorizer hash matter here. */
  readonly guaranteed: ReadonlyArray<Pick<WorkReport, 'core' | 'authorizer'>>;
}

/** s minus-left {v}: the sequence without its left-most element equal to v (section 3). */
const withoutLeftmost = (s: ReadonlyArray<Hash>, v: Hash): ReadonlyArray<Hash> => {
  const i = s.findIndex((x) => bytesEqual(x, v));
  return i < 0 ? s : [...s.slice(0, i), ...s.slice(i + 1)];
};

export const authorization =
  (spec: ChainSpec) =>
  (state: AuthorizationState, input: AuthorizationInput): E.Either<never, readonly [AuthorizationState, null]> => {
    /** @gp 8.3 -- F(c): the pool without the authorizer used by a report guaranteed on core c */
    const F = (c: number): ReadonlyArray<Hash> =>
      input.guaranteed.reduce((pool, w) => (w.core === c ? withoutLeftmost(pool, w.authorizer) : pool), state.alpha[c] ?? []);
    /** @gp 8.2 -- alpha'[c]: the last O of F(c) with phi'[c][H_t mod Q] appended */
    const alphaPrime = Array.from({ length: spec.Ccorecount }, (_, c) => {
      const next = state.phi[c]?.[input.slot % spec.Cauthqueuesize];
      if (next === undefined) throw new Error(`phi[${c}] must hold Q = ${spec.Cauthqueuesize} entries`);
      return [...F(c), next].slice(-spec.Cauthpoolsize);
    });
    return E.right([{ alpha: alphaPrime, phi: state.phi }, null]);
  };
