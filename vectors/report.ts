/**
 * The shape every vector class has, and the per-class report that `jam-model vectors` prints.
 * A class yields named cases; each case runs to passed, failed (with a readable diff) or skipped
 * (with the 0.7.2 rule that decides differently).
 */
import type { ChainParams, EngineKind, Engines } from '../chain/index.js';
import { chainSpecs } from '../spec/chain-spec.js';
import type { Readings } from '../spec/readings.js';

export type Config = 'tiny' | 'full' | 'none';

export type CaseResult =
  | { readonly status: 'passed' }
  | { readonly status: 'failed'; readonly detail: string }
  | { readonly status: 'skipped'; readonly reason: string };

export interface VectorCase {
  readonly name: string;
  readonly run: () => CaseResult | Promise<CaseResult>;
}

export interface VectorClass {
  /** The name given on the command line, e.g. `codec`, `state-root`. */
  readonly name: string;
  readonly description: string;
  /** The configs the class has cases for; `none` for classes that do not depend on one. */
  readonly configs: ReadonlyArray<Config>;
  /**
   * The twins the class compares, each run as its own report (`ts`, `native`), and which engine
   * of the chain they are; absent when the class runs on the chain's engines only.
   */
  readonly engines?: ReadonlyArray<string>;
  readonly engineKind?: EngineKind;
  /**
   * The cases of one config, on one twin (classes with `engines`) and on the chain's engines,
   * under the chain's parameters: the readings (`spec/readings.ts`) and the constants, those of
   * the config unless `--chain-spec` changed them (full for config `none`). The classes whose
   * code reads neither ignore them. Throws VectorsNotFound when the folder is missing.
   */
  readonly cases: (config: Config, engine: string | undefined, engines: Engines, chain: ChainParams) => ReadonlyArray<VectorCase>;
}

export interface CaseOutcome {
  readonly name: string;
  readonly result: CaseResult;
}

export interface ClassReport {
  readonly class: string;
  readonly config: Config;
  readonly engine?: string;
  readonly passed: number;
  readonly failed: number;
  readonly skipped: number;
  readonly outcomes: ReadonlyArray<CaseOutcome>;
}

/** The constants a config's vectors were made for (full for `none`, which needs none), under the readings given. */
export const configParams = (config: Config, readings: Readings): ChainParams => ({
  spec: chainSpecs[config === 'none' ? 'full' : config],
  readings,
});

export const passed: CaseResult = { status: 'passed' };
export const failed = (detail: string): CaseResult => ({ status: 'failed', detail });
export const skipped = (reason: string): CaseResult => ({ status: 'skipped', reason });

/** Runs every case of one class, config and engine; a case that throws is a failure, not a crash. */
export const runClass = async (
  cls: VectorClass,
  config: Config,
  engine: string | undefined,
  engines: Engines,
  chain: ChainParams,
  onCase?: (done: number, total: number, name: string) => void,
): Promise<ClassReport> => {
  const cases = cls.cases(config, engine, engines, chain);
  const outcomes: CaseOutcome[] = [];
  for (const [i, c] of cases.entries()) {
    let result: CaseResult;
    try {
      result = await c.run();
    } catch (e) {
      result = failed(`threw: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    }
    outcomes.push({ name: c.name, result });
    onCase?.(i + 1, cases.length, c.name);
  }
  const count = (s: CaseResult['status']) => outcomes.filter((o) => o.result.status === s).length;
  return {
    class: cls.name,
    config,
    ...(engine === undefined ? {} : { engine }),
    passed: count('passed'),
    failed: count('failed'),
    skipped: count('skipped'),
    outcomes,
  };
};
