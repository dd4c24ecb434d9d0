/**
 * The readings and the chain spec as the CLI takes them: the built CLI (`npm run build` first)
 * listing the readings (text and --json), refusing an unknown reading, an unknown value and an
 * alternative the model does not implement with one line and exit 2, refusing a chain-spec file
 * that breaks the paper's constraints with one line per violated constraint, and taking a valid
 * one; and `vectors` moving the cases a reading or a chain spec decides.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readingCatalogue, readingNames } from '../spec/readings.js';
import { traceSteps, vectorsDir } from '../chain/index.js';

const cli = fileURLToPath(new URL('../dist/bin/jam-model.js', import.meta.url));

const run = (...args: ReadonlyArray<string>): { readonly status: number | null; readonly stdout: string; readonly stderr: string } => {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
};

const lines = (s: string): ReadonlyArray<string> => s.split('\n').filter((l) => l !== '');

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'jam-model-readings-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const specFile = (name: string, json: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(json));
  return path;
};

describe('jam-model readings', () => {
  it('lists every reading with its default marked and the alternatives not implemented flagged', () => {
    const r = run('readings');
    expect(r.status).toBe(0);
    for (const name of readingNames) expect(r.stdout).toContain(`${name} (${readingCatalogue[name].references.join(', ')}):`);
    expect(r.stdout).toContain('  * zero: A.1');
    expect(r.stdout).toContain('    per-basic-block: ');
    expect(r.stdout).toContain('hashed-key (not implemented)');
  });

  it('--json is the record itself', () => {
    const r = run('readings', '--json');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(JSON.parse(JSON.stringify(readingCatalogue)));
  });

  it.each([
    [['--reading', 'pvm-gass=per-basic-block'], "unknown reading 'pvm-gass'"],
    [['--reading', 'pvm-gas=per-block'], "unknown value 'per-block' of pvm-gas (one of: per-instruction, per-basic-block)"],
    [['--reading', 'pvm-gas'], "--reading takes NAME=VALUE, not 'pvm-gas'"],
    [['--reading', 'bless-duplicates=first'], 'bless-duplicates=first is documented but not implemented by the model'],
  ])('vectors %j: one line, exit 2', (args, message) => {
    const r = run('vectors', 'pvm', ...args);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toContain(message);
  });

  it('import and fuzz-target refuse a bad reading the same way', () => {
    for (const command of [['import', 'x'], ['fuzz-target', '--socket', join(dir, 's')]]) {
      const r = run(...command, '--reading', 'service-key-aliasing=hashed-key');
      expect(r.status).toBe(2);
      expect(lines(r.stderr)).toEqual([`jam-model ${command[0]}: service-key-aliasing=hashed-key is documented but not implemented by the model`]);
    }
  });
});

describe('--chain-spec', () => {
  it('a file breaking the paper\'s constraints: one line per violated constraint, exit 2', () => {
    const bad = specFile('bad.json', { base: 'tiny', Cvalcount: 7, Cepochtailstart: 12, Crotationperiod: 5 });
    const r = run('import', 'x', '--chain-spec', bad);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toEqual([
      `jam-model import: --chain-spec ${bad}: V = 3C: three validators are assigned to each core (section 11, guarantor assignments), not V = 7, C = 2`,
      `jam-model import: --chain-spec ${bad}: Y < E: ticket submission ends within the epoch (section 6), not Y = 12, E = 12`,
      `jam-model import: --chain-spec ${bad}: R divides E: the rotations of an epoch (11.20-11.22 read t mod E / R), not E = 12, R = 5`,
    ]);
  });

  it('an unknown field or a value of the wrong kind is named', () => {
    const r = run('fuzz-target', '--socket', join(dir, 's'), '--chain-spec', specFile('fields.json', { Cvalcnt: 6, Cblockaccgas: 'lots' }));
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(2);
    expect(r.stderr).toContain('unknown field Cvalcnt');
    expect(r.stderr).toContain('Cblockaccgas must be a natural');
  });

  it('a valid file over tiny imports the tiny traces as --config tiny does', () => {
    const steps = traceSteps(vectorsDir('traces', 'fallback')).slice(0, 3);
    const r = run('import', ...steps, '--chain-spec', specFile('tiny.json', { base: 'tiny', name: 'tiny-again', Cblockaccgas: '20000000' }), '--json');
    expect(r.status).toBe(0);
    expect(lines(r.stdout).slice(0, 3).map((l) => (JSON.parse(l) as { ok: boolean }).ok)).toEqual([true, true, true]);
  });
});

describe('vectors --chain-spec', () => {
  it('runs the base config with the file\'s constants and names the cases that move', () => {
    const h4 = specFile('h4.json', { base: 'tiny', Crecenthistorylen: 4 });
    const r = run('vectors', 'history', '--chain-spec', h4, '--json');
    // A history of 4 blocks, not 8: the cases that fill more than 4 differ from the vectors.
    expect(r.status).toBe(1);
    expect(lines(r.stdout).map((l) => JSON.parse(l) as unknown)).toEqual([
      { class: 'history', config: 'tiny', passed: 2, failed: 2, skipped: 0, moved: ['progress_blocks_history-3', 'progress_blocks_history-4'] },
    ]);
  });
  it('refuses a --config other than the file\'s base', () => {
    const r = run('vectors', 'history', '--config', 'full', '--chain-spec', specFile('t.json', { base: 'tiny' }));
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
  });
});

describe('vectors --reading', () => {
  it('reports the cases that change status against 0.7.2\'s readings', () => {
    const r = run('vectors', 'pvm', '--engine', 'pvm=ts', '--reading', 'pvm-exit-pc=exiting-instruction', '--json');
    expect(r.status).toBe(0);
    const report = JSON.parse(lines(r.stdout)[0]!) as { passed: number; skipped: number; moved: ReadonlyArray<string> };
    // The 292 halts and panics whose pc the vectors record; the 9 faults still need pvm-gas.
    expect([report.passed, report.skipped, report.moved.length]).toEqual([298, 9, 292]);
  });
});
