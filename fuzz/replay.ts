/**
 * Replaying a recorded fuzz-v1 session (`fuzz-proto/examples/0.7.2/<name>/`, numbered fuzzer and
 * target messages) against any target listening on a Unix socket: every request is sent as
 * recorded; the reply must be the recorded kind (PeerInfo, StateRoot, or Error for a block the
 * recording rejects), and every StateRoot byte-identical. The session ends with a GetState for
 * the last block that imported: the key-values returned must merklize (eq. D.5) to the StateRoot
 * the target gave for it. Each ImportBlock's round trip is timed (for `bench/fuzz`).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex, type Hash } from '../spec/bytes.js';
import type { ChainSpec } from '../spec/chain-spec.js';
import { decode, encode } from '../spec/codec.js';
import { headerHash } from '../model/header/index.js';
import { merklizeState } from '../model/merklization/trie.js';
import { vectorsDir } from '../chain/index.js';
import { connectClient } from './client.js';
import { message, type Message } from './messages.js';

/** One recorded exchange: the fuzzer's request and the target's recorded reply. */
interface Exchange {
  readonly step: string;
  readonly request: Uint8Array;
  readonly reply: Uint8Array;
}

/** The exchanges of a session folder, in order (`<n>_fuzzer_<kind>.bin` with `<n>_target_<kind>.bin`). */
const exchanges = (folder: string): ReadonlyArray<Exchange> => {
  const files = readdirSync(folder).filter((f) => f.endsWith('.bin'));
  const steps = [...new Set(files.map((f) => f.split('_')[0]!))].sort();
  return steps.map((step) => {
    const find = (who: string): Uint8Array => {
      const f = files.find((x) => x.startsWith(`${step}_${who}_`));
      if (f === undefined) throw new Error(`${folder}: step ${step} has no ${who} message`);
      return new Uint8Array(readFileSync(join(folder, f)));
    };
    return { step, request: find('fuzzer'), reply: find('target') };
  });
};

/** The session folders of the recorded examples. */
export const sessionFolders = (): ReadonlyArray<string> => {
  const root = vectorsDir('fuzz-proto', 'examples', '0.7.2');
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => join(root, d.name))
    .sort();
};

export interface ReplayResult {
  /** Mismatches, one line each, naming the step. */
  readonly mismatches: ReadonlyArray<string>;
  /** Milliseconds per ImportBlock request (round trip over the socket). */
  readonly importMs: ReadonlyArray<number>;
}

const describeMessage = (m: Message): string =>
  m.kind === 'stateRoot' ? `StateRoot ${toHex(m.value)}` : m.kind === 'error' ? `Error "${m.value}"` : m.kind;

/**
 * Replays one recorded session against the target listening on the Unix socket `path` (ours or
 * another client's), over one new connection. A PeerInfo or Error reply is compared by kind
 * only (the app name and the error text are the target's own).
 */
export const replaySessionAt = async (spec: ChainSpec, folder: string, path: string): Promise<ReplayResult> => {
  const mismatches: string[] = [];
  const importMs: number[] = [];
  const codec = message(spec);
  const client = await connectClient(path);
  try {
    let last: { readonly header: Hash; readonly root: Hash } | undefined;
    const all = exchanges(folder);
    for (const { step, request, reply } of all) {
      const req = decode(codec, request);
      const expected = decode(codec, reply);
      if (E.isLeft(req) || E.isLeft(expected)) {
        mismatches.push(`${step}: recorded message does not decode`);
        break;
      }
      const t0 = performance.now();
      const got = await client.request(request);
      if (req.right.kind === 'importBlock') importMs.push(performance.now() - t0);
      if (typeof got === 'string') {
        mismatches.push(`${step} ${req.right.kind}: the target ${got === 'closed' ? 'closed the connection' : 'did not answer'}`);
        break;
      }
      const answer = decode(codec, got);
      if (E.isLeft(answer)) {
        mismatches.push(`${step}: the target's reply does not decode: ${answer.left.toString()}`);
        continue;
      }
      const a = answer.right;
      const x = expected.right;
      if (a.kind !== x.kind) mismatches.push(`${step} ${req.right.kind}: expected ${describeMessage(x)}, target ${describeMessage(a)}`);
      else if (a.kind === 'stateRoot' && x.kind === 'stateRoot' && !bytesEqual(a.value, x.value)) {
        // Every later block builds on this posterior: their outcomes follow from this one mismatch.
        const later = all.length - 1 - all.findIndex((e) => e.step === step);
        mismatches.push(`${step} ${req.right.kind}: state root expected ${toHex(x.value)}, target ${toHex(a.value)} (the ${later} later steps build on it: not compared)`);
        break;
      }
      if (a.kind === 'stateRoot') {
        const header = req.right.kind === 'importBlock' ? req.right.value.header : req.right.kind === 'initialize' ? req.right.value.header : undefined;
        if (header !== undefined) last = { header: headerHash(spec, header), root: a.value };
      }
    }
    if (last !== undefined && mismatches.length === 0) {
      const got = await client.request(encode(codec, { kind: 'getState', value: last.header }));
      const answer = typeof got === 'string' ? undefined : decode(codec, got);
      if (answer === undefined || E.isLeft(answer) || answer.right.kind !== 'state')
        mismatches.push(`GetState ${toHex(last.header)}: no State reply`);
      else if (!bytesEqual(merklizeState(answer.right.value), last.root))
        mismatches.push(`GetState ${toHex(last.header)}: the key-values merklize to ${toHex(merklizeState(answer.right.value))}, not ${toHex(last.root)}`);
    }
  } finally {
    client.close();
  }
  return { mismatches, importMs };
};
