/**
 * Work packages for the authored chain: a service whose code refines and accumulates (added to a
 * genesis, its authorizer in every core's pool and queue), a generator of packages for it, and the
 * package anchored on the block being authored, so that section 14 refines it to a report the
 * authored block guarantees (`BlockChoices.reports`).
 *
 * The service's one program (A.38, entry points by B.5 and B.9):
 * - at 0, refine: halts at once, so its output is its argument E(c, i, w_s, var(w_y), H(p)) (B.5);
 * - at 5, accumulate: fetches its first input (B.16 fetch, omega_10 = 15: E(i_0), the operand tuple
 *   of the report's digest) into its read-write data and writes it to storage under the one-octet
 *   key `operandKey`; so the accumulated state holds the refine output, inside the operand.
 * The authorizer halts at once too: its trace is its argument E_2(c) (B.1).
 */
import fc from 'fast-check';
import { concatBytes, type Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { Writer, encode, u32 } from '../../spec/codec.js';
import type { RefineContext, ServiceAccount, ServiceId, State, TimeSlot, WorkItem, WorkPackage } from '../../spec/types.js';
import { type ImportState, importStateOf } from '../../model/block-import/index.js';
import { blake2b256 } from '../../model/crypto/index.js';
import { authorizer } from '../../model/in-core/index.js';
import { withPreimage, withRequest } from '../../model/merklization/serialize.js';
import { encodeBlob } from '../../model/pvm/index.js';

/** The blob of a program (A.2): the instructions, each one's first octet an instruction start. */
export const programBlob = (...instructions: ReadonlyArray<ReadonlyArray<number>>): Uint8Array =>
  encodeBlob({
    c: Uint8Array.from(instructions.flat()),
    k: Uint8Array.from(instructions.flatMap((ins) => ins.map((_, i) => (i === 0 ? 1 : 0)))),
    j: [],
  });

/** A preimage E(var([]), Y-blob) (A.38) of a program with read-only data o, read-write data w, no heap pages, no stack. */
export const servicePreimageWith = (o: Uint8Array, rw: Uint8Array, ...instructions: ReadonlyArray<ReadonlyArray<number>>): Uint8Array => {
  const code = programBlob(...instructions);
  const w = new Writer();
  w.natural(0);
  w.uint(3, o.length);
  w.uint(3, rw.length);
  w.uint(2, 0);
  w.uint(3, 0);
  w.bytes(o);
  w.bytes(rw);
  w.uint(4, code.length);
  w.bytes(code);
  return w.result();
};

/** jump_ind omega_0: omega_0 is the halt address after Y (A.43). */
const HALT = [50, 0];
/** trap: fills the octets between refine's code and accumulate's entry point 5. */
const TRAP = [0];
/** load_imm omega_r, x (opcode 51, one register and an immediate): x in 4 octets, below 2^31, so its sign extension keeps it. */
const loadImm = (r: number, x: number): ReadonlyArray<number> => [51, r, ...encode(u32, x)];
/** move_reg omega_d, omega_a (opcode 100, two registers: d in the low nibble, a in the high). */
const moveReg = (d: number, a: number): ReadonlyArray<number> => [100, d | (a << 4)];
/** ecalli id (opcode 10): the host call of that id. */
const ecalli = (id: number): ReadonlyArray<number> => [10, id];

/** The read-write data starts at 2 Z_Z + Z(|o|) = 0x20000 with no read-only data (A.42). */
const rwBase = 0x20000;
/** The storage key the accumulate code writes: the first octet of its read-write data. */
export const operandKey = Uint8Array.of(0x6f);
/** Where the fetched input goes, and its room (an operand of a small package fits well within). */
const buffer = { at: rwBase + 16, size: 2048 };

/** The service's code: refine at 0, accumulate at 5 (see the module's comment). */
const refineServiceCode = servicePreimageWith(
  new Uint8Array(0),
  concatBytes(operandKey, new Uint8Array(16 - operandKey.length + buffer.size)),
  HALT,
  TRAP,
  TRAP,
  TRAP,
  // fetch(o = buffer, f = 0, l = room, 15, 0): the first input; omega_7 = its length
  loadImm(7, buffer.at),
  loadImm(8, 0),
  loadImm(9, buffer.size),
  loadImm(10, 15),
  loadImm(11, 0),
  ecalli(1),
  // write(k = key, |k| = 1, v = buffer, |v| = the input's length)
  moveReg(10, 7),
  loadImm(7, rwBase),
  loadImm(8, operandKey.length),
  loadImm(9, buffer.at),
  ecalli(4),
  HALT,
);
const refineAuthCode = servicePreimageWith(new Uint8Array(0), new Uint8Array(0), HALT);

/** The service's index: past any a trace genesis holds. */
export const refineServiceId = 0x7e57 as ServiceId;

/** A service account with empty dictionaries (footprint 0): the given fields over zero values. */
export const serviceAccount = (codeHash: Hash, fields: Partial<ServiceAccount> = {}): ServiceAccount => ({
  codeHash,
  balance: 0n,
  minAccGas: 0n,
  minMemoGas: 0n,
  octets: 0n,
  gratis: 0n,
  items: 0,
  created: 0,
  lastAcc: 0,
  parent: 0,
  storage: new Map(),
  preimages: new Map(),
  requests: new Map(),
  opaque: new Map(),
  ...fields,
});

/** The account with preimage p provided and its request (H(p), |p|) holding the slots t (9.3's a_p and a_l). */
export const withProvided = (a: ServiceAccount, p: Uint8Array, t: ReadonlyArray<TimeSlot>): ServiceAccount =>
  withRequest(withPreimage(a, blake2b256(p), p), blake2b256(p), p.length, t);

/** The service account: both preimages requested and available since slot 0, a balance that covers any storage it writes. */
const refineService: ServiceAccount = [refineAuthCode, refineServiceCode].reduce(
  (a, p) => withProvided(a, p, [0]),
  serviceAccount(blake2b256(refineServiceCode), { balance: 1n << 40n }),
);

/** What a generated package varies: each item's payload and gas limits. */
export interface PackageChoices {
  readonly authToken: Uint8Array;
  readonly authConfig: Uint8Array;
  readonly items: ReadonlyArray<{ readonly payload: Uint8Array; readonly refGas: bigint; readonly accGas: bigint }>;
}

/** The authorizer p_a (14.10) of a package's config: what the pools must hold. */
const authorizerOf = (authConfig: Uint8Array): Hash => authorizer({ authCodeHash: blake2b256(refineAuthCode), authConfig });

/**
 * A genesis with the refine service in delta and, on every core, the authorizer of `authConfig`
 * as the whole pool and queue (8.2: each block appends a queue entry to the pool, so the queue
 * keeps it there).
 */
export const withRefineService = (spec: ChainSpec, genesis: ImportState, authConfig: Uint8Array): ImportState => {
  const a = authorizerOf(authConfig);
  const state: State = {
    ...genesis.state,
    delta: new Map([...genesis.state.delta, [refineServiceId, refineService]]),
    alpha: genesis.state.alpha.map(() => [a]),
    phi: genesis.state.phi.map((q) => q.map(() => a)),
  };
  return importStateOf(spec, state);
};

/**
 * Packages for the refine service: one or two items with payloads of up to 64 octets, refine gas
 * enough to halt, accumulate gas enough to fetch and write; the authorizer's token and config fixed
 * by `authConfig` (the pools hold its authorizer).
 */
export const packageChoices = (authConfig: Uint8Array): fc.Arbitrary<PackageChoices> =>
  fc.record({
    authToken: fc.uint8Array({ maxLength: 16 }),
    authConfig: fc.constant(authConfig),
    items: fc.array(
      fc.record({
        payload: fc.uint8Array({ maxLength: 64 }),
        refGas: fc.bigInt({ min: 100n, max: 1_000_000n }),
        accGas: fc.bigInt({ min: 10_000n, max: 500_000n }),
      }),
      { minLength: 1, maxLength: 2 },
    ),
  });

/** The package of the choices, anchored by `context` (the block being authored: `anchorContext`). */
export const packageOf = (choices: PackageChoices, context: RefineContext): WorkPackage => ({
  authCodeHost: refineServiceId,
  authCodeHash: blake2b256(refineAuthCode),
  context,
  authToken: choices.authToken,
  authConfig: choices.authConfig,
  workItems: choices.items.map(
    (x): WorkItem => ({
      serviceIndex: refineServiceId,
      codeHash: blake2b256(refineServiceCode),
      refGasLimit: x.refGas,
      accGasLimit: x.accGas,
      exportCount: 0,
      payload: x.payload,
      importSegments: [],
      extrinsics: [],
    }),
  ),
});
