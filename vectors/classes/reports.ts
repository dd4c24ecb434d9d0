/**
 * The reports (guarantees) STF vectors (`stf/reports`, reports.asn). The vectors' state holds
 * rho-double-dagger (`avail_assignments`), the posterior kappa', lambda', eta' and psi'_o, beta,
 * alpha, the accounts' ServiceInfo, and the per-block core and service statistics, which in this
 * class receive only the incoming reports' part (13.8-13.16 with no assurances, no available
 * reports, no preimages and no accumulation).
 */
import type { ChainSpec } from '../../spec/chain-spec.js';
import type { Ed25519Key, Hash } from '../../spec/bytes.js';
import { dictionary, enumeration, mapCodec, record, sequence, u32, varSequence } from '../../spec/codec.js';
import {
  codecs,
  coreActivity,
  ed25519Key,
  hash,
  recentHistory,
  serviceInfo,
  servicesStatistics,
} from '../../spec/codecs.js';
import type {
  CoreActivity,
  Guarantee,
  PendingReport,
  RecentHistory,
  ReportedPackage,
  ServiceActivity,
  ServiceId,
  ServiceInfo,
  ValidatorKey,
} from '../../spec/types.js';
import { reports, type ReportsError, type ReportsOutput } from '../../model/reports/index.js';
import { coreStatistics, serviceStatistics } from '../../model/statistics/index.js';
import { fromEither, okOrErr, stfCaseCodec, stfClass, type OkOrErr } from '../stf.js';

/** The vectors' state, named as reports.asn names it. */
interface VectorsState {
  readonly availAssignments: ReadonlyArray<PendingReport | undefined>;
  readonly currValidators: ReadonlyArray<ValidatorKey>;
  readonly prevValidators: ReadonlyArray<ValidatorKey>;
  readonly entropy: readonly [Hash, Hash, Hash, Hash];
  readonly offenders: ReadonlyArray<Ed25519Key>;
  readonly recentBlocks: RecentHistory;
  readonly authPools: ReadonlyArray<ReadonlyArray<Hash>>;
  readonly accounts: ReadonlyMap<ServiceId, ServiceInfo>;
  readonly coresStatistics: ReadonlyArray<CoreActivity>;
  readonly servicesStatistics: ReadonlyMap<ServiceId, ServiceActivity>;
}

interface Input {
  readonly guarantees: ReadonlyArray<Guarantee>;
  readonly slot: number;
  readonly knownPackages: ReadonlyArray<Hash>;
}
type Output = OkOrErr<ReportsOutput, ReportsError>;

/** reports.asn ErrorCode, in enumeration order. */
const errors: ReadonlyArray<ReportsError> = [
  'bad_core_index',
  'future_report_slot',
  'report_epoch_before_last',
  'insufficient_guarantees',
  'out_of_order_guarantee',
  'not_sorted_or_unique_guarantors',
  'wrong_assignment',
  'core_engaged',
  'anchor_not_recent',
  'bad_service_id',
  'bad_code_hash',
  'dependency_missing',
  'duplicate_package',
  'bad_state_root',
  'bad_beefy_mmr_root',
  'core_unauthorized',
  'bad_validator_index',
  'work_report_gas_too_high',
  'service_item_gas_too_low',
  'too_many_dependencies',
  'segment_root_lookup_invalid',
  'bad_signature',
  'work_report_too_big',
  'banned_validator',
  'lookup_anchor_not_recent',
  'missing_work_results',
];

/** reports.asn `Account ::= SEQUENCE { service ServiceInfo }`. */
const account = mapCodec(
  record<{ readonly service: ServiceInfo }>('Account', [['service', 'service', serviceInfo]]),
  'Account',
  (a) => a.service,
  (service) => ({ service }),
);

const testCase = (spec: ChainSpec) => {
  const c = codecs(spec);
  const state = record<VectorsState>('ReportsState', [
    ['availAssignments', 'avail_assignments', c.rho],
    ['currValidators', 'curr_validators', c.validatorKeys],
    ['prevValidators', 'prev_validators', c.validatorKeys],
    ['entropy', 'entropy', c.entropy],
    ['offenders', 'offenders', varSequence(ed25519Key)],
    ['recentBlocks', 'recent_blocks', recentHistory],
    ['authPools', 'auth_pools', c.alpha],
    ['accounts', 'accounts', dictionary('Accounts', u32, account, 'id', 'data')],
    ['coresStatistics', 'cores_statistics', sequence(coreActivity, spec.Ccorecount)],
    ['servicesStatistics', 'services_statistics', servicesStatistics],
  ]);
  const input = record<Input>('ReportsInput', [
    ['guarantees', 'guarantees', c.guaranteesExtrinsic],
    ['slot', 'slot', u32],
    ['knownPackages', 'known_packages', varSequence(hash)],
  ]);
  const reported = record<ReportedPackage>('ReportedPackage', [
    ['hash', 'work_package_hash', hash],
    ['exportsRoot', 'segment_tree_root', hash],
  ]);
  const output = okOrErr(
    record<ReportsOutput>('ReportsOutput', [
      ['reported', 'reported', varSequence(reported)],
      ['reporters', 'reporters', varSequence(ed25519Key)],
    ]),
    enumeration('ReportsErrorCode', errors),
  );
  return stfCaseCodec(input, state, output);
};

export const reportsClass = stfClass<Input, VectorsState, Output>({
  name: 'reports',
  description: 'Sections 11.3-11.5: guarantor assignments, guarantee validity, rho-double-dagger to rho-prime',
  testCase,
  run: (spec) => (pre, input) => {
    const result = reports(spec)(
      {
        rho: pre.availAssignments,
        kappa: pre.currValidators,
        lambda: pre.prevValidators,
        eta: pre.entropy,
        psi: { good: [], bad: [], wonky: [], offenders: pre.offenders },
        beta: pre.recentBlocks,
        alpha: pre.authPools,
        delta: pre.accounts,
      },
      { guarantees: input.guarantees, slot: input.slot, knownPackages: input.knownPackages },
    );
    return fromEither(pre, result, (state, output) => {
      const incoming = input.guarantees.map((g) => g.workReport);
      return {
        output,
        postState: {
          ...pre,
          availAssignments: state.rho,
          coresStatistics: coreStatistics(spec)({ incoming, available: [], assurances: [] }),
          servicesStatistics: serviceStatistics({ incoming, preimages: [], accumulationStatistics: new Map() }),
        },
      };
    });
  },
});
