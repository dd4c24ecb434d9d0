/**
 * Generated accumulate programs (fast-check, with shrinking) that call every host call of Psi_A
 * (B.9's F, B.16-B.20: gas, fetch of kinds 0..15, lookup, read, write, info, bless, assign,
 * designate, checkpoint, new, upgrade, transfer, eject, query, solicit, forget, yield, provide,
 * and JIP-1's log, which F answers as an unknown id) with generated arguments, their boundary
 * values weighted up: lengths and offsets at 0, 2^32 - 1, 2^32 and near 2^64; service ids of
 * the caller (by 2^64 - 1 and by its id), of the other services, of absent and ejectable ones;
 * pointers that are unreadable (below 2^16, unmapped, beyond 2^32) or readable but not writable
 * (the read-only page); and gas near exhaustion (a loop that burns all but a few units before a call).
 *
 * Every answer is folded into the service's storage: after call n the guest writes, under the
 * key E_4(n), omega'_7 ++ omega'_8 ++ the first OUT_FOLD octets of its output buffer (where the
 * calls that answer with octets, fetch, lookup, read and info, mostly write). Two implementations
 * that answer a call differently then differ in the posterior state root.
 */
import fc from 'fast-check';
import { concatBytes, type BandersnatchKey, type Hash } from '../../spec/bytes.js';
import type { ServiceId } from '../../spec/types.js';
import { accumulateProgram, type Instruction, type Item } from './assembler.js';
import { arbKeyClasses, keyClasses, keyOfClass, type KeyClass } from './keys.js';
import type { LeftOut, RuleName } from '../fuzzer/rules.js';

const TWO_32 = 1n << 32n;
const TWO_64 = 1n << 64n;
/** 2^64 - 1: the caller itself, where a host call reads a service id (B.16). */
const SELF = TWO_64 - 1n;

/**
 * The guest's memory (A.38): o, the read-only data, at Z_Z = 2^16 (one readable page); w, the
 * read-write data, at 2 Z_Z + rnq(|o|) = 3 * 2^16, then HEAP_PAGES zero pages; nothing mapped
 * between the heap's end and the stack.
 */
export const layout = (() => {
  const RO = 0x10000;
  const RW = 0x30000;
  const HEAP_PAGES = 1;
  /** Where each piece of the read-write data lies (offsets from RW). */
  const at = {
    /** HASH_SLOTS hashes of 32 octets: see `guestData`. */
    hashes: 0x000,
    /** C service ids (E_4) for bless's assigners, then up to 4 (id, gas) pairs (E_4, E_8) of always-accumulate. */
    assigners: 0x200,
    alwaysAcc: 0x210,
    /** A memo for transfer (W_T = 128 octets). */
    memo: 0x300,
    /** Storage keys read and write name (the fold's keys among them: E_4(n) for small n). */
    keys: 0x380,
    /** The preimage the fuzz services request (provide, solicit, query, forget). */
    preimage: 0x400,
    /** V validator keys of 336 octets for designate (V = 6 on the tiny chain: 2016 octets). */
    validators: 0x500,
    /** Q hashes for assign (Q = 80: 2560 octets). */
    queue: 0xd00,
    /** The fold: its key E_4(n), then omega'_7, omega'_8 and the output buffer, written as one value. */
    foldKey: 0x1700,
    foldValue: 0x1710,
    out: 0x1720,
  } as const;
  const RW_SIZE = 0x1900;
  const RW_END = RW + Math.ceil(RW_SIZE / 4096) * 4096 + HEAP_PAGES * 4096;
  return { RO, RW, RW_SIZE, HEAP_PAGES, RW_END, at, addr: (k: keyof typeof at): number => RW + at[k] };
})();

/**
 * Hash slots at `layout.at.hashes`: 0 the caller's code hash (written by the prologue), 1 the
 * requested preimage's hash, 2 the ejectable service's request hash, 3 E_32(caller) (the code
 * hash of a service the caller may eject), 4 zero, 5 a generated hash, 6.. the world's hashes.
 */
export const HASH_SLOTS = 8;
/** How many octets of the output buffer each fold writes. */
export const OUT_FOLD = 96;

/** What a guest knows of the chain it runs in: who it is, who else there is, and data worth pointing at. */
export interface GuestWorld {
  readonly self: ServiceId;
  /** Ids of services present at genesis (privileged or not, the caller among them). */
  readonly services: ReadonlyArray<ServiceId>;
  /** Ids of no service at genesis. */
  readonly absent: ReadonlyArray<ServiceId>;
  /** A service whose code hash is E_32(self): one this guest may eject (B.20). */
  readonly ejectable?: ServiceId;
  /** The preimage every fuzz service requests. */
  readonly requested: Uint8Array;
  readonly requestedHash: Hash;
  /** The request of the ejectable service, by hash. */
  readonly ejectHash: Hash;
  /** Hashes of the world (code hashes of other services, their preimages). */
  readonly hashes: ReadonlyArray<Hash>;
  /** V encoded validator keys (336 octets each) for designate. */
  readonly validators: ReadonlyArray<Uint8Array>;
  readonly cores: number;
  readonly queueSize: number;
  /**
   * The fuzzer's leave-out rules in force (../fuzzer/rules.ts), each narrowing the arguments below
   * where it says, and the genesis's queue phi[0] that rule `pool-after-assign` names; none when absent.
   */
  readonly rules?: { readonly leaveOut: LeftOut; readonly genesisQueue: ReadonlyArray<Hash> };
}

/** Whether the world's rules leave out the case of `rule`. */
const leaves = (w: GuestWorld, rule: RuleName): boolean => w.rules?.leaveOut.has(rule) ?? false;

/** One generated host call: its id and the registers it sets first. */
export interface Call {
  readonly id: number;
  readonly registers: ReadonlyArray<readonly [number, bigint]>;
}

/**
 * A step: a host call, its answer folded; with `leave`, all gas but about `leave` units is burnt
 * first, so that the call meets gas near exhaustion (below its 10, out of gas in F, B.11).
 */
export interface Step {
  readonly call: Call;
  readonly leave?: number;
}

/** How a guest ends: halt (no output), halt with a 32-octet output (the yield of B.13), or trap (panic). */
export type End = 'halt' | 'halt-hash' | 'trap';

export interface Guest {
  readonly steps: ReadonlyArray<Step>;
  readonly end: End;
  /** The generated data the guest's pointers lead to (see `guestData`). */
  readonly data: GuestData;
}

export interface GuestData {
  readonly assigners: ReadonlyArray<ServiceId>;
  readonly alwaysAcc: ReadonlyArray<readonly [ServiceId, bigint]>;
  readonly queue: ReadonlyArray<Hash>;
  readonly random: Hash;
  /** A permutation of the validator keys designate would set (indices into world.validators). */
  readonly validatorOrder: ReadonlyArray<number>;
  /** The class of each of those keys' Bandersnatch key (./keys.ts), mostly valid. */
  readonly keyClasses: ReadonlyArray<KeyClass>;
}

/** The names of the accumulate host calls by id (B.9's F; 100 is JIP-1's log). */
export const hostCallIds = {
  gas: 0,
  fetch: 1,
  lookup: 2,
  read: 3,
  write: 4,
  info: 5,
  bless: 14,
  assign: 15,
  designate: 16,
  checkpoint: 17,
  new: 18,
  upgrade: 19,
  transfer: 20,
  eject: 21,
  query: 22,
  solicit: 23,
  forget: 24,
  yield: 25,
  provide: 26,
  log: 100,
} as const;

// ---- Arguments, boundary values weighted up --------------------------------------------------------

const big = (min: bigint, max: bigint): fc.Arbitrary<bigint> => fc.bigInt({ min, max });
const edges = (...values: ReadonlyArray<bigint | number>): fc.Arbitrary<bigint> => fc.constantFrom(...values.map(BigInt));

/** A length or size: 0, small, more octets than a balance covers (solicit's FULL), 2^32 - 1, 2^32, near 2^64. */
const arbLength = fc.oneof(
  { weight: 4, arbitrary: edges(0, 1, 4, 8, 32, 33) },
  { weight: 3, arbitrary: big(0n, 300n) },
  { weight: 1, arbitrary: edges(2 ** 16, 2 ** 24, 2 ** 31) },
  { weight: 2, arbitrary: edges(TWO_32 - 1n, TWO_32, TWO_32 + 1n, TWO_64 - 2n, TWO_64 - 1n) },
  { weight: 1, arbitrary: big(0n, TWO_64 - 1n) },
);
/** A length up to 300: arbLength's small values. */
const arbSmallLength = fc.oneof({ weight: 4, arbitrary: edges(0, 1, 4, 8, 32, 33) }, { weight: 3, arbitrary: big(0n, 300n) });
/** An offset into an answer's octets. */
const arbOffset = fc.oneof(
  { weight: 4, arbitrary: edges(0, 1, 31, 32) },
  { weight: 2, arbitrary: big(0n, 100n) },
  { weight: 1, arbitrary: edges(TWO_32 - 1n, TWO_32, TWO_64 - 1n) },
);
/**
 * Pointers beyond 2^32 whose lower 32 bits a client that reads an address mod 2^32 can reach: 2^32
 * + the read-write data's address, and 2^64 - 1 (0xffffffff, where a short write wraps). No index
 * of RAM (the host calls' N_{o...+l} ⊆ V_μ, B.16-B.20): what rule pointer-beyond-2^32 leaves out.
 */
const WRAPPING: ReadonlyArray<bigint> = [TWO_32 + BigInt(layout.RW), TWO_64 - 1n];

/** The pointer arbitraries, with or without the pointers rule pointer-beyond-2^32 leaves out. */
const pointersOf = (wrapping: ReadonlyArray<bigint>) => {
  /** A pointer no page covers: below 2^16, between the heap and the stack, at or beyond 2^32. */
  const unreadable = edges(0, 0xffff, layout.RW_END + 0x10000, TWO_32, ...wrapping);
  /** A pointer readable but not writable: the read-only page, and the arguments near the top (A.38). */
  const unwritable = edges(layout.RO, layout.RO + 64, 2 ** 32 - 2 ** 16 - 2 ** 24);
  /** A pointer into the read-write data that runs off the end of the writable pages when long. */
  const pageEnd = edges(layout.RW_END - 1, layout.RW_END - 8, layout.RW_END - 32);
  /**
   * Where to write an answer: mostly the output buffer (folded), rarely a pointer no write may go
   * (a panic ends the guest, so each bad pointer is about one in 20: the calls after it mostly run).
   */
  const out = fc.oneof(
    { weight: 60, arbitrary: fc.constant(BigInt(layout.addr('out'))) },
    { weight: 1, arbitrary: unwritable },
    { weight: 1, arbitrary: unreadable },
    { weight: 1, arbitrary: pageEnd },
  );
  /** A pointer to a 32-octet hash: one of the slots, or a pointer it cannot be read from. */
  const hashPtr = fc.oneof(
    { weight: 60, arbitrary: fc.nat({ max: HASH_SLOTS - 1 }).map((i) => BigInt(layout.addr('hashes') + 32 * i)) },
    { weight: 1, arbitrary: unreadable },
    { weight: 1, arbitrary: pageEnd },
  );
  /** A pointer to hash slot i mostly, else any hash pointer: the slot whose hash a call most often finds (a preimage, a request). */
  const slot = (i: number): fc.Arbitrary<bigint> =>
    fc.oneof({ weight: 3, arbitrary: fc.constant(BigInt(layout.addr('hashes') + 32 * i)) }, { weight: 2, arbitrary: hashPtr });
  /** Data read whole from the given region, or not at all: never the zeros at a page end. */
  const whole = (k: keyof typeof layout.at): fc.Arbitrary<bigint> =>
    fc.oneof({ weight: 60, arbitrary: fc.constant(BigInt(layout.addr(k))) }, { weight: 1, arbitrary: unreadable });
  /** Readable data: the given region mostly, else unreadable or running off the page end. */
  const data = (k: keyof typeof layout.at): fc.Arbitrary<bigint> => fc.oneof({ weight: 61, arbitrary: whole(k) }, { weight: 1, arbitrary: pageEnd });
  /** A storage key pointer and length: the fold's keys E_4(n) at `keys`, other octets there, or a bad pointer. */
  const key = fc.tuple(
    // Or a hash slot: a 32-octet key such as the requested hash, whose storage entry's state key is
    // also its request's (h, 2^32 - 1) (D.2).
    fc.oneof({ weight: 3, arbitrary: data('keys') }, { weight: 1, arbitrary: slot(1) }),
    // Mostly 4: the fold's keys E_4(0), E_4(1), which the caller's storage holds after a fold.
    fc.oneof({ weight: 4, arbitrary: fc.constant(4n) }, { weight: 3, arbitrary: edges(0, 1, 5, 32) }, { weight: 1, arbitrary: arbLength }),
  );
  return { out, hashPtr, slot, whole, data, key };
};
const pointers = { all: pointersOf(WRAPPING), below: pointersOf([]) };

/** A service id: the caller (by 2^64 - 1 and by id), the others, absent and ejectable ones, ids beyond 2^32. */
const arbService = (w: GuestWorld): fc.Arbitrary<bigint> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(SELF, BigInt(w.self)) },
    { weight: 4, arbitrary: fc.constantFrom(...w.services.map(BigInt)) },
    { weight: 2, arbitrary: fc.constantFrom(...[...w.absent, ...(w.ejectable === undefined ? [] : [w.ejectable])].map(BigInt)) },
    { weight: 1, arbitrary: edges(TWO_32 - 1n, TWO_32, TWO_64 - 2n) },
  );
/** A gas amount: none, a little, about one report's worth, near 2^64. */
const arbGas = fc.oneof(
  { weight: 3, arbitrary: edges(0, 1, 10, 1000, 100_000) },
  { weight: 1, arbitrary: big(0n, 1_000_000n) },
  { weight: 1, arbitrary: edges(TWO_32, TWO_64 - 1n) },
);
/** A balance amount. */
const arbAmount = fc.oneof({ weight: 3, arbitrary: edges(0, 1, 100, 10_000) }, { weight: 1, arbitrary: edges(10n ** 12n, TWO_64 - 1n) }, { weight: 1, arbitrary: big(0n, TWO_64 - 1n) });

/** The registers of each host call (omega_7.. in the order its B.16-B.20 definition reads them). */
const argumentsOf = (w: GuestWorld): ReadonlyArray<readonly [number, fc.Arbitrary<ReadonlyArray<bigint>>]> => {
  const regs = (...as: ReadonlyArray<fc.Arbitrary<bigint>>): fc.Arbitrary<ReadonlyArray<bigint>> => fc.tuple(...as);
  // Rule pointer-beyond-2^32: no pointer whose lower 32 bits a client reading mod 2^32 reaches.
  const { out: arbOut, hashPtr: arbHashPtr, slot: arbSlot, whole, data: arbData, key: arbKey } = leaves(w, 'pointer-beyond-2^32') ? pointers.below : pointers.all;
  const id = arbService(w);
  // A preimage length: mostly the requested one's; sometimes more octets than the plain service's
  // balance covers above its threshold (solicit's FULL, new's CASH).
  const hashLength = fc.oneof(
    { weight: 4, arbitrary: fc.constant(BigInt(w.requested.length)) },
    { weight: 1, arbitrary: arbLength },
    { weight: 1, arbitrary: edges(2 ** 16, 2 ** 31) },
  );
  // Rules new-length-beyond-2^32, solicit-length-beyond-2^32, storage-request-alias: the lengths they leave out.
  const beyond = (z: bigint): boolean => z >= TWO_32;
  const aliasing = (z: bigint): boolean => z === TWO_32 - 1n || z === TWO_32 - 2n;
  const newLength = leaves(w, 'new-length-beyond-2^32') ? hashLength.filter((l) => !beyond(l)) : hashLength;
  const requestLength = leaves(w, 'storage-request-alias') ? hashLength.filter((z) => !aliasing(z)) : hashLength;
  const solicitLength = leaves(w, 'solicit-length-beyond-2^32') ? requestLength.filter((z) => !beyond(z)) : requestLength;
  // Rule manager-assigner-bless: an assign names the caller itself as the core's next assigner (or
  // no service id: WHO, nothing changed), and a bless reads the assigners whole or not at all.
  const managerRule = leaves(w, 'manager-assigner-bless');
  const nextAssigner = managerRule ? fc.oneof({ weight: 4, arbitrary: fc.constant(BigInt(w.self)) }, { weight: 1, arbitrary: edges(TWO_32, TWO_64 - 1n) }) : id;
  return [
    [hostCallIds.gas, regs()],
    // fetch: o, f, l, kind, i_1, i_2 -- every kind of 0..15 and some beyond.
    [
      hostCallIds.fetch,
      regs(
        arbOut,
        arbOffset,
        arbLength,
        fc.oneof({ weight: 8, arbitrary: big(0n, 15n) }, { weight: 1, arbitrary: edges(16, TWO_32, TWO_64 - 1n) }),
        fc.oneof({ weight: 4, arbitrary: edges(0, 1, 2) }, { weight: 1, arbitrary: edges(TWO_32, TWO_64 - 1n) }),
        fc.oneof({ weight: 4, arbitrary: edges(0, 1) }, { weight: 1, arbitrary: edges(TWO_32, TWO_64 - 1n) }),
      ),
    ],
    // lookup: s, h, o, f, l -- mostly the caller's code hash (slot 0), whose preimage it holds.
    [hostCallIds.lookup, regs(id, arbSlot(0), arbOut, arbOffset, arbLength)],
    [hostCallIds.read, arbKey.chain(([k, kz]) => regs(id, fc.constant(k), fc.constant(kz), arbOut, arbOffset, arbLength))],
    // write: key, key length, value, value length (0 deletes).
    [hostCallIds.write, arbKey.chain(([k, kz]) => regs(fc.constant(k), fc.constant(kz), arbData('out'), arbLength))],
    [hostCallIds.info, regs(id, arbOut, arbOffset, arbLength)],
    // bless: m, a (assigners), v, r, o (always-accumulate pairs), n.
    [
      hostCallIds.bless,
      regs(id, managerRule ? whole('assigners') : arbData('assigners'), id, id, arbData('alwaysAcc'), fc.oneof({ weight: 4, arbitrary: edges(0, 1, 2, 4) }, { weight: 1, arbitrary: edges(TWO_32, TWO_64 - 1n) })),
    ],
    // assign: c, o (queue), a.
    [hostCallIds.assign, regs(fc.oneof({ weight: 4, arbitrary: big(0n, BigInt(w.cores)) }, { weight: 1, arbitrary: edges(TWO_32, TWO_64 - 1n) }), arbData('queue'), nextAssigner)],
    [hostCallIds.designate, regs(arbData('validators'))],
    [hostCallIds.checkpoint, regs()],
    // new: o (code hash), l, g, m, f (gratis), i (wanted id, for the registrar: below S, present or not).
    [
      hostCallIds.new,
      regs(
        arbHashPtr,
        newLength,
        arbGas,
        arbGas,
        fc.oneof({ weight: 4, arbitrary: fc.constant(0n) }, { weight: 1, arbitrary: arbAmount }),
        fc.oneof({ weight: 2, arbitrary: edges(1, 2, 100, 2 ** 16 - 1) }, { weight: 1, arbitrary: id }),
      ),
    ],
    // upgrade: o, g, m -- mostly the caller's own code hash (slot 0), so that it keeps running
    // (rule code-not-a-program: that hash or an unreadable pointer).
    [hostCallIds.upgrade, regs(leaves(w, 'code-not-a-program') ? whole('hashes') : arbSlot(0), arbGas, arbGas)],
    [hostCallIds.transfer, regs(id, arbAmount, arbGas, arbData('memo'))],
    // eject: d, o -- mostly the ejectable service and its request's hash (slot 2).
    [
      hostCallIds.eject,
      regs(
        w.ejectable === undefined ? id : fc.oneof({ weight: 3, arbitrary: fc.constant(BigInt(w.ejectable)) }, { weight: 1, arbitrary: id }),
        arbSlot(2),
      ),
    ],
    // query, solicit, forget: h, z -- mostly the requested preimage's hash (slot 1).
    [hostCallIds.query, regs(arbSlot(1), requestLength)],
    [hostCallIds.solicit, regs(arbSlot(1), solicitLength)],
    [hostCallIds.forget, regs(arbSlot(1), requestLength)],
    [hostCallIds.yield, regs(arbHashPtr)],
    // provide: s, o, z -- mostly the requested preimage, to the caller or another service (rule
    // provide-to-another-service: to the caller, or to no service: WHO).
    [
      hostCallIds.provide,
      regs(
        leaves(w, 'provide-to-another-service') ? fc.oneof({ weight: 4, arbitrary: fc.constant(SELF) }, { weight: 1, arbitrary: edges(...w.absent) }) : id,
        arbData('preimage'),
        hashLength,
      ),
    ],
    // log (JIP-1): level, target, target length, message, message length.
    [hostCallIds.log, regs(big(0n, 4n), arbData('keys'), big(0n, 8n), arbData('memo'), leaves(w, 'log-huge-length') ? arbSmallLength : arbLength)],
  ];
};

/** A host call with its registers; sometimes an id F does not know (WHAT). */
export const arbCall = (w: GuestWorld): fc.Arbitrary<Call> =>
  fc.oneof(
    {
      weight: 20,
      arbitrary: fc.oneof(
        ...argumentsOf(w).map(([id, args]) =>
          args.map((values): Call => ({ id, registers: values.map((v, i) => [7 + i, v] as const) })),
        ),
      ),
    },
    { weight: 1, arbitrary: fc.constantFrom(6, 13, 27, 255).map((id): Call => ({ id, registers: [] })) },
  );

/** The steps without a call of `later` after the first call of `first`. */
const noneAfter = (steps: ReadonlyArray<Step>, first: ReadonlyArray<number>, later: ReadonlyArray<number>): ReadonlyArray<Step> => {
  const at = steps.findIndex((s) => first.includes(s.call.id));
  return at < 0 ? steps : steps.filter((s, i) => i <= at || !later.includes(s.call.id));
};
const { lookup, query, solicit, forget, provide } = hostCallIds;

/** A guest: a prologue, 1..maxSteps generated steps, an end; and its generated data. */
export const arbGuest = (w: GuestWorld, maxSteps = 32): fc.Arbitrary<Guest> =>
  fc.record({
    steps: fc.array(
      fc.oneof(
        { weight: 12, arbitrary: arbCall(w).map((call): Step => ({ call })) },
        // Mostly 5..14: the ecalli's own 1 spent, the call finds 4..13 of its 10 (out of gas below 10).
        {
          weight: 2,
          arbitrary: fc
            .tuple(arbCall(w), fc.oneof({ weight: 3, arbitrary: fc.integer({ min: 5, max: 14 }) }, { weight: 1, arbitrary: fc.nat({ max: 24 }) }))
            .map(([call, leave]): Step => ({ call, leave })),
        },
      ),
      { minLength: 1, maxLength: maxSteps },
    )
      // Rule provide-then-lookup: no lookup, query, solicit or forget after a provide.
      .map((steps) => (leaves(w, 'provide-then-lookup') ? noneAfter(steps, [provide], [lookup, query, solicit, forget]) : steps))
      // Rule solicit-then-provide: no provide after a solicit or forget.
      .map((steps) => (leaves(w, 'solicit-then-provide') ? noneAfter(steps, [solicit, forget], [provide]) : steps)),
    // Mostly a halt: a trap undoes all but what a checkpoint kept (B.13).
    end: fc.oneof({ weight: 4, arbitrary: fc.constantFrom<End>('halt', 'halt-hash') }, { weight: 1, arbitrary: fc.constant<End>('trap') }),
    data: fc.record({
      // Rule manager-assigner-bless: a bless names the caller itself assigner of every core, so a
      // manager that is an assigner never changes its own cores.
      assigners: leaves(w, 'manager-assigner-bless')
        ? fc.constant(Array.from({ length: w.cores }, () => w.self))
        : fc.array(fc.constantFrom(...w.services, ...w.absent), { minLength: w.cores, maxLength: w.cores }),
      alwaysAcc: fc.array(
        fc.tuple(
          fc.constantFrom(...w.services, ...w.absent),
          // Rule gas-sum-beyond-2^64: no always-accumulate gas of 2^64 - 1, so section 12's sum G_A C + chi_Z's gas stays in N_G.
          fc.oneof(edges(0, 1000, 20_000), leaves(w, 'gas-sum-beyond-2^64') ? arbGas.filter((g) => g < TWO_64 - 1n) : arbGas),
        ),
        { maxLength: 4 },
      ),
      // Rule pool-after-assign: the genesis's queue, which assign then leaves as it is.
      queue:
        w.rules !== undefined && leaves(w, 'pool-after-assign')
          ? fc.constant(w.rules.genesisQueue)
          : fc.array(fc.constantFrom(w.requestedHash, ...w.hashes), { minLength: 1, maxLength: 3 }),
      random: fc.uint8Array({ minLength: 32, maxLength: 32 }).map((h) => h as Hash),
      validatorOrder: fc.shuffledSubarray(
        w.validators.map((_, i) => i),
        { minLength: w.validators.length, maxLength: w.validators.length },
      ),
      // Rules identity-bandersnatch-key, off-subgroup-bandersnatch-key: the key classes they leave out.
      keyClasses: arbKeyClasses(
        w.validators.length,
        keyClasses.filter(
          (k) => !(k === 'identity' && leaves(w, 'identity-bandersnatch-key')) && !(k === 'off-subgroup' && leaves(w, 'off-subgroup-bandersnatch-key')),
        ),
      ),
    }),
  });

// ---- The program ----------------------------------------------------------------------------------

const u32le = (x: number): Uint8Array => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setUint32(0, x >>> 0, true);
  return b;
};
const u64le = (x: bigint): Uint8Array => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setBigUint64(0, BigInt.asUintN(64, x), true);
  return b;
};

/** The read-write data w of the guest, laid out as `layout.at` says. */
export const guestData = (w: GuestWorld, d: GuestData): Uint8Array => {
  const data = new Uint8Array(layout.RW_SIZE);
  const put = (k: keyof typeof layout.at, bytes: Uint8Array): void => data.set(bytes, layout.at[k]);
  // Slot 0 is the caller's code hash, which the prologue writes (a program cannot hold its own hash).
  const slots: ReadonlyArray<Uint8Array> = [new Uint8Array(32), w.requestedHash, w.ejectHash, u32le(w.self), new Uint8Array(32), d.random, ...w.hashes];
  put('hashes', concatBytes(...slots.slice(0, HASH_SLOTS).map((h) => concatBytes(h, new Uint8Array(32 - h.length)))));
  put('assigners', concatBytes(...d.assigners.map(u32le)));
  put('alwaysAcc', concatBytes(...d.alwaysAcc.map(([s, g]) => concatBytes(u32le(s), u64le(g)))));
  put('memo', Uint8Array.from({ length: 128 }, (_, i) => i));
  // The fold's first keys E_4(0), E_4(1), then octets no fold writes.
  put('keys', concatBytes(u32le(0), u32le(1), Uint8Array.of(9, 9, 9, 9)));
  put('preimage', w.requested);
  // Each key is E(bs, ed, bls, metadata) (6.8): its first 32 octets are the Bandersnatch key.
  put(
    'validators',
    concatBytes(
      ...d.validatorOrder.map((i, v) => {
        const key = w.validators[i]!;
        return concatBytes(keyOfClass(d.keyClasses[v] ?? 'valid', key.subarray(0, 32) as BandersnatchKey), key.subarray(32));
      }),
    ),
  );
  put('queue', concatBytes(...Array.from({ length: w.queueSize }, (_, i) => d.queue[i % d.queue.length]!)));
  return data;
};

const loadImm64 = (r: number, v: bigint): Instruction => ({ name: 'load_imm_64', regs: [r], imms: [v] });
const ecalli = (id: number): Instruction => ({ name: 'ecalli', imms: [BigInt(id)] });

/** E_4(n) at the fold key, omega_7 and omega_8 beside the output buffer, then write(key, 4, value, 16 + OUT_FOLD). */
const fold = (n: number): ReadonlyArray<Item> => [
  { name: 'store_u64', regs: [7], imms: [BigInt(layout.addr('foldValue'))] },
  { name: 'store_u64', regs: [8], imms: [BigInt(layout.addr('foldValue') + 8)] },
  { name: 'store_imm_u32', imms: [BigInt(layout.addr('foldKey')), BigInt(n)] },
  loadImm64(7, BigInt(layout.addr('foldKey'))),
  loadImm64(8, 4n),
  loadImm64(9, BigInt(layout.addr('foldValue'))),
  loadImm64(10, BigInt(16 + OUT_FOLD)),
  ecalli(hostCallIds.write),
];

/** Gas above which a burn is skipped (an always-accumulate gas near 2^64 would loop for ever). */
const BURN_CAP = 2_000_000n;

/**
 * Burn all but about `leave` gas: read the gas left g, then count omega_1 = g/2 - leave/2 down to
 * zero at two instructions a turn. A leave above g wraps omega_1 and runs out of gas.
 */
const burn = (n: number, leave: number): ReadonlyArray<Item> => [
  ecalli(hostCallIds.gas),
  { name: 'branch_gt_u_imm', regs: [7], imms: [BURN_CAP], to: `burnt${n}` },
  { name: 'shlo_r_imm_64', regs: [1, 7], imms: [1n] },
  { name: 'add_imm_64', regs: [1, 1], imms: [BigInt.asUintN(64, -BigInt(Math.ceil(leave / 2)))] },
  // The loop's head must start a basic block (A.5): after a terminator.
  { name: 'fallthrough' },
  { label: `burn${n}` },
  { name: 'add_imm_64', regs: [1, 1], imms: [TWO_64 - 1n] },
  { name: 'branch_ne_imm', regs: [1], imms: [0n], to: `burn${n}` },
  { label: `burnt${n}` },
];

/**
 * The standard program of a guest (A.38): o is 32 octets of the requested hash (a readable,
 * unwritable page), w the guest's data, one heap page. The prologue writes the caller's code
 * hash (info of 2^64 - 1, its first 32 octets) to hash slot 0; each call is folded (see the
 * module's comment); halt is the jump to 2^32 - 2^16 held in omega_0 (A.38, A.18).
 */
export const guestProgram = (w: GuestWorld, g: Guest): Uint8Array => {
  const prologue: ReadonlyArray<Item> = [loadImm64(7, SELF), loadImm64(8, BigInt(layout.addr('hashes'))), loadImm64(9, 0n), loadImm64(10, 32n), ecalli(hostCallIds.info)];
  const body = g.steps.flatMap((s, n): ReadonlyArray<Item> =>
    // The burn comes before the loads, which it counts: about `leave` gas is left at the ecalli.
    [...(s.leave === undefined ? [] : burn(n, s.leave + s.call.registers.length)), ...s.call.registers.map(([r, v]) => loadImm64(r, v)), ecalli(s.call.id), ...fold(n)],
  );
  const end: ReadonlyArray<Item> =
    g.end === 'trap'
      ? [{ name: 'trap' }]
      : [
          ...(g.end === 'halt-hash' ? [loadImm64(7, BigInt(layout.addr('hashes') + 32)), loadImm64(8, 32n)] : []),
          { name: 'jump_ind', regs: [0], imms: [0n] },
        ];
  return accumulateProgram([...prologue, ...body, ...end], { ro: w.requestedHash, rw: guestData(w, g.data), heapPages: layout.HEAP_PAGES });
};
