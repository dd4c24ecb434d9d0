/**
 * The fuzzer's leave-out rules (./rules.ts): each removes its case from what the sources generate,
 * and without the rule the case is generated (so that its absence is the rule's doing, not chance).
 * Cheap: samples of guest programs' arguments, mutations of one block, a plan; no chain is run.
 */
import * as E from 'fp-ts/lib/Either.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import type { Block, TicketEnvelope } from '../../spec/types.js';
import { loadTraceStep, traceSteps, vectorsDir } from '../../chain/index.js';
import { chainPlan, fallbackGenesis } from '../author/chain.js';
import { mutations } from '../author/mutations.js';
import { arbCall, arbGuest, hostCallIds, layout, type Guest } from '../guest/generators.js';
import { fuzzServices, worldOf } from '../guest/genesis.js';
import { allKnown, chooseLeftOut, leaveOutRules, mutationsLeftOut, noneLeftOut, ruleNames, type LeftOut } from './rules.js';
import { mutate, rng, withoutOffenders } from './source.js';

const TWO_32 = 1n << 32n;
const SELF = (1n << 64n) - 1n;

describe('choosing the rules', () => {
  it('all-known by name, none, a list, and --include putting one back', () => {
    expect(chooseLeftOut('all-known', [])).toEqual(allKnown);
    expect(chooseLeftOut('none', [])).toEqual(noneLeftOut);
    expect(chooseLeftOut('reimport,log-huge-length', [])).toEqual(new Set(['reimport', 'log-huge-length']));
    expect(chooseLeftOut('all-known', ['reimport', 'one-guarantor,tickets-beyond-K'])).toEqual(
      new Set(ruleNames.filter((r) => !['reimport', 'one-guarantor', 'tickets-beyond-K'].includes(r))),
    );
    expect(chooseLeftOut('nonsense', [])).toMatch(/no rule 'nonsense'/);
    expect(chooseLeftOut('all-known', ['reimport,nonsense'])).toMatch(/--include: no rule 'nonsense'/);
  });

  it('name only fuzz/author mutations that exist', () => {
    const names = new Set(mutations.map((m) => m.name));
    const named = [...mutationsLeftOut(allKnown)];
    expect(named.length).toBeGreaterThan(0);
    for (const n of named) expect(names.has(n)).toBe(true);
    expect(mutationsLeftOut(noneLeftOut).size).toBe(0);
  });

  it('each say what they leave out, the paper and the peer', () => {
    for (const r of ruleNames) for (const f of ['leavesOut', 'paper', 'peer'] as const) expect(leaveOutRules[r][f].length).toBeGreaterThan(10);
  });
});

describe('generic mutations', () => {
  const step = loadTraceStep(tiny, traceSteps(vectorsDir('traces', 'fallback'))[0]!);
  if (E.isLeft(step)) throw new Error(step.left);
  const block = step.right.block;
  const mutants = (b: Block, leaveOut: LeftOut): ReadonlyArray<Block & { readonly name: string }> => {
    const r = rng(9);
    return Array.from({ length: 400 }, () => {
      const m = mutate(tiny, b, r, leaveOut);
      return { ...m.block, name: m.name };
    });
  };

  it('tickets-beyond-K: a block of K tickets is not given one more', () => {
    const dummy = { entryIndex: 0, proof: new Uint8Array(784) } as TicketEnvelope;
    const full: Block = { ...block, extrinsic: { ...block.extrinsic, tickets: Array.from({ length: tiny.Cmaxblocktickets }, () => dummy) } };
    const most = (leaveOut: LeftOut): number => Math.max(...mutants(full, leaveOut).map((m) => m.extrinsic.tickets.length));
    expect(most(noneLeftOut)).toBe(tiny.Cmaxblocktickets + 1);
    expect(most(new Set(['tickets-beyond-K']))).toBe(tiny.Cmaxblocktickets);
  });
});

describe('authored chains', () => {
  it('offender-metadata: good and bad verdicts become wonky ones', () => {
    const plan = fc.sample(chainPlan(tiny, 200, 200, 2), { seed: 1, numRuns: 1 })[0]!;
    const kinds = (leaveOut: LeftOut): ReadonlySet<string> => new Set(withoutOffenders(leaveOut, plan).map((c) => c.verdict));
    expect(kinds(noneLeftOut)).toEqual(new Set(['none', 'wonky', 'good', 'bad']));
    expect(kinds(new Set(['offender-metadata']))).toEqual(new Set(['none', 'wonky']));
  });
});

describe('guest programs', () => {
  const genesis = fallbackGenesis(tiny);
  if (E.isLeft(genesis)) throw new Error(genesis.left);
  const base = genesis.right.state.state;
  const self = fuzzServices.manager;
  const guests = (leaveOut: LeftOut | undefined): ReadonlyArray<Guest> => fc.sample(arbGuest(worldOf(tiny, base, self, leaveOut)), { seed: 7, numRuns: 300 });
  const all = guests(undefined);
  const ruled = guests(allKnown);
  /** omega_r of every generated call of host call `id`. */
  const registers = (gs: ReadonlyArray<Guest>, id: number, r: number): ReadonlyArray<bigint> =>
    gs.flatMap((g) => g.steps.flatMap((s) => (s.call.id === id ? s.call.registers.filter(([i]) => i === r).map(([, v]) => v) : [])));
  const some = (gs: ReadonlyArray<Guest>, id: number, r: number, p: (v: bigint) => boolean): boolean => {
    const vs = registers(gs, id, r);
    expect(vs.length).toBeGreaterThan(50);
    return vs.some(p);
  };
  const aliasing = (z: bigint): boolean => z === TWO_32 - 1n || z === TWO_32 - 2n;

  it('new-length-beyond-2^32: new with l >= 2^32', () => {
    expect(some(all, hostCallIds.new, 8, (l) => l >= TWO_32)).toBe(true);
    expect(some(ruled, hostCallIds.new, 8, (l) => l >= TWO_32)).toBe(false);
  });

  it('solicit-length-beyond-2^32: solicit with z >= 2^32', () => {
    expect(some(all, hostCallIds.solicit, 8, (z) => z >= TWO_32)).toBe(true);
    expect(some(ruled, hostCallIds.solicit, 8, (z) => z >= TWO_32)).toBe(false);
  });

  it('storage-request-alias: query, solicit, forget with z = 2^32 - 1 or 2^32 - 2', () => {
    const calls = [hostCallIds.query, hostCallIds.solicit, hostCallIds.forget];
    expect(calls.some((id) => some(all, id, 8, aliasing))).toBe(true);
    for (const id of calls) expect(some(ruled, id, 8, aliasing)).toBe(false);
  });

  it('log-huge-length: log with a message length above 300', () => {
    expect(some(all, hostCallIds.log, 11, (l) => l > 300n)).toBe(true);
    expect(some(ruled, hostCallIds.log, 11, (l) => l > 300n)).toBe(false);
  });

  it('provide-to-another-service: provide names the caller (2^64 - 1) or no service', () => {
    const absent = new Set([9n, 1000n]);
    const another = (s: bigint): boolean => s !== SELF && !absent.has(s);
    expect(some(all, hostCallIds.provide, 7, another)).toBe(true);
    expect(some(ruled, hostCallIds.provide, 7, another)).toBe(false);
    expect(some(ruled, hostCallIds.provide, 7, (s) => absent.has(s))).toBe(true);
  });

  it('code-not-a-program: upgrade names the caller\'s own code hash or an unreadable pointer', () => {
    const own = BigInt(layout.addr('hashes'));
    const readable = (o: bigint): boolean => o >= BigInt(layout.RO) && o < BigInt(layout.RW_END);
    const otherCode = (o: bigint): boolean => o !== own && readable(o);
    expect(some(all, hostCallIds.upgrade, 7, otherCode)).toBe(true);
    expect(some(ruled, hostCallIds.upgrade, 7, otherCode)).toBe(false);
    expect(some(ruled, hostCallIds.upgrade, 7, (o) => !readable(o))).toBe(true);
  });

  it('pointer-beyond-2^32: no pointer beyond 2^32 whose lower 32 bits are not 0', () => {
    // The pointer registers of each call (B.16-B.20's o, h, k, v): calls drawn alone, many of them.
    const pointerRegisters: ReadonlyArray<readonly [number, ReadonlyArray<number>]> = [
      [hostCallIds.fetch, [7]],
      [hostCallIds.lookup, [8, 9]],
      [hostCallIds.read, [8, 10]],
      [hostCallIds.write, [7, 9]],
      [hostCallIds.info, [8]],
      [hostCallIds.bless, [8, 11]],
      [hostCallIds.assign, [8]],
      [hostCallIds.designate, [7]],
      [hostCallIds.new, [7]],
      [hostCallIds.upgrade, [7]],
      [hostCallIds.transfer, [10]],
      [hostCallIds.eject, [8]],
      [hostCallIds.query, [7]],
      [hostCallIds.solicit, [7]],
      [hostCallIds.forget, [7]],
      [hostCallIds.yield, [7]],
      [hostCallIds.provide, [8]],
    ];
    const pointersOf = (leaveOut: LeftOut | undefined): ReadonlyArray<bigint> =>
      fc.sample(arbCall(worldOf(tiny, base, self, leaveOut)), { seed: 7, numRuns: 20_000 }).flatMap((c) => {
        const at = pointerRegisters.find(([id]) => id === c.id)?.[1] ?? [];
        return c.registers.filter(([i]) => at.includes(i)).map(([, v]) => v);
      });
    const wraps = (p: bigint): boolean => p >= TWO_32 && p % TWO_32 !== 0n;
    expect(pointersOf(undefined).filter(wraps).length).toBeGreaterThan(0);
    const ruledPointers = pointersOf(allKnown);
    expect(ruledPointers.filter(wraps)).toEqual([]);
    // 2^32 itself stays: its lower 32 bits are unreadable too, so both readings panic.
    expect(ruledPointers.includes(TWO_32)).toBe(true);
  });

  it('provide-then-lookup: no lookup, query, solicit or forget after a provide', () => {
    const reads = new Set<number>([hostCallIds.lookup, hostCallIds.query, hostCallIds.solicit, hostCallIds.forget]);
    const after = (g: Guest): boolean => {
      const first = g.steps.findIndex((s) => s.call.id === hostCallIds.provide);
      return first >= 0 && g.steps.slice(first + 1).some((s) => reads.has(s.call.id));
    };
    expect(all.some(after)).toBe(true);
    expect(ruled.some(after)).toBe(false);
    expect(ruled.some((g) => g.steps.some((s) => s.call.id === hostCallIds.provide))).toBe(true);
  });

  it('solicit-then-provide: no provide after a solicit or forget', () => {
    const after = (g: Guest): boolean => {
      const first = g.steps.findIndex((s) => s.call.id === hostCallIds.solicit || s.call.id === hostCallIds.forget);
      return first >= 0 && g.steps.slice(first + 1).some((s) => s.call.id === hostCallIds.provide);
    };
    expect(all.some(after)).toBe(true);
    expect(ruled.some(after)).toBe(false);
    expect(ruled.some((g) => g.steps.some((s) => s.call.id === hostCallIds.solicit))).toBe(true);
  });

  it('gas-sum-beyond-2^64: no always-accumulate gas of 2^64 - 1 in bless\'s pairs', () => {
    const top = (gs: ReadonlyArray<Guest>): boolean => gs.some((g) => g.data.alwaysAcc.some(([, x]) => x === (1n << 64n) - 1n));
    expect(top(all)).toBe(true);
    expect(top(ruled)).toBe(false);
  });

  it('pool-after-assign: the assigned queue is the genesis queue', () => {
    const q = base.phi[0]!;
    expect(new Set(q.map((h) => h.join())).size).toBe(1);
    expect(base.phi.every((c) => c.every((h) => h.join() === q[0]!.join()))).toBe(true);
    expect(all.some((g) => g.data.queue.some((h) => h.join() !== q[0]!.join()))).toBe(true);
    expect(ruled.every((g) => g.data.queue.every((h) => h.join() === q[0]!.join()))).toBe(true);
  });

  it('manager-assigner-bless: bless names the caller for every core, read whole; assign names the caller next', () => {
    expect(all.some((g) => g.data.assigners.some((a) => a !== self))).toBe(true);
    expect(ruled.every((g) => g.data.assigners.every((a) => a === self))).toBe(true);
    const otherService = (a: bigint): boolean => a !== BigInt(self) && a < TWO_32;
    expect(some(all, hostCallIds.assign, 9, otherService)).toBe(true);
    expect(some(ruled, hostCallIds.assign, 9, otherService)).toBe(false);
    // A service id beyond N_S: WHO, and nothing changes.
    expect(some(ruled, hostCallIds.assign, 9, (a) => a >= TWO_32)).toBe(true);
    // The zeros at a page end would name no assigner: bless reads them only without the rule.
    const pageEnd = (a: bigint): boolean => a > BigInt(layout.addr('assigners')) && a < BigInt(layout.RW_END) && a > BigInt(layout.RW_END - 64);
    expect(some(all, hostCallIds.bless, 8, pageEnd)).toBe(true);
    expect(some(ruled, hostCallIds.bless, 8, pageEnd)).toBe(false);
  });

  it('identity-bandersnatch-key: no identity among designate\'s keys', () => {
    expect(all.some((g) => g.data.keyClasses.includes('identity'))).toBe(true);
    expect(ruled.some((g) => g.data.keyClasses.includes('identity'))).toBe(false);
    expect(ruled.some((g) => g.data.keyClasses.includes('off-curve'))).toBe(true);
  });

  it('off-subgroup-bandersnatch-key: no point outside the prime-order subgroup among designate\'s keys', () => {
    expect(all.some((g) => g.data.keyClasses.includes('off-subgroup'))).toBe(true);
    expect(ruled.some((g) => g.data.keyClasses.includes('off-subgroup'))).toBe(false);
    expect(ruled.some((g) => g.data.keyClasses.includes('non-canonical'))).toBe(true);
  });
});
