/**
 * Properties of Safrole (section 6) over the tiny configuration, with real ring VRF proofs and
 * IETF VRF signatures from the native engine:
 * - with no tickets, any later slot is accepted: tau' = H_T; entropy rotates exactly on an epoch
 *   change; keys rotate (gamma'_P = Phi(iota), kappa' = gamma_P, lambda' = kappa) exactly then,
 *   with offenders nulled; gamma'_A stays sorted, unique and at most E long and is emptied by a new
 *   epoch; the epoch marker appears exactly on a new epoch, the winning-tickets marker exactly on
 *   crossing Y with a saturated accumulator; gamma'_S follows eq. 6.24;
 * - valid tickets enter gamma'_A in order, and breaking one rule gives that rule's error with the
 *   state untouched;
 * - Z is the outside-in permutation and F draws keys of kappa';
 * - a fallback or ticket seal made by the slot's key verifies, any other header does not.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { bytesCompare, bytesEqual, concatBytes } from '../spec/bytes.js';
import { encode } from '../spec/codec.js';
import { codecs } from '../spec/codecs.js';
import type { BandersnatchKey, BandersnatchRingProof, BlsKey, Ed25519Key, Hash } from '../spec/bytes.js';
import type { Entropy, Header, SealKeys, Ticket, TicketEnvelope, ValidatorKey } from '../spec/types.js';
import { blake2b256 } from '../model/crypto/index.js';
import {
  banderout,
  getRingRoot,
  proveBsRing,
  publicKeyFromSeed,
  embeddedRingSrs,
  signBs,
  type RingSrs,
} from '../model/crypto/bandersnatch.js';
import { fallbackKeys, outsideIn, safrole, Xticket, type SafroleState } from '../model/safrole/index.js';
import { verifySeal, Xentropy, Xfallback } from '../model/safrole/seal.js';

const spec = tiny;
const V = spec.Cvalcount;
const Ep = spec.Cepochlen;
const Y = spec.Cepochtailstart;

let srs: RingSrs;
beforeAll(() => {
  srs = embeddedRingSrs();
});

const hash = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => b as Hash);
/** Validator keys whose Bandersnatch keys come from seeds (so they can prove and sign). */
const seed = (i: number): Uint8Array => new Uint8Array(32).fill(i + 1);
const validator = (i: number): ValidatorKey => ({
  bs: publicKeyFromSeed(seed(i)),
  ed: new Uint8Array(32).fill(i + 1) as Ed25519Key,
  bls: new Uint8Array(144) as BlsKey,
  metadata: new Uint8Array(128),
});
const setOf = (from: number): ReadonlyArray<ValidatorKey> => Array.from({ length: V }, (_, v) => validator(from + v));
const lambda = setOf(0);
const kappa = setOf(V);
const gammaK = setOf(2 * V);
const iota = setOf(3 * V);

const ticketsArb = (max: number, min = 0, id: fc.Arbitrary<Hash> = hash) =>
  fc
    .uniqueArray(fc.record({ id, entryIndex: fc.nat({ max: spec.Cticketentries - 1 }) }), {
      minLength: min,
      maxLength: max,
      selector: (t) => t.id.join(),
    })
    .map((ts): ReadonlyArray<Ticket> => [...ts].sort((a, b) => bytesCompare(a.id, b.id)));

const stateArb = fc.record({
  tau: fc.integer({ min: 0, max: 50 * Ep }),
  eta: fc.tuple(hash, hash, hash, hash),
  gammaA: fc.oneof(ticketsArb(Ep), ticketsArb(Ep, Ep), fc.constant([] as ReadonlyArray<Ticket>)),
  fallback: fc.boolean(),
  sealTickets: ticketsArb(Ep, Ep),
  offenders: fc.subarray([...Array(V).keys()]),
});

type StateGen = typeof stateArb extends fc.Arbitrary<infer T> ? T : never;
const makeState = (s: StateGen, epochRoot: Uint8Array): SafroleState => ({
  tau: s.tau,
  eta: s.eta as Entropy,
  lambda,
  kappa,
  iota,
  gamma: {
    pendingSet: gammaK,
    epochRoot: epochRoot as SafroleState['gamma']['epochRoot'],
    sealTickets: s.fallback ? { kind: 'keys', value: fallbackKeys(spec, s.eta[2] as Hash, kappa) } : { kind: 'tickets', value: s.sealTickets },
    ticketAccumulator: s.gammaA,
  },
  psi: { good: [], bad: [], wonky: [], offenders: s.offenders.map((v) => iota[v]!.ed) },
});

const isSortedUnique = (ts: ReadonlyArray<Ticket>): boolean => ts.every((t, i) => i === 0 || bytesCompare(ts[i - 1]!.id, t.id) < 0);

describe('safrole with no tickets', () => {
  let root: Uint8Array;
  beforeAll(() => {
    root = getRingRoot(srs)(gammaK.map((k) => k.bs));
  });

  it('tau, entropy, keys, accumulator, markers and seal keys follow 6.1-6.34 (60 cases)', () => {
    fc.assert(
      fc.property(stateArb, fc.integer({ min: 1, max: 3 * Ep }), hash, (s, step, y) => {
        const state = makeState(s, root);
        const slot = s.tau + step;
        const before = structuredClone(state);
        const r = safrole(spec, srs)(state, { slot, entropy: y, extrinsic: [] });
        expect(state).toEqual(before);
        if (E.isLeft(r)) throw new Error(`rejected: ${r.left}`);
        const [post, out] = r.right;
        const [e, m] = [Math.floor(s.tau / Ep), s.tau % Ep];
        const [e2, m2] = [Math.floor(slot / Ep), slot % Ep];
        const eta = state.eta;
        expect(post.tau).toBe(slot);
        expect(post.eta[0]).toEqual(blake2b256(concatBytes(eta[0], y)));
        expect(post.eta.slice(1)).toEqual(e2 > e ? [eta[0], eta[1], eta[2]] : [eta[1], eta[2], eta[3]]);
        if (e2 > e) {
          expect(post.kappa).toEqual(gammaK);
          expect(post.lambda).toEqual(kappa);
          post.gamma.pendingSet.forEach((k, v) =>
            expect(k).toEqual(s.offenders.includes(v) ? { ...iota[v]!, bs: new Uint8Array(32), ed: new Uint8Array(32), bls: new Uint8Array(144), metadata: new Uint8Array(128) } : iota[v]),
          );
          expect(post.gamma.ticketAccumulator).toEqual([]);
          expect(out.epochMark).toEqual({ entropy: eta[0], ticketsEntropy: eta[1], validators: post.gamma.pendingSet.map((k) => ({ bs: k.bs, ed: k.ed })) });
        } else {
          expect([post.kappa, post.lambda, post.gamma.pendingSet, post.gamma.epochRoot]).toEqual([kappa, lambda, gammaK, root]);
          expect(post.gamma.ticketAccumulator).toEqual(state.gamma.ticketAccumulator);
          expect(out.epochMark).toBeUndefined();
        }
        expect(isSortedUnique(post.gamma.ticketAccumulator) && post.gamma.ticketAccumulator.length <= Ep).toBe(true);
        const saturated = s.gammaA.length === Ep;
        expect(out.ticketsMark).toEqual(e2 === e && m < Y && Y <= m2 && saturated ? outsideIn(s.gammaA) : undefined);
        const expectedS: SealKeys =
          e2 === e + 1 && m >= Y && saturated
            ? { kind: 'tickets', value: outsideIn(s.gammaA) }
            : e2 === e
              ? state.gamma.sealTickets
              : { kind: 'keys', value: fallbackKeys(spec, post.eta[2], post.kappa) };
        expect(post.gamma.sealTickets).toEqual(expectedS);
      }),
      { numRuns: 60 },
    );
  });

  it('a slot not after tau is bad_slot, state untouched (50 cases)', () => {
    fc.assert(
      fc.property(stateArb, fc.nat({ max: 5 }), hash, (s, back, y) => {
        const state = makeState(s, root);
        const before = structuredClone(state);
        expect(safrole(spec, srs)(state, { slot: Math.max(0, s.tau - back), entropy: y, extrinsic: [] })).toEqual(E.left('bad_slot'));
        expect(state).toEqual(before);
      }),
      { numRuns: 50 },
    );
  });
});

describe('safrole tickets', () => {
  /** gamma_P's ring, a fixed eta_2, and a proof for every (validator, entry index). */
  const eta2 = new Uint8Array(32).fill(0x2e) as Hash;
  let root: Uint8Array;
  let pool: ReadonlyArray<{ readonly envelope: TicketEnvelope; readonly id: Hash }>;
  beforeAll(() => {
    const keys = gammaK.map((k) => k.bs);
    root = getRingRoot(srs)(keys);
    pool = [0, 1, 2].flatMap((v) =>
      [...Array(spec.Cticketentries).keys()].map((entryIndex) => {
        const proof = E.getOrElseW((e) => {
          throw new Error(String(e));
        })(proveBsRing(srs)(seed(2 * V + v), keys, concatBytes(Xticket, eta2, new Uint8Array([entryIndex])), new Uint8Array(0)));
        const id = E.getOrElseW((e) => {
          throw new Error(String(e));
        })(banderout(proof));
        return { envelope: { entryIndex, proof: proof as BandersnatchRingProof }, id };
      }),
    );
  });

  const caseArb = fc.record({
    epoch: fc.nat({ max: 40 }),
    m: fc.nat({ max: Y - 2 }),
    picks: fc.uniqueArray(fc.nat({ max: 8 }), { minLength: 1, maxLength: spec.Cmaxblocktickets }),
    // Nearly full accumulators too, and full ones of low identifiers, so that a new ticket often
    // falls off the end (6.35) and the block must be rejected.
    prior: fc.oneof(
      ticketsArb(Ep),
      ticketsArb(Ep, Ep - 2),
      ticketsArb(Ep, Ep, hash.map((h) => Uint8Array.of(0, ...h.subarray(1)) as Hash)),
    ),
    eta: fc.tuple(hash, hash, hash),
  });

  const build = (c: typeof caseArb extends fc.Arbitrary<infer T> ? T : never) => {
    const tau = c.epoch * Ep + c.m;
    const chosen = c.picks.map((i) => pool[i]!).sort((a, b) => bytesCompare(a.id, b.id));
    const state: SafroleState = {
      tau,
      eta: [c.eta[0], c.eta[1], eta2, c.eta[2]],
      lambda,
      kappa,
      iota,
      gamma: {
        pendingSet: gammaK,
        epochRoot: root as SafroleState['gamma']['epochRoot'],
        sealTickets: { kind: 'keys', value: fallbackKeys(spec, eta2, kappa) },
        ticketAccumulator: c.prior,
      },
      psi: { good: [], bad: [], wonky: [], offenders: [] },
    };
    return { state, chosen, slot: tau + 1 };
  };

  it('valid tickets are kept in order, or the block is rejected as `reserved` when one is useless (40 cases)', () => {
    fc.assert(
      fc.property(caseArb, hash, (c, y) => {
        const { state, chosen, slot } = build(c);
        const r = safrole(spec, srs)(state, { slot, entropy: y, extrinsic: chosen.map((t) => t.envelope) });
        const merged = [...state.gamma.ticketAccumulator, ...chosen.map((t) => ({ id: t.id, entryIndex: t.envelope.entryIndex }))]
          .sort((a, b) => bytesCompare(a.id, b.id))
          .slice(0, Ep);
        const allKept = chosen.every((t) => merged.some((x) => bytesEqual(x.id, t.id)));
        if (!allKept) {
          expect(r).toEqual(E.left('reserved'));
          return;
        }
        if (E.isLeft(r)) throw new Error(`rejected: ${r.left}`);
        expect(r.right[0].gamma.ticketAccumulator).toEqual(merged);
        expect(isSortedUnique(r.right[0].gamma.ticketAccumulator)).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it("one broken rule gives that rule's error, state untouched (60 cases)", () => {
    fc.assert(
      fc.property(caseArb, fc.nat({ max: 4 }), hash, (c, which, y) => {
        const { state, chosen, slot } = build({ ...c, prior: [] });
        const xt = chosen.map((t) => t.envelope);
        const [s, input, error]: [SafroleState, { slot: number; extrinsic: ReadonlyArray<TicketEnvelope> }, string] =
          which === 0
            ? [state, { slot: state.tau - state.tau % Ep + Y, extrinsic: xt }, 'unexpected_ticket']
            : which === 1
              ? [state, { slot, extrinsic: [{ ...xt[0]!, entryIndex: spec.Cticketentries }, ...xt.slice(1)] }, 'bad_ticket_attempt']
              : which === 2
                ? [state, { slot, extrinsic: [{ ...xt[0]!, proof: xt[0]!.proof.map((b, i) => (i === 100 ? b ^ 1 : b)) as BandersnatchRingProof }, ...xt.slice(1)] }, 'bad_ticket_proof']
                : which === 3
                  ? [{ ...state, gamma: { ...state.gamma, ticketAccumulator: [{ id: chosen[0]!.id, entryIndex: 0 }] } }, { slot, extrinsic: xt }, 'duplicate_ticket']
                  : [state, { slot, extrinsic: [...xt].reverse() }, xt.length > 1 ? 'bad_ticket_order' : 'ok'];
        fc.pre(error !== 'ok');
        const before = structuredClone(s);
        expect(safrole(spec, srs)(s, { ...input, entropy: y })).toEqual(E.left(error));
        expect(s).toEqual(before);
      }),
      { numRuns: 60 },
    );
  });
});

describe('Z and F', () => {
  it('6.25: Z is the outside-in permutation (200 cases)', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 40 }), (s) => {
        const z = outsideIn(s);
        expect([...z].sort((a, b) => a - b)).toEqual([...s].sort((a, b) => a - b));
        z.forEach((x, i) => expect(x).toBe(i % 2 === 0 ? s[i / 2] : s[s.length - 1 - (i - 1) / 2]));
      }),
      { numRuns: 200 },
    );
  });

  it('6.26: F gives E keys of kappa, the same for the same entropy (200 cases)', () => {
    fc.assert(
      fc.property(hash, (r) => {
        const f = fallbackKeys(spec, r, kappa);
        expect(f.length).toBe(Ep);
        expect(f.every((k) => kappa.some((v) => bytesEqual(v.bs, k)))).toBe(true);
        expect(fallbackKeys(spec, r, kappa)).toEqual(f);
      }),
      { numRuns: 200 },
    );
  });
});

describe('seal (6.15-6.17)', () => {
  const headerArb = fc.record({
    parent: hash,
    priorStateRoot: hash,
    extrinsicHash: hash,
    timeslot: fc.nat({ max: 1000 }),
    author: fc.nat({ max: V - 1 }),
    eta3: hash,
    ticketed: fc.boolean(),
    entryIndex: fc.nat({ max: spec.Cticketentries - 1 }),
  });

  it('a seal by the slot key verifies; a changed header does not (20 cases)', () => {
    fc.assert(
      fc.property(headerArb, (h) => {
        const authorSeed = seed(V + h.author);
        const authorKey = kappa[h.author]!.bs;
        const sealContext = h.ticketed ? concatBytes(Xticket, h.eta3, new Uint8Array([h.entryIndex])) : concatBytes(Xfallback, h.eta3);
        // A VRF output depends on the key and context only: Y(H_S) (the ticket id when ticketed) is known before signing.
        const idProbe = E.getOrElseW(() => new Uint8Array(96))(signBs(authorSeed, sealContext, new Uint8Array(0)));
        const sealOutput = E.getOrElseW(() => new Uint8Array(32))(banderout(idProbe as never)) as Hash;
        const slotKeys: SealKeys = h.ticketed
          ? { kind: 'tickets', value: Array.from({ length: Ep }, () => ({ id: sealOutput, entryIndex: h.entryIndex })) }
          : { kind: 'keys', value: Array.from({ length: Ep }, () => authorKey as BandersnatchKey) };
        const draft: Header = {
          parent: h.parent,
          priorStateRoot: h.priorStateRoot,
          extrinsicHash: h.extrinsicHash,
          timeslot: h.timeslot,
          epochMark: undefined,
          winnersMark: undefined,
          authorIndex: h.author,
          vrfSig: new Uint8Array(96) as Header['vrfSig'],
          offendersMark: [],
          sealSig: new Uint8Array(96) as Header['sealSig'],
        };
        // H_V is part of the unsigned header and signs Y(H_S).
        const vrfSig = E.getOrElseW(() => new Uint8Array(96))(signBs(authorSeed, concatBytes(Xentropy, sealOutput), new Uint8Array(0)));
        const unsigned = { ...draft, vrfSig: vrfSig as Header['vrfSig'] };
        const message = encode(codecs(spec).unsignedHeader, unsigned);
        const sealSig = E.getOrElseW(() => new Uint8Array(96))(signBs(authorSeed, sealContext, message)) as Header['sealSig'];
        const header: Header = { ...unsigned, sealSig };
        const ok = verifySeal(spec)(header, authorKey, slotKeys, h.eta3);
        expect(ok).toEqual(E.right({ isTicketed: h.ticketed, vrfOutput: expect.any(Uint8Array) }));
        expect(verifySeal(spec)({ ...header, parent: blake2b256(h.parent) }, authorKey, slotKeys, h.eta3)).toEqual(E.left('bad_seal_signature'));
      }),
      { numRuns: 20 },
    );
  });
});
