/**
 * Section 19, GRANDPA and the best chain: which known blocks are acceptable heads (the finalized
 * block an ancestor, audited, no unfinalized equivocation on the way) and, of those, the best:
 * the one with the most ticket-sealed ancestors.
 */
import { type Hash, bytesCompare, toHex } from '../../spec/bytes.js';
import type { TimeSlot } from '../../spec/types.js';

/** What the rules read of a known block: its hash, parent, slot, ticketed condition (6.15-6.16), and U (17.19). */
export interface KnownBlock {
  readonly hash: Hash;
  readonly parent: Hash;
  readonly timeslot: TimeSlot;
  /** T: sealed with a ticket rather than a fallback key. */
  readonly ticketed: boolean;
  /** U: the block is audited (section 17). */
  readonly audited: boolean;
}

/** The blocks a node knows, by 0x-hex of their hash. */
export type BlockTree = ReadonlyMap<string, KnownBlock>;

/**
 * A(H): the block and its ancestors back to the first whose parent is unknown. The paper's A(H)
 * (5.3) holds H itself (19.1 holds for the finalized block as the best one).
 */
export const ancestors = (tree: BlockTree, h: Hash): ReadonlyArray<KnownBlock> => {
  const out: KnownBlock[] = [];
  for (let b = tree.get(toHex(h)); b !== undefined; b = tree.get(toHex(b.parent))) out.push(b);
  return out;
};

/**
 * @gp 19.1 -- A(H-flat) contains H-natural: the finalized block is an ancestor.
 * @gp 19.2 -- U-flat: the block is audited.
 * @gp 19.3 -- no H^A != H^B of one slot with H^A in A(H-flat) and not in A(H-natural): no
 * equivocation among the unfinalized ancestors (H^B any block we know).
 */
export const isAcceptable = (tree: BlockTree, finalized: Hash, h: Hash): boolean => {
  const chain = ancestors(tree, h);
  const head = chain[0];
  if (head === undefined || !head.audited) return false;
  const at = chain.findIndex((b) => toHex(b.hash) === toHex(finalized));
  if (at < 0) return false;
  const unfinalized = chain.slice(0, at);
  const bySlot = new Map<TimeSlot, number>();
  for (const b of tree.values()) bySlot.set(b.timeslot, (bySlot.get(b.timeslot) ?? 0) + 1);
  return unfinalized.every((a) => bySlot.get(a.timeslot) === 1);
};

/** @gp 19.4 -- m = sum of T^A over A(H-flat): the ticket-sealed blocks of the chain. */
export const ticketedCount = (tree: BlockTree, h: Hash): number => ancestors(tree, h).filter((b) => b.ticketed).length;

/**
 * B-flat: of the acceptable blocks, one with the greatest m; undefined when none is acceptable.
 * The paper does not break ties; the model takes the lowest hash so that the choice is a function
 * of the tree alone (see the report's ambiguities).
 */
export const bestBlock = (tree: BlockTree, finalized: Hash): KnownBlock | undefined =>
  [...tree.values()]
    .filter((b) => isAcceptable(tree, finalized, b.hash))
    .map((b) => ({ b, m: ticketedCount(tree, b.hash) }))
    .sort((x, y) => y.m - x.m || bytesCompare(x.b.hash, y.b.hash))[0]?.b;
