/** The options several commands share: `--engine` and `--config`, parsed into one line of error or a value. */
import * as E from 'fp-ts/lib/Either.js';
import { chainSpecs, type ChainSpec } from '../spec/chain-spec.js';
import { enginesOf, engineSyntax, parseEngineChoice, useEngines, type Engines } from '../chain/index.js';

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
