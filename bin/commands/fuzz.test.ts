/**
 * The fuzzer against the model's own target, in this process: no mismatch over a few dozen
 * blocks with forks, recorded (a trace) or authored (fuzz/author, its mutations as forks), also
 * over the fuzz genesis's guest services (fuzz/guest), reaching every accumulate host call; and through a proxy that plants a disagreement (one state root flipped,
 * only after two blocks since Initialize, so shrinking has a prefix to keep), the mismatch is
 * found, shrunk to the three blocks it needs, written as a trace folder, and that folder replays
 * with `jam-model import`.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tiny } from '../../spec/chain-spec.js';
import { paperReadings } from '../../spec/readings.js';
import { decode, encode } from '../../spec/codec.js';
import type { Hash } from '../../spec/bytes.js';
import { nativeEngines, useEngines, vectorsDir } from '../../chain/index.js';
import { run as importCommand } from './import.js';
import { run as fuzzCommand } from './fuzz.js';
import { connectClient } from '../../fuzz/client.js';
import { deframe, frame, message } from '../../fuzz/messages.js';
import { startTarget, type TargetServer } from '../../fuzz/server.js';
import { runFuzzer } from '../../fuzz/fuzzer/index.js';
import { authorSource, guestsSource, tracesSource } from '../../fuzz/fuzzer/source.js';
import { noneLeftOut } from '../../fuzz/fuzzer/rules.js';
import { hostCalls } from '../../model/accumulation/invocation.js';

const codec = message(tiny);
/** Blocks sent from the guests source (about forty main-line blocks, ten chains): with seed 1, every host call. */
const GUEST_STEPS = 72;
let dir: string;
let target: TargetServer;
const targetSocket = (): string => join(dir, 'model.sock');

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'jam-fuzzer-'));
  useEngines(nativeEngines);
  target = await startTarget(targetSocket(), { spec: tiny, engines: nativeEngines, appVersion: { major: 0, minor: 1, patch: 0 } });
});
afterAll(async () => {
  await target.stop();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * A proxy in front of the target that flips one bit of the StateRoot answering the block of
 * `slot`, once at least two blocks were accepted since the last Initialize.
 */
const flippingProxy = async (path: string, slot: number): Promise<Server> => {
  const server = createServer((socket: Socket) => {
    let buffer = new Uint8Array(0);
    let accepted = 0;
    let chain = Promise.resolve();
    const upstream = connectClient(targetSocket());
    socket.on('close', () => void upstream.then((c) => c.close()));
    socket.on('data', (chunk: Buffer) => {
      const joined = new Uint8Array(buffer.length + chunk.length);
      joined.set(buffer);
      joined.set(chunk, buffer.length);
      const cut = deframe(joined, 2 ** 30);
      if (cut.kind !== 'frames') throw new Error('oversize frame');
      buffer = cut.rest.slice();
      for (const f of cut.frames.map((x) => x.slice()))
        chain = chain.then(async () => {
          const request = decode(codec, f);
          const reply = await (await upstream).request(f);
          if (typeof reply === 'string' || E.isLeft(request)) return void socket.destroy();
          const answer = decode(codec, reply);
          if (request.right.kind === 'initialize') accepted = 0;
          if (request.right.kind === 'importBlock' && E.isRight(answer) && answer.right.kind === 'stateRoot') {
            if (request.right.value.header.timeslot === slot && accepted >= 2) {
              const flipped = answer.right.value.slice() as Hash;
              flipped[0] = flipped[0]! ^ 1;
              socket.write(frame(encode(codec, { kind: 'stateRoot', value: flipped })));
              return;
            }
            accepted++;
          }
          socket.write(frame(reply));
        });
    });
  });
  await new Promise<void>((done) => server.listen(path, done));
  return server;
};

describe('jam-model fuzz', () => {
  it('finds no mismatch against the model\'s own target (storage trace, forks)', async () => {
    const { summary, mismatches } = await runFuzzer({
      spec: tiny,
      readings: paperReadings,
      engines: nativeEngines,
      socket: targetSocket(),
      source: tracesSource(tiny, join(vectorsDir('traces'), 'storage')),
      steps: 36,
      seed: 11,
      forks: true,
      leaveOut: noneLeftOut,
      out: join(dir, 'none'),
    });
    expect(mismatches).toEqual([]);
    expect(summary.mismatches).toBe(0);
    expect(summary.blocks).toBe(36);
    expect(summary.forks).toBeGreaterThan(0);
    expect(summary.rejected).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'none'))).toBe(false);
  });

  it('finds no mismatch against the model\'s own target (authored chains, their mutations as forks)', async () => {
    const forkNames = new Set<string>();
    const { summary, mismatches } = await runFuzzer({
      spec: tiny,
      readings: paperReadings,
      engines: nativeEngines,
      socket: targetSocket(),
      source: authorSource(tiny, nativeEngines, 5),
      steps: 40,
      seed: 5,
      forks: true,
      leaveOut: noneLeftOut,
      out: join(dir, 'none-authored'),
      onStep: (_sent, _steps, label) => void (label.endsWith('(fork)') && forkNames.add(label)),
    });
    expect(mismatches).toEqual([]);
    expect(summary).toMatchObject({ blocks: 40, mismatches: 0 });
    // Authored blocks are valid: the model rejects only forks, and some of them.
    expect(summary.rejected).toBeGreaterThan(0);
    expect(summary.rejected).toBeLessThanOrEqual(summary.forks);
    // Accumulation ran (authored guarantees become available and are accumulated).
    expect(Object.keys(summary.host_calls).length).toBeGreaterThan(0);
  });

  it('finds no mismatch against the model\'s own target (guest services, their host calls all reached)', async () => {
    const { summary, mismatches } = await runFuzzer({
      spec: tiny,
      readings: paperReadings,
      engines: nativeEngines,
      socket: targetSocket(),
      source: guestsSource(tiny, nativeEngines, 1),
      steps: GUEST_STEPS,
      seed: 1,
      forks: true,
      leaveOut: noneLeftOut,
      out: join(dir, 'none-guests'),
    });
    expect(mismatches).toEqual([]);
    expect(summary).toMatchObject({ blocks: GUEST_STEPS, mismatches: 0 });
    const table = Object.entries(summary.host_calls).map(([call, m]) => `${call.padEnd(13)} ${Object.entries(m).map(([a, n]) => `${a}:${n}`).join(' ')}`);
    console.log(`guests:1, ${summary.blocks} blocks (${summary.forks} forks, ${summary.rejected} rejected):\n${table.join('\n')}`);
    // Every accumulate host call of B.9's F, and log (JIP-1), which F does not know: unknown(100)
    // (the guests call other unknown ids too).
    expect(Object.keys(summary.host_calls)).toEqual(expect.arrayContaining([...[...hostCalls.values()].map((h) => h.name), 'unknown(100)']));
  });

  it('finds a planted root flip, shrinks it to the blocks it needs, writes a trace that imports', async () => {
    const folder = join(vectorsDir('traces'), 'fallback');
    const source = tracesSource(tiny, folder);
    const [first] = source.chains();
    const blocks = [...first!.blocks];
    const slot = blocks[7]!.block.header.timeslot;
    const proxyPath = join(dir, 'flip.sock');
    const proxy = await flippingProxy(proxyPath, slot);
    try {
      const out = join(dir, 'out');
      const { summary, mismatches } = await runFuzzer({ spec: tiny, readings: paperReadings, engines: nativeEngines, socket: proxyPath, source, steps: 14, seed: 3, forks: true, leaveOut: noneLeftOut, out });
      // After the mismatch the target is initialized again with the model's state and the chain goes on.
      expect(summary).toMatchObject({ blocks: 14, mismatches: 1 });
      const m = mismatches[0]!;
      expect(m.label).toBe(blocks[7]!.label);
      expect(m.verdict).toMatch(/^roots differ/);
      // GetState gives the target's true state: the proxy only lied about its root.
      expect(m.diff).toEqual(["(GetState: the same key-values as the model's state)"]);
      // The flip needs two accepted blocks before it: those two and the block itself, forks dropped.
      expect(m.shrunk).toEqual({ blocks: 3, reproduced: true });
      expect(m.dir).toBeDefined();
      expect(readdirSync(m.dir!).sort()).toEqual(
        ['00000001', '00000002', '00000003', 'genesis'].flatMap((n) => [`${n}.bin`, `${n}.json`]).concat('report.md').sort(),
      );
      const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        expect(await importCommand([m.dir!])).toBe(0);
        expect(log.mock.calls.at(-1)?.[0]).toMatch(/^3\/3 steps passed \(3 matched/);
      } finally {
        log.mockRestore();
      }
    } finally {
      await new Promise((done) => proxy.close(done));
    }
  });

  it('refuses bad input on one line with exit status 2', async () => {
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      expect(await fuzzCommand([])).toBe(2);
      expect(await fuzzCommand(['--target', targetSocket(), '--steps', 'many'])).toBe(2);
      expect(await fuzzCommand(['--target', targetSocket(), '--seed', '2.5'])).toBe(2);
      expect(await fuzzCommand(['--target', targetSocket(), '--source', 'authored:x'])).toBe(2);
      expect(await fuzzCommand(['--target', targetSocket(), '--leave-out', 'reimport,nonsense'])).toBe(2);
      expect(await fuzzCommand(['--target', targetSocket(), '--include', 'nonsense'])).toBe(2);
      expect(await fuzzCommand(['--target', targetSocket(), '--source', `traces:${join(dir, 'missing')}`])).toBe(2);
      expect(await fuzzCommand(['--target', join(dir, 'nobody.sock'), '--source', `traces:${join(vectorsDir('traces'), 'fallback')}`])).toBe(2);
      for (const [line] of err.mock.calls) expect(String(line)).toMatch(/^jam-model fuzz: [^\n]+$/);
    } finally {
      err.mockRestore();
    }
  });
});
