/**
 * The fuzz target's robustness, at small scale: the socket paths `jam-model fuzz-target` refuses
 * (one line, exit status 2, nothing touched), reading stopped while replies wait to be read, the
 * shared cap on incomplete frames, the idle timeout, and GetState of a state not held.
 * No assertion depends on timing beyond generous limits.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import { decode, encode } from '../../spec/codec.js';
import { headerHash } from '../../model/header/index.js';
import { run } from './fuzz-target.js';
import { nativeEngines, vectorsDir } from '../../chain/index.js';
import { connectClient } from '../../fuzz/client.js';
import { deframe, frame, message, type Message } from '../../fuzz/messages.js';
import { startTarget, type TargetEvent, type TargetOptions, type TargetServer } from '../../fuzz/server.js';

const limitMs = 10_000;
const recorded = (name: string): Uint8Array =>
  new Uint8Array(readFileSync(join(vectorsDir('fuzz-proto', 'examples', '0.7.2', 'no_forks'), name)));
const peerInfo = recorded('00000000_fuzzer_peer_info.bin');
const initialize = recorded('00000001_fuzzer_initialize.bin');
const codec = message(tiny);
const genesis = ((): Uint8Array => {
  const m = decode(codec, initialize);
  if (E.isLeft(m) || m.right.kind !== 'initialize') throw new Error('the recorded Initialize does not decode');
  return headerHash(tiny, m.right.value.header);
})();
const getState = (hash: Uint8Array): Uint8Array => encode(codec, { kind: 'getState', value: hash as never });
const kindOf = (reply: Uint8Array | string): string => {
  if (typeof reply === 'string') return reply;
  const m = decode(codec, reply);
  return E.isRight(m) ? m.right.kind : 'undecodable';
};

let dir: string;
const servers: TargetServer[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jam-fuzz-server-'));
});
afterEach(async () => {
  for (const s of servers.splice(0)) await s.stop();
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

/** Starts a target on a fresh socket; its events are collected in `events`. */
const serve = async (name: string, options: Partial<TargetOptions> = {}): Promise<{ path: string; events: TargetEvent[] }> => {
  const path = join(dir, name);
  const events: TargetEvent[] = [];
  servers.push(await startTarget(path, { spec: tiny, engines: nativeEngines, appVersion: { major: 0, minor: 1, patch: 0 }, onEvent: (e) => events.push(e), ...options }));
  return { path, events };
};

/** Resolves once `ready()` holds, polling; fails the test after the limit. */
const until = async (ready: () => boolean, what: string): Promise<void> => {
  const deadline = Date.now() + limitMs;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`not within ${limitMs / 1000} s: ${what}`);
    await new Promise((d) => setTimeout(d, 20));
  }
};

const closedReasons = (events: ReadonlyArray<TargetEvent>): string[] => events.flatMap((e) => (e.kind === 'closed' ? [e.reason] : []));

/** A connection that reads nothing until told to. */
const rawConnection = (path: string): Promise<Socket> =>
  new Promise((done, fail) => {
    const s = connect({ path });
    s.pause();
    s.once('connect', () => done(s));
    s.once('error', fail);
  });

/** The CLI's exit status and what it printed to stderr. */
const cli = async (argv: ReadonlyArray<string>): Promise<{ status: number; stderr: string[] }> => {
  const stderr: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((line: string) => void stderr.push(line));
  try {
    return { status: await run(argv), stderr };
  } finally {
    spy.mockRestore();
  }
};

describe('jam-model fuzz-target refuses a socket path it must not take', () => {
  it('a regular file: one line, exit status 2, the file untouched', async () => {
    const file = join(dir, 'notes.txt');
    writeFileSync(file, 'keep me');
    const before = statSync(file);
    expect(await cli(['--socket', file])).toEqual({ status: 2, stderr: [`jam-model fuzz-target: ${file} exists and is not a socket; refusing to replace it`] });
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(statSync(file).ino).toBe(before.ino);
  });

  it('a folder that does not exist: one line naming it', async () => {
    const missing = join(dir, 'no', 'such');
    expect(await cli(['--socket', join(missing, 't.sock')])).toEqual({
      status: 2,
      stderr: [`jam-model fuzz-target: the folder ${missing} does not exist (for the socket ${join(missing, 't.sock')})`],
    });
  });

  it('a socket a live target answers on: refused, and that target still serves', async () => {
    const { path } = await serve('live.sock');
    expect(await cli(['--socket', path])).toEqual({ status: 2, stderr: [`jam-model fuzz-target: a target is already listening on ${path}`] });
    const c = await connectClient(path);
    expect(kindOf(await c.request(peerInfo, limitMs))).toBe('peerInfo');
    c.close();
  });

  it('a stale socket (its target died) is replaced', async () => {
    const path = join(dir, 'stale.sock');
    const child = spawn(process.execPath, ['-e', `require('node:net').createServer().listen({ path: ${JSON.stringify(path)} }, () => console.log('up'))`]);
    await new Promise((up) => child.stdout.once('data', up));
    child.kill('SIGKILL');
    await new Promise((gone) => child.once('exit', gone));
    expect(statSync(path).isSocket()).toBe(true);
    await serve('stale.sock');
    const c = await connectClient(path);
    expect(kindOf(await c.request(peerInfo, limitMs))).toBe('peerInfo');
    c.close();
  });

  it('a socket path longer than a Unix socket address holds', async () => {
    const long = join(dir, 'x'.repeat(120));
    const { status, stderr } = await cli(['--socket', long]);
    expect(status).toBe(2);
    expect(stderr).toEqual([expect.stringMatching(/octets long; a Unix socket path holds at most 107$/)]);
  });
});

describe('the target bounds what a client can make it hold', () => {
  it('stops reading a connection whose replies are not read, and answers everything once they are', async () => {
    const { path, events } = await serve('unread.sock');
    const requests = 100;
    const s = await rawConnection(path);
    s.write(frame(peerInfo));
    s.write(frame(initialize));
    for (let i = 0; i < requests; i++) s.write(frame(getState(genesis)));
    const answered = (): number => events.filter((e) => e.kind === 'request').length;
    // Settled: no request answered for half a second (each takes milliseconds when it runs).
    for (let last = -1; answered() !== last; ) {
      last = answered();
      await new Promise((d) => setTimeout(d, 500));
    }
    // A GetState reply is about 150 kB: the socket buffers hold a few before the writes wait.
    expect(answered()).toBeLessThan(12);
    let got = new Uint8Array(0);
    let replies: ReadonlyArray<Message> = [];
    s.on('data', (chunk: Buffer) => {
      const all = new Uint8Array(got.length + chunk.length);
      all.set(got);
      all.set(chunk, got.length);
      const cut = deframe(all, 2 ** 32 - 1);
      if (cut.kind !== 'frames') return;
      replies = [...replies, ...cut.frames.map((f) => { const m = decode(codec, f); return E.isRight(m) ? m.right : ({ kind: 'error', value: 'undecodable' } as const); })];
      got = cut.rest.slice();
    });
    s.resume();
    await until(() => replies.length === requests + 2, `${requests + 2} replies`);
    expect(replies.map((m) => m.kind)).toEqual(['peerInfo', 'stateRoot', ...Array<string>(requests).fill('state')]);
    s.destroy();
  });

  it('refuses a frame longer than the cap, or than what other connections leave, and frees a closed connection\'s share', async () => {
    const cap = 1000;
    const { path, events } = await serve('cap.sock', { maxBuffered: cap });
    const declare = (length: number): Uint8Array => {
      const prefix = new Uint8Array(4);
      new DataView(prefix.buffer).setUint32(0, length, true);
      return prefix;
    };
    const tooLong = await rawConnection(path);
    tooLong.write(declare(cap + 1));
    await until(() => closedReasons(events).length === 1, 'the frame over the cap refused');
    expect(closedReasons(events)).toEqual([`frame length ${cap + 1} exceeds the buffer cap of ${cap} octets`]);

    // One connection holds most of the cap with a frame it never finishes. Sent in one write
    // after a PeerInfo: once its reply is back, the target has read (and reserved) the rest too.
    const holder = await rawConnection(path);
    const handshook = new Promise((done) => holder.once('data', done));
    holder.write(Buffer.concat([frame(peerInfo), declare(cap - 10), new Uint8Array(100)]));
    holder.resume();
    await handshook;
    const squeezed = await connectClient(path);
    expect(await squeezed.request(peerInfo, limitMs)).toBe('closed');
    expect(closedReasons(events)[1]).toBe(`frame length ${peerInfo.length} exceeds the 10 octets that may be buffered now (cap ${cap}, ${cap - 10} held by other connections)`);

    // Once the holder is gone, its share is free again.
    holder.destroy();
    await until(() => closedReasons(events).length === 3, 'the holder closed');
    const after = await connectClient(path);
    expect(kindOf(await after.request(peerInfo, limitMs))).toBe('peerInfo');
    after.close();
  });

  it('closes a stalled connection after the idle timeout and frees its share of the cap', async () => {
    const { path, events } = await serve('idle.sock', { maxBuffered: 1000, idleTimeoutMs: 200 });
    const stalled = await rawConnection(path);
    stalled.write(new Uint8Array([0xe0, 0x03, 0, 0, 1, 2, 3])); // declares 992 octets, sends 3
    await until(() => closedReasons(events).length === 1, 'the stalled connection closed');
    expect(closedReasons(events)).toEqual(['idle for 0.2 s']);
    const c = await connectClient(path);
    expect(kindOf(await c.request(peerInfo, limitMs))).toBe('peerInfo');
    c.close();
    stalled.destroy();
  });
});

describe('GetState of a state the target does not hold', () => {
  it('answers Error and the session goes on', async () => {
    const { path } = await serve('unknown.sock');
    const c = await connectClient(path);
    expect(kindOf(await c.request(peerInfo, limitMs))).toBe('peerInfo');
    expect(kindOf(await c.request(initialize, 60_000))).toBe('stateRoot');
    const unknown = await c.request(getState(new Uint8Array(32).fill(7)), limitMs);
    expect(typeof unknown === 'string' ? unknown : decode(codec, unknown)).toEqual(
      E.right({ kind: 'error', value: `state unknown: no state held for header 0x${'07'.repeat(32)}` }),
    );
    expect(kindOf(await c.request(getState(genesis), limitMs))).toBe('state');
    c.close();
  });
});
