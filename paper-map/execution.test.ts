/**
 * Runtime coverage end to end on a small tagged module: compiled with a source map as the build
 * compiles, run under V8 coverage in a child process, its counts mapped back onto the tags.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { lookup } from './equation-index.js';
import { equationIndex } from './equations.js';
import { countSites, executionReport, probes, runCovered } from './execution.js';
import { buildMap } from './map.js';
import { findTags } from './tags.js';

const source = `/** @gp 6.24 -- curried: the inner function is what each call runs */
export const curried = (spec: number) => (x: number): number => x + spec;

/** @gp 6.25 -- never called */
export function never(): number {
  return 1;
}

export const branch = (n: number): number => {
  if (n > 5) {
    // @gp 6.26 -- reached for n > 5 only: the block's count, not the function's
    return 1;
  }
  return 0;
};

/** @gp 6.27 -- a type: no code */
export type T = number;

/** @gp 6.28 -- a constant: evaluated once on load */
export const table = [1, 2, 3];

const add = curried(1);
for (let i = 0; i < 3; i++) add(i);
for (const n of [1, 9, 10]) branch(n);
`;

const root = mkdtempSync(join(tmpdir(), 'jam-exec-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('runtime equation coverage', () => {
  it('counts calls of functions (curried: the inner one), runs of blocks, and tells types and constants apart', async () => {
    const file = 'model/probe.ts';
    mkdirSync(join(root, 'model'));
    mkdirSync(join(root, 'dist', 'model'), { recursive: true });
    writeFileSync(join(root, file), source);
    const js = ts.transpileModule(source, {
      fileName: 'probe.ts',
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022, sourceMap: true },
    });
    writeFileSync(join(root, 'dist', 'model', 'probe.js'), js.outputText);
    writeFileSync(join(root, 'dist', 'model', 'probe.js.map'), js.sourceMapText ?? '');
    writeFileSync(join(root, 'dist', 'package.json'), '{"type":"module"}');

    const tags = findTags(file, source);
    const result = await runCovered(join(root, 'dist', 'model', 'probe.js'), `${pathToFileURL(join(root, 'dist')).href}/`, { name: 'probe', argv: [] });
    expect(result.exitCode).toBe(0);
    const sites = countSites(probes(root, tags), [result.files]);
    const byNumber = Object.fromEntries(sites.map((s) => [s.site.text.split(' ')[0], [s.kind, s.counts[0]]]));
    expect(byNumber).toEqual({
      '6.24': ['function', 3],
      '6.25': ['function', 0],
      '6.26': ['block', 2],
      '6.27': ['types', 0],
      '6.28': ['load', 1],
    });

    const report = executionReport(buildMap(lookup(equationIndex))(tags), [result], sites);
    expect(report.summary).toEqual({ withSites: 5, measurable: 3, executed: 2, neverExecuted: ['6.25'], notMeasurable: ['6.27', '6.28'] });
    expect(report.equations.find((e) => e.number === '6.26')?.reach).toEqual(['probe']);
  });
});
