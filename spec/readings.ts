/**
 * The readings record: every point where the paper's text, the public vectors and other clients
 * part, as one value passed with the chain spec (`chain/` carries `{ spec, readings }` to the
 * importer and the engines). Each reading has a name, its alternatives (each saying whether the
 * model implements it), the default (Gray Paper 0.7.2's reading as the model takes it), the
 * paper's references and one sentence. A later paper version is one more set of readings and
 * constants, not a fork of the code.
 *
 * Model functions that depend on a reading take it as a parameter; nothing here is mutable.
 */

/** One alternative of a reading. */
export interface Alternative {
  readonly sentence: string;
  /** False: documented only; choosing it is refused (the model has no code for it). */
  readonly implemented: boolean;
}

/** One reading: where the paper, the vectors and the clients part. */
export interface Reading {
  readonly sentence: string;
  readonly references: ReadonlyArray<string>;
  readonly default: string;
  readonly alternatives: Readonly<Record<string, Alternative>>;
}

/** Every reading, in the order `jam-model readings` lists them. */
export const readingCatalogue = {
  'pvm-exit-pc': {
    sentence: 'The instruction counter Psi returns after halt or panic.',
    references: ['A.1', 'A.18'],
    default: 'zero',
    alternatives: {
      zero: { sentence: 'A.1: on halt and panic Psi returns imath = 0.', implemented: true },
      'exiting-instruction': {
        sentence: 'The PVM vectors (polkavm): the pc of the instruction that halted or panicked.',
        implemented: true,
      },
    },
  },
  'pvm-gas': {
    sentence: 'When an instruction\'s gas is charged.',
    references: ['A.1', 'A.6', 'A.9'],
    default: 'per-instruction',
    alternatives: {
      'per-instruction': { sentence: 'A.9: each instruction pays its Delta before it runs.', implemented: true },
      'per-basic-block': {
        sentence:
          'The PVM vectors (polkavm): entering a basic block (A.5) charges the gas of all its instructions at once; a block that cannot be paid whole ends out of gas at its start.',
        implemented: true,
      },
    },
  },
  'pvm-exception-gas': {
    sentence: 'Whether a memory exception (a panic below 2^16 or a page fault) pays its instruction\'s gas.',
    references: ['A.1', 'A.7', 'A.8'],
    default: 'charged',
    alternatives: {
      charged: {
        sentence:
          'A.1\'s text: "some gas is always charged whenever execution is attempted ... even if ... machine state is unchanged"; with gas 0 the access ends out of gas.',
        implemented: true,
      },
      uncharged: {
        sentence: 'A.8\'s rows write the prior gas counter: the exception is raised before the charge and costs nothing.',
        implemented: true,
      },
    },
  },
  'sbrk-heap-start': {
    sentence: 'Where the heap pointer h of sbrk starts under the standard initialization Y.',
    references: ['A.28', 'A.37', 'A.42'],
    default: 'end-of-read-write',
    alternatives: {
      'end-of-read-write': {
        sentence:
          'The end of the read-write data and its z zero pages, the first address not yet writable (the accumulate vectors; the paper author\'s "Notes on SBRK").',
        implemented: true,
      },
      'start-of-heap': {
        sentence: 'The text under A.28\'s table: 2 Z_Z + Z(|o|), the start of the heap of A.42.',
        implemented: true,
      },
    },
  },
  'log-host-call': {
    sentence: 'JIP-1\'s log (id 100) in Psi_A, which B.9\'s F does not list.',
    references: ['B.9', 'B.11'],
    default: 'what',
    alternatives: {
      what: {
        sentence: 'B.11: any id outside F costs 10 gas and answers WHAT in omega_7 (the accumulate vectors\' gas figures).',
        implemented: true,
      },
      'jip-1': {
        sentence: 'JIP-1 (and the accumulate vectors\' README): log costs 0 gas and leaves the registers as they are.',
        implemented: true,
      },
    },
  },
  'service-key-aliasing': {
    sentence:
      'D.2\'s service keys are not injective: a storage key, a preimage and a request (h, l) with l = 2^32-1 or 2^32-2 can share one state key.',
    references: ['9.3', 'D.2', 'B.16', 'B.20'],
    default: 'dictionaries-apart',
    alternatives: {
      'dictionaries-apart': {
        sentence:
          'a_s, a_p, a_l stay apart where the keys are known; T keeps the row D.2 lists first; an opaque entry (known by its hashed key only) answers a read only when its value can be what the read asks for.',
        implemented: true,
      },
      'hashed-key': {
        sentence: 'One dictionary by hashed key, as D.2\'s closing note allows: a read answers from whichever entry holds the key.',
        implemented: false,
      },
    },
  },
  'solicit-z-outside-NL': {
    sentence: 'solicit with a length z >= 2^32, for which B.20\'s row has no case (a_l\'s keys are (H, N_L)).',
    references: ['9.3', 'B.20'],
    default: 'huh',
    alternatives: {
      huh: { sentence: 'B.20\'s a = error: answer HUH, nothing changed (query answers NONE, forget HUH, as their rows say).', implemented: true },
      'mod-2^32': { sentence: 'Take z mod 2^32 as E_4 would encode it.', implemented: false },
    },
  },
  'bless-duplicates': {
    sentence: 'bless with one service twice among the n pairs of z, which is then no dictionary.',
    references: ['B.20'],
    default: 'last',
    alternatives: {
      last: { sentence: 'The last pair for each service, in the order of the n pairs.', implemented: true },
      first: { sentence: 'The first pair for each service.', implemented: false },
      panic: { sentence: 'The call panics, as for an unreadable z.', implemented: false },
    },
  },
  'balance-overflow': {
    sentence: 'A balance credited past 2^64-1 by Psi_A\'s transfers or eject, which T cannot encode (E_8).',
    references: ['B.9', 'B.20', 'C.12', 'D.2'],
    default: 'invalid-block',
    alternatives: {
      'invalid-block': {
        sentence: 'The block is invalid (stage accumulation, error account_overflow); within an invocation info answers E_8 of it mod 2^64.',
        implemented: true,
      },
      saturate: { sentence: 'The balance stops at 2^64-1.', implemented: false },
    },
  },
  'conflicting-contributions': {
    sentence: 'Different services contributing the same service index (new, altered or removed) in one Delta*.',
    references: ['12.17', '12.22'],
    default: 'invalid-block',
    alternatives: {
      'invalid-block': { sentence: 'The text after 12.22: the block is invalid (stage accumulation, error service_index_conflict).', implemented: true },
      'last-wins': { sentence: 'The contribution of the later service stands.', implemented: false },
    },
  },
  'new-check-base': {
    sentence: 'Which accounts new\'s check(i) (B.14) tests for a free id.',
    references: ['B.14', 'B.20'],
    default: 'base-state',
    alternatives: {
      'base-state': { sentence: 'The base state of Psi_A (its first argument): an id ejected earlier in the invocation is not handed out again.', implemented: true },
      context: { sentence: 'The context\'s current accounts.', implemented: false },
    },
  },
  'stored-footprints': {
    sentence:
      'A state given as key-values may store footprints a_i, a_o (9.8) below what its entries hold, which nothing can check (the keys are hashed).',
    references: ['9.8', 'D.2'],
    default: 'stop-at-zero',
    alternatives: {
      'stop-at-zero': { sentence: 'Removing an entry lowers a_i and a_o, stopping at zero.', implemented: true },
      'invalid-block': { sentence: 'A block that takes a footprint below zero is invalid.', implemented: false },
    },
  },
  'rotation-before-R': {
    sentence: 'M* (11.22) while tau\' < R: P (11.20) reads t mod E with t = tau\' - R < 0.',
    references: ['11.20', '11.22'],
    default: 'paper-mod',
    alternatives: {
      'paper-mod': { sentence: 'The paper\'s mod, in [0, E).', implemented: true },
      'truncated-remainder': { sentence: 'A remainder with the sign of t (JavaScript\'s %), rotating cores by a negative amount.', implemented: false },
    },
  },
  'ring-padding-point': {
    sentence:
      'The point that replaces a key with no Bandersnatch point when the ring is built; the identity, which decodes but has no affine coordinates for the commitment, is replaced too.',
    references: ['G.3'],
    default: 'ark-vrf',
    alternatives: {
      'ark-vrf': { sentence: 'The padding point of the Bandersnatch ring-VRF specification, as ark-vrf computes it (RingProofParams::padding_point).', implemented: true },
      'drop-key': { sentence: 'Leave the key out of the ring (a ring of fewer members).', implemented: false },
    },
  },
} as const satisfies Readonly<Record<string, Reading>>;

export type ReadingName = keyof typeof readingCatalogue;

/** The values a reading can take, implemented or not. */
export type ReadingValue<N extends ReadingName> = keyof (typeof readingCatalogue)[N]['alternatives'] & string;

/** A choice for every reading. */
export type Readings = { readonly [N in ReadingName]: ReadingValue<N> };

export const readingNames = Object.keys(readingCatalogue) as ReadonlyArray<ReadingName>;

/** Gray Paper 0.7.2's readings: the default of each. */
export const paperReadings: Readings = Object.fromEntries(readingNames.map((n) => [n, readingCatalogue[n].default])) as unknown as Readings;

/** The readings of the PVM (Appendix A), which both engines take when an instance is made. */
export type PvmReadings = Pick<Readings, 'pvm-exit-pc' | 'pvm-gas' | 'pvm-exception-gas'>;

/** The readings the public PVM vectors encode (polkavm's behaviour). */
export const pvmVectorReadings: PvmReadings = { 'pvm-exit-pc': 'exiting-instruction', 'pvm-gas': 'per-basic-block', 'pvm-exception-gas': 'charged' };

/**
 * The readings with `NAME=VALUE` choices applied to `base`, or one line saying what is wrong: an
 * unknown name or value, or an alternative the model documents but does not implement.
 */
export const chooseReadings = (base: Readings, choices: ReadonlyArray<string>): { readonly ok: Readings } | { readonly error: string } => {
  const chosen: Record<string, string> = { ...base };
  for (const choice of choices) {
    const [name, value, ...rest] = choice.split('=');
    if (name === undefined || value === undefined || rest.length > 0) return { error: `--reading takes NAME=VALUE, not '${choice}'` };
    if (!(readingNames as ReadonlyArray<string>).includes(name))
      return { error: `unknown reading '${name}' (known: ${readingNames.join(', ')})` };
    const alternatives: Readonly<Record<string, Alternative>> = readingCatalogue[name as ReadingName].alternatives;
    const alternative = alternatives[value];
    if (alternative === undefined) return { error: `unknown value '${value}' of ${name} (one of: ${Object.keys(alternatives).join(', ')})` };
    if (!alternative.implemented) return { error: `${name}=${value} is documented but not implemented by the model` };
    chosen[name] = value;
  }
  return { ok: chosen as unknown as Readings };
};

/** The readings that differ from 0.7.2's, as `NAME=VALUE` (empty under the defaults). */
export const departures = (readings: Readings): ReadonlyArray<string> =>
  readingNames.filter((n) => readings[n] !== readingCatalogue[n].default).map((n) => `${n}=${readings[n]}`);
