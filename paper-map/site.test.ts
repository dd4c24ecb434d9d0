import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lookup } from './equation-index.js';
import { equationIndex } from './equations.js';
import { paperEquations, renderTex } from './paper-tex.js';
import { sharedEquationTable } from './root.js';
import { brokenLinks } from './site.js';
import { scanTestNames } from './test-names.js';

const scratch = mkdtempSync(join(tmpdir(), 'jam-site-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the link check', () => {
  it('reports a missing file and a missing anchor, and accepts what exists', () => {
    const dir = join(scratch, 'links');
    mkdirSync(join(dir, 'src'), { recursive: true });
    writeFileSync(join(dir, 'src', 'a.ts.html'), '<span id="L1">x</span><a href="../index.html#top">up</a>');
    writeFileSync(
      join(dir, 'index.html'),
      '<p id="top"><a href="src/a.ts.html#L1">ok</a> <a href="src/a.ts.html#L2">no line</a> <a href="src/b.ts.html">no file</a> <a href="https://example.org/">external</a> <a href="#top">self</a></p>',
    );
    expect(brokenLinks(dir)).toEqual(['index.html: src/a.ts.html#L2 (no id "L2")', 'index.html: src/b.ts.html (no such file)']);
  });
});

describe('tests naming equations', () => {
  it('reads numbers, lists and ranges in test titles and @gp tags in tests; not version numbers', () => {
    const root = join(scratch, 'names');
    mkdirSync(join(root, 'properties'), { recursive: true });
    writeFileSync(
      join(root, 'properties', 'x.property.test.ts'),
      [
        "it('F.1: a permutation; E.4-E.6 and D.1, 2.5x faster on 0.7.2', () => {});",
        '/** @gp 6.24 -- checked here */',
        "describe('no numbers', () => {});",
      ].join('\n'),
    );
    const names = scanTestNames(root, lookup(equationIndex));
    expect([...names.keys()].sort()).toEqual(['6.24', 'D.1', 'E.4', 'E.5', 'E.6', 'F.1']);
    expect(names.get('6.24')).toEqual([{ file: 'properties/x.property.test.ts', line: 2, title: '@gp 6.24 -- checked here' }]);
  });
});

describe("the paper's LaTeX", () => {
  const table = sharedEquationTable();
  it.skipIf(table === undefined || !existsSync(table))('gives each row of an alignment to its own number, and renders with the paper macros', () => {
    const eqs = paperEquations(table ?? '');
    expect(eqs.size).toBe(equationIndex.equations.length);
    // 4.5-4.20 are the sixteen rows of one align: 4.6 is the second, beta-dagger's dependencies.
    expect(eqs.get('4.6')?.tex).toMatch(/^\\begin\{aligned\}\s*\\recenthistorypostparentstaterootupdate &\\prec/);
    expect(eqs.get('4.6')?.tex).not.toContain('\\safrole');
    const r = renderTex(eqs.get('6.24') ?? { tex: '', macros: {}, file: '', line: 0 });
    expect('html' in r && r.html).toContain('γ');
  });
});
