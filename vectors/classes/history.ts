/**
 * `stf/history`: recent history (section 7). The vectors give the accumulation-output root
 * (eq. 7.6) and the reported packages (p of eq. 7.8) directly; `beta` is the paper's beta, made
 * beta-dagger with the vector's parent state root before history takes it (eq. 4.17).
 */
import type { Hash } from '../../spec/bytes.js';
import { record, varSequence, nothing } from '../../spec/codec.js';
import { hash, recentHistory, reportedPackage } from '../../spec/codecs.js';
import { correctLastStateRoot, history, type HistoryInput, type HistoryState } from '../../model/history/index.js';
import { infallible, stfCaseCodec, stfClass } from '../stf.js';

/** The vectors' input: the history input and H_R, the parent's posterior state root. */
interface Input extends HistoryInput {
  readonly priorStateRoot: Hash;
}

const input = record<Input>('HistoryInput', [
  ['headerHash', 'header_hash', hash],
  ['priorStateRoot', 'parent_state_root', hash],
  ['accoutLogRoot', 'accumulate_root', hash],
  ['reportedPackageHashes', 'work_packages', varSequence(reportedPackage)],
]);

const state = record<HistoryState>('HistoryState', [['beta', 'beta', recentHistory]]);

export const historyClass = stfClass({
  name: 'history',
  description: 'recent history beta (section 7): parent state root, MMR belt, last H blocks',
  testCase: () => stfCaseCodec(input, state, nothing),
  run: (spec) => (preState, i) => infallible(history(spec)({ betaDagger: correctLastStateRoot(preState.beta, i.priorStateRoot) }, i)),
});
