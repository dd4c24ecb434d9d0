/**
 * `jam-model fuzz-target`: serves the fuzz-v1 protocol (fuzz-proto/README.md) on a Unix socket,
 * so that a fuzzer can drive the model as a target. Argument parsing and printing only; the
 * protocol lives in `fuzz/`.
 */
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { startTarget, type TargetEvent } from '../../fuzz/server.js';
import { chooseConfig, chooseEngines, engineHelp } from '../options.js';
import { packageVersion } from '../version.js';

export const help = `usage: jam-model fuzz-target --socket PATH [--config tiny|full] [--engine E] [--verbose]

Listens on the Unix socket PATH (SOCK_STREAM) as a fuzz-v1 target: messages framed by a u32
little-endian length and JAM-codec encoded. Handshake: PeerInfo (fuzz version 1, features
ancestry and forks, JAM 0.7.2, app name jam-model). Then Initialize -> StateRoot,
ImportBlock -> StateRoot or Error (a block the protocol rejects, or one whose parent the target
does not hold), GetState(header hash) -> State. Posterior states are kept by header hash, so a
block may be imported onto any held parent; the head, its parent and the head's siblings are
kept, older states dropped. A malformed or unexpected message ends that connection without an
Error message; the server keeps listening. Stop with Ctrl-C.

  --socket PATH     the socket to bind (a stale socket file there is removed)
  --config NAME     chain spec: tiny (default) or full
${engineHelp(20)}
  --verbose         print each request with its reply and time
  -h, --help        this text`;

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      socket: { type: 'string' },
      config: { type: 'string', default: 'tiny' },
      engine: { type: 'string' },
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (values.socket === undefined) {
    console.error(`jam-model fuzz-target: --socket PATH is required\n\n${help}`);
    return 2;
  }
  const spec = chooseConfig(values.config);
  if (E.isLeft(spec)) {
    console.error(`jam-model fuzz-target: ${spec.left}`);
    return 2;
  }
  const chosen = chooseEngines(values.engine);
  if (E.isLeft(chosen)) {
    console.error(`jam-model fuzz-target: ${chosen.left}`);
    return 2;
  }
  const verbose = values.verbose;
  const onEvent = (e: TargetEvent): void => {
    if (e.kind === 'connected') console.log(`[${e.connection}] connected`);
    else if (e.kind === 'closed') console.log(`[${e.connection}] closed: ${e.reason}`);
    else if (verbose) console.log(`[${e.connection}] ${e.request} -> ${e.reply} ${e.ms.toFixed(1)} ms`);
  };
  const [major = 0, minor = 0, patch = 0] = packageVersion().split('.').map((x) => Number.parseInt(x, 10) || 0);
  const server = await startTarget(values.socket, { spec: spec.right, engines: chosen.right.engines, appVersion: { major, minor, patch }, onEvent });
  console.log(`jam-model fuzz-target (${values.config}) listening on ${values.socket}`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      server.close(() => resolve());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
};
