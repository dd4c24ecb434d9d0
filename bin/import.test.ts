/**
 * `jam-model import` as a user runs it: the built CLI (`npm run build` first; `npm test` does)
 * spawned on bad inputs, each of which must give one line on stderr saying what and where and
 * exit 2; on a block rejected where the recording keeps the prior state (a pass of its own
 * count); on failing steps (every one's diff, in the text and in --json); and on a folder that
 * skips blocks (the import restarts from the recorded pre-state).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as E from 'fp-ts/lib/Either.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tiny } from '../spec/chain-spec.js';
import { encode } from '../spec/codec.js';
import { traceStep, type TraceStep } from '../spec/trace.js';
import { loadTraceStep, traceSteps, vectorsDir } from '../chain/index.js';

const cli = fileURLToPath(new URL('../dist/bin/jam-model.js', import.meta.url));

const run = (...args: ReadonlyArray<string>): { readonly status: number | null; readonly stdout: string; readonly stderr: string } => {
  const r = spawnSync(process.execPath, [cli, 'import', ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const lines = (s: string): ReadonlyArray<string> => s.split('\n').filter((l) => l !== '');

let dir: string;
let storage: ReadonlyArray<string>;
const step = (i: number): TraceStep => {
  const s = loadTraceStep(tiny, storage[i]!);
  if (E.isLeft(s)) throw new Error(s.left);
  return s.right;
};
const write = (name: string, s: TraceStep): string => {
  const path = join(dir, name);
  writeFileSync(path, encode(traceStep(tiny), s));
  return path;
};

beforeAll(() => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run npm run build first`);
  dir = mkdtempSync(join(tmpdir(), 'jam-import-test-'));
  storage = traceSteps(vectorsDir('traces', 'storage'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('jam-model import: bad input is one line saying what and where, exit 2', () => {
  const cases: ReadonlyArray<readonly [string, () => ReadonlyArray<string>, RegExp]> = [
    ['no path', () => [], /^jam-model import: no file or folder given/],
    ['a missing path', () => [join(dir, 'nope.bin')], /^jam-model import: .*nope\.bin: no such file or folder$/],
    ['an empty .json step', () => (writeFileSync(join(dir, 'empty.json'), ''), [join(dir, 'empty.json')]), /empty\.json: empty file$/],
    ['a malformed .json step', () => (writeFileSync(join(dir, 'bad.json'), '{"pre_state": '), [join(dir, 'bad.json')]), /bad\.json: malformed JSON: /],
    ['a .json step of another shape', () => (writeFileSync(join(dir, 'shape.json'), '{"a": 1}'), [join(dir, 'shape.json')]), /shape\.json: TraceStep\.pre_state: /],
    [
      'a truncated .bin step',
      () => (writeFileSync(join(dir, 'cut.bin'), encode(traceStep(tiny), step(0)).subarray(0, 1000)), [join(dir, 'cut.bin')]),
      /cut\.bin: TraceStep\.pre\..* at offset \d+/,
    ],
    ['a file over 2 GiB (not read)', () => (writeFileSync(join(dir, 'big.bin'), ''), truncateSync(join(dir, 'big.bin'), 3 * 2 ** 30), [join(dir, 'big.bin')]), /big\.bin: 3221225472 octets, over the limit of 2147483648 octets$/],
    ['/dev/zero', () => ['/dev/zero'], /^jam-model import: \/dev\/zero: not a trace step \(\.bin or \.json\)$/],
    ['a step file linked to /dev/zero (not read)', () => (symlinkSync('/dev/zero', join(dir, 'zero.bin')), [join(dir, 'zero.bin')]), /zero\.bin: not a regular file$/],
    ['a FIFO (not opened)', () => (mkfifoSync(join(dir, 'fifo.json')), [join(dir, 'fifo.json')]), /fifo\.json: not a regular file$/],
    ['a folder without steps', () => (mkdirSync(join(dir, 'none')), [join(dir, 'none')]), /none: no trace steps/],
    ['an unknown config', () => ['--config', 'huge', storage[0]!], /--config must be tiny or full, not 'huge'$/],
    ['an unknown engine', () => ['--engine', 'pvm=gpu', storage[0]!], /unknown engine 'gpu' for pvm/],
    ['an unknown option', () => ['--fast', storage[0]!], /Unknown option '--fast'/],
  ];
  for (const [what, args, message] of cases)
    it(what, () => {
      const r = run(...args());
      expect(r.status).toBe(2);
      expect(r.stdout).toBe('');
      expect(lines(r.stderr)).toHaveLength(1);
      expect(r.stderr.trim()).toMatch(message);
    });
});

// Node has no mkfifo; the shell's does it.
function mkfifoSync(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo ${path}: ${r.stderr.toString()}`);
}

describe('jam-model import: outcomes', () => {
  it('counts a block rejected where the recording keeps the prior state as rejected as recorded, a pass', () => {
    const s = step(1);
    // Another author index: the seal no longer verifies (6.15), so the block is rejected.
    const header = { ...s.block.header, authorIndex: (s.block.header.authorIndex + 1) % tiny.Cvalcount };
    const path = write('rejected.bin', { pre: s.pre, block: { ...s.block, header }, post: s.pre });
    const r = run(path, '--json');
    expect(r.status).toBe(0);
    const out = lines(r.stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(out[0]).toMatchObject({ ok: true, rejected: expect.stringMatching(/^header: /) });
    expect(out[1]).toEqual({ summary: expect.objectContaining({ steps: 1, matched: 0, rejected_as_recorded: 1, failed: 0 }) });
    const text = run(path);
    expect(text.stdout).toMatch(/rejected as recorded: header: /);
    expect(text.stdout).toMatch(/1\/1 steps passed \(0 matched, 1 rejected as recorded\), 0 failed/);
  });

  it('prints the diff of every failing step, and puts it in --json', () => {
    const broken = (i: number): string => {
      const s = step(i);
      const tau = s.post.keyvals.findIndex(([k]) => k[0] === 11);
      const keyvals = s.post.keyvals.map((kv, j) => (j === tau ? ([kv[0], new Uint8Array([9, 9, 9, 9])] as const) : kv));
      return write(`post-${i}.bin`, { ...s, post: { ...s.post, keyvals } });
    };
    const files = [broken(0), broken(1)];
    const text = run(...files);
    expect(text.status).toBe(1);
    expect(text.stdout.match(/^FAIL /gm)).toHaveLength(2);
    expect(text.stdout.match(/^posterior \(expected != model\):$/gm)).toHaveLength(2);
    expect(text.stdout.match(/tau/g)!.length).toBeGreaterThanOrEqual(2);
    const json = lines(run(...files, '--json').stdout).map((l) => JSON.parse(l) as { ok?: boolean; diff?: ReadonlyArray<string> });
    expect(json.slice(0, 2).map((j) => j.ok)).toEqual([false, false]);
    for (const j of json.slice(0, 2)) expect(j.diff!.some((l) => l.includes('tau'))).toBe(true);
  });

  it('restarts from the recorded pre-state where a folder skips blocks', () => {
    const r = run(storage[0]!, storage[2]!, storage[3]!, '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(lines(r.stdout).at(-1)!)).toEqual({ summary: expect.objectContaining({ steps: 3, matched: 3, failed: 0 }) });
  });

  it('honours --config: the tiny traces do not import as full', () => {
    expect(run('--config', 'full', storage[0]!).status).not.toBe(0);
  });
});
