/**
 * Statistics, section 13: per-validator activity over the epoch (pi_V, with the previous epoch's
 * record pi_L), and per-block core (pi_C) and service (pi_S) activity.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesEqual, type Ed25519Key } from '../../spec/bytes.js';
import type {
  Assurance,
  CoreActivity,
  Gas,
  Preimage,
  ServiceActivity,
  ServiceId,
  State,
  Statistics,
  TicketEnvelope,
  TimeSlot,
  ValidatorActivity,
  ValidatorKey,
  WorkReport,
} from '../../spec/types.js';

export type StatisticsState = Pick<State, 'pi' | 'tau'>;

/** S (eq. 12.29): per accumulated service, the number of digests accumulated and the gas used. */
export type AccumulationStatistics = ReadonlyMap<ServiceId, { readonly count: number; readonly gasUsed: Gas }>;

export interface StatisticsInput {
  /** H_t = tau': the block's timeslot. */
  readonly slot: TimeSlot;
  /** H_i: the block author's validator index. */
  readonly authorIndex: number;
  /** E_T, E_P and E_A. */
  readonly tickets: ReadonlyArray<TicketEnvelope>;
  readonly preimages: ReadonlyArray<Preimage>;
  readonly assurances: ReadonlyArray<Assurance>;
  /** kappa': the posterior active validators. */
  readonly kappaPrime: ReadonlyArray<ValidatorKey>;
  /** R (eq. 11.26): the Ed25519 keys of the guarantors of this block's reports. */
  readonly reporters: ReadonlyArray<Ed25519Key>;
  /** I (eq. 11.28): the incoming work-reports. */
  readonly incoming: ReadonlyArray<WorkReport>;
  /** R (eq. 11.16): the work-reports that just became available. */
  readonly available: ReadonlyArray<WorkReport>;
  /** S (eq. 12.29): the accumulation statistics. */
  readonly accumulationStatistics: AccumulationStatistics;
}

/** @gp 13.2 -- a validator's record: blocks, tickets, preimages and their octets, guarantees, assurances (all zero) */
const zeroValidatorActivity: ValidatorActivity = {
  blocks: 0,
  tickets: 0,
  preimageCount: 0,
  preimageSize: 0,
  guarantees: 0,
  assurances: 0,
};

/** The validator records pi_V' and pi_L' (eqs. 13.3 to 13.5). */
export const validatorStatistics =
  (spec: ChainSpec) =>
  (
    pi: Pick<Statistics, 'valsCurrent' | 'valsLast'>,
    tau: TimeSlot,
    input: Pick<StatisticsInput, 'slot' | 'authorIndex' | 'tickets' | 'preimages' | 'assurances' | 'kappaPrime' | 'reporters'>,
  ): Pick<Statistics, 'valsCurrent' | 'valsLast'> => {
    /** @gp 13.3 -- e and e': the prior and posterior epochs */
    const e = Math.floor(tau / spec.Cepochlen);
    const ePrime = Math.floor(input.slot / spec.Cepochlen);
    /** @gp 13.4 -- a and pi_L': the accumulator carries on within an epoch and rotates into pi_L on a new one */
    const [a, piLPrime] =
      ePrime === e
        ? [pi.valsCurrent, pi.valsLast]
        : [Array.from({ length: spec.Cvalcount }, () => zeroValidatorActivity), pi.valsCurrent];
    const preimageSize = input.preimages.reduce((n, p) => n + p.data.length, 0);
    /** @gp 13.5 -- pi_V'[v]: a[v] plus this block's blocks, tickets, preimages, guarantees and assurances by v */
    const piVPrime = a.map((r, v): ValidatorActivity => {
      const isAuthor = v === input.authorIndex;
      const key = input.kappaPrime[v]?.ed;
      return {
        blocks: r.blocks + (isAuthor ? 1 : 0),
        tickets: r.tickets + (isAuthor ? input.tickets.length : 0),
        preimageCount: r.preimageCount + (isAuthor ? input.preimages.length : 0),
        preimageSize: r.preimageSize + (isAuthor ? preimageSize : 0),
        guarantees: r.guarantees + (key !== undefined && input.reporters.some((k) => bytesEqual(k, key)) ? 1 : 0),
        assurances: r.assurances + (input.assurances.some((x) => x.assurer === v) ? 1 : 0),
      };
    });
    return { valsCurrent: piVPrime, valsLast: piLPrime };
  };

const zeroLoad = { importCount: 0, xtCount: 0, xtSize: 0, exportCount: 0, gasUsed: 0n };

/** The summed refine loads of some work digests (the tuples R(c) and R(s) sum). */
const sumLoads = (digests: ReadonlyArray<WorkReport['digests'][number]>): typeof zeroLoad =>
  digests.reduce(
    (s, d) => ({
      importCount: s.importCount + d.importCount,
      xtCount: s.xtCount + d.xtCount,
      xtSize: s.xtSize + d.xtSize,
      exportCount: s.exportCount + d.exportCount,
      gasUsed: s.gasUsed + d.gasUsed,
    }),
    zeroLoad,
  );

/** The core records pi_C' (eqs. 13.8 to 13.11), per block. */
export const coreStatistics =
  (spec: ChainSpec) =>
  (input: Pick<StatisticsInput, 'incoming' | 'available' | 'assurances'>): ReadonlyArray<CoreActivity> =>
    /** @gp 13.6 -- pi_C: one record per core */
    Array.from({ length: spec.Ccorecount }, (_, c): CoreActivity => {
      const incomingOnCore = input.incoming.filter((w) => w.core === c);
      /** @gp 13.9 -- R(c): the refine loads of the digests of the incoming reports on core c, summed */
      const R = sumLoads(incomingOnCore.flatMap((w) => w.digests));
      /** @gp 13.10 -- L(c): the bundle lengths of the incoming reports on core c */
      const L = incomingOnCore.reduce((n, w) => n + w.avspec.bundleLen, 0);
      /** @gp 13.11 -- D(c): the availability load of the reports on core c that became available */
      const D = input.available
        .filter((w) => w.core === c)
        .reduce((n, w) => n + w.avspec.bundleLen + spec.Csegmentsize * Math.ceil((w.avspec.segCount * 65) / 64), 0);
      /** @gp 13.8 -- pi_C'[c]: this block's activity on core c */
      return {
        ...R,
        bundleLen: L,
        daLoad: D,
        popularity: input.assurances.filter((a) => a.availabilities[c] === true).length,
      };
    });

/** The service records pi_S' (eqs. 13.12 to 13.16), per block. */
export const serviceStatistics = (
  input: Pick<StatisticsInput, 'incoming' | 'preimages' | 'accumulationStatistics'>,
): ReadonlyMap<ServiceId, ServiceActivity> => {
  const digests = input.incoming.flatMap((w) => w.digests);
  /** @gp 13.14 -- s^R: the services of the incoming reports' digests */
  const sR = digests.map((d) => d.serviceIndex);
  /** @gp 13.15 -- s^P: the services provided with preimages */
  const sP = input.preimages.map((p) => p.serviceIndex);
  /** @gp 13.13 -- s: every service reported, provided or accumulated in this block */
  const s = [...new Set([...sR, ...sP, ...input.accumulationStatistics.keys()])].sort((a, b) => a - b);
  /** @gp 13.7 -- pi_S: a dictionary from service index to its record */
  return new Map(
    s.map((service): [ServiceId, ServiceActivity] => {
      const ofService = digests.filter((d) => d.serviceIndex === service);
      /** @gp 13.16 -- R(s): the count and refine loads of the incoming digests of service s, summed */
      const R = { n: ofService.length, ...sumLoads(ofService) };
      const provided = input.preimages.filter((p) => p.serviceIndex === service);
      const accumulated = input.accumulationStatistics.get(service);
      /** @gp 13.12 -- pi_S'[s]: this block's refinement, provision and accumulation by service s */
      const record: ServiceActivity = {
        importCount: R.importCount,
        xtCount: R.xtCount,
        xtSize: R.xtSize,
        exportCount: R.exportCount,
        refinementCount: R.n,
        refinementGas: R.gasUsed,
        provisionCount: provided.length,
        provisionSize: provided.reduce((n, p) => n + p.data.length, 0),
        accumulationCount: accumulated?.count ?? 0,
        accumulationGas: accumulated?.gasUsed ?? 0n,
      };
      return [service, record];
    }),
  );
};

/** pi': the four statistics components after this block (section 13). */
export const statistics =
  (spec: ChainSpec) =>
  (state: StatisticsState, input: StatisticsInput): E.Either<never, readonly [StatisticsState, null]> =>
    E.right([
      {
        pi: {
          ...validatorStatistics(spec)(state.pi, state.tau, input),
          cores: coreStatistics(spec)(input),
          services: serviceStatistics(input),
        },
        tau: state.tau,
      },
      null,
    ]);
