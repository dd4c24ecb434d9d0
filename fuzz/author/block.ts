/**
 * Block authoring on the tiny chain, valid by construction: given a prior state and the choices
 * of a generator (how many slots to skip, how many tickets to submit, which validators assure, on
 * which cores to guarantee, which verdict to bring), the next block that the import of section
 * 4.1 accepts. Authoring mirrors the checks: every field is made from what the model's own
 * transition computes (Safrole's posterior for the slot's sealing key, the markers and the ticket
 * ring; the disputes' posterior for the offenders and rho-dagger; the assurances' for the free
 * cores; the guarantor assignments), so the checks it satisfies are the model's, cited beside
 * each step.
 *
 * What is authored: the header (parent, prior state root, extrinsic hash, timeslot, author index,
 * epoch, tickets and offenders markers, entropy source H_V and seal H_S, fallback or ticket); the
 * tickets extrinsic (ring proofs by the pending validators whose attempts make the cut); the
 * assurances extrinsic (signed by the assuring validators over the cores with pending reports);
 * the guarantees extrinsic (a one-digest report per chosen free core, or the caller's refined
 * report for it, signed by the core's assigned guarantors); the disputes extrinsic (one verdict with its culprits or fault, see
 * ./disputes.ts). The preimages extrinsic is left empty: a preimage can be provided only for a
 * request whose data the author knows, and no authored service requests one.
 *
 * Ring proofs are blinded (each proof differs), so an `Author` remembers every proof and VRF
 * output it made: within one author, the same choices give the same blocks byte for byte.
 *
 * A ring proof costs about a fifth of a second, some thirty times the rest of a block's
 * authoring and import, and a contest of E tickets needs E of them anew in each epoch whose
 * entropy is new. So an author may be told in which epochs tickets are offered at all
 * (`Author.contested`, by the epoch's eta'_2): chains from one genesis share the entropy of
 * their first two epochs, whose proofs are made once and remembered, and draw others by their
 * entropy (see ./chain.ts, `contestedEpochs`).
 */
import * as E from 'fp-ts/lib/Either.js';
import { bytesCompare, bytesEqual, concatBytes, toHex, type BandersnatchSignature, type Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { encode, u32 } from '../../spec/codec.js';
import { codecs } from '../../spec/codecs.js';
import type {
  Assurance,
  Block,
  Credential,
  Extrinsic,
  Guarantee,
  Header,
  RefineContext,
  SealKeys,
  ServiceId,
  State,
  Ticket,
  TicketEnvelope,
  ValidatorKey,
  WorkReport,
} from '../../spec/types.js';
import { stateRoot, type ImportState } from '../../model/block-import/index.js';
import { banderout, proveBsRing, signBs, type RingSrs } from '../../model/crypto/bandersnatch.js';
import { disputes } from '../../model/disputes/index.js';
import { extrinsicHash } from '../../model/header/index.js';
import { assuranceMessage, assurances } from '../../model/assurances/index.js';
import { blake2b256, zeroHash } from '../../model/crypto/index.js';
import { guarantorAssignments } from '../../model/reports/assignments.js';
import { Xguarantee } from '../../model/reports/index.js';
import { workReportHash } from '../../model/reports/work-report.js';
import { epochAndPhase, safrole, Xticket, type SafroleState } from '../../model/safrole/index.js';
import { Xentropy, Xfallback } from '../../model/safrole/seal.js';
import { authorDisputes, type VerdictKind } from './disputes.js';
import { byBandersnatch, byEd25519, signEd, type DevValidator } from './keys.js';

/** What a generator decides about one block; authoring makes the rest follow. */
export interface BlockChoices {
  /** How many slots after the parent's the block comes (1 or more). */
  readonly gap: number;
  /** At most how many ticket envelopes to submit (fewer when fewer make the cut or the slot is in the tail). */
  readonly tickets: number;
  /** Which validators of kappa assure: bit v of the mask for validator v. */
  readonly assurers: number;
  /** On which cores to guarantee a report, when the core is free: bit c of the mask for core c. */
  readonly cores: number;
  /** The verdict the block carries, if any (10.11). */
  readonly verdict: VerdictKind;
  /**
   * Reports to guarantee in place of the generated one-digest report on their cores (a chosen,
   * free core with enough guarantors still): reports of packages refined by the caller, anchored
   * by `anchorContext` on the block's prior state, their authorizers in the cores' pools.
   */
  readonly reports?: ReadonlyArray<WorkReport>;
  /** The service the guaranteed reports are for: the lowest-numbered one unless named; none when it is absent. */
  readonly service?: ServiceId;
}

/** The author's knowledge and memory: the chain spec, the validators' secrets, the ring SRS. */
export interface Author {
  readonly spec: ChainSpec;
  readonly keys: ReadonlyArray<DevValidator>;
  readonly srs: RingSrs;
  /** VRF outputs and ring proofs already made, by secret and context (see the module's comment). */
  readonly memo: Map<string, Uint8Array>;
  /** Whether tickets are offered in the epoch of ticket entropy eta'_2 (see the module's comment); every epoch unless told. */
  readonly contested: (eta2Prime: Hash) => boolean;
}

export const newAuthor = (
  spec: ChainSpec,
  keys: ReadonlyArray<DevValidator>,
  srs: RingSrs,
  contested: (eta2Prime: Hash) => boolean = () => true,
): Author => ({
  spec,
  keys,
  srs,
  memo: new Map(),
  contested,
});

/** Who seals a header and over which context (6.15 or 6.16), kept to seal a changed header again. */
export interface Sealer {
  readonly key: DevValidator;
  readonly context: Uint8Array;
}

/** A block with its sealer. */
export interface Authored {
  readonly block: Block;
  readonly sealer: Sealer;
}

const memoized = (author: Author, key: string, make: () => Uint8Array): Uint8Array => {
  const known = author.memo.get(key);
  if (known !== undefined) return known;
  const made = make();
  author.memo.set(key, made);
  return made;
};

/** A result the author relies on, or a broken invariant of the authoring (a bug, not bad input). */
const must = <A>(what: string, r: E.Either<unknown, A>): A => {
  if (E.isLeft(r)) throw new Error(`author: ${what}: ${String(r.left)}`);
  return r.right;
};

/** An IETF VRF signature (G.1) by a validator; the context alone fixes its output Y (G.2). */
const signVrf = (key: DevValidator, c: Uint8Array, m: Uint8Array): BandersnatchSignature => must('sign', signBs(key.bsSeed, c, m));

/** Y: the VRF output of a validator's key on context c, the same for a signature and a ring proof (G.2, G.5). */
const vrfOutput = (author: Author, key: DevValidator, c: Uint8Array): Hash =>
  memoized(author, `Y ${toHex(key.bsSeed)} ${toHex(c)}`, () => must('Y', banderout(signVrf(key, c, new Uint8Array(0))))) as Hash;

/** The ticket context X_T ++ eta ++ the entry index (6.29's and 6.15's). */
const ticketContext = (eta: Hash, entryIndex: number): Uint8Array => concatBytes(Xticket, eta, new Uint8Array([entryIndex]));

/** H_V, the entropy source (6.17): signed over X_E ++ Y(H_S), which the seal's context alone fixes. */
export const entropySource = (author: Author, sealer: Sealer): BandersnatchSignature =>
  signVrf(sealer.key, concatBytes(Xentropy, vrfOutput(author, sealer.key, sealer.context)), new Uint8Array(0));

/** H_S over the unsigned header (6.15 or 6.16), whose encoding includes H_V. */
export const signSeal = (author: Author, sealer: Sealer, header: Omit<Header, 'sealSig'>): Header => ({
  ...header,
  sealSig: signVrf(sealer.key, sealer.context, encode(codecs(author.spec).unsignedHeader, header)),
});

/** Seals a header: H_V, then H_S. */
export const sealHeader = (author: Author, sealer: Sealer, header: Omit<Header, 'vrfSig' | 'sealSig'>): Header =>
  signSeal(author, sealer, { ...header, vrfSig: entropySource(author, sealer) });

/** A block with its extrinsic hash (5.4) made again and sealed again by the same sealer (for mutations). */
export const reseal = (author: Author, authored: Authored, header: Header, extrinsic: Extrinsic): Block => ({
  header: sealHeader(author, authored.sealer, { ...header, extrinsicHash: extrinsicHash(author.spec, extrinsic) }),
  extrinsic,
});

/**
 * E_T: tickets for the next epoch (6.29-6.35). Every pending validator (gamma'_P, the ring of
 * gamma'_Z) whose secret the author knows offers its N attempts; those whose identifier is not in
 * the accumulator and ranks among the E lowest of accumulator and offers make the cut (6.33, 6.35),
 * and the lowest `want` of them are proven, in identifier order (6.32). None in the tail (6.30),
 * none in an epoch the author does not contest.
 */
const authorTickets = (
  author: Author,
  prior: SafroleState,
  posterior: SafroleState,
  slot: number,
  want: number,
): ReadonlyArray<TicketEnvelope> => {
  const { spec } = author;
  const [e] = epochAndPhase(spec, prior.tau);
  const [ePrime, mPrime] = epochAndPhase(spec, slot);
  if (mPrime >= spec.Cepochtailstart || want <= 0) return [];
  const eta2Prime = posterior.eta[2];
  if (!author.contested(eta2Prime)) return [];
  const accumulator: ReadonlyArray<Ticket> = ePrime > e ? [] : prior.gamma.ticketAccumulator;
  const ring = posterior.gamma.pendingSet.map((k) => k.bs);
  const offers = ring.flatMap((bs) => {
    const key = byBandersnatch(author.keys, bs);
    if (key === undefined) return [];
    return Array.from({ length: spec.Cticketentries }, (_, entryIndex) => ({
      key,
      entryIndex,
      id: vrfOutput(author, key, ticketContext(eta2Prime, entryIndex)),
    }));
  });
  const fresh = offers.filter((o) => !accumulator.some((t) => bytesEqual(t.id, o.id)));
  const cut = [...accumulator.map((t) => t.id), ...fresh.map((o) => o.id)].sort(bytesCompare).slice(0, spec.Cepochlen);
  const chosen = fresh
    .filter((o) => cut.some((id) => bytesEqual(id, o.id)))
    .sort((a, b) => bytesCompare(a.id, b.id))
    .slice(0, Math.min(want, spec.Cmaxblocktickets));
  return chosen.map(({ key, entryIndex }) => {
    const c = ticketContext(eta2Prime, entryIndex);
    const proof = memoized(author, `ring ${toHex(key.bsSeed)} ${toHex(concatBytes(...ring))} ${toHex(c)}`, () =>
      must('ring proof', proveBsRing(author.srs)(key.bsSeed, ring, c, new Uint8Array(0))),
    );
    return { entryIndex, proof } as TicketEnvelope;
  });
};

/**
 * E_A: one assurance per chosen validator of kappa whose secret the author knows, in validator
 * order (11.12), anchored on the parent (11.11), a bit set for every core with a pending report
 * (11.15), signed over X_A ++ H(E(H_P, bits)) (11.13).
 */
const authorAssurances = (
  author: Author,
  rhoDagger: State['rho'],
  kappa: State['kappa'],
  parent: Hash,
  mask: number,
): ReadonlyArray<Assurance> => {
  const { spec } = author;
  const availabilities = Array.from({ length: spec.Ccorecount }, (_, c) => rhoDagger[c] !== undefined);
  return kappa.flatMap((k, assurer) => {
    const key = byEd25519(author.keys, k.ed);
    if ((mask & (1 << assurer)) === 0 || key === undefined) return [];
    return [{ anchor: parent, availabilities, assurer, signature: signEd(key, assuranceMessage(spec, parent, availabilities)) }];
  });
};

/** The gas each authored digest gives accumulation: enough to run a little of the service, little enough to stay quick. */
const digestGas = 100_000n;

/**
 * The credential of a report (11.23, 11.26): signatures over X_G ++ H(E(w)) by the given
 * validators of the assignments' keys, in index order (11.25).
 */
export const credentialOf = (
  author: Author,
  keys: ReadonlyArray<ValidatorKey>,
  validators: ReadonlyArray<number>,
  report: WorkReport,
): ReadonlyArray<Credential> => {
  const message = concatBytes(Xguarantee, workReportHash(report));
  return [...validators]
    .sort((a, b) => a - b)
    .map((validatorIndex) => {
      const key = byEd25519(author.keys, keys[validatorIndex]!.ed);
      if (key === undefined) throw new Error(`author: no secret for guarantor ${validatorIndex}`);
      return { validatorIndex, signature: signEd(key, message) };
    });
};

/**
 * The refinement context of a report in the block after `sigma` (whose state root is
 * `priorStateRoot`): anchored on the parent, whose state root beta-dagger holds (11.33, 4.6), and
 * looked up at the parent too (11.34-11.35), no prerequisites.
 */
export const anchorContext = (sigma: Pick<State, 'beta' | 'tau'>, priorStateRoot: Hash): RefineContext => {
  const parent = sigma.beta.history[sigma.beta.history.length - 1]!;
  return {
    anchorHash: parent.headerHash,
    anchorPostState: priorStateRoot,
    anchorAccOutLog: parent.accOutLogSuperPeak,
    lookupAnchorHash: parent.headerHash,
    lookupAnchorTime: sigma.tau,
    prerequisites: [],
  };
};

/**
 * E_G: on each chosen core that is free in rho-double-dagger and has an authorizer in its pool
 * (11.29), the caller's report for that core (`BlockChoices.reports`), else a report of one digest
 * for the chosen service (else the lowest), with its present code hash (11.42) and
 * at least its minimum gas (11.30), anchored on the parent, whose state root beta-dagger holds
 * (11.33, 4.6), and of a package that is new (11.38: its hash names the slot and the core);
 * signed by the core's guarantors under M (11.21, 11.26), two or three of them (11.25), the
 * guarantees in core order (11.24).
 */
const authorGuarantees = (
  author: Author,
  sigma: State,
  rhoDoubleDagger: State['rho'],
  posterior: SafroleState,
  priorStateRoot: Hash,
  slot: number,
  choices: Pick<BlockChoices, 'cores' | 'reports' | 'service'>,
): ReadonlyArray<Guarantee> => {
  const { spec } = author;
  const mask = choices.cores;
  const context = anchorContext(sigma, priorStateRoot);
  const [serviceIndex, account] =
    choices.service === undefined ? ([...sigma.delta].sort(([a], [b]) => a - b)[0] ?? []) : [choices.service, sigma.delta.get(choices.service)];
  // A service whose minimum accumulate gas exceeds G_A can have no valid report (11.30); a block
  // more than L slots after its parent can have none either: the parent, the latest block a
  // lookup anchor may name, is then too old (11.34).
  if (serviceIndex === undefined || account === undefined || account.minAccGas > spec.Creportaccgas) return [];
  if (context.lookupAnchorTime < slot - spec.Cmaxlookupanchorage) return [];
  const m = guarantorAssignments(spec, {
    eta: posterior.eta,
    kappa: posterior.kappa,
    lambda: posterior.lambda,
    offenders: posterior.psi.offenders,
    tau: slot,
  });
  return Array.from({ length: spec.Ccorecount }, (_, core) => core).flatMap((core) => {
    const authorizer = sigma.alpha[core]?.[0];
    const guarantors = m.cores.flatMap((c, v) => (c === core && byEd25519(author.keys, m.keys[v]!.ed) !== undefined ? [v] : []));
    if ((mask & (1 << core)) === 0 || rhoDoubleDagger[core] !== undefined || authorizer === undefined || guarantors.length < 2) return [];
    const workReport: WorkReport = choices.reports?.find((r) => r.core === core) ?? {
      avspec: {
        packageHash: blake2b256(concatBytes(encode(u32, slot), new Uint8Array([core]))),
        bundleLen: 0,
        erasureRoot: zeroHash,
        segRoot: zeroHash,
        segCount: 0,
      },
      context,
      core,
      authorizer,
      authGasUsed: 0n,
      authTrace: new Uint8Array(0),
      srLookup: [],
      digests: [
        {
          serviceIndex,
          codeHash: account.codeHash,
          payloadHash: zeroHash,
          gasLimit: account.minAccGas > digestGas ? account.minAccGas : digestGas,
          result: { kind: 'ok', value: new Uint8Array(0) },
          gasUsed: 0n,
          importCount: 0,
          xtCount: 0,
          xtSize: 0,
          exportCount: 0,
        },
      ],
    };
    return [{ workReport, timeslot: slot, credential: credentialOf(author, m.keys, guarantors.slice(0, 3), workReport) }];
  });
};

/**
 * Who seals slot `slot`: the validator holding gamma'_S's key for it (6.16), or whose VRF output on
 * the ticket's context X_T ++ eta'_3 ++ i_e is the ticket's identifier (6.15).
 */
const slotSealer = (author: Author, sealKeys: SealKeys, slot: number, eta3Prime: Hash): Sealer | undefined => {
  const at = slot % sealKeys.value.length;
  if (sealKeys.kind === 'keys') {
    const key = byBandersnatch(author.keys, sealKeys.value[at]!);
    return key && { key, context: concatBytes(Xfallback, eta3Prime) };
  }
  const ticket = sealKeys.value[at]!;
  const context = ticketContext(eta3Prime, ticket.entryIndex);
  const key = author.keys.find((k) => bytesEqual(vrfOutput(author, k, context), ticket.id));
  return key && { key, context };
};

/**
 * The block at `slot` after `prior`, or undefined when no validator whose secret the author
 * knows holds the slot's sealing key (an offender's key nulled by Phi, 6.14).
 */
const authorAt = (author: Author, prior: ImportState, choices: BlockChoices, slot: number): Authored | undefined => {
  const { spec } = author;
  const sigma = prior.state;
  // H_P: the parent's hash, the last entry of beta_H, where the importer reads it too.
  const parent = sigma.beta.history[sigma.beta.history.length - 1]!.headerHash;

  // psi', rho-dagger and H_O (10.20) from the disputes extrinsic, as the importer computes them.
  const disputesXt = authorDisputes(author, sigma, slot, choices.verdict);
  const [{ psi: psiPrime, rho: rhoDagger }, { offendersMark }] = must(
    'disputes',
    disputes(spec)({ psi: sigma.psi, rho: sigma.rho, kappa: sigma.kappa, lambda: sigma.lambda, tau: sigma.tau }, disputesXt),
  );
  // Safrole's posterior without tickets: eta'_1..3, kappa', gamma'_P and gamma'_S, H_E and H_W do
  // not depend on E_T nor on the block's entropy (only eta'_0 does), so they are final here.
  const safroleState: SafroleState = {
    tau: sigma.tau,
    eta: sigma.eta,
    lambda: sigma.lambda,
    kappa: sigma.kappa,
    gamma: sigma.gamma,
    iota: sigma.iota,
    psi: psiPrime,
  };
  const [posterior, { epochMark, ticketsMark }] = must(
    'safrole',
    safrole(spec, author.srs)(safroleState, { slot, entropy: new Uint8Array(32) as Hash, extrinsic: [] }),
  );

  // The slot's sealing key gamma'_S[H_T] (6.15, 6.16) and the author H_I holding it in kappa' (5.9).
  const sealer = slotSealer(author, posterior.gamma.sealTickets, slot, posterior.eta[3]);
  if (sealer === undefined) return undefined;
  const authorIndex = posterior.kappa.findIndex((k) => bytesEqual(k.bs, sealer.key.bs));
  if (authorIndex < 0) throw new Error(`author: the sealer of slot ${slot} is not in kappa'`);

  const assured = authorAssurances(author, rhoDagger, sigma.kappa, parent, choices.assurers);
  // rho-double-dagger (11.17): the cores the assurances and timeouts free, where reports may be guaranteed.
  const [{ rho: rhoDoubleDagger }] = must(
    'assurances',
    assurances(spec)({ rho: rhoDagger, kappa: sigma.kappa }, { assurances: assured, slot, parent }),
  );
  const extrinsic: Extrinsic = {
    tickets: authorTickets(author, safroleState, posterior, slot, choices.tickets),
    preimages: [],
    guarantees: authorGuarantees(author, sigma, rhoDoubleDagger, posterior, stateRoot(prior), slot, choices),
    assurances: assured,
    disputes: disputesXt,
  };

  const header = sealHeader(author, sealer, {
    parent,
    priorStateRoot: stateRoot(prior),
    extrinsicHash: extrinsicHash(spec, extrinsic),
    timeslot: slot,
    epochMark,
    winnersMark: ticketsMark,
    authorIndex,
    offendersMark,
  });
  return { block: { header, extrinsic }, sealer };
};

/**
 * Authors the block that follows `prior` by the generator's choices, `choices.gap` slots on, or
 * at the first slot after that which a validator of known secret may seal.
 */
export const authorBlock = (author: Author, prior: ImportState, choices: BlockChoices): Authored => {
  const first = prior.state.tau + Math.max(1, choices.gap);
  // Within two epochs the keys are drawn afresh at least once; a longer search finds no sealer.
  for (let slot = first; slot < first + 2 * author.spec.Cepochlen; slot++) {
    const authored = authorAt(author, prior, choices, slot);
    if (authored !== undefined) return authored;
  }
  throw new Error(`author: no slot from ${first} on has a sealer whose secret is known`);
};
