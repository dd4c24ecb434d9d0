/**
 * The model's fuzz target under abusive clients: its memory (VmRSS of its process) before, at the
 * peak during, and after each of three cases, and a well-formed session served after each:
 *   1. one connection sends GetState 3,000 times and never reads a reply;
 *   2. eight connections each declare a 200 MiB frame and send most of it;
 *   3. a hundred connections send PeerInfo and half an Initialize, then stall.
 * A case passes when the peak stays within 50 MiB of the RSS before it and the well-formed
 * session (the recorded no_forks PeerInfo, Initialize and first ImportBlocks, replies
 * byte-identical to the recording, then GetState of the last block, whose key-values must
 * merklize to its root) is answered afterwards. The stalled connections of case 3 must then be
 * closed by the target's idle timeout. Exit status 1 if a case fails.
 *
 *   npm run build && npm run bench:abuse -- [--idle-timeout S] [--buffer-cap MIB] [--json]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as E from 'fp-ts/lib/Either.js';
import { bytesEqual, toHex, type Hash } from '../../spec/bytes.js';
import { tiny } from '../../spec/chain-spec.js';
import { decode, encode } from '../../spec/codec.js';
import { headerHash } from '../../model/header/index.js';
import { merklizeState } from '../../model/merklization/trie.js';
import { connectClient } from '../../fuzz/client.js';
import { defaultLimits } from '../../fuzz/limits.js';
import { frame, message } from '../../fuzz/messages.js';
import { vectorsDir } from '../../chain/index.js';
import { startTarget, type Target } from './targets.js';

const help = `usage: npm run bench:abuse -- [--idle-timeout S] [--buffer-cap MIB] [--json]

Starts the model's fuzz target (dist/bin/jam-model.js fuzz-target, tiny) as a child process and
measures its resident memory (VmRSS in /proc/<pid>/status) before, at the peak during, and after
each abusive client:
  getstate-unread   one connection: PeerInfo, Initialize, then GetState x 3,000, never reading
  huge-frames       8 connections, each declaring a 200 MiB frame and sending 190 MiB of it
  stalled           100 connections, each sending PeerInfo and half an Initialize, then nothing
After each case a well-formed session (recorded no_forks PeerInfo, Initialize, ImportBlocks 2-5,
GetState) must be answered as recorded. A case passes when its peak is within 50 MiB of the RSS
before it; the stalled connections must then be closed by the target's idle timeout.

  --idle-timeout S   the target's --idle-timeout (default 10, so that case 3 ends quickly)
  --buffer-cap MIB   the target's --buffer-cap (default: the target's own, ${defaultLimits.maxBuffered / 2 ** 20})
  --json             print the results as JSON instead of the table
  -h, --help         this text

Environment: JAM_VECTORS (the vectors). Exit status 1 if a case fails.`;

const flatMiB = 50;
const session = vectorsDir('fuzz-proto', 'examples', '0.7.2', 'no_forks');
const recorded = (name: string): Uint8Array => new Uint8Array(readFileSync(join(session, name)));
const sleep = (ms: number): Promise<void> => new Promise((done) => setTimeout(done, ms));

/** The target's resident memory, MiB. */
const rssMiB = (pid: number): number => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').match(/^VmRSS:\s+(\d+) kB$/m);
  if (line === null) throw new Error(`no VmRSS in /proc/${pid}/status`);
  return Number(line[1]) / 1024;
};

/** Runs `abuse` while sampling the target's RSS every 50 ms; the highest sample. */
const peakDuring = async (pid: number, abuse: () => Promise<void>): Promise<number> => {
  let peak = rssMiB(pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(pid));
  }, 50);
  try {
    await abuse();
  } finally {
    clearInterval(sampler);
  }
  return Math.max(peak, rssMiB(pid));
};

/** A raw connection (no reading), resolved once connected; `closed` resolves when the target closes it. */
const rawConnection = (path: string): Promise<{ readonly socket: Socket; readonly closed: Promise<void> }> =>
  new Promise((done, fail) => {
    const socket = connect({ path });
    // Never read: the socket stays paused, so the replies pile up on the target's side.
    socket.pause();
    const closed = new Promise<void>((end) => socket.once('close', () => end()));
    socket.on('error', () => undefined);
    socket.once('connect', () => done({ socket, closed }));
    socket.once('error', fail);
  });

const isClosed = (p: Promise<void>): Promise<boolean> => Promise.race([p.then(() => true), sleep(0).then(() => false)]);

const peerInfo = recorded('00000000_fuzzer_peer_info.bin');
const initialize = recorded('00000001_fuzzer_initialize.bin');

/** The well-formed session; a list of what differed from the recording (empty: served correctly). */
const wellFormed = async (path: string): Promise<ReadonlyArray<string>> => {
  const codec = message(tiny);
  const client = await connectClient(path);
  const problems: string[] = [];
  let last: { header: Hash; root: Hash } | undefined;
  try {
    const steps: ReadonlyArray<readonly [string, string]> = [
      ['00000000_fuzzer_peer_info.bin', '00000000_target_peer_info.bin'],
      ['00000001_fuzzer_initialize.bin', '00000001_target_state_root.bin'],
      ...[2, 3, 4, 5].map((n) => {
        const step = String(n).padStart(8, '0');
        return [`${step}_fuzzer_import_block.bin`, `${step}_target_state_root.bin`] as const;
      }),
    ];
    for (const [request, reply] of steps) {
      const got = await client.request(recorded(request), 60_000);
      if (typeof got === 'string') return [...problems, `${request}: ${got}`];
      const expected = recorded(reply);
      // PeerInfo carries the app's name and version: only its kind is compared.
      const same = request.includes('peer_info') ? got[0] === expected[0] : bytesEqual(got, expected);
      if (!same) problems.push(`${request}: reply ${toHex(got.subarray(0, 40))}.. differs from ${reply}`);
      const sent = decode(codec, recorded(request));
      if (E.isRight(sent) && (sent.right.kind === 'initialize' || sent.right.kind === 'importBlock'))
        last = { header: headerHash(tiny, sent.right.value.header), root: expected.subarray(1) as Hash };
    }
    if (last === undefined) return [...problems, 'no block imported'];
    const got = await client.request(encode(codec, { kind: 'getState', value: last.header }), 60_000);
    const state = typeof got === 'string' ? undefined : decode(codec, got);
    if (state === undefined || E.isLeft(state) || state.right.kind !== 'state') problems.push(`GetState ${toHex(last.header)}: no State reply`);
    else if (!bytesEqual(merklizeState(state.right.value), last.root)) problems.push(`GetState ${toHex(last.header)}: the key-values do not merklize to the recorded root`);
  } finally {
    client.close();
  }
  return problems;
};

interface CaseResult {
  readonly name: string;
  readonly beforeMiB: number;
  readonly peakMiB: number;
  readonly afterMiB: number;
  /** What the target did with the abusive connections. */
  readonly closedByTarget: string;
  readonly flat: boolean;
  readonly served: boolean;
  readonly problems: ReadonlyArray<string>;
}

/** Case 1: GetState of the genesis x 3,000 on one connection that never reads. */
const getStateUnread = async (path: string): Promise<string> => {
  const init = decode(message(tiny), initialize);
  if (E.isLeft(init) || init.right.kind !== 'initialize') throw new Error('the recorded Initialize does not decode');
  const getState = frame(encode(message(tiny), { kind: 'getState', value: headerHash(tiny, init.right.value.header) }));
  const c = await rawConnection(path);
  c.socket.write(frame(peerInfo));
  c.socket.write(frame(initialize));
  for (let i = 0; i < 3000; i++) c.socket.write(getState);
  await sleep(5_000);
  const closed = await isClosed(c.closed);
  c.socket.destroy();
  return closed ? 'closed within 5 s' : 'open after 5 s, its replies waiting to be read';
};

/** Case 2: 8 connections, each a 200 MiB frame of which 190 MiB is sent (as fast as the target takes it). */
const hugeFrames = async (path: string): Promise<string> => {
  const chunk = new Uint8Array(1024 * 1024);
  const prefix = new Uint8Array(4);
  new DataView(prefix.buffer).setUint32(0, 200 * 1024 * 1024, true);
  const conns = await Promise.all(Array.from({ length: 8 }, () => rawConnection(path)));
  const results = await Promise.all(
    conns.map(async (c) => {
      c.socket.write(prefix);
      let sent = 0;
      for (; sent < 190 && !c.socket.destroyed && !(await isClosed(c.closed)); sent++) {
        if (!c.socket.write(chunk)) await Promise.race([new Promise((d) => c.socket.once('drain', d)), c.closed]);
      }
      const closed = await Promise.race([c.closed.then(() => true), sleep(2_000).then(() => false)]);
      c.socket.destroy();
      return closed;
    }),
  );
  return `${results.filter((x) => x).length} of 8 closed`;
};

/** Case 3: 100 connections, each PeerInfo and half an Initialize, then stalled; the well-formed session runs while they stall. */
const stalled = async (path: string, idleTimeoutS: number, served: () => Promise<ReadonlyArray<string>>): Promise<[string, ReadonlyArray<string>]> => {
  const half = frame(initialize).subarray(0, Math.floor((initialize.length + 4) / 2));
  const conns = await Promise.all(Array.from({ length: 100 }, () => rawConnection(path)));
  for (const c of conns) {
    c.socket.write(frame(peerInfo));
    c.socket.write(half);
  }
  await sleep(2_000);
  const problems = await served();
  // Reading now only to see the target's end of each connection (a paused socket never sees it).
  for (const c of conns) c.socket.resume();
  const t0 = Date.now();
  const closed = await Promise.race([Promise.all(conns.map((c) => c.closed)).then(() => true), sleep((idleTimeoutS + 10) * 1000).then(() => false)]);
  const open = (await Promise.all(conns.map((c) => isClosed(c.closed)))).filter((x) => !x).length;
  for (const c of conns) c.socket.destroy();
  return [closed ? `all 100 closed by the idle timeout, ${((Date.now() - t0) / 1000).toFixed(1)} s after the session` : `${open} of 100 still open after ${idleTimeoutS + 10} s`, problems];
};

const main = async (): Promise<number> => {
  const { values } = parseArgs({
    options: {
      'idle-timeout': { type: 'string', default: '10' },
      'buffer-cap': { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(help);
    return 0;
  }
  const idleTimeoutS = Number(values['idle-timeout']);
  if (!(idleTimeoutS > 0 && Number.isFinite(idleTimeoutS))) {
    console.error(`bench:abuse: --idle-timeout '${values['idle-timeout']}' is not a positive number of seconds`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'jam-abuse-'));
  const path = join(dir, 'target.sock');
  const cli = resolve(fileURLToPath(import.meta.url), '../../../bin/jam-model.js');
  const bufferCapMiB = values['buffer-cap'] ?? String(defaultLimits.maxBuffered / 2 ** 20);
  let target: Target | undefined;
  const results: CaseResult[] = [];
  try {
    target = await startTarget({
      name: 'jam-model',
      command: process.execPath,
      args: [cli, 'fuzz-target', '--socket', path, '--idle-timeout', String(idleTimeoutS), '--buffer-cap', bufferCapMiB],
      socket: path,
      log: join(dir, 'target.log'),
    });
    const pid = target.pid;
    // Warm: the first session loads the native addon and the ring SRS, which the cases should not be charged for.
    const warm = await wellFormed(path);
    if (warm.length > 0) throw new Error(`the well-formed session fails before any abuse:\n  ${warm.join('\n  ')}`);
    const cases: ReadonlyArray<readonly [string, () => Promise<[string, ReadonlyArray<string>]>]> = [
      ['getstate-unread', async () => [await getStateUnread(path), await wellFormed(path)]],
      ['huge-frames', async () => [await hugeFrames(path), await wellFormed(path)]],
      ['stalled', () => stalled(path, idleTimeoutS, () => wellFormed(path))],
    ];
    for (const [name, run] of cases) {
      await sleep(500);
      const beforeMiB = rssMiB(pid);
      let outcome: [string, ReadonlyArray<string>] = ['', []];
      const peakMiB = await peakDuring(pid, async () => {
        outcome = await run();
      });
      const [closedByTarget, problems] = outcome;
      results.push({ name, beforeMiB, peakMiB, afterMiB: rssMiB(pid), closedByTarget, flat: peakMiB - beforeMiB <= flatMiB, served: problems.length === 0, problems });
    }
  } finally {
    await target?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const ok = results.every((r) => r.flat && r.served && !r.closedByTarget.includes('still open'));
  if (values.json) console.log(JSON.stringify({ idleTimeoutS, bufferCapMiB: Number(bufferCapMiB), flatMiB, cases: results, ok }, null, 2));
  else {
    console.log(`${'case'.padEnd(16)} ${'before'.padStart(8)} ${'peak'.padStart(8)} ${'after'.padStart(8)}  flat  served  abusive connections`);
    for (const r of results)
      console.log(
        `${r.name.padEnd(16)} ${r.beforeMiB.toFixed(1).padStart(8)} ${r.peakMiB.toFixed(1).padStart(8)} ${r.afterMiB.toFixed(1).padStart(8)}  ${(r.flat ? 'yes' : 'NO').padEnd(4)}  ${(r.served ? 'yes' : 'NO').padEnd(6)}  ${r.closedByTarget}`,
      );
    console.log(`RSS in MiB; flat: peak within ${flatMiB} MiB of before. target idle timeout ${idleTimeoutS} s, buffer cap ${bufferCapMiB} MiB`);
    for (const r of results) for (const p of r.problems) console.log(`  ${r.name}: ${p}`);
  }
  return ok ? 0 : 1;
};

process.exitCode = await main();
