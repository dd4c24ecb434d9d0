/**
 * Class `traces` (tiny): every step of the block-import traces (`traces/<folder>/<n>.bin`,
 * TraceStep of traces/schema.asn). The step's pre_state key-values are read back into a state
 * (eq. D.2 inverted), its block is imported (eqs. 4.5-4.20), and the posterior root and the whole
 * posterior key-value set are compared with the recorded post_state, key by key, each key named
 * by its state component.
 */
import * as E from 'fp-ts/lib/Either.js';
import type { TraceStep } from '../../spec/trace.js';
import {
  describeImportError,
  diffStates,
  importerOf,
  loadTraceStep,
  stateFromKeyvals,
  traceFolders,
  traceSteps,
  type ChainParams,
  type Engines,
  type Imported,
} from '../../chain/index.js';
import { failed, passed, type CaseResult, type Config, type VectorClass } from '../report.js';

/** Imports one step onto its own pre_state. */
export const runTraceStep = (engines: Engines, step: TraceStep, chain: ChainParams): E.Either<string, Imported> => {
  const pre = stateFromKeyvals(chain.spec, step.pre.keyvals);
  if (E.isLeft(pre)) return E.left(`pre_state: ${pre.left}`);
  try {
    const out = importerOf(chain, engines)(pre.right, step.block);
    return E.isLeft(out) ? E.left(`block rejected: ${describeImportError(out.left)}`) : E.right(out.right);
  } catch (e) {
    return E.left(`block import threw: ${(e as Error).message}`);
  }
};

const runStep = (engines: Engines, chain: ChainParams, path: string): CaseResult => {
  const step = loadTraceStep(chain.spec, path);
  if (E.isLeft(step)) return failed(step.left);
  const out = runTraceStep(engines, step.right, chain);
  if (E.isLeft(out)) return failed(out.left);
  const diff = diffStates(
    chain.spec,
    { name: 'expected', state: step.right.post.keyvals, root: step.right.post.root },
    { name: 'model', state: out.right.trie, root: out.right.root },
  );
  return diff.length === 0 ? passed : failed(`posterior (expected != model):\n${diff.map((l) => `  ${l}`).join('\n')}`);
};

export const tracesClass: VectorClass = {
  name: 'traces',
  description: 'block import (eqs. 4.5-4.20, section 5): every trace step, posterior root and key-values',
  configs: ['tiny'],
  cases: (config: Config, _engine, engines, chain) =>
    config !== 'tiny'
      ? []
      : traceFolders().flatMap((folder) =>
          traceSteps(folder).map((path) => ({
            name: `${folder.split('/').pop() ?? folder}/${path.split('/').pop()!.replace('.bin', '')}`,
            run: () => runStep(engines, chain, path),
          })),
        ),
};
