/**
 * `--engine` for the benchmarks that measure both twins against a peer: which of our engines of
 * one kind to run (both unless `--engine` names that kind's engine), with the same syntax and
 * one-line errors as the CLI.
 */
import * as E from 'fp-ts/lib/Either.js';
import { engineSyntax, enginesOf, parseEngineChoice, useEngines, type EngineKind, type Engines } from '../chain/index.js';

export const benchEngineHelp = `--engine E: which of our engines to measure (${engineSyntax}); both twins by default`;

/** The value of `--engine` in argv, if given. */
const engineArg = (argv: ReadonlyArray<string>): string | undefined => {
  const i = argv.indexOf('--engine');
  return i >= 0 ? (argv[i + 1] ?? '') : undefined;
};

/** Our engines of `kind` to measure; Left is the one line to print (exit 2). */
export const benchEngines = <K extends Exclude<EngineKind, 'bandersnatch'>>(argv: ReadonlyArray<string>, kind: K): E.Either<string, ReadonlyArray<Engines[K]>> => {
  const arg = engineArg(argv);
  const choice: E.Either<string, Partial<Engines>> = arg === undefined ? E.right({}) : parseEngineChoice(arg);
  if (E.isLeft(choice)) return choice;
  const usable = useEngines(enginesOf(choice.right));
  if (E.isLeft(usable)) return usable;
  const named = choice.right[kind];
  return E.right(named === undefined ? ['native', 'ts'] : [named as Engines[K]]);
};

/** Prints the one line and sets exit status 2 when `engines` is Left; the engines otherwise. */
export const orExit = <N>(bench: string, engines: E.Either<string, ReadonlyArray<N>>): ReadonlyArray<N> | undefined => {
  if (E.isRight(engines)) return engines.right;
  console.error(`${bench}: ${engines.left}`);
  process.exitCode = 2;
  return undefined;
};

/** Prints `usage` and says so when argv asks for help (`--help`, `-h`). */
export const helped = (argv: ReadonlyArray<string>, usage: string): boolean => {
  if (!argv.includes('--help') && !argv.includes('-h')) return false;
  console.log(usage);
  return true;
};
