/**
 * The fuzzer's leave-out rules: each names a case where the model takes the paper's reading and a
 * known client (typeberry 0.11.0) another, and leaves that case out of what the fuzzer generates,
 * so that one known divergence does not bury the others. None changes what the model computes;
 * each only narrows the blocks, guest programs or mutations the sources draw. README ("Where the
 * paper, the vectors and clients part") has the paper's text and both readings of each.
 *
 * `jam-model fuzz` leaves every known rule out by default (`--leave-out all-known`); `--include
 * RULE` puts one case back, `--leave-out none` puts all back.
 */

export interface LeaveOutRule {
  /** What the fuzzer then does not generate, and where. */
  readonly leavesOut: string;
  /** The paper's text the model follows there. */
  readonly paper: string;
  /** Which peer reads it otherwise, and how. */
  readonly peer: string;
  /** Names of fuzz/author mutations (fuzz/author/mutations.ts) the rule leaves out. */
  readonly mutations?: ReadonlyArray<string>;
}

export const leaveOutRules = {
  reimport: {
    leavesOut: 'the same block sent again on its parent, as a fork (generic mutations, fuzz/fuzzer/source.ts)',
    paper: 'eq. 4.1: the posterior is a function of the prior state and the block; the same root again',
    peer: 'typeberry 0.11.0 answers Error ("already imported")',
  },
  'offender-metadata': {
    leavesOut: 'verdicts that make offenders in authored chains: a good or bad verdict is authored as a wonky one (no culprits, no faults)',
    paper: 'eq. 6.14 (Phi): an offender\'s whole key, its 128-octet metadata included, becomes the null key',
    peer: 'typeberry 0.11.0 zeroes the Bandersnatch, Ed25519 and BLS keys but keeps the metadata',
  },
  'tickets-beyond-K': {
    leavesOut: 'blocks with more than K tickets (the duplicated-ticket mutation stops at K; the author mutation "too many tickets or tickets in the tail")',
    paper: 'eq:ticketsextrinsic types E_T with no bound; at most K is a validity rule (eq:enforceticketlimit)',
    peer: 'typeberry 0.11.0 bounds E_T by K in its codec and ends the fuzz session',
    mutations: ['too many tickets or tickets in the tail'],
  },
  'one-guarantor': {
    leavesOut: 'guarantees with a credential of one signature (the author mutation "one guarantor")',
    paper: 'eq:guaranteesextrinsic types the credential ⟦...⟧_{2:3}; the reports vectors name a shorter one insufficient_guarantees, which the model follows',
    peer: 'typeberry 0.11.0 bounds it in its codec and ends the fuzz session (the paper\'s type is on its side)',
    mutations: ['one guarantor'],
  },
  'new-length-beyond-2^32': {
    leavesOut: 'guest calls of new (B.20) with l >= 2^32',
    paper: 'B.20 new: c is read only when l in N_{2^32}, else c = error and the call panics',
    peer: 'typeberry 0.11.0 clamps l to 2^32 - 1 and goes on',
  },
  'solicit-length-beyond-2^32': {
    leavesOut: 'guest calls of solicit (B.20) with z >= 2^32',
    paper: 'a_l\'s keys are (H, N_L) (9.3); the model answers HUH (reading solicit-z-outside-NL)',
    peer: 'typeberry 0.11.0 reads the row\'s first case literally (FULL, or OK with a request (h, 2^32 - 1))',
  },
  'storage-request-alias': {
    leavesOut: 'guest calls of query, solicit and forget with z = 2^32 - 1 or 2^32 - 2, whose request key can be a storage item\'s or a preimage\'s (the fuzz genesis stores an item under the requested hash)',
    paper: 'D.2 keys a_s[k] by E_4(2^32 - 1) ++ k and a_l[(h, l)] by E_4(l) ++ h: not injective (reading service-key-aliasing)',
    peer: 'typeberry 0.11.0 decodes the storage item as the request, fails, and rejects the block',
  },
  'log-huge-length': {
    leavesOut: 'guest calls of log (100) with a message length above 300',
    paper: 'B.9\'s F has no log: WHAT for 10 gas, whatever the arguments (reading log-host-call)',
    peer: 'typeberry 0.11.0 allocates the message (clamped to 2^32 - 1 octets) and rejects the block',
  },
  'pointer-beyond-2^32': {
    leavesOut: 'guest host-call pointers beyond 2^32 whose lower 32 bits are not 0: 2^32 + the read-write data\'s address, and 2^64 - 1 (2^32 itself stays: its lower bits are unreadable in both readings)',
    paper: 'B.16-B.20: a host call reads and writes RAM where N_{o...+l} ⊆ V_μ (or W_μ), indices of RAM below 2^32; no mod 2^32 (that is Psi_1\'s, A.5, for instructions): else the call panics',
    peer: 'typeberry 0.11.0 takes the lower 32 bits of a host call\'s address (as Psi_1 does for instructions) and reads or writes there: read of a 2-octet value to 2^64 - 1 goes on (chain guests:2075, service 10); info to 2^64 - 1 ends the invocation with all 60,000 gas used where the model panics after 126 (guests:3088, service 11)',
  },
  'provide-then-lookup': {
    leavesOut: 'guest calls of lookup, query, solicit and forget after a provide in the same program',
    paper: 'B.20 provide only adds (s, i) to the provisions x_p; they are integrated after accumulation where the request is still [] (section 12\'s preimage integration): within the invocation the request stays [] and the preimage absent',
    peer: 'typeberry 0.11.0 writes the preimage into the invocation\'s state at once (its providePreimage, with the slot): query answers [t], forget then keeps the preimage (and lookup would find it)',
  },
  'solicit-then-provide': {
    leavesOut: 'guest calls of provide after a solicit or forget in the same program',
    paper: 'B.20 provide answers HUH only when a_l[(H(i), z)] != [] or (s, i) is already in x_p: a request of the same hash at another length does not matter',
    peer: 'typeberry 0.11.0 answers HUH ("already provided") when the invocation has any preimage update of the hash, e.g. a solicit (h, 1) before providing the preimage of length 40 requested as (h, 40)',
  },
  'provide-to-another-service': {
    leavesOut: 'guest calls of provide for another service: the service register is the caller\'s own (2^64 - 1) or an absent service\'s (WHO)',
    paper: 'section 12: delta\' = P((delta + n) - m, the provisions): the provisions are integrated after every accumulated service\'s own post-state is merged (n), so a preimage provided into a service that itself accumulated in the block lands on its post-state where the request is still []',
    peer: 'typeberry 0.11.0 leaves the request [] and stores no preimage when the service provided into also accumulated in the block (jam-model fuzz --seed 1, chain guests:886)',
  },
  'code-not-a-program': {
    leavesOut: 'guest calls of upgrade to any code hash but the caller\'s own (or an unreadable pointer: panic): no service\'s code becomes a preimage that is not a program blob',
    paper: 'A.44: Psi_M panics when Y(p) is none (the blob does not decode as a standard program, A.37-A.41); the accumulation goes on with the exceptional state (B.13)',
    peer: 'typeberry 0.11.0 throws from its PVM\'s blob decoder ("Not enough bytes left", anan-as assembly/codec.ts) and rejects the block (jam-model fuzz --seed 1, chain guests:789, blocks 2-4)',
  },
  'gas-sum-beyond-2^64': {
    leavesOut: 'always-accumulate gas of 2^64 - 1 in the pairs a guest\'s bless names (at most four pairs of at most 2^32 each remain)',
    paper: 'section 12\'s g = max(G_T, G_A C + sum of chi_Z\'s gas) has no bound; Delta+ types its gas N_G: a sum beyond 2^64 is outside the types, which the model computes with as the natural it is',
    peer: 'typeberry 0.11.0 asserts the sum is a u64 and rejects the block ("input must have eight-byte representation")',
  },
  'pool-after-assign': {
    leavesOut: 'assign calls that change phi: a guest\'s assign names the fuzz genesis\'s queue (one hash on every core), so phi\' = phi',
    paper: 'section 8: alpha\'[c] appends phi\'[c][H_T], the queue after accumulation',
    peer: 'typeberry 0.11.0 appends the prior phi\'s entry after an assign in the same block',
  },
  'manager-assigner-bless': {
    leavesOut: 'assigner changes a manager that is also an assigner could merge: a guest\'s bless names itself assigner of every core (read whole, never the zeros at a page end), and its assign names itself the next assigner (or no service id: WHO)',
    paper: 'section 12 (accpar), R(o, a, b): assigners\'[c] takes the manager\'s a where a != o',
    peer: 'typeberry 0.11.0, when the manager changes a core it assigns, rebuilds the other cores\' assigners from the prior chi (chains guests:3715 and 3879: a bless reading zeros at a page end, core 1 keeps its prior assigner 10 or 11 where R gives the manager\'s 0)',
  },
  'identity-bandersnatch-key': {
    leavesOut: 'the identity point among the Bandersnatch keys a guest\'s designate sets (other invalid keys stay)',
    paper: 'G.3: a key with no point stands as the padding point in the ring (reading ring-padding-point)',
    peer: 'typeberry 0.11.0\'s ring commitment panics in w3f-ring-proof and the process aborts',
  },
  'off-subgroup-bandersnatch-key': {
    leavesOut: 'points outside the prime-order subgroup among the Bandersnatch keys a guest\'s designate sets',
    paper: 'G.3\'s note: a key with "no corresponding Bandersnatch point" stands as the padding point; the model reads a point outside the prime-order subgroup as none (reading ring-padding-point)',
    peer: 'typeberry 0.11.0 builds the ring with the point itself: its gamma_Z differs and it rejects the tickets of the epoch\'s first block',
  },
} as const satisfies Readonly<Record<string, LeaveOutRule>>;

export type RuleName = keyof typeof leaveOutRules;

/** The rules in force: the cases the fuzzer leaves out. */
export type LeftOut = ReadonlySet<RuleName>;

export const ruleNames = Object.keys(leaveOutRules) as ReadonlyArray<RuleName>;
export const allKnown: LeftOut = new Set(ruleNames);
export const noneLeftOut: LeftOut = new Set();

const isRule = (name: string): name is RuleName => name in leaveOutRules;

/** The names of a comma list, or the first unknown name. */
const namesOf = (text: string): ReadonlyArray<RuleName> | string => {
  const names = text.split(',').map((n) => n.trim()).filter((n) => n !== '');
  const unknown = names.find((n) => !isRule(n));
  return unknown ?? (names as ReadonlyArray<RuleName>);
};

/**
 * `--leave-out RULE,...|all-known|none` less `--include RULE,...`: the rules in force, or the
 * message for a name no rule has.
 */
export const chooseLeftOut = (leaveOut: string, include: ReadonlyArray<string>): LeftOut | string => {
  const known = `known: ${ruleNames.join(', ')}`;
  const base = leaveOut === 'all-known' ? ruleNames : leaveOut === 'none' ? [] : namesOf(leaveOut);
  if (typeof base === 'string') return `--leave-out: no rule '${base}' (${known}; or all-known, none)`;
  const put = include.flatMap((i) => {
    const n = namesOf(i);
    return typeof n === 'string' ? [n] : [];
  });
  if (put.length > 0) return `--include: no rule '${put[0]}' (${known})`;
  const back = new Set(include.flatMap((i) => namesOf(i) as ReadonlyArray<RuleName>));
  return new Set(base.filter((r) => !back.has(r)));
};

/** The fuzz/author mutations the rules in force leave out, by name. */
export const mutationsLeftOut = (leftOut: LeftOut): ReadonlySet<string> =>
  new Set([...leftOut].flatMap((r): ReadonlyArray<string> => (leaveOutRules[r] as LeaveOutRule).mutations ?? []));
