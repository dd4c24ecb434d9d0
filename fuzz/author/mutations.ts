/**
 * Mutations of an authored block that the import must reject, each with the stage and error name
 * it must be rejected with (the vectors' names where they have one, else the model's, see
 * model/header). A mutation changes one thing; when it changes what the seal signs or the
 * extrinsic hash covers, the block is sealed again by the same author (`reseal`), so that the
 * rejection is the one the mutation is about, not a broken seal.
 */
import { bytesEqual, type Hash } from '../../spec/bytes.js';
import type { Block, Extrinsic, Guarantee, Header, TicketEnvelope, Verdict, WorkReport } from '../../spec/types.js';
import type { ImportError, ImportState } from '../../model/block-import/index.js';
import { assuranceMessage } from '../../model/assurances/index.js';
import { judgmentMessage } from '../../model/disputes/index.js';
import { epochAndPhase } from '../../model/safrole/index.js';
import { credentialOf, entropySource, reseal, sealHeader, signSeal, type Author, type Authored } from './block.js';
import { byEd25519, signEd } from './keys.js';

/** A mutation: its name, the rejection it must meet, and the mutated block (undefined where it does not apply). */
export interface Mutation {
  readonly name: string;
  readonly expected: ImportError;
  readonly apply: (author: Author, prior: ImportState, authored: Authored) => Block | undefined;
}

/** The bytes with one octet flipped. */
const flip = <T extends Uint8Array>(b: T, at: number): T => {
  const c = b.slice() as T;
  const i = at % c.length;
  c[i] = c[i]! ^ 0xff;
  return c;
};

const withHeader = (authored: Authored, header: Partial<Header>): Block => ({
  ...authored.block,
  header: { ...authored.block.header, ...header },
});

/** The sequence with its first element changed. */
const firstChanged = <T>(xs: ReadonlyArray<T>, change: (x: T) => T): ReadonlyArray<T> => xs.map((x, i) => (i === 0 ? change(x) : x));

/** The block with a changed header, sealed again. */
const resealedHeader = (author: Author, authored: Authored, header: Partial<Header>): Block =>
  reseal(author, authored, { ...authored.block.header, ...header }, authored.block.extrinsic);

/** The block with a part of its extrinsic changed, its extrinsic hash and seal made again. */
const resealedExtrinsic = (author: Author, authored: Authored, part: Partial<Extrinsic>): Block =>
  reseal(author, authored, authored.block.header, { ...authored.block.extrinsic, ...part });

/** The block with its verdict changed, where it has one. */
const withChangedVerdict = (author: Author, authored: Authored, change: (v: Verdict) => Verdict | undefined): Block | undefined => {
  const { disputes } = authored.block.extrinsic;
  const [first, ...rest] = disputes.verdicts;
  const changed = first === undefined ? undefined : change(first);
  return changed === undefined ? undefined : resealedExtrinsic(author, authored, { disputes: { ...disputes, verdicts: [changed, ...rest] } });
};

/** kappa': kappa, or gamma_P on an epoch's first block (6.13), the block's marker telling which. */
const kappaPrimeOf = (prior: ImportState, authored: Authored): ImportState['state']['kappa'] =>
  authored.block.header.epochMark === undefined ? prior.state.kappa : prior.state.gamma.pendingSet;

/**
 * The block with its first guarantee's report changed and signed again by the same guarantors
 * (their keys in M are their kappa' keys: M nulls only offenders, who were not chosen to sign),
 * so that only the change is at fault.
 */
const withChangedReport = (
  author: Author,
  prior: ImportState,
  authored: Authored,
  change: (w: WorkReport) => WorkReport,
): Block | undefined => {
  const [first, ...rest] = authored.block.extrinsic.guarantees;
  if (first === undefined) return undefined;
  const workReport = change(first.workReport);
  const validators = first.credential.map((c) => c.validatorIndex);
  const credential = credentialOf(author, kappaPrimeOf(prior, authored), validators, workReport);
  return resealedExtrinsic(author, authored, { guarantees: [{ ...first, workReport, credential }, ...rest] });
};

/** The block with its first guarantee changed (its report and so its signatures untouched). */
const withChangedGuarantee = (author: Author, authored: Authored, change: (g: Guarantee) => Guarantee | undefined): Block | undefined => {
  const [first, ...rest] = authored.block.extrinsic.guarantees;
  const changed = first === undefined ? undefined : change(first);
  return changed === undefined ? undefined : resealedExtrinsic(author, authored, { guarantees: [changed, ...rest] });
};

const header = (error: Extract<ImportError, { stage: 'header' }>['error']): ImportError => ({ stage: 'header', error });
const safrole = (error: Extract<ImportError, { stage: 'safrole' }>['error']): ImportError => ({ stage: 'safrole', error });
const disputes = (error: Extract<ImportError, { stage: 'disputes' }>['error']): ImportError => ({ stage: 'disputes', error });
const reports = (error: Extract<ImportError, { stage: 'reports' }>['error']): ImportError => ({ stage: 'reports', error });
const assurances = (error: Extract<ImportError, { stage: 'assurances' }>['error']): ImportError => ({ stage: 'assurances', error });

export const mutations: ReadonlyArray<Mutation> = [
  // 5.2: H_P names the parent.
  { name: 'parent', expected: header('bad_parent'), apply: (_a, _p, b) => withHeader(b, { parent: flip(b.block.header.parent, 0) }) },
  // 5.7: H_T after the parent's slot.
  { name: 'slot not after the parent', expected: header('bad_slot'), apply: (_a, p, b) => withHeader(b, { timeslot: p.state.tau }) },
  // 5.8: H_R is the prior state's root.
  {
    name: 'prior state root',
    expected: header('bad_prior_state_root'),
    apply: (_a, _p, b) => withHeader(b, { priorStateRoot: flip(b.block.header.priorStateRoot, 7) }),
  },
  // 5.4: H_X commits to the extrinsic.
  {
    name: 'extrinsic hash',
    expected: header('bad_extrinsic_hash'),
    apply: (_a, _p, b) => withHeader(b, { extrinsicHash: flip(b.block.header.extrinsicHash, 31) }),
  },
  // 5.9: H_I indexes kappa'.
  {
    name: 'author index out of range',
    expected: header('bad_author_index'),
    apply: (a, _p, b) => resealedHeader(a, b, { authorIndex: a.spec.Cvalcount }),
  },
  // 6.15, 6.16: the seal is the slot key's; another validator's seal over its own key does not match.
  {
    name: 'sealed by another validator',
    expected: header('seal_key_mismatch'),
    apply: (a, prior, b) => {
      const others = a.keys.filter((k) => !bytesEqual(k.bs, b.sealer.key.bs));
      const other = others[b.block.header.timeslot % others.length]!;
      // kappa' is kappa unless the block opens an epoch; either way the other key's index in it.
      const kappaPrime = b.block.header.epochMark === undefined ? prior.state.kappa : prior.state.gamma.pendingSet;
      const authorIndex = kappaPrime.findIndex((k) => bytesEqual(k.bs, other.bs));
      if (authorIndex < 0) return undefined;
      const { vrfSig: _v, sealSig: _s, ...unsealed } = b.block.header;
      return { ...b.block, header: sealHeader(a, { key: other, context: b.sealer.context }, { ...unsealed, authorIndex }) };
    },
  },
  // 6.15, 6.16: H_S is a signature of the unsigned header.
  {
    name: 'seal signature',
    expected: header('bad_seal_signature'),
    apply: (_a, _p, b) => withHeader(b, { sealSig: flip(b.block.header.sealSig, 40) }),
  },
  // 6.17: H_V signs X_E ++ Y(H_S); a valid signature over another context is not it.
  {
    name: 'entropy source over another context',
    expected: header('bad_vrf_signature'),
    apply: (a, _p, b) => {
      const other = { key: b.sealer.key, context: b.sealer.context.slice(0, -1) };
      return { ...b.block, header: signSeal(a, b.sealer, { ...b.block.header, vrfSig: entropySource(a, other) }) };
    },
  },
  // 6.27: H_E exactly on an epoch's first block.
  {
    name: 'epoch marker dropped or forged',
    expected: header('bad_epoch_mark'),
    apply: (a, p, b) =>
      resealedHeader(a, b, {
        epochMark:
          b.block.header.epochMark === undefined
            ? { entropy: p.state.eta[0], ticketsEntropy: p.state.eta[1], validators: p.state.iota.map((k) => ({ bs: k.bs, ed: k.ed })) }
            : undefined,
      }),
  },
  // 6.28: H_W exactly on the first block past the submission period with a full accumulator.
  {
    name: 'tickets marker dropped or forged',
    expected: header('bad_tickets_mark'),
    apply: (a, _p, b) =>
      resealedHeader(a, b, {
        winnersMark:
          b.block.header.winnersMark === undefined
            ? Array.from({ length: a.spec.Cepochlen }, (_, i) => ({ id: new Uint8Array(32).fill(i) as Hash, entryIndex: 0 }))
            : undefined,
      }),
  },
  // 10.20: H_O lists exactly the new offenders.
  {
    name: 'offender marked without a dispute',
    expected: header('bad_offenders_mark'),
    apply: (a, p, b) => resealedHeader(a, b, { offendersMark: [...b.block.header.offendersMark, p.state.kappa[0]!.ed] }),
  },
  // 6.30: at most K tickets, none in the tail.
  {
    name: 'too many tickets or tickets in the tail',
    expected: safrole('unexpected_ticket'),
    apply: (a, _p, b) => {
      const [, m] = epochAndPhase(a.spec, b.block.header.timeslot);
      const dummy = { entryIndex: 0, proof: new Uint8Array(784) } as TicketEnvelope;
      const count = m >= a.spec.Cepochtailstart ? 1 : a.spec.Cmaxblocktickets + 1;
      return resealedExtrinsic(a, b, { tickets: Array.from({ length: count }, () => dummy) });
    },
  },
  // 6.29: entry indices below N.
  {
    name: 'ticket attempt out of range',
    expected: safrole('bad_ticket_attempt'),
    apply: (a, _p, b) => {
      const [first, ...rest] = b.block.extrinsic.tickets;
      return first === undefined ? undefined : resealedExtrinsic(a, b, { tickets: [{ ...first, entryIndex: a.spec.Cticketentries }, ...rest] });
    },
  },
  // 6.31: each ticket's ring proof verifies.
  {
    name: 'ticket ring proof',
    expected: safrole('bad_ticket_proof'),
    apply: (a, _p, b) => {
      const [first, ...rest] = b.block.extrinsic.tickets;
      return first === undefined ? undefined : resealedExtrinsic(a, b, { tickets: [{ ...first, proof: flip(first.proof, 500) }, ...rest] });
    },
  },
  // 6.32: tickets in identifier order, without duplicates.
  {
    name: 'tickets out of order',
    expected: safrole('bad_ticket_order'),
    apply: (a, _p, b) =>
      b.block.extrinsic.tickets.length < 2 ? undefined : resealedExtrinsic(a, b, { tickets: [...b.block.extrinsic.tickets].reverse() }),
  },
  // 11.11: assurances anchored on the parent.
  {
    name: 'assurance anchor',
    expected: assurances('bad_attestation_parent'),
    apply: (a, _p, b) => {
      const [first, ...rest] = b.block.extrinsic.assurances;
      return first === undefined ? undefined : resealedExtrinsic(a, b, { assurances: [{ ...first, anchor: flip(first.anchor, 3) }, ...rest] });
    },
  },
  // 11.12: assurers in validator order, each once.
  {
    name: 'assurers out of order',
    expected: assurances('not_sorted_or_unique_assurers'),
    apply: (a, _p, b) =>
      b.block.extrinsic.assurances.length < 2 ? undefined : resealedExtrinsic(a, b, { assurances: [...b.block.extrinsic.assurances].reverse() }),
  },
  // 11.13: signed by the assurer's key.
  {
    name: 'assurance signature',
    expected: assurances('bad_signature'),
    apply: (a, _p, b) => {
      const [first, ...rest] = b.block.extrinsic.assurances;
      return first === undefined
        ? undefined
        : resealedExtrinsic(a, b, { assurances: [{ ...first, signature: flip(first.signature, 10) }, ...rest] });
    },
  },
  // 11.15: bits only for cores with a pending report, the assurance signed as its assurer would.
  {
    name: 'assurance of a core not engaged',
    expected: assurances('core_not_engaged'),
    apply: (a, p, b) => {
      const core = p.state.rho.findIndex((r) => r === undefined);
      const last = b.block.extrinsic.assurances[b.block.extrinsic.assurances.length - 1];
      const key = last === undefined ? undefined : a.keys.find((k) => bytesEqual(k.ed, p.state.kappa[last.assurer]!.ed));
      if (core < 0 || last === undefined || key === undefined) return undefined;
      const availabilities = last.availabilities.map((bit, c) => bit || c === core);
      const assured = { ...last, availabilities, signature: signEd(key, assuranceMessage(a.spec, b.block.header.parent, availabilities)) };
      return resealedExtrinsic(a, b, { assurances: [...b.block.extrinsic.assurances.slice(0, -1), assured] });
    },
  },
  // 11.24: guarantees in core order.
  {
    name: 'guarantees out of core order',
    expected: reports('out_of_order_guarantee'),
    apply: (a, _p, b) =>
      b.block.extrinsic.guarantees.length < 2 ? undefined : resealedExtrinsic(a, b, { guarantees: [...b.block.extrinsic.guarantees].reverse() }),
  },
  // 11.25: two or three guarantors.
  {
    name: 'one guarantor',
    expected: reports('insufficient_guarantees'),
    apply: (a, _p, b) => withChangedGuarantee(a, b, (g) => ({ ...g, credential: g.credential.slice(0, 1) })),
  },
  // 11.25: guarantors in index order, each once.
  {
    name: 'guarantors out of order',
    expected: reports('not_sorted_or_unique_guarantors'),
    apply: (a, _p, b) => withChangedGuarantee(a, b, (g) => ({ ...g, credential: [...g.credential].reverse() })),
  },
  // 11.26: the guarantee's slot is not after tau'.
  {
    name: 'guarantee from a future slot',
    expected: reports('future_report_slot'),
    apply: (a, _p, b) => withChangedGuarantee(a, b, (g) => ({ ...g, timeslot: b.block.header.timeslot + 1 })),
  },
  // 11.26: each signature verifies under its guarantor's key.
  {
    name: 'guarantee signature',
    expected: reports('bad_signature'),
    apply: (a, _p, b) =>
      withChangedGuarantee(a, b, (g) => ({ ...g, credential: firstChanged(g.credential, (c) => ({ ...c, signature: flip(c.signature, 5) })) })),
  },
  // 11.26: every guarantor is assigned to the report's core. When the credential has all of the
  // core's guarantors (three per core in tiny), any other validator is another core's.
  {
    name: 'guarantor of another core',
    expected: reports('wrong_assignment'),
    apply: (a, p, b) =>
      withChangedGuarantee(a, b, (g) => {
        const signers = g.credential.map((c) => c.validatorIndex);
        const kappaPrime = kappaPrimeOf(p, b);
        const stranger = kappaPrime.findIndex((k, v) => !signers.includes(v) && byEd25519(a.keys, k.ed) !== undefined);
        if (signers.length !== a.spec.Cvalcount / a.spec.Ccorecount || stranger < 0) return undefined;
        return { ...g, credential: credentialOf(a, kappaPrime, [signers[0]!, stranger], g.workReport) };
      }),
  },
  // 11.30: every digest's service exists.
  {
    name: 'report for an unknown service',
    expected: reports('bad_service_id'),
    apply: (a, p, b) =>
      withChangedReport(a, p, b, (w) => ({
        ...w,
        digests: w.digests.map((d) => ({ ...d, serviceIndex: Math.max(...p.state.delta.keys()) + 1 })),
      })),
  },
  // 11.29: the authorizer is in the core's pool.
  {
    name: 'report by an authorizer not in the pool',
    expected: reports('core_unauthorized'),
    apply: (a, p, b) => withChangedReport(a, p, b, (w) => ({ ...w, authorizer: flip(w.authorizer, 0) })),
  },
  // 11.33: the anchor is a recent block.
  {
    name: 'report anchored on an unknown block',
    expected: reports('anchor_not_recent'),
    apply: (a, p, b) => withChangedReport(a, p, b, (w) => ({ ...w, context: { ...w.context, anchorHash: flip(w.context.anchorHash, 9) } })),
  },
  // 11.42: every digest names its service's code hash.
  {
    name: 'report with another code hash',
    expected: reports('bad_code_hash'),
    apply: (a, p, b) =>
      withChangedReport(a, p, b, (w) => ({ ...w, digests: w.digests.map((d) => ({ ...d, codeHash: flip(d.codeHash, 2) })) })),
  },
  // 10.9: no verdict on a report already judged.
  {
    name: 'verdict on a judged report',
    expected: disputes('already_judged'),
    apply: (a, p, b) => {
      const judged = [...p.state.psi.good, ...p.state.psi.bad, ...p.state.psi.wonky][0];
      return judged === undefined ? undefined : withChangedVerdict(a, b, (v) => ({ ...v, reportHash: judged }));
    },
  },
  // 10.10: judgments in validator order.
  {
    name: 'judgments out of order',
    expected: disputes('judgements_not_sorted_unique'),
    apply: (a, _p, b) => withChangedVerdict(a, b, (v) => ({ ...v, judgments: [...v.judgments].reverse() })),
  },
  // 10.2: the epoch index is the present or the previous epoch.
  {
    name: 'verdict of a future epoch',
    expected: disputes('bad_judgement_age'),
    apply: (a, _p, b) => withChangedVerdict(a, b, (v) => ({ ...v, epochIndex: v.epochIndex + 1 })),
  },
  // 10.3: each judgment signed by its judge.
  {
    name: 'judgment signature',
    expected: disputes('bad_signature'),
    apply: (a, _p, b) =>
      withChangedVerdict(a, b, (v) => ({ ...v, judgments: firstChanged(v.judgments, (j) => ({ ...j, signature: flip(j.signature, 1) })) })),
  },
  // 10.11: the tally is 0, floor(V/3) or floor(2V/3)+1; one vote turned (and signed so) is none of them.
  {
    name: 'verdict with one vote turned',
    expected: disputes('bad_vote_split'),
    apply: (a, p, b) =>
      withChangedVerdict(a, b, (v) => {
        const [first, ...rest] = v.judgments;
        const judge = first === undefined ? undefined : byEd25519(a.keys, p.state.kappa[first.judgeIndex]!.ed);
        if (first === undefined || judge === undefined) return undefined;
        const validity = !first.validity;
        return { ...v, judgments: [{ ...first, validity, signature: signEd(judge, judgmentMessage(validity, v.reportHash)) }, ...rest] };
      }),
  },
  // 10.8: culprits in key order.
  {
    name: 'culprits out of order',
    expected: disputes('culprits_not_sorted_unique'),
    apply: (a, _p, b) => {
      const d = b.block.extrinsic.disputes;
      return d.culprits.length < 2 ? undefined : resealedExtrinsic(a, b, { disputes: { ...d, culprits: [...d.culprits].reverse() } });
    },
  },
  // 10.6: a fault's vote is against the verdict.
  {
    name: 'fault agreeing with the verdict',
    expected: disputes('fault_verdict_wrong'),
    apply: (a, _p, b) => {
      const d = b.block.extrinsic.disputes;
      return d.faults.length === 0
        ? undefined
        : resealedExtrinsic(a, b, { disputes: { ...d, faults: firstChanged(d.faults, (f) => ({ ...f, validity: !f.validity })) } });
    },
  },
  // 10.14: a bad verdict with two culprits.
  {
    name: 'bad verdict with one culprit',
    expected: disputes('not_enough_culprits'),
    apply: (a, _p, b) => {
      const d = b.block.extrinsic.disputes;
      return d.culprits.length < 2 ? undefined : resealedExtrinsic(a, b, { disputes: { ...d, culprits: d.culprits.slice(0, 1) } });
    },
  },
  // 10.13: a good verdict with a fault.
  {
    name: 'good verdict without its fault',
    expected: disputes('not_enough_faults'),
    apply: (a, _p, b) => {
      const d = b.block.extrinsic.disputes;
      return d.faults.length === 0 ? undefined : resealedExtrinsic(a, b, { disputes: { ...d, faults: [] } });
    },
  },
];
