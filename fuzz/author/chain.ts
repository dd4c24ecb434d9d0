/**
 * Chains of authored blocks: a generator of block choices (fast-check, with shrinking), the chain
 * those choices author from a genesis state, each block imported before the next is authored
 * (its posterior is the next block's prior), and the deterministic chain of a seed.
 */
import fc from 'fast-check';
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../../spec/chain-spec.js';
import { bytesEqual, type Hash } from '../../spec/bytes.js';
import type { Header, State } from '../../spec/types.js';
import type { ImportError, ImportState } from '../../model/block-import/index.js';
import { loadGenesis, stateFromKeyvals, traceGenesisFile, vectorsDir, type Importer } from '../../chain/index.js';
import { authorBlock, type Author, type Authored, type BlockChoices } from './block.js';
import type { VerdictKind } from './disputes.js';

/** The fallback trace's genesis, whose validators are the dev validators: the header and state authored chains start from. */
export const fallbackGenesis = (spec: ChainSpec): E.Either<string, { readonly header: Header; readonly state: ImportState }> => {
  const file = traceGenesisFile(vectorsDir('traces', 'fallback'));
  if (file === undefined) return E.left("no genesis file in the vectors' traces/fallback");
  const genesis = loadGenesis(spec, file);
  if (E.isLeft(genesis)) return genesis;
  return E.map((state: ImportState) => ({ header: genesis.right.header, state }))(stateFromKeyvals(spec, genesis.right.state.keyvals));
};

/**
 * Which epochs an author contests (`Author.contested`) on chains from `genesis`: the epochs
 * whose ticket entropy eta'_2 is the genesis's eta_2 (its own epoch) or eta_1 (the first epoch
 * after it, eq. 6.23), which every chain from that genesis shares, so that their ring proofs are
 * made once and remembered; and of the others, whose entropy is the chain's own, about one in
 * `oneIn` (by the first octet of eta'_2, so the same chain contests the same epochs). Both kinds
 * are a full contest when the plan asks for K tickets a block: ticket-sealed epochs follow.
 */
export const contestedEpochs =
  (genesis: Pick<State, 'eta'>, oneIn: number) =>
  (eta2Prime: Hash): boolean =>
    bytesEqual(eta2Prime, genesis.eta[2]) || bytesEqual(eta2Prime, genesis.eta[1]) || eta2Prime[0]! < 256 / oneIn;

/** An authored chain: its blocks and, for each, the state it was authored on (states[0] is genesis). */
export interface Chain {
  readonly blocks: ReadonlyArray<Authored>;
  /** states[i] is the prior of blocks[i]; the last is the posterior of the last block. */
  readonly states: ReadonlyArray<ImportState>;
}

/** Where a chain stopped: the block the importer rejected, with the stage and error name. */
export interface Rejected {
  readonly index: number;
  readonly block: Authored;
  readonly error: ImportError;
  readonly chain: Chain;
}

/** Authors and imports one block per choice, from `genesis`; Left at the first rejected block. */
export const authorChain = (
  author: Author,
  importer: Importer,
  genesis: ImportState,
  plan: ReadonlyArray<BlockChoices>,
): E.Either<Rejected, Chain> => {
  const blocks: Authored[] = [];
  const states: ImportState[] = [genesis];
  for (const [index, choices] of plan.entries()) {
    const prior = states[states.length - 1]!;
    const block = authorBlock(author, prior, choices);
    const out = importer(prior, block.block);
    if (E.isLeft(out)) return E.left({ index, block, error: out.left, chain: { blocks, states } });
    blocks.push(block);
    states.push(out.right);
  }
  return E.right({ blocks, states });
};

/**
 * One block's choices: mostly the next slot, sometimes a few slots on, rarely past a whole epoch
 * (so that a chain crosses epoch boundaries with and without a full ticket contest); up to K
 * tickets; any subset of assurers and of cores to guarantee on; rarely a verdict. Shrinks toward
 * the next slot, K tickets, every assurer, no guarantee and no verdict.
 */
export const blockChoices = (spec: ChainSpec, verdictOneIn = 13): fc.Arbitrary<BlockChoices> =>
  fc.record({
    gap: fc.oneof(
      { weight: 12, arbitrary: fc.constant(1) },
      { weight: 4, arbitrary: fc.integer({ min: 2, max: 4 }) },
      { weight: 1, arbitrary: fc.integer({ min: spec.Cepochlen, max: 2 * spec.Cepochlen + 1 }) },
    ),
    // Mostly K, so that the E tickets of a full contest fit in the submission period (6.24).
    tickets: fc.oneof({ weight: 3, arbitrary: fc.constant(spec.Cmaxblocktickets) }, fc.integer({ min: 0, max: spec.Cmaxblocktickets })),
    // Mostly every validator, so that reports become available (more than two thirds, 11.16).
    assurers: fc.oneof({ weight: 2, arbitrary: fc.constant(2 ** spec.Cvalcount - 1) }, fc.integer({ min: 0, max: 2 ** spec.Cvalcount - 1 })),
    cores: fc.integer({ min: 0, max: 2 ** spec.Ccorecount - 1 }),
    // Rarely a verdict (one block in `verdictOneIn`): each good or bad one makes offenders, and
    // the author stops at floor(V/3).
    verdict: fc.oneof(
      { weight: verdictOneIn - 1, arbitrary: fc.constant<VerdictKind>('none') },
      { weight: 1, arbitrary: fc.constantFrom<VerdictKind>('wonky', 'good', 'bad') },
    ),
  });

/** The choices of a chain of `minLength` to `maxLength` blocks. */
export const chainPlan = (
  spec: ChainSpec,
  minLength: number,
  maxLength: number,
  verdictOneIn?: number,
): fc.Arbitrary<ReadonlyArray<BlockChoices>> => fc.array(blockChoices(spec, verdictOneIn), { minLength, maxLength });

/** The choices of a chain of n blocks drawn from a seed: the same seed, the same chain. */
export const planOfSeed = (spec: ChainSpec, seed: number, n: number): ReadonlyArray<BlockChoices> =>
  fc.sample(chainPlan(spec, n, n), { seed, numRuns: 1 })[0]!;
