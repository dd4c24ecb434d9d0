/**
 * The Safrole STF vectors (`stf/safrole`, safrole.asn). The vectors' state flattens gamma into
 * `gamma_k` (gamma_P, the pending set), `gamma_z`, `gamma_s`, `gamma_a`, and gives the posterior
 * offenders psi'_o as `post_offenders`; here they are mapped to the paper's gamma and psi.
 * Ticket proofs are verified and ring roots computed with the vectors' SRS.
 */
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { Ed25519Key, Hash, RingRoot } from '../../spec/bytes.js';
import { enumeration, optional, record, u32, varSequence } from '../../spec/codec.js';
import { codecs, ed25519Key, hash, ringRoot, ticketsExtrinsic } from '../../spec/codecs.js';
import type { Entropy, SealKeys, Ticket, TicketEnvelope, ValidatorKey } from '../../spec/types.js';
import { safrole, type SafroleError, type SafroleOutput, type SafroleState } from '../../model/safrole/index.js';
import { fromEither, okOrErr, stfCaseCodec, stfClass, type OkOrErr } from '../stf.js';
import { embeddedRingSrs } from '../../model/crypto/bandersnatch.js';

/** The vectors' state, named as safrole.asn names it. */
interface VectorsState {
  readonly tau: number;
  readonly eta: Entropy;
  readonly lambda: ReadonlyArray<ValidatorKey>;
  readonly kappa: ReadonlyArray<ValidatorKey>;
  readonly gammaK: ReadonlyArray<ValidatorKey>;
  readonly iota: ReadonlyArray<ValidatorKey>;
  readonly gammaA: ReadonlyArray<Ticket>;
  readonly gammaS: SealKeys;
  readonly gammaZ: RingRoot;
  readonly postOffenders: ReadonlyArray<Ed25519Key>;
}

interface Input {
  readonly slot: number;
  readonly entropy: Hash;
  readonly extrinsic: ReadonlyArray<TicketEnvelope>;
}
type Output = OkOrErr<SafroleOutput, SafroleError>;

/** safrole.asn ErrorCode, in enumeration order. */
const errors: ReadonlyArray<SafroleError> = [
  'bad_slot',
  'unexpected_ticket',
  'bad_ticket_order',
  'bad_ticket_proof',
  'bad_ticket_attempt',
  'reserved',
  'duplicate_ticket',
];

const testCase = (spec: ChainSpec) => {
  const c = codecs(spec);
  const state = record<VectorsState>('SafroleState', [
    ['tau', 'tau', u32],
    ['eta', 'eta', c.entropy],
    ['lambda', 'lambda', c.validatorKeys],
    ['kappa', 'kappa', c.validatorKeys],
    ['gammaK', 'gamma_k', c.validatorKeys],
    ['iota', 'iota', c.validatorKeys],
    ['gammaA', 'gamma_a', c.ticketAccumulator],
    ['gammaS', 'gamma_s', c.sealKeys],
    ['gammaZ', 'gamma_z', ringRoot],
    ['postOffenders', 'post_offenders', varSequence(ed25519Key)],
  ]);
  const input = record<Input>('SafroleInput', [
    ['slot', 'slot', u32],
    ['entropy', 'entropy', hash],
    ['extrinsic', 'extrinsic', ticketsExtrinsic],
  ]);
  const output = okOrErr(
    record<SafroleOutput>('SafroleOutput', [
      ['epochMark', 'epoch_mark', optional(c.epochMark)],
      ['ticketsMark', 'tickets_mark', optional(c.winnersMark)],
    ]),
    enumeration('SafroleErrorCode', errors),
  );
  return stfCaseCodec(input, state, output);
};

/** The vectors' names to the paper's: gamma = (gamma_P, gamma_Z, gamma_S, gamma_A), psi'_o. */
const toModel = (s: VectorsState): SafroleState => ({
  tau: s.tau,
  eta: s.eta,
  lambda: s.lambda,
  kappa: s.kappa,
  iota: s.iota,
  gamma: { pendingSet: s.gammaK, epochRoot: s.gammaZ, sealTickets: s.gammaS, ticketAccumulator: s.gammaA },
  psi: { good: [], bad: [], wonky: [], offenders: s.postOffenders },
});

const fromModel = (s: SafroleState): VectorsState => ({
  tau: s.tau,
  eta: s.eta,
  lambda: s.lambda,
  kappa: s.kappa,
  gammaK: s.gamma.pendingSet,
  iota: s.iota,
  gammaA: s.gamma.ticketAccumulator,
  gammaS: s.gamma.sealTickets,
  gammaZ: s.gamma.epochRoot,
  postOffenders: s.psi.offenders,
});

export const safroleClass = stfClass<Input, VectorsState, Output>({
  name: 'safrole',
  description: 'Section 6: timekeeping, key rotation, entropy, slot-key sequence, markers, tickets',
  testCase,
  run: (spec) => (pre, input) =>
    fromEither(pre, safrole(spec, embeddedRingSrs())(toModel(pre), input), (state, output) => ({
      output,
      postState: fromModel(state),
    })),
});
