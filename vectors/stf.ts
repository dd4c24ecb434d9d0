/**
 * The shared runner of the state-transition (STF) vector classes: it loads one test case
 * (`input`, `pre_state`, `output`, `post_state`) from its `.json` and `.bin` files (checking
 * that both decode alike when both exist), runs a model component on it and compares the
 * output and the whole posterior state with the vector's, printing a field-level diff on
 * mismatch.
 *
 * A class supplies only what is particular to it: how to decode its test case (the vectors'
 * own field names and subsets of the state) and how to run the model on it (mapping the
 * vectors' names to the paper's, in the class file, never in the model).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { choice, decode, fromJson, record, type Codec, type CodecError } from '../spec/codec.js';
import { diffValues, listFiles, readJson, vectorsDir } from '../chain/index.js';
import { failed, passed, skipped, type CaseResult, type Config, type VectorCase, type VectorClass } from './report.js';

/** One STF test case in the vectors' shape. */
export interface StfCase<I, S, O> {
  readonly input: I;
  readonly preState: S;
  readonly output: O;
  readonly postState: S;
}

/** The vectors' `Output ::= CHOICE { ok ..., err ErrorCode }`. */
export type OkOrErr<O, Err extends string> =
  | { readonly kind: 'ok'; readonly value: O }
  | { readonly kind: 'err'; readonly value: Err };

/** `Output ::= CHOICE { ok <payload>, err ErrorCode }`. */
export const okOrErr = <O, Err extends string>(ok: Codec<O>, err: Codec<Err>): Codec<OkOrErr<O, Err>> =>
  choice<OkOrErr<O, Err>>('Output', {
    ok: { tag: 0, json: 'ok', codec: ok },
    err: { tag: 1, json: 'err', codec: err },
  });

/** `TestCase ::= SEQUENCE { input, pre-state, output, post-state }`. */
export const stfCaseCodec = <I, S, O>(input: Codec<I>, state: Codec<S>, output: Codec<O>): Codec<StfCase<I, S, O>> =>
  record<StfCase<I, S, O>>('TestCase', [
    ['input', 'input', input],
    ['preState', 'pre_state', state],
    ['output', 'output', output],
    ['postState', 'post_state', state],
  ]);

/** What running the model on a case gives: the output and the posterior state, in the vectors' shape. */
export interface StfResult<S, O> {
  readonly output: O;
  readonly postState: S;
}

export interface StfClassDefinition<I, S, O> {
  /** The class name on the command line, also the folder under `stf/`. */
  readonly name: string;
  readonly description: string;
  /** The test case's codec (JSON and binary), usually `stfCaseCodec(input, state, output)`. */
  readonly testCase: (spec: ChainSpec) => Codec<StfCase<I, S, O>>;
  /** Runs the model on the vector's pre-state and input. */
  readonly run: (spec: ChainSpec) => (preState: S, input: I) => StfResult<S, O>;
  /** The 0.7.2 rule that decides this case differently from the vector, if any. */
  readonly skip?: (spec: ChainSpec, c: StfCase<I, S, O>) => string | undefined;
}

/**
 * Turns a component's result into the vectors' output and posterior state. A rejected input
 * leaves the state exactly as it was, so an error's posterior state is the prior state itself.
 */
export const fromEither = <S, O, Err extends string, MS, MO>(
  preState: S,
  result: E.Either<Err, readonly [MS, MO]>,
  toVectors: (state: MS, output: MO) => StfResult<S, O>,
): StfResult<S, OkOrErr<O, Err>> => {
  if (E.isLeft(result)) return { output: { kind: 'err', value: result.left }, postState: preState };
  const r = toVectors(result.right[0], result.right[1]);
  return { output: { kind: 'ok', value: r.output }, postState: r.postState };
};

/** The output and posterior state of a component that rejects nothing (`Either<never, ...>`). */
export const infallible = <S, O>(result: E.Either<never, readonly [S, O]>): StfResult<S, O> => {
  const [postState, output] = E.toUnion(result);
  return { output, postState };
};

/** Runs one decoded case: compares output and posterior state, and reports both diffs. */
export const runStfCase = <I, S, O>(
  def: StfClassDefinition<I, S, O>,
  spec: ChainSpec,
  c: StfCase<I, S, O>,
): CaseResult => {
  const skip = def.skip?.(spec, c);
  if (skip !== undefined) return skipped(skip);
  const actual = def.run(spec)(c.preState, c.input);
  const outputDiff = diffValues(c.output, actual.output);
  const stateDiff = diffValues(c.postState, actual.postState);
  if (outputDiff.length === 0 && stateDiff.length === 0) return passed;
  const section = (title: string, lines: ReadonlyArray<string>): string =>
    lines.length === 0 ? '' : `${title} (expected != model):\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
  return failed(section('output', outputDiff) + section('post_state', stateDiff));
};

/**
 * Loads one case from `<case>.json` and `<case>.bin`, whichever exist; when both do, they must
 * decode to the same value (the binary codec and the JSON codec agree on every case).
 */
export const loadStfCase = <I, S, O>(
  testCase: Codec<StfCase<I, S, O>>,
  dir: string,
  name: string,
): E.Either<string, StfCase<I, S, O>> => {
  const jsonPath = join(dir, `${name}.json`);
  const binPath = join(dir, `${name}.bin`);
  const describe = (e: CodecError): string => e.toString();
  const json = existsSync(jsonPath) ? E.mapLeft(describe)(fromJson(testCase, readJson(jsonPath))) : undefined;
  const bin = existsSync(binPath) ? E.mapLeft(describe)(decode(testCase, new Uint8Array(readFileSync(binPath)))) : undefined;
  if (json === undefined || bin === undefined) return json ?? bin ?? E.left(`neither ${jsonPath} nor ${binPath} exists`);
  if (E.isLeft(json)) return E.left(`json: ${json.left}`);
  if (E.isLeft(bin)) return E.left(`bin: ${bin.left}`);
  const disagree = diffValues(json.right, bin.right);
  return disagree.length === 0
    ? json
    : E.left(`the .json and .bin files decode differently (json != bin):\n${disagree.map((l) => `  ${l}`).join('\n')}`);
};

/** The case names of a folder: every `.json` or `.bin` file, without its extension, once. */
export const caseNames = (dir: string): ReadonlyArray<string> => {
  const names = new Set([...listFiles(dir, '.json'), ...listFiles(dir, '.bin')].map((f) => basename(f).replace(/\.(json|bin)$/, '')));
  return [...names].sort();
};

/** A vector class over `stf/<name>/{tiny,full}`. */
export const stfClass = <I, S, O>(def: StfClassDefinition<I, S, O>): VectorClass => ({
  name: def.name,
  description: def.description,
  configs: ['tiny', 'full'],
  cases: (config: Config, _engine, _engines, { spec }): ReadonlyArray<VectorCase> => {
    if (config === 'none') return [];
    const dir = vectorsDir('stf', def.name, config);
    const testCase = def.testCase(spec);
    return caseNames(dir).map((name) => ({
      name,
      run: () => {
        const c = loadStfCase(testCase, dir, name);
        return E.isLeft(c) ? failed(`cannot decode ${name}: ${c.left}`) : runStfCase(def, spec, c.right);
      },
    }));
  },
});
