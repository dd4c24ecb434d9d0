/**
 * The chain specification: every constant of Gray Paper 0.7.2 (section "Constants" of
 * definitions.tex) as one value. `full` is the paper's own; `tiny` is the conformance vectors'
 * test configuration. Always passed explicitly, never read from a module-level global, so that
 * both can run in one process.
 */
export interface ChainSpec {
  /** tiny, full, or the name a chain-spec file gives. */
  readonly name: string;
  /** V: the total number of validators. */
  readonly Cvalcount: number;
  /** C: the total number of cores. */
  readonly Ccorecount: number;
  /** E: the length of an epoch in timeslots. */
  readonly Cepochlen: number;
  /** Y: the number of slots into an epoch at which ticket submission ends. */
  readonly Cepochtailstart: number;
  /** N: the number of ticket entries per validator. */
  readonly Cticketentries: number;
  /** K: the maximum number of tickets in one extrinsic. */
  readonly Cmaxblocktickets: number;
  /** R: the rotation period of validator-core assignments, in timeslots. */
  readonly Crotationperiod: number;
  /** @gp B.3 -- D = L + 4,800 = 19,200: the period after which an unreferenced preimage may be expunged. */
  readonly Cexpungeperiod: number;
  /** G_T: the total gas for all accumulation in a block. */
  readonly Cblockaccgas: bigint;
  /** G_A: the gas allocated to one work report's accumulation. */
  readonly Creportaccgas: bigint;
  /** G_I: the gas allocated to Is-Authorized. */
  readonly Cpackageauthgas: bigint;
  /** G_R: the gas allocated to Refine. */
  readonly Cpackagerefgas: bigint;
  /** W_P: the number of erasure-coded pieces in a segment. */
  readonly Csegmentecpieces: number;
  /** W_E: the basic size of erasure-coded pieces in octets. */
  readonly Cecpiecesize: number;
  /** W_G = W_P * W_E: the segment size in octets. */
  readonly Csegmentsize: number;
  /** Z_A: the pvm dynamic address alignment factor. */
  readonly Cpvmdynaddralign: number;
  /** Z_I: the standard pvm program initialization input data size. */
  readonly Cpvminitinputsize: number;
  /** Z_P: the pvm memory page size. */
  readonly Cpvmpagesize: number;
  /** Z_Z: the standard pvm program initialization zone size. */
  readonly Cpvminitzonesize: number;
  /** B_I: the additional minimum balance per item of elective service state. */
  readonly Citemdeposit: bigint;
  /** B_L: the additional minimum balance per octet of elective service state. */
  readonly Cbytedeposit: bigint;
  /** B_S: the basic minimum balance of every service. */
  readonly Cbasedeposit: bigint;
  /** H: the size of recent history, in blocks. */
  readonly Crecenthistorylen: number;
  /** I: the maximum number of work items in a package. */
  readonly Cmaxpackageitems: number;
  /** J: the maximum sum of dependency items in a work report. */
  readonly Cmaxreportdeps: number;
  /** L: the maximum age in timeslots of the lookup anchor. */
  readonly Cmaxlookupanchorage: number;
  /** O: the maximum number of items in the authorizations pool. */
  readonly Cauthpoolsize: number;
  /** P: the slot period, in seconds. */
  readonly Cslotseconds: number;
  /** Q: the number of items in the authorizations queue. */
  readonly Cauthqueuesize: number;
  /** S: the minimum public service index. */
  readonly Cminpublicindex: number;
  /** T: the maximum number of extrinsics in a work package. */
  readonly Cmaxpackagexts: number;
  /** U: the period after which reported but unavailable work may be replaced. */
  readonly Cassurancetimeoutperiod: number;
  /** W_A: the maximum size of is-authorized code. */
  readonly Cmaxauthcodesize: number;
  /** W_B: the maximum size of a work-package bundle. */
  readonly Cmaxbundlesize: number;
  /** W_C: the maximum size of service code. */
  readonly Cmaxservicecodesize: number;
  /** W_M: the maximum number of imports in a work package. */
  readonly Cmaxpackageimports: number;
  /** W_R: the maximum total size of the unbounded blobs of a work report. */
  readonly Cmaxreportvarsize: number;
  /** W_T: the size of a transfer memo. */
  readonly Cmemosize: number;
  /** W_X: the maximum number of exports in a work package. */
  readonly Cmaxpackageexports: number;
  /** A: the period, in seconds, between audit tranches. */
  readonly Ctrancheseconds: number;
  /** F: the audit bias factor. */
  readonly Cauditbiasfactor: number;
}

/** The paper's own constants (definitions.tex). */
export const full: ChainSpec = {
  name: 'full',
  Cvalcount: 1023,
  Ccorecount: 341,
  Cepochlen: 600,
  Cepochtailstart: 500,
  Cticketentries: 2,
  Cmaxblocktickets: 16,
  Crotationperiod: 10,
  Cexpungeperiod: 19_200,
  Cblockaccgas: 3_500_000_000n,
  Creportaccgas: 10_000_000n,
  Cpackageauthgas: 50_000_000n,
  Cpackagerefgas: 5_000_000_000n,
  Csegmentecpieces: 6,
  Cecpiecesize: 684,
  Csegmentsize: 4104,
  Cpvmdynaddralign: 2,
  Cpvminitinputsize: 2 ** 24,
  Cpvmpagesize: 2 ** 12,
  Cpvminitzonesize: 2 ** 16,
  Citemdeposit: 10n,
  Cbytedeposit: 1n,
  Cbasedeposit: 100n,
  Crecenthistorylen: 8,
  Cmaxpackageitems: 16,
  Cmaxreportdeps: 8,
  Cmaxlookupanchorage: 14_400,
  Cauthpoolsize: 8,
  Cslotseconds: 6,
  Cauthqueuesize: 80,
  Cminpublicindex: 2 ** 16,
  Cmaxpackagexts: 128,
  Cassurancetimeoutperiod: 5,
  Cmaxauthcodesize: 64_000,
  Cmaxbundlesize: 13_791_360,
  Cmaxservicecodesize: 4_000_000,
  Cmaxpackageimports: 3072,
  Cmaxreportvarsize: 48 * 2 ** 10,
  Cmemosize: 128,
  Cmaxpackageexports: 3072,
  Ctrancheseconds: 8,
  Cauditbiasfactor: 2,
};

/**
 * The conformance vectors' test configuration (vectors README, UPSTREAM-README "Tiny",
 * lib/tiny-const.asn). W_P = 1026 pieces of W_E = 4 octets keeps W_G = 4104.
 */
export const tiny: ChainSpec = {
  ...full,
  name: 'tiny',
  Cvalcount: 6,
  Ccorecount: 2,
  Cepochlen: 12,
  Cepochtailstart: 10,
  Cticketentries: 3,
  Cmaxblocktickets: 3,
  Crotationperiod: 4,
  Cexpungeperiod: 32,
  // L: fuzz-proto's README (feature-ancestry) scales the paper's 14,400 by D's full/tiny ratio,
  // 19,200 / 32 = 600, to 24; the vectors' tiny constants do not name L, and none moves with it.
  Cmaxlookupanchorage: 24,
  Cblockaccgas: 20_000_000n,
  Cpackagerefgas: 1_000_000_000n,
  Csegmentecpieces: 1026,
  Cecpiecesize: 4,
};

export const chainSpecs: Readonly<Record<'tiny' | 'full', ChainSpec>> = { tiny, full };

/** The fields of a chain spec that hold 64-bit values (gas and balances), given in JSON as strings or numbers. */
const bigintFields = ['Cblockaccgas', 'Creportaccgas', 'Cpackageauthgas', 'Cpackagerefgas', 'Citemdeposit', 'Cbytedeposit', 'Cbasedeposit'] as const;

/**
 * The constraints the paper sets between its constants, each with the reason; a spec that breaks
 * one is no chain the paper describes. The PVM's constants are fixed by Appendix A, which the
 * model transcribes with their values.
 */
export const constraintViolations = (spec: ChainSpec): ReadonlyArray<string> => {
  const v: string[] = [];
  const check = (ok: boolean, line: string): void => {
    if (!ok) v.push(line);
  };
  for (const [key, value] of Object.entries(spec))
    if (key !== 'name') check(typeof value === 'bigint' ? value >= 0n : Number.isSafeInteger(value) && value >= 0, `${key} must be a natural, not ${String(value)}`);
  check(spec.Csegmentsize === spec.Csegmentecpieces * spec.Cecpiecesize, `W_G = W_P * W_E (definitions): ${spec.Csegmentsize} != ${spec.Csegmentecpieces} * ${spec.Cecpiecesize}`);
  check(spec.Cecpiecesize % 2 === 0 && spec.Cecpiecesize > 0, `W_E must be a positive even number of octets: pieces are words of GF(2^16) (Appendix H), not ${spec.Cecpiecesize}`);
  check(spec.Ccorecount > 0 && spec.Cvalcount === 3 * spec.Ccorecount, `V = 3C: three validators are assigned to each core (section 11, guarantor assignments), not V = ${spec.Cvalcount}, C = ${spec.Ccorecount}`);
  check(spec.Cepochtailstart < spec.Cepochlen, `Y < E: ticket submission ends within the epoch (section 6), not Y = ${spec.Cepochtailstart}, E = ${spec.Cepochlen}`);
  check(spec.Crotationperiod > 0 && spec.Cepochlen % spec.Crotationperiod === 0, `R divides E: the rotations of an epoch (11.20-11.22 read t mod E / R), not E = ${spec.Cepochlen}, R = ${spec.Crotationperiod}`);
  check(spec.Cblockaccgas >= spec.Creportaccgas * BigInt(spec.Ccorecount), `G_T >= G_A * C (definitions: G_T "should be no smaller than" G_A C plus the free gas), not ${spec.Cblockaccgas} < ${spec.Creportaccgas} * ${spec.Ccorecount}`);
  check(spec.Cauthpoolsize > 0 && spec.Cauthqueuesize > 0, 'O and Q must be positive (8.1-8.3: the pool takes from the queue)');
  for (const [key, value, name] of [
    ['Cpvmdynaddralign', 2, 'Z_A'],
    ['Cpvmpagesize', 2 ** 12, 'Z_P'],
    ['Cpvminitzonesize', 2 ** 16, 'Z_Z'],
    ['Cpvminitinputsize', 2 ** 24, 'Z_I'],
  ] as const)
    check(spec[key] === value, `${name} = ${value}: the PVM's constants are Appendix A's (A.18, A.39), not ${spec[key]}`);
  return v;
};

/**
 * A chain spec from JSON: the fields of ChainSpec over a `base` (tiny or full, default full),
 * 64-bit fields as strings or numbers; with the base it starts from. Else one line per unknown
 * field, bad value or violated constraint.
 */
export const chainSpecFromJson = (
  json: unknown,
): { readonly spec: ChainSpec; readonly base: 'tiny' | 'full' } | { readonly errors: ReadonlyArray<string> } => {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return { errors: ['a chain spec is a JSON object of ChainSpec fields'] };
  const { base = 'full', ...fields } = json as Record<string, unknown>;
  if (base !== 'tiny' && base !== 'full') return { errors: [`base must be tiny or full, not ${JSON.stringify(base)}`] };
  const from: ChainSpec = chainSpecs[base];
  const errors: string[] = [];
  const spec: Record<string, unknown> = { ...from, name: `custom (${base})` };
  for (const [key, value] of Object.entries(fields)) {
    if (key === 'name') {
      if (typeof value === 'string') spec.name = value;
      else errors.push('name must be a string');
    } else if (!(key in from)) errors.push(`unknown field ${key} (a chain spec has ${Object.keys(from).join(', ')})`);
    else if ((bigintFields as ReadonlyArray<string>).includes(key)) {
      if ((typeof value === 'string' && /^\d+$/.test(value)) || (typeof value === 'number' && Number.isSafeInteger(value))) spec[key] = BigInt(value);
      else errors.push(`${key} must be a natural (a number or a string of digits), not ${JSON.stringify(value)}`);
    } else if (typeof value === 'number') spec[key] = value;
    else errors.push(`${key} must be a number, not ${JSON.stringify(value)}`);
  }
  if (errors.length > 0) return { errors };
  const violations = constraintViolations(spec as unknown as ChainSpec);
  return violations.length > 0 ? { errors: violations } : { spec: spec as unknown as ChainSpec, base };
};
