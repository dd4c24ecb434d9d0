/**
 * `jam-model fuzz-target`: serves the fuzz-v1 protocol (fuzz-proto/README.md) on a Unix socket,
 * so that a fuzzer can drive the model as a target. Argument parsing and printing only; the
 * protocol lives in `fuzz/`.
 */
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { defaultLimits } from '../../fuzz/limits.js';
import { SocketPathError, startTarget, type TargetEvent } from '../../fuzz/server.js';
import { chainHelp, chainOptions, chooseChain, chooseEngines, engineHelp } from '../options.js';
import { packageVersion } from '../version.js';
import { departures } from '../../spec/readings.js';

const mib = 1024 * 1024;

export const help = `usage: jam-model fuzz-target --socket PATH [--config tiny|full | --chain-spec FILE] [--engine E]
                             [--reading NAME=VALUE ...] [--idle-timeout SECONDS] [--buffer-cap MIB] [--verbose]

Listens on the Unix socket PATH (SOCK_STREAM) as a fuzz-v1 target: messages framed by a u32
little-endian length and JAM-codec encoded. Handshake: PeerInfo (fuzz version 1, features
ancestry and forks, JAM 0.7.2, app name jam-model). Then Initialize -> StateRoot,
ImportBlock -> StateRoot or Error (a block the protocol rejects, or one whose parent the target
does not hold), GetState(header hash) -> State, or Error for a state it does not hold. Posterior
states are kept by header hash, so a block may be imported onto any held parent; the head, its
parent and the head's siblings are kept, older states dropped. A malformed or unexpected
message ends that connection without an Error message; the server keeps listening. Requests
are answered one at a time; a connection is not read while its reply waits to be written.
Stop with Ctrl-C.

  --socket PATH           the socket to bind; its folder must exist. A file already there is
                          replaced only if it is a socket no live target answers on
  --config NAME           chain spec: tiny (default) or full
${chainHelp(26)}
${engineHelp(26)}
  --idle-timeout SECONDS  close a connection with nothing read or written for this long
                          (default ${defaultLimits.idleTimeoutMs / 1000})
  --buffer-cap MIB        octets of incomplete frames all connections may hold together; a frame
                          declaring more than is left closes its connection (default
                          ${defaultLimits.maxBuffered / mib}, over 400 times the largest recorded message)
  --verbose               print each request with its reply and time
  -h, --help              this text`;

export const run = async (argv: ReadonlyArray<string>): Promise<number> => {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      socket: { type: 'string' },
      config: { type: 'string', default: 'tiny' },
      'idle-timeout': { type: 'string', default: String(defaultLimits.idleTimeoutMs / 1000) },
      'buffer-cap': { type: 'string', default: String(defaultLimits.maxBuffered / mib) },
      engine: { type: 'string' },
      ...chainOptions,
      verbose: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  if (values.socket === undefined) {
    console.error('jam-model fuzz-target: --socket PATH is required (see --help)');
    return 2;
  }
  const params = chooseChain(values);
  if (E.isLeft(params)) {
    for (const line of params.left) console.error(`jam-model fuzz-target: ${line}`);
    return 2;
  }
  const chosen = chooseEngines(values.engine);
  if (E.isLeft(chosen)) {
    console.error(`jam-model fuzz-target: ${chosen.left}`);
    return 2;
  }
  const idleSeconds = Number(values['idle-timeout']);
  // Node's timers hold at most 2^31 - 1 ms (a longer one fires at once).
  if (!(idleSeconds > 0 && idleSeconds * 1000 <= 2 ** 31 - 1)) {
    console.error(`jam-model fuzz-target: --idle-timeout '${values['idle-timeout']}' is not a number of seconds above 0 and at most 2147483`);
    return 2;
  }
  const capMib = Number(values['buffer-cap']);
  if (!(capMib > 0 && Number.isFinite(capMib))) {
    console.error(`jam-model fuzz-target: --buffer-cap '${values['buffer-cap']}' is not a positive number of MiB`);
    return 2;
  }
  const verbose = values.verbose;
  const onEvent = (e: TargetEvent): void => {
    if (e.kind === 'connected') console.log(`[${e.connection}] connected`);
    else if (e.kind === 'closed') console.log(`[${e.connection}] closed: ${e.reason}`);
    else if (verbose) console.log(`[${e.connection}] ${e.request} -> ${e.reply} ${e.ms.toFixed(2)} ms`);
  };
  const [major = 0, minor = 0, patch = 0] = packageVersion().split('.').map((x) => Number.parseInt(x, 10) || 0);
  const limits = { idleTimeoutMs: idleSeconds * 1000, maxBuffered: Math.floor(capMib * mib) };
  let server;
  try {
    server = await startTarget(values.socket, { ...params.right, engines: chosen.right.engines, appVersion: { major, minor, patch }, onEvent, ...limits });
  } catch (e) {
    if (!(e instanceof SocketPathError)) throw e;
    console.error(`jam-model fuzz-target: ${e.message}`);
    return 2;
  }
  console.log(`jam-model fuzz-target (${params.right.spec.name}${departures(params.right.readings).map((d) => `, ${d}`).join('')}) listening on ${values.socket} (buffer cap ${capMib} MiB, idle timeout ${idleSeconds} s)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => {
      void server.stop().then(resolve);
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  return 0;
};
