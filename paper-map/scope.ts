/**
 * What the model means to do with the sections it has no code for. The docs build fails when a
 * section at 0% has no entry here, so an empty section is always a stated choice.
 */
export interface SectionScope {
  /** `outside`: not a computation of the chain's state; `planned`: to be transcribed. */
  readonly status: 'outside' | 'planned';
  readonly why: string;
}

export const sectionScope: Readonly<Record<string, SectionScope>> = {
  '3': { status: 'outside', why: 'notation: the conventions every other section uses, transcribed where they are used, not computed on their own' },
  '14': {
    status: 'planned',
    why: 'in-core: work packages, refinement and the work-report function run on guarantors, off the chain; the report types the chain checks are transcribed',
  },
  '15': { status: 'planned', why: 'in-core: a guarantor evaluating and distributing a work package, off the chain' },
  '17': { status: 'planned', why: 'off-chain: auditors selecting, fetching and judging reports; only their judgments reach the chain (section 10)' },
  '18': { status: 'planned', why: 'off-chain: validators signing and distributing the BEEFY commitments' },
  '19': { status: 'planned', why: 'off-chain: GRANDPA finality and the best-chain choice of a node, not a state transition' },
};
