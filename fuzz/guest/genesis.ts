/**
 * A genesis for fuzzing accumulation: a given genesis state (the fallback trace's) with added
 * services whose code is a generated guest program (./generators.ts), privileged so that bless,
 * assign and designate run with privileged and unprivileged callers (chi, 9.9): the manager and
 * registrar also assign core 0; the delegator assigns core 1; an always-accumulate service runs
 * every block without reports; a plain service runs only when reported. Beside them an
 * ejectable service (code hash E_32(manager), one request, B.20's eject) and the requested
 * preimage every guest service asks for (so provide, query, solicit and forget meet a request).
 */
import fc from 'fast-check';
import type { Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { encode } from '../../spec/codec.js';
import { validatorKey } from '../../spec/codecs.js';
import type { ServiceAccount, ServiceId, State, ValidatorKey } from '../../spec/types.js';
import { getRingRoot, type RingSrs } from '../../model/crypto/bandersnatch.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { importStateOf, type ImportState } from '../../model/block-import/index.js';
import type { BlockChoices } from '../author/block.js';
import { blockChoices } from '../author/chain.js';
import { serviceAccount } from '../author/packages.js';
import { withPreimage, withRequest, withStorage } from '../../model/merklization/serialize.js';
import { thresholdBalance } from '../../model/accumulation/host-calls/common.js';
import { codePreimage } from './assembler.js';
import { arbGuest, guestProgram, type Guest, type GuestWorld } from './generators.js';
import { keyOfClass, type KeyClass } from './keys.js';
import type { LeftOut } from '../fuzzer/rules.js';

/** The ids of the fuzz services (below S = 2^16, beside the genesis services). */
export const fuzzServices = { manager: 10, delegator: 11, member: 12, plain: 13, ejectable: 14 } as const;
export type GuestRole = 'manager' | 'delegator' | 'member' | 'plain';
export const guestRoles: ReadonlyArray<GuestRole> = ['manager', 'delegator', 'member', 'plain'];
/** Ids no service holds at genesis. */
const absent: ReadonlyArray<ServiceId> = [9, 1000];

/** The gas of each always-accumulate service each block (chi_Z). */
const ALWAYS_GAS = 60_000n;
/** The balance of each guest service: far above any threshold its storage reaches, far below 2^64. */
const BALANCE = 10n ** 15n;

/** What the plain service holds above its threshold balance: about ten folded answers' worth. */
const PLAIN_MARGIN = 1500n;

/** The preimage the guest services request, and the ejectable service's request. */
const requested = Uint8Array.from({ length: 40 }, (_, i) => 0xa0 + i);
const ejectRequest = Uint8Array.of(1, 2, 3, 4);

/** The world of the guest of `self` over the genesis `base`; with `leaveOut`, the fuzzer's rules in force (../fuzzer/rules.ts). */
export const worldOf = (spec: ChainSpec, base: State, self: ServiceId, leaveOut?: LeftOut): GuestWorld => {
  const ids = [...base.delta.keys()];
  return {
    self,
    services: [...ids, ...guestRoles.map((r) => fuzzServices[r])],
    absent,
    ...(self === fuzzServices.manager ? { ejectable: fuzzServices.ejectable } : {}),
    requested,
    requestedHash: blake2b256(requested),
    ejectHash: blake2b256(ejectRequest),
    hashes: [...base.delta.values()].map((a) => a.codeHash).slice(0, 2),
    validators: base.iota.map((k) => encode(validatorKey, k)),
    cores: spec.Ccorecount,
    queueSize: spec.Cauthqueuesize,
    ...(leaveOut === undefined ? {} : { rules: { leaveOut, genesisQueue: base.phi[0] ?? [] } }),
  };
};

/** The guests of the four roles. */
export type Guests = Readonly<Record<GuestRole, Guest>>;

/** A generator of the guests of a genesis `base`; with `leaveOut`, without the cases of the fuzzer's rules in force. */
export const arbGuests = (spec: ChainSpec, base: State, maxSteps?: number, leaveOut?: LeftOut): fc.Arbitrary<Guests> =>
  fc.record({
    manager: arbGuest(worldOf(spec, base, fuzzServices.manager, leaveOut), maxSteps),
    delegator: arbGuest(worldOf(spec, base, fuzzServices.delegator, leaveOut), maxSteps),
    member: arbGuest(worldOf(spec, base, fuzzServices.member, leaveOut), maxSteps),
    plain: arbGuest(worldOf(spec, base, fuzzServices.plain, leaveOut), maxSteps),
  });

/**
 * The choices of a chain of `n` blocks over the fuzz genesis, each block's reports for a guest
 * service or the genesis service 0 (BlockChoices.service); half the plans open with a jump past
 * the expunge period D, after which the manager may eject (B.20: the request's last slot below
 * t - D).
 */
export const guestPlan = (spec: ChainSpec, n: number): fc.Arbitrary<ReadonlyArray<BlockChoices>> =>
  fc
    .tuple(
      fc.array(fc.tuple(blockChoices(spec), fc.constantFrom<ServiceId>(0, ...guestRoles.map((r) => fuzzServices[r]))), { minLength: n, maxLength: n }),
      fc.boolean(),
    )
    .map(([blocks, late]) =>
      blocks.map(([choices, service], i): BlockChoices => ({ ...choices, gap: i === 0 && late ? spec.Cexpungeperiod + 2 : choices.gap, service })),
    );

/**
 * @gp 9.8 -- a_i = 2 |a_l| + |a_s| and a_o = sum over a_l of (81 + z) + sum over a_s of (34 + |k| + |v|):
 * the footprint of an account's typed dictionaries.
 */
const withFootprint = (a: ServiceAccount): ServiceAccount => {
  let octets = 0n;
  for (const key of a.requests.keys()) octets += 81n + BigInt(key.slice(key.lastIndexOf(':') + 1));
  for (const [k, v] of a.storage) octets += 34n + BigInt((k.length - 2) / 2) + BigInt(v.length);
  return { ...a, items: 2 * a.requests.size + a.storage.size, octets };
};

const bare = (codeHash: Hash, fields: Partial<ServiceAccount> = {}): ServiceAccount => serviceAccount(codeHash, { balance: BALANCE, ...fields });

/**
 * An account running `program`: its code preimage under its code hash (9.4), requested at its
 * length and available since slot 0 (so that the historical lookup of 9.7 finds it too); the
 * guests' preimage requested and not yet provided; storage under the keys a guest reads most,
 * E_4(0) and E_4(1) (a fold's keys) and the requested hash (whose storage entry's state key is
 * also the request (h, 2^32 - 1), D.2), so that read finds values from the first block on.
 */
export const guestAccount = (program: Uint8Array, fields: Partial<ServiceAccount> = {}): ServiceAccount => {
  const preimage = codePreimage(program);
  const codeHash = blake2b256(preimage);
  const withCode = withRequest(withPreimage(bare(codeHash, fields), codeHash, preimage), codeHash, preimage.length, [0]);
  const stored = [Uint8Array.of(0, 0, 0, 0), Uint8Array.of(1, 0, 0, 0), blake2b256(requested)].reduce(
    (a, k, i) => withStorage(a, k, Uint8Array.of(i, 0xee)),
    withRequest(withCode, blake2b256(requested), requested.length, []),
  );
  return withFootprint(stored);
};

/**
 * The fuzz genesis: `base` with the guest services and the ejectable one, and chi naming them.
 * The plain service asks a minimum memo gas, so that a transfer to it can be LOW.
 */
export const fuzzGenesis = (spec: ChainSpec, base: State, guests: Guests): ImportState => {
  // The genesis services keep their dictionaries but hold BALANCE: the fallback genesis's service 0
  // holds 2^64 - 1, and any transfer crediting it would take it out of N_B and the block would be
  // rejected (account_overflow). With every balance at most 10^15 no sum of credits reaches 2^64.
  const delta = new Map([...base.delta].map(([id, a]) => [id, { ...a, balance: a.balance < BALANCE ? a.balance : BALANCE }] as const));
  for (const role of guestRoles) {
    const id = fuzzServices[role];
    const a = guestAccount(guestProgram(worldOf(spec, base, id), guests[role]), role === 'plain' ? { minMemoGas: 1000n } : {});
    // The plain service holds little above its threshold (9.8), so that a few stored answers
    // make write FULL and a transfer or new CASH.
    delta.set(id, role === 'plain' ? { ...a, balance: thresholdBalance(spec, a) + PLAIN_MARGIN } : a);
  }
  // Ejectable by the manager (B.20): code hash E_32(manager), its one request [x, y] with y = 0,
  // so that eject succeeds once the timeslot passes the expunge period D.
  const owner = new Uint8Array(32);
  new DataView(owner.buffer).setUint32(0, fuzzServices.manager, true);
  delta.set(fuzzServices.ejectable, withFootprint(withRequest(bare(owner as Hash, { balance: 1000n }), blake2b256(ejectRequest), ejectRequest.length, [0, 0])));
  const { manager, delegator } = fuzzServices;
  return importStateOf(spec, {
    ...base,
    delta,
    chi: {
      manager,
      registrar: manager,
      delegator,
      assigners: Array.from({ length: spec.Ccorecount }, (_, c) => (c % 2 === 0 ? manager : delegator)),
      alwaysAccers: new Map([
        [manager, ALWAYS_GAS],
        [delegator, ALWAYS_GAS],
      ]),
    },
  });
};

/**
 * The fuzz genesis (or any state) with the Bandersnatch keys of iota and gamma_P replaced by keys
 * of the given classes (./keys.ts), one class per validator, and gamma_Z the ring root of the new
 * gamma_P (G.3: the padding point stands for each key that is not a valid point).
 */
export const withKeyClasses = (
  spec: ChainSpec,
  srs: RingSrs,
  s: ImportState,
  iota: ReadonlyArray<KeyClass>,
  pending: ReadonlyArray<KeyClass>,
): ImportState => {
  const mangle = (keys: ReadonlyArray<ValidatorKey>, kinds: ReadonlyArray<KeyClass>): ReadonlyArray<ValidatorKey> =>
    keys.map((k, v) => ({ ...k, bs: keyOfClass(kinds[v] ?? 'valid', k.bs) }));
  const pendingSet = mangle(s.state.gamma.pendingSet, pending);
  return importStateOf(spec, {
    ...s.state,
    iota: mangle(s.state.iota, iota),
    gamma: { ...s.state.gamma, pendingSet, epochRoot: getRingRoot(srs)(pendingSet.map((k) => k.bs)) },
  });
};
