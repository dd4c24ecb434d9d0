/**
 * The options several commands share: `--engine`, `--config`, `--chain-spec` and `--reading`,
 * parsed into one line of error (or one per violated constraint) or a value.
 */
import { readFileSync } from 'node:fs';
import * as E from 'fp-ts/lib/Either.js';
import { chainSpecFromJson, chainSpecs, type ChainSpec } from '../spec/chain-spec.js';
import { chooseReadings as applyReadings, paperReadings, type Readings } from '../spec/readings.js';
import { enginesOf, engineSyntax, parseEngineChoice, useEngines, type ChainParams, type Engines } from '../chain/index.js';

/** The help line of `--engine`, its text starting at column `width`. */
export const engineHelp = (width: number): string => `${'  --engine E'.padEnd(width)}the engines: ${engineSyntax}; native by default`;

/** The engines `--engine` chooses (what it names, and all of them with the rest native), ready to use. */
export interface EngineChoice {
  readonly named: Partial<Engines>;
  readonly engines: Engines;
}

/**
 * The engines of `--engine`, made usable (the native build loaded): Left is the one line to print
 * (an unknown engine, or the native build missing, naming `npm run build:native`).
 */
export const chooseEngines = (arg: string | undefined): E.Either<string, EngineChoice> => {
  const named = arg === undefined ? E.right<string, Partial<Engines>>({}) : parseEngineChoice(arg);
  if (E.isLeft(named)) return named;
  return E.map((engines: Engines) => ({ named: named.right, engines }))(useEngines(enginesOf(named.right)));
};

/** The chain spec `--config` names; Left is the one line to print. */
export const chooseConfig = (arg: string): E.Either<string, ChainSpec> =>
  arg === 'tiny' || arg === 'full' ? E.right(chainSpecs[arg]) : E.left(`--config must be tiny or full, not '${arg}'`);

/** The help lines of `--chain-spec` and `--reading`, their text starting at column `width`. */
export const chainHelp = (width: number): string =>
  `${'  --chain-spec FILE'.padEnd(width)}custom constants: JSON of ChainSpec fields over "base" (tiny or full),
${''.padEnd(width)}checked against the paper's constraints (replaces --config)
${'  --reading N=V'.padEnd(width)}choose a reading (repeatable; \`jam-model readings\` lists them); 0.7.2's by default`;

/** The readings `--reading NAME=VALUE ...` choose over 0.7.2's; Left is the one line to print. */
export const chooseReadings = (choices: ReadonlyArray<string> | undefined): E.Either<string, Readings> => {
  const out = applyReadings(paperReadings, choices ?? []);
  return 'ok' in out ? E.right(out.ok) : E.left(out.error);
};

/**
 * The chain spec of a `--chain-spec` file and the config it starts from; Left is the lines to
 * print (an unreadable file, bad JSON, or one line per bad field or violated constraint).
 */
export const chooseSpecFile = (file: string): E.Either<ReadonlyArray<string>, { readonly spec: ChainSpec; readonly base: 'tiny' | 'full' }> => {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    return E.left([`--chain-spec ${file}: ${(e as Error).message}`]);
  }
  const out = chainSpecFromJson(json);
  return 'spec' in out ? E.right(out) : E.left(out.errors.map((line) => `--chain-spec ${file}: ${line}`));
};

/** The chain spec of `--chain-spec FILE` (when given) or of `--config`; Left is the lines to print. */
export const chooseSpec = (config: string, file: string | undefined): E.Either<ReadonlyArray<string>, ChainSpec> =>
  file === undefined ? E.mapLeft((e: string) => [e])(chooseConfig(config)) : E.map((f: { readonly spec: ChainSpec }) => f.spec)(chooseSpecFile(file));

/** The chain's parameters from `--config`, `--chain-spec` and `--reading`; Left is the lines to print. */
export const chooseChain = (options: {
  readonly config: string;
  readonly 'chain-spec'?: string | undefined;
  readonly reading?: ReadonlyArray<string> | undefined;
}): E.Either<ReadonlyArray<string>, ChainParams> => {
  const spec = chooseSpec(options.config, options['chain-spec']);
  if (E.isLeft(spec)) return spec;
  const readings = chooseReadings(options.reading);
  return E.isLeft(readings) ? E.left([readings.left]) : E.right({ spec: spec.right, readings: readings.right });
};

/** The parseArgs options of `--chain-spec` and `--reading`. */
export const chainOptions = {
  'chain-spec': { type: 'string' },
  reading: { type: 'string', multiple: true },
} as const;
