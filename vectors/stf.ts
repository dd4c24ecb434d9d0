/**
 * The shared runner of the state-transition (STF) vector classes: it loads one test case
 * (`input`, `pre_state`, `output`, `post_state`) from its `.json` file, or from its `.bin`
 * file when there is no JSON, runs a model component on it and compares the output and the
 * whole posterior state with the vector's, printing a field-level diff on mismatch.
 *
 * A class supplies only what is particular to it: how to decode its test case (the vectors'
 * own field names and subsets of the state) and how to run the model on it (mapping the
 * vectors' names to the paper's, in the class file, never in the model).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { chainSpecs, type ChainSpec } from '../spec/chain-spec.js';
import { bytesEqual, toHex } from '../spec/bytes.js';
import { listFiles, readJson, vectorsDir } from './locate.js';
import { failed, passed, skipped, type CaseResult, type Config, type VectorCase, type VectorClass } from './report.js';

/** One STF test case in the vectors' shape. */
export interface StfCase<I, S, O> {
  readonly input: I;
  readonly preState: S;
  readonly output: O;
  readonly postState: S;
}

/** The vectors' `Output ::= CHOICE { ok ..., err ErrorCode }`. */
export type OkOrErr<O, Err extends string> = { readonly ok: O } | { readonly err: Err };

/** What running the model on a case gives: the output and the posterior state, in the vectors' shape. */
export interface StfResult<S, O> {
  readonly output: O;
  readonly postState: S;
}

/** How a class reads its cases, per chain spec: from parsed JSON and from the binary encoding. */
export interface StfCaseDecoder<I, S, O> {
  readonly fromJson: (json: unknown) => E.Either<string, StfCase<I, S, O>>;
  readonly fromBinary: (bytes: Uint8Array) => E.Either<string, StfCase<I, S, O>>;
}

export interface StfClassDefinition<I, S, O> {
  /** The class name on the command line, also the folder under `stf/`. */
  readonly name: string;
  readonly description: string;
  readonly decoder: (spec: ChainSpec) => StfCaseDecoder<I, S, O>;
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
): StfResult<S, OkOrErr<O, Err>> =>
  E.isLeft(result)
    ? { output: { err: result.left }, postState: preState }
    : (() => {
        const r = toVectors(result.right[0], result.right[1]);
        return { output: { ok: r.output }, postState: r.postState };
      })();

/**
 * Field-level differences between an expected and an actual value, one line per differing path.
 * Interim: replaced by the codec branch's `diffValues` (vectors/diff.ts) once it is merged.
 */
const diffValues = (expected: unknown, actual: unknown, path = '$'): ReadonlyArray<string> => {
  const show = (v: unknown): string =>
    v instanceof Uint8Array ? toHex(v) : typeof v === 'bigint' ? `${v}n` : JSON.stringify(v, (_, x: unknown) => (typeof x === 'bigint' ? `${x}n` : x instanceof Uint8Array ? toHex(x) : x));
  if (expected instanceof Uint8Array || actual instanceof Uint8Array)
    return expected instanceof Uint8Array && actual instanceof Uint8Array && bytesEqual(expected, actual) ? [] : [`${path}: ${show(expected)} vs ${show(actual)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    const lines: string[] = expected.length === actual.length ? [] : [`${path}.length: ${expected.length} vs ${actual.length}`];
    for (let i = 0; i < Math.min(expected.length, actual.length); i++) lines.push(...diffValues(expected[i], actual[i], `${path}[${i}]`));
    return lines;
  }
  if (typeof expected === 'object' && expected !== null && typeof actual === 'object' && actual !== null && !Array.isArray(expected) && !Array.isArray(actual)) {
    const keys = new Set([...Object.keys(expected), ...Object.keys(actual)]);
    return [...keys].flatMap((k) => diffValues((expected as Record<string, unknown>)[k], (actual as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return expected === actual ? [] : [`${path}: ${show(expected)} vs ${show(actual)}`];
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
    lines.length === 0 ? '' : `${title} (expected vs model):\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
  return failed(section('output', outputDiff) + section('post_state', stateDiff));
};

/** Loads one case, from `<case>.json` when it exists, else from `<case>.bin`. */
export const loadStfCase = <I, S, O>(
  decoder: StfCaseDecoder<I, S, O>,
  dir: string,
  name: string,
): E.Either<string, StfCase<I, S, O>> => {
  const json = join(dir, `${name}.json`);
  if (existsSync(json)) return decoder.fromJson(readJson(json));
  return decoder.fromBinary(new Uint8Array(readFileSync(join(dir, `${name}.bin`))));
};

/** The case names of a folder: every `.json` or `.bin` file, without its extension, once. */
const caseNames = (dir: string): ReadonlyArray<string> => {
  const names = new Set([...listFiles(dir, '.json'), ...listFiles(dir, '.bin')].map((f) => basename(f).replace(/\.(json|bin)$/, '')));
  return [...names].sort();
};

/** A vector class over `stf/<name>/{tiny,full}`. */
export const stfClass = <I, S, O>(def: StfClassDefinition<I, S, O>): VectorClass => ({
  name: def.name,
  description: def.description,
  configs: ['tiny', 'full'],
  cases: (config: Config): ReadonlyArray<VectorCase> => {
    if (config === 'none') return [];
    const spec = chainSpecs[config];
    const dir = vectorsDir('stf', def.name, config);
    const decoder = def.decoder(spec);
    return caseNames(dir).map((name) => ({
      name,
      run: () => {
        const c = loadStfCase(decoder, dir, name);
        return E.isLeft(c) ? failed(`cannot decode ${name}: ${c.left}`) : runStfCase(def, spec, c.right);
      },
    }));
  },
});
