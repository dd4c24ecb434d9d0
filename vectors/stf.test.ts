/**
 * The STF runner itself: a model that disagrees with a case fails it with the differing paths of
 * output and post_state; a rejected input is compared against the unchanged pre-state; a case
 * whose .json and .bin decode differently fails to load. A synthetic component (a counter that
 * rejects odd steps) keeps these independent of any real vector.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { encode, enumeration, record, u32 } from '../spec/codec.js';
import { fromEither, loadStfCase, okOrErr, runStfCase, stfCaseCodec, type OkOrErr, type StfClassDefinition } from './stf.js';

interface Counter {
  readonly count: number;
}
type Step = { readonly by: number };
const counter = record<Counter>('Counter', [['count', 'count', u32]]);
const step = record<Step>('Step', [['by', 'by', u32]]);
const output = okOrErr(u32, enumeration('StepError', ['odd_step'] as const));

/** The component: adds an even step, returns the new count, rejects an odd one. */
const add = (s: Counter, i: Step): E.Either<'odd_step', readonly [Counter, number]> =>
  i.by % 2 === 1 ? E.left('odd_step') : E.right([{ count: s.count + i.by }, s.count + i.by]);

const def: StfClassDefinition<Step, Counter, OkOrErr<number, 'odd_step'>> = {
  name: 'counter',
  description: 'a synthetic component',
  testCase: () => stfCaseCodec(step, counter, output),
  run: () => (pre, i) => fromEither(pre, add(pre, i), (postState, out) => ({ output: out, postState })),
};

const ok = (n: number) => ({ kind: 'ok' as const, value: n });

describe('runStfCase', () => {
  it('passes a case the model reproduces, including a rejection that leaves the state', () => {
    expect(runStfCase(def, tiny, { input: { by: 2 }, preState: { count: 1 }, output: ok(3), postState: { count: 3 } })).toEqual({
      status: 'passed',
    });
    const rejected = { kind: 'err' as const, value: 'odd_step' as const };
    expect(runStfCase(def, tiny, { input: { by: 1 }, preState: { count: 1 }, output: rejected, postState: { count: 1 } })).toEqual({
      status: 'passed',
    });
  });

  it('fails a case the model does not reproduce, naming the differing fields', () => {
    const r = runStfCase(def, tiny, { input: { by: 2 }, preState: { count: 1 }, output: ok(4), postState: { count: 4 } });
    expect(r.status).toBe('failed');
    if (r.status !== 'failed') return;
    expect(r.detail).toContain('output');
    expect(r.detail).toContain('value: 4 != 3');
    expect(r.detail).toContain('post_state');
    expect(r.detail).toContain('count: 4 != 3');
    const changed = runStfCase(def, tiny, {
      input: { by: 1 },
      preState: { count: 1 },
      output: { kind: 'err', value: 'odd_step' },
      postState: { count: 2 },
    });
    expect(changed.status).toBe('failed');
  });
});

describe('loadStfCase', () => {
  const c = { input: { by: 2 }, preState: { count: 1 }, output: ok(3), postState: { count: 3 } };
  const json = { input: { by: 2 }, pre_state: { count: 1 }, output: { ok: 3 }, post_state: { count: 3 } };
  const codec = stfCaseCodec(step, counter, output);

  it('reads a case from .json, from .bin, and from both when they agree', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stf-'));
    writeFileSync(join(dir, 'a.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'b.bin'), encode(codec, c));
    writeFileSync(join(dir, 'c.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'c.bin'), encode(codec, c));
    for (const name of ['a', 'b', 'c']) expect(loadStfCase(codec, dir, name)).toEqual(E.right(c));
  });

  it('refuses a case whose .json and .bin disagree, saying where', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stf-'));
    writeFileSync(join(dir, 'd.json'), JSON.stringify(json));
    writeFileSync(join(dir, 'd.bin'), encode(codec, { ...c, postState: { count: 5 } }));
    const r = loadStfCase(codec, dir, 'd');
    expect(E.isLeft(r) && r.left).toContain('postState.count: 3 != 5');
  });
});
