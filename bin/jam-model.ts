#!/usr/bin/env node
/** The `jam-model` command: argument parsing and printing only; the protocol lives in `model/`. */
import * as vectors from './commands/vectors.js';
import * as importCommand from './commands/import.js';
import * as refine from './commands/refine.js';
import * as hostCalls from './commands/host-calls.js';
import * as fuzzTarget from './commands/fuzz-target.js';
import * as coverage from './commands/coverage.js';
import * as readings from './commands/readings.js';
import * as fuzz from './commands/fuzz.js';
import { packageVersion } from './version.js';
import { NativeUnavailable, VectorsNotFound } from '../chain/index.js';

interface Command {
  readonly summary: string;
  readonly help: string;
  readonly run: (argv: ReadonlyArray<string>) => Promise<number>;
}

const commands: Readonly<Record<string, Command>> = {
  vectors: { summary: 'run the public conformance vectors and report pass/fail per class', ...vectors },
  import: { summary: 'import block-trace steps as a chain and diff each posterior state key by key', ...importCommand },
  refine: { summary: 'the work report of a work package against a trace state (section 14), or its rejection', ...refine },
  'host-calls': { summary: 'which accumulate host calls and outcomes the public vectors reach', ...hostCalls },
  'fuzz-target': { summary: 'serve the fuzz-v1 protocol on a Unix socket (a target for client teams\' fuzzers)', ...fuzzTarget },
  readings: { summary: 'where the paper, the vectors and clients part: each reading, its default and alternatives', ...readings },
  fuzz: { summary: 'drive a fuzz-v1 target as the fuzzer: compare its replies with the model\'s, shrink and write mismatches', ...fuzz },
  coverage: { summary: 'how often the vectors execute each equation\'s code (V8 coverage mapped onto @gp tags)', ...coverage },
};

const usage = `usage: jam-model <command> [options]

An executable model of JAM, Gray Paper 0.7.2.

commands:
${Object.entries(commands)
  .map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`)
  .join('\n')}

Run 'jam-model <command> --help' for a command's options; 'jam-model --version' for the version.`;

const main = async (argv: ReadonlyArray<string>): Promise<number> => {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage);
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    console.log(packageVersion());
    return 0;
  }
  const command = commands[name];
  if (command === undefined) {
    console.error(`jam-model: unknown command '${name}'\n\n${usage}`);
    return 2;
  }
  try {
    return await command.run(rest);
  } catch (e) {
    // Bad usage (node's parseArgs), a missing native build or missing vectors: one line, no
    // stack; anything else is a broken invariant, thrown with its stack.
    const code = (e as { code?: string }).code;
    if (code?.startsWith('ERR_PARSE_ARGS') === true) {
      // node's message, up to its advice on positionals starting with '-'.
      console.error(`jam-model ${name}: ${(e as Error).message.split('. To specify')[0]} (jam-model ${name} --help)`);
      return 2;
    }
    if (e instanceof NativeUnavailable || e instanceof VectorsNotFound) {
      console.error(`jam-model ${name}: ${e.message}`);
      return 2;
    }
    throw e;
  }
};

process.exitCode = await main(process.argv.slice(2));
