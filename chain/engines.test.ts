/**
 * `--engine`'s third PVM engine, `pvm=interpreter`: the native PVM without its recompiler, for a
 * run that should not trust the recompiled code. It is a choice of the PVM only, and a chain on it
 * imports a trace to the recorded roots as the default engines do.
 */
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { bytesEqual } from '../spec/bytes.js';
import { tiny } from '../spec/chain-spec.js';
import { headerHash } from '../model/header/index.js';
import { emptyChain, enginesOf, importOnto, loadGenesis, loadTraceStep, parseEngineChoice, startAt, stateFromKeyvals, traceGenesisFile, traceSteps, useEngines, vectorsDir } from './index.js';

const must = <A>(e: E.Either<unknown, A>): A => {
  if (E.isLeft(e)) throw new Error(JSON.stringify(e.left));
  return e.right;
};

describe('--engine pvm=interpreter', () => {
  it('names the native PVM, not recompiling, and only the PVM', () => {
    expect(parseEngineChoice('pvm=interpreter')).toEqual(E.right({ pvm: 'interpreter' }));
    expect(parseEngineChoice('hash=interpreter')).toEqual(E.left("unknown engine 'interpreter' for hash (ts or native)"));
    expect(E.isLeft(parseEngineChoice('interpreter'))).toBe(true);
  });

  it('imports the storage trace to its 100 recorded roots', () => {
    const engines = must(useEngines(enginesOf(must(parseEngineChoice('pvm=interpreter')))));
    const folder = vectorsDir('traces', 'storage');
    const genesis = must(loadGenesis(tiny, traceGenesisFile(folder)!));
    let chain = startAt(emptyChain(tiny, engines), headerHash(tiny, genesis.header), must(stateFromKeyvals(tiny, genesis.state.keyvals)), undefined);
    let matched = 0;
    for (const file of traceSteps(folder)) {
      const step = must(loadTraceStep(tiny, file));
      const [next, imported] = must(importOnto(chain, step.block));
      if (bytesEqual(imported.root, step.post.root)) matched++;
      chain = next;
    }
    expect(matched).toBe(100);
  });
});
