/**
 * Section 4.1 (eqs. 4.5-4.20): the block-level state transition sigma' = Upsilon(sigma, B), the
 * components composed in the order of their dependency graph, each intermediate state named as
 * the paper names it (`betaDagger`, `rhoDagger`, `rhoDoubleDagger`, `deltaDoubleDagger`, ...), then the
 * header's checks (section 5, 6.15-6.17, 6.27, 6.28, 10.20) and the posterior state root (Appendix D).
 *
 * The state travels with its Merkle trie (`ImportState`): a block updates the trie with only the
 * key-values whose component or account changed, so the root rehashes only the changed paths and
 * a fork shares structure with its parent.
 *
 * Accumulation (section 12) is a parameter with the section's signature (`Accumulate`), so the
 * composition is complete without fixing which implementation of it runs.
 */
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, fromHex, type Hash } from '../../spec/bytes.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { encode, type Codec } from '../../spec/codec.js';
import { codecs, serviceInfo } from '../../spec/codecs.js';
import type { AccountEntryKey, Block, ServiceAccount, ServiceId, State, TimeSlot } from '../../spec/types.js';
import { assurances, type AssurancesError } from '../assurances/index.js';
import { authorization } from '../authorization/index.js';
import { banderout, prepareRing, type RingSrs } from '../crypto/bandersnatch.js';
import { disputes, type DisputesError } from '../disputes/index.js';
import {
  checkAuthorIndex,
  checkHeaderPrior,
  checkMarkers,
  headerHash,
  type HeaderError,
} from '../header/index.js';
import { accoutLogRoot, correctLastStateRoot, history } from '../history/index.js';
import { accountEntries, deserializeState, serializeState, type ComponentName, type StateDecodeError } from '../merklization/serialize.js';
import {
  componentNames,
  stateKeyOfComponent,
  stateKeyOfService,
  stateKeyOfServiceDataHash,
  type StateKey,
} from '../merklization/state-key.js';
import { trieDelete, trieFromEntries, trieGet, trieRoot, trieSet, type StateTrie } from '../merklization/trie.js';
import { preimages, type PreimagesError } from '../preimages/index.js';
import { knownPackages, reports, type ReportsError } from '../reports/index.js';
import { safrole, type SafroleError } from '../safrole/index.js';
import { verifySeal } from '../safrole/seal.js';
import type { AccumulateInput, AccumulationError, AccumulationPosterior, AccumulationResult, AccumulationState } from '../accumulation/index.js';
import { statistics } from '../statistics/index.js';

// ---------------------------------------------------------------------------------------------
// Accumulation, as a parameter

/**
 * Section 12 as eq. 4.16 states it: (omega', xi', delta-double-dagger, chi', iota', phi', theta', S) from
 * (R*, omega, xi, delta, chi, iota, phi, tau, tau'), eta'_0 for new service ids; or why the block
 * is invalid (two services contributing one index, the text after eq. 12.22).
 * `accumulation(spec, PsiA)` of model/accumulation has this shape once its Psi_A is applied.
 */
export type Accumulate = (
  spec: ChainSpec,
) => (state: AccumulationState, input: AccumulateInput) => E.Either<AccumulationError, readonly [AccumulationPosterior, AccumulationResult]>;

// ---------------------------------------------------------------------------------------------
// The state with its trie

/** A state and its Merklized serialization T(sigma) (eq. D.2), kept in step. */
export interface ImportState {
  readonly state: State;
  readonly trie: StateTrie;
}

/** The import state of a state: its whole serialization put into a fresh trie (once, at genesis). */
export const importStateOf = (spec: ChainSpec, state: State): ImportState => ({
  state,
  trie: trieFromEntries(serializeState(spec)(state)),
});

/** The import state of recorded key-values (a trace's pre-state, a genesis state). */
export const importStateFromKeyvals = (
  spec: ChainSpec,
  keyvals: ReadonlyArray<readonly [StateKey, Uint8Array]>,
): E.Either<StateDecodeError, ImportState> =>
  E.map((state: State) => ({ state, trie: trieFromEntries(keyvals) }))(deserializeState(spec)(keyvals));

/** @gp D.5 -- M_sigma(sigma): the state root, M over T(sigma) */
export const stateRoot = (s: ImportState): Hash => trieRoot(s.trie);

/** The trie with key k set to v, untouched (no rehashing) when k already holds v. */
const setIfChanged = (t: StateTrie, k: StateKey, v: Uint8Array): StateTrie => {
  const was = trieGet(t, k);
  return was !== undefined && bytesEqual(was, v) ? t : trieSet(t, k, v);
};

/** Whether two accounts hold the very same dictionaries (the transition shares what it does not change). */
const sameDictionaries = (a: ServiceAccount, b: ServiceAccount): boolean =>
  a.storage === b.storage && a.preimages === b.preimages && a.requests === b.requests && a.opaque === b.opaque;

const noEntries: ReadonlyMap<AccountEntryKey, Uint8Array> = new Map();

/** The trie updated with one account's rows of eq. D.2: its info C(255, s) and its entries C(s, h). */
const updateAccount = (trie: StateTrie, s: ServiceId, before: ServiceAccount | undefined, after: ServiceAccount | undefined): StateTrie => {
  let t = trie;
  if (after === undefined) t = trieDelete(t, stateKeyOfService(255, s));
  else t = setIfChanged(t, stateKeyOfService(255, s), encode(serviceInfo, after));
  if (before !== undefined && after !== undefined && sameDictionaries(before, after)) return t;
  const old = before === undefined ? noEntries : accountEntries(before);
  const now = after === undefined ? noEntries : accountEntries(after);
  const keyOf = (k: AccountEntryKey): StateKey => stateKeyOfServiceDataHash(s, fromHex(k)!);
  for (const k of old.keys()) if (!now.has(k)) t = trieDelete(t, keyOf(k));
  for (const [k, v] of now) if (old.get(k) !== v) t = setIfChanged(t, keyOf(k), v);
  return t;
};

/**
 * @gp D.2 -- the posterior trie: T(sigma') written over T(sigma) only where a component or an
 * account is not the very same value (the transition shares everything it does not change).
 */
export const updateTrie = (spec: ChainSpec) =>
  // Named, for CPU profiles (`npm run bench:import -- --profile`).
  function updateTrieRows(prior: ImportState, posterior: State): ImportState {
    const rows = codecs(spec).stateComponents;
    let t = prior.trie;
    for (const [i, name] of componentNames.entries()) {
      if (name === 'delta') continue;
      const k = name as ComponentName;
      if (prior.state[k] === posterior[k]) continue;
      t = setIfChanged(t, stateKeyOfComponent(i + 1), encode(rows[k] as Codec<State[ComponentName]>, posterior[k]));
    }
    if (prior.state.delta !== posterior.delta) {
      for (const [s, a] of prior.state.delta) if (!posterior.delta.has(s)) t = updateAccount(t, s, a, undefined);
      for (const [s, a] of posterior.delta) {
        const before = prior.state.delta.get(s);
        if (before !== a) t = updateAccount(t, s, before, a);
      }
    }
    return { state: posterior, trie: t };
  };

// ---------------------------------------------------------------------------------------------
// The block-level transition

/** Which stage rejected the block, and the stage's own error name. */
export type ImportError =
  | { readonly stage: 'header'; readonly error: HeaderError }
  | { readonly stage: 'safrole'; readonly error: SafroleError }
  | { readonly stage: 'disputes'; readonly error: DisputesError }
  | { readonly stage: 'assurances'; readonly error: AssurancesError }
  | { readonly stage: 'reports'; readonly error: ReportsError }
  | { readonly stage: 'accumulation'; readonly error: AccumulationError }
  | { readonly stage: 'preimages'; readonly error: PreimagesError };

/** A rejection by one stage, with that stage's error name. */
const at =
  <S extends ImportError['stage']>(stage: S) =>
  (error: Extract<ImportError, { stage: S }>['error']): ImportError =>
    ({ stage, error }) as ImportError;

/** What a block import needs besides the chain spec: the ring SRS (for ticket proofs) and accumulation. */
export interface ImportDependencies {
  readonly srs: RingSrs;
  readonly accumulate: Accumulate;
}

/** A retained ancestor header (5.3): its timeslot and hash, what a lookup anchor names (11.35). */
export interface Ancestor {
  readonly timeslot: TimeSlot;
  readonly headerHash: Hash;
}

/**
 * @gp 5.3 eq:ancestors -- the ancestors kept after importing a header: those of the last L
 * timeslots (L = Cmaxlookupanchorage, the lookup-anchor age bound of 11.34), then the header.
 */
export const retainAncestors = (spec: ChainSpec, ancestors: ReadonlyArray<Ancestor>, header: Ancestor): ReadonlyArray<Ancestor> => [
  ...ancestors.filter((a) => a.timeslot + spec.Cmaxlookupanchorage >= header.timeslot),
  header,
];

/** The posterior state with its trie, its root, and the header hash (the next block's H_P). */
export interface Imported extends ImportState {
  readonly root: Hash;
  readonly headerHash: Hash;
}

/**
 * @gp 4.1 eq:statetransition -- Upsilon(sigma, B): the posterior state of a valid block, or which
 * stage rejected it (the prior state is then untouched: nothing is returned but the error).
 * `ancestors`, when the caller retains the header chain (`retainAncestors`), lets the reports
 * stage check that each lookup anchor is an ancestor (11.35); the state alone cannot tell.
 */
export const importBlock =
  (spec: ChainSpec, deps: ImportDependencies) => {
    // The ring of V keys (gamma'_Z, 6.13) is set up here, once, not inside the first epoch's block.
    prepareRing(deps.srs)(spec.Cvalcount);
    return (prior: ImportState, block: Block, ancestors?: ReadonlyArray<Ancestor>): E.Either<ImportError, Imported> => {
      const { header, extrinsic } = block;
      const sigma = prior.state;
      const { tau } = sigma;

      const parentHash = sigma.beta.history[sigma.beta.history.length - 1]?.headerHash;
      const priorChecks = checkHeaderPrior(spec, header, extrinsic, { parentHash, tau, priorStateRoot: stateRoot(prior) });
      if (E.isLeft(priorChecks)) return E.left(at('header')(priorChecks.left));

      /** @gp 4.5 eq:transitionfunctioncomposition -- tau' from H */
      const tauPrime = header.timeslot;

      /** @gp 4.11 -- psi' from E_D and psi; @gp 4.12 eq:rhodagger -- rho-dagger from E_D and rho */
      const judged = disputes(spec)({ psi: sigma.psi, rho: sigma.rho, kappa: sigma.kappa, lambda: sigma.lambda, tau }, extrinsic.disputes);
      if (E.isLeft(judged)) return E.left(at('disputes')(judged.left));
      const [{ psi: psiPrime, rho: rhoDagger }, { offendersMark }] = judged.right;

      /** @gp 6.17 eq:vrfsigcheck -- Y(H_V), the entropy eta'_0 takes in (checked with the seal below) */
      const vrfOutput = banderout(header.vrfSig);
      if (E.isLeft(vrfOutput)) return E.left(at('header')('bad_vrf_signature'));

      /** @gp 4.7 -- gamma'; @gp 4.8 -- eta'; @gp 4.9 -- kappa'; @gp 4.10 -- lambda' */
      const sealed = safrole(spec, deps.srs)(
        { tau, eta: sigma.eta, lambda: sigma.lambda, kappa: sigma.kappa, gamma: sigma.gamma, iota: sigma.iota, psi: psiPrime },
        { slot: tauPrime, entropy: vrfOutput.right, extrinsic: extrinsic.tickets },
      );
      if (E.isLeft(sealed)) return E.left(at('safrole')(sealed.left));
      const [{ gamma: gammaPrime, eta: etaPrime, kappa: kappaPrime, lambda: lambdaPrime }, { epochMark, ticketsMark }] = sealed.right;

      const author = checkAuthorIndex(header, kappaPrime.length);
      if (E.isLeft(author)) return E.left(at('header')(author.left));
      const seal = verifySeal(spec)(header, kappaPrime[header.authorIndex]!.bs, gammaPrime.sealTickets, etaPrime[3]);
      if (E.isLeft(seal)) return E.left(at('header')(seal.left));
      const markers = checkMarkers(header, { epochMark, ticketsMark, offendersMark });
      if (E.isLeft(markers)) return E.left(at('header')(markers.left));

      /** @gp 4.13 eq:rhoddagger -- rho-double-dagger from E_A and rho-dagger; @gp 4.15 -- R*, the reports made available */
      const assured = assurances(spec)({ rho: rhoDagger, kappa: sigma.kappa }, { assurances: extrinsic.assurances, slot: tauPrime, parent: header.parent });
      if (E.isLeft(assured)) return E.left(at('assurances')(assured.left));
      const [{ rho: rhoDoubleDagger }, { available }] = assured.right;

      const betaDagger = correctLastStateRoot(sigma.beta, header.priorStateRoot);

      /** @gp 4.14 eq:rhoprime -- rho' from E_G, rho-double-dagger, kappa and tau' */
      const reported = reports(spec)(
        { rho: rhoDoubleDagger, kappa: kappaPrime, lambda: lambdaPrime, eta: etaPrime, psi: psiPrime, beta: betaDagger, alpha: sigma.alpha, delta: sigma.delta },
        { guarantees: extrinsic.guarantees, slot: tauPrime, knownPackages: knownPackages(sigma), ...(ancestors === undefined ? {} : { ancestors }) },
      );
      if (E.isLeft(reported)) return E.left(at('reports')(reported.left));
      const [{ rho: rhoPrime }, { reported: p, reporters }] = reported.right;
      const incoming = extrinsic.guarantees.map((g) => g.workReport);

      /** @gp 4.16 eq:accountspostxfer -- (omega', xi', delta-double-dagger, chi', iota', phi', theta', S) */
      const accumulated = deps.accumulate(spec)(
        { omega: sigma.omega, xi: sigma.xi, delta: sigma.delta, chi: sigma.chi, iota: sigma.iota, phi: sigma.phi, tau },
        { slot: tauPrime, entropy: etaPrime[0], available },
      );
      if (E.isLeft(accumulated)) return E.left(at('accumulation')(accumulated.left));
      const [{ omega: omegaPrime, xi: xiPrime, delta: deltaDoubleDagger, chi: chiPrime, iota: iotaPrime, phi: phiPrime }, { theta: thetaPrime, accumulationStatistics: S }] =
        accumulated.right;

      const hH = headerHash(spec, header);
      /** beta' from H, E_G (its packages p, as the reports stage gave them), beta-dagger and theta' (eq. 4.17) */
      const [{ beta: betaPrime }] = E.toUnion(
        history(spec)({ betaDagger }, { headerHash: hH, accoutLogRoot: accoutLogRoot(thetaPrime), reportedPackageHashes: p }),
      );

      /** @gp 4.18 eq:accountspostpreimage -- delta' from E_P, delta-double-dagger and tau' */
      const provided = preimages(spec)({ delta: deltaDoubleDagger }, { preimages: extrinsic.preimages, slot: tauPrime });
      if (E.isLeft(provided)) return E.left(at('preimages')(provided.left));
      const [{ delta: deltaPrime }] = provided.right;

      /** @gp 4.19 -- alpha' from H, E_G, phi' and alpha */
      const [{ alpha: alphaPrime }] = E.toUnion(authorization(spec)({ alpha: sigma.alpha, phi: phiPrime }, { slot: tauPrime, guaranteed: incoming }));

      /** @gp 4.20 -- pi' from E_G, E_P, E_A, E_T, tau, kappa', pi, H and S */
      const [{ pi: piPrime }] = E.toUnion(
        statistics(spec)(
          { pi: sigma.pi, tau },
          {
            slot: tauPrime,
            authorIndex: header.authorIndex,
            tickets: extrinsic.tickets,
            preimages: extrinsic.preimages,
            assurances: extrinsic.assurances,
            kappaPrime,
            reporters,
            incoming,
            available,
            accumulationStatistics: S,
          },
        ),
      );

      const sigmaPrime: State = {
        alpha: alphaPrime,
        beta: betaPrime,
        theta: thetaPrime,
        gamma: gammaPrime,
        delta: deltaPrime,
        eta: etaPrime,
        iota: iotaPrime,
        kappa: kappaPrime,
        lambda: lambdaPrime,
        rho: rhoPrime,
        tau: tauPrime,
        phi: phiPrime,
        chi: chiPrime,
        psi: psiPrime,
        pi: piPrime,
        omega: omegaPrime,
        xi: xiPrime,
      };
      const next = updateTrie(spec)(prior, sigmaPrime);
      return E.right({ ...next, root: trieRoot(next.trie), headerHash: hH });
    };
  };
