import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareNumbers, lookup, parseSharedTsv } from './equation-index.js';
import { equationIndex } from './equations.js';
import { runPaperMap } from './cli.js';
import { buildMap, coverage, renderMarkdown, type Coverage } from './map.js';
import { packageRoot, sharedEquationTable } from './root.js';
import { findTags, parseTag, resolveTag, scanTags } from './tags.js';

const idx = lookup(equationIndex);
const numbersOf = (text: string): ReadonlyArray<string> => resolveTag(idx)(parseTag(text)).numbers;
const problemsOf = (text: string): ReadonlyArray<string> => resolveTag(idx)(parseTag(text)).problems;

describe('tag grammar', () => {
  it('reads one number and ignores the words after it', () => {
    expect(parseTag(' 10.7 -- verdict validity')).toEqual({ refs: [{ from: '10.7' }], labels: [], problems: [] });
    expect(numbersOf('A.1 -- epsilon')).toEqual(['A.1']);
    expect(numbersOf('4.5.')).toEqual(['4.5']);
  });

  it('reads lists', () => {
    expect(numbersOf('11.25, 11.26')).toEqual(['11.25', '11.26']);
    expect(numbersOf('11.25,11.26 , C.3 -- three')).toEqual(['11.25', '11.26', 'C.3']);
    // A comma followed by words ends the list without a problem.
    expect(resolveTag(idx)(parseTag('4.5, the header'))).toEqual({ numbers: ['4.5'], problems: [] });
  });

  it('reads ranges, with the section repeated or not, and lists of ranges', () => {
    expect(numbersOf('C.1-C.4')).toEqual(['C.1', 'C.2', 'C.3', 'C.4']);
    expect(numbersOf('C.1-4')).toEqual(['C.1', 'C.2', 'C.3', 'C.4']);
    expect(numbersOf('11.25–11.27')).toEqual(['11.25', '11.26', '11.27']);
    expect(numbersOf('11.25..11.26, 4.5-4.6')).toEqual(['11.25', '11.26', '4.5', '4.6']);
    expect(numbersOf('C.1 - C.3 -- spaced')).toEqual(['C.1', 'C.2', 'C.3']);
    expect(numbersOf('C.1 – C.2, C.5')).toEqual(['C.1', 'C.2', 'C.5']);
    // "--" introduces the description, and a spaced dash needs a full number: neither is a range.
    expect(numbersOf('4.5 -- 4.7 is elsewhere')).toEqual(['4.5']);
    expect(numbersOf('4.5 - 12 validators')).toEqual(['4.5']);
  });

  it('rejects ranges across sections and reversed ranges', () => {
    expect(parseTag('4.5-5.2').problems).toEqual(['range 4.5-5.2 crosses sections']);
    expect(parseTag('4.7-4.5').problems).toEqual(['range 4.7-4.5 is empty or reversed']);
    expect(parseTag('4.7-4.7').problems).toHaveLength(1);
  });

  it('reports a tag with no number, and subsection-like numbers', () => {
    expect(parseTag(' section 10').problems[0]).toMatch(/^no equation number after @gp/);
    expect(parseTag('0.7.2').problems).toHaveLength(1);
    expect(parseTag('B.7.2 -- gas').problems).toEqual(['B.7.2 is not an equation number (equations are numbered <section>.<n>)']);
    expect(parseTag('11.25-11.26.3')).toEqual({ refs: [], labels: [], problems: ['11.25-11.26.3 is not a range of equation numbers'] });
    expect(parseTag('C.1-D').problems).toEqual(['C.1-D is not a range of equation numbers']);
  });

  it('reports unknown numbers, also inside ranges and in sections without equations', () => {
    expect(problemsOf('4.29')).toEqual(['4.29 does not exist: section 4 has 4.1-4.28']);
    expect(problemsOf('16.1')).toEqual(['16.1 does not exist: GP 0.7.2 has no numbered equations in section 16']);
    expect(problemsOf('I.1')).toHaveLength(1);
    const r = resolveTag(idx)(parseTag('H.10-H.12'));
    expect(r.numbers).toEqual(['H.10', 'H.11']);
    expect(r.problems).toEqual(['range H.10-H.12: H.12 does not exist: section H has H.1-H.11']);
  });

  it('checks an eq: label against the numbers it follows', () => {
    const precedes = idx.byNumber.get('3.1')?.label;
    expect(precedes).toBe('eq:precedes');
    expect(parseTag('3.1 (eq:precedes) -- order').labels).toEqual(['eq:precedes']);
    expect(problemsOf('3.1 eq:precedes')).toEqual([]);
    expect(problemsOf('3.1-3.2 [eq:precedes], eq:substituteifnothing')).toEqual([]);
    expect(problemsOf('3.2 eq:precedes')).toEqual(['eq:precedes is equation 3.1, which the tag does not name (3.2)']);
    expect(problemsOf('3.1 eq:nosuchlabel')).toEqual(['eq:nosuchlabel is not a label of a numbered equation']);
  });
});

describe('tag scanner', () => {
  it('finds tags in doc, line and trailing comments, with the symbol they document', () => {
    const ts = [
      '/** @gp 10.7 -- verdict validity */',
      'export const verdictValid = (spec: ChainSpec) => 1;',
      '/**',
      ' * The posterior rho.',
      ' * @gp 10.15, 10.16',
      ' */',
      'export function rhoDagger(',
      '  x: number,',
      '): number {',
      '  // @gp 10.17',
      '  return x;',
      '}',
      'const k = 3; // @gp 4.5',
      '// See `@gp` in the README, and mail@gp.example: neither is a tag.',
      '/** @gp H.10 -- @gp H.11 -- two tags on one line */',
      'export function encode() {}',
    ].join('\n');
    expect(findTags('model/d.ts', ts)).toEqual([
      { file: 'model/d.ts', line: 1, text: '10.7 -- verdict validity', symbol: 'verdictValid' },
      { file: 'model/d.ts', line: 5, text: '10.15, 10.16', symbol: 'rhoDagger' },
      { file: 'model/d.ts', line: 10, text: '10.17', symbol: 'rhoDagger' },
      { file: 'model/d.ts', line: 13, text: '4.5', symbol: 'k' },
      { file: 'model/d.ts', line: 15, text: 'H.10 --', symbol: 'encode' },
      { file: 'model/d.ts', line: 15, text: 'H.11 -- two tags on one line', symbol: 'encode' },
    ]);
  });

  it('qualifies members and locals by the declaration around them', () => {
    const ts = [
      'export const categories = {',
      '  /** @gp A.21 -- one immediate */',
      "  oneImm: 'A.21',",
      '};',
      'export const statistics = (',
      '  spec: ChainSpec,',
      '): number => {',
      '  const s = 1;',
      '  return [s].map((x) => {',
      '    /** @gp 13.16 */',
      '    const R = x + 1;',
      '    return R;',
      '  });',
      '};',
    ].join('\n');
    expect(findTags('model/s.ts', ts).map((t) => t.symbol)).toEqual(['categories.oneImm', 'R in statistics']);
    const rs = ['pub enum Group {', '    /// @gp A.21', '    OneImm,', '}', 'impl Group {', '    /// @gp A.22', '    pub fn width(&self) -> u8 {'];
    expect(findTags('native/pvm/src/g.rs', rs.join('\n')).map((t) => t.symbol)).toEqual(['Group::OneImm', 'Group::width']);
  });

  it('reads Rust doc comments and skips the test module', () => {
    const rs = [
      '/// Reed-Solomon encoding.',
      '/// @gp H.1-H.3',
      '#[inline]',
      'pub fn encode(data: &[u8]) -> Vec<u8> {',
      '    todo!()',
      '}',
      '#[cfg(test)]',
      'mod tests {',
      '    // @gp H.99 is a test, not a code site',
      '    fn t() {',
      '    }',
      '}',
      '/// @gp H.5',
      'pub fn decode() {}',
    ].join('\n');
    expect(findTags('native/erasure/src/lib.rs', rs)).toEqual([
      { file: 'native/erasure/src/lib.rs', line: 2, text: 'H.1-H.3', symbol: 'encode' },
      { file: 'native/erasure/src/lib.rs', line: 13, text: 'H.5', symbol: 'decode' },
    ]);
  });

  it('scans this package: every tag resolves and PAPER-MAP.md is current', () => {
    const map = buildMap(idx)(scanTags(packageRoot()));
    expect(map.problems.map((p) => `${p.site.file}:${p.site.line}: ${p.message}`)).toEqual([]);
    expect(readFileSync(join(packageRoot(), 'paper-map', 'PAPER-MAP.md'), 'utf8')).toBe(renderMarkdown(map));
  });
});

describe('paper map', () => {
  const sites = [
    { file: 'model/a.ts', line: 3, text: 'C.1-C.3', symbol: 'encode' },
    { file: 'model/b.ts', line: 9, text: 'C.2 -- again' },
    { file: 'model/b.ts', line: 12, text: 'C.36' },
  ];
  const map = buildMap(idx)(sites);

  it('lists every site of an equation and reports the unknown one with its file:line', () => {
    expect(map.sites.get('C.2')?.map((s) => s.line)).toEqual([3, 9]);
    expect(map.problems).toEqual([{ site: sites[2], message: 'C.36 does not exist: section C has C.1-C.35' }]);
  });

  it('counts coverage per section', () => {
    const cov = coverage(map);
    expect(cov.equations).toBe(402);
    expect(cov.covered).toBe(3);
    const c = cov.sections.find((s) => s.section === 'C');
    expect(c).toEqual({ section: 'C', title: 'Serialization Codec', equations: 35, covered: 3, percent: 8.6 });
    expect(cov.sections.filter((s) => s.section !== 'C').every((s) => s.covered === 0)).toBe(true);
  });

  it('renders relative links with the symbol', () => {
    const md = renderMarkdown(map);
    expect(md).toContain('| C.2 |  | [model/a.ts:3](../model/a.ts#L3) `encode`<br>[model/b.ts:9](../model/b.ts#L9) |');
    expect(md).toContain('| [C Serialization Codec](#c-serialization-codec) | 35 | 3 | 8.6% |');
  });
});

describe('equation index', () => {
  it('has the 402 numbered equations of GP 0.7.2, in document order, each in its section', () => {
    const eqs = equationIndex.equations;
    expect(eqs).toHaveLength(402);
    expect(new Set(eqs.map((e) => e.number)).size).toBe(402);
    expect([...eqs].sort((a, b) => compareNumbers(a.number, b.number))).toEqual(eqs);
    expect(eqs.every((e) => e.number.startsWith(`${e.section}.`) && idx.sectionTitle.has(e.section))).toBe(true);
    expect(equationIndex.sections.map((s) => s.id).join(' ')).toBe(
      '3 4 5 6 7 8 9 10 11 12 13 14 15 17 18 19 A B C D E F G H',
    );
    // Numbering restarts in each section and has no gaps.
    for (const s of equationIndex.sections) {
      const inSection = eqs.filter((e) => e.section === s.id).map((e) => e.number);
      expect(inSection).toEqual(inSection.map((_, i) => `${s.id}.${i + 1}`));
    }
  });

  const shared = sharedEquationTable();
  it.skipIf(shared === undefined || !existsSync(shared))('equals the shared equation table (numbers, labels, sections)', () => {
    const fromShared = parseSharedTsv(readFileSync(shared ?? '', 'utf8'));
    expect(new Set(equationIndex.equations.map((e) => e.number))).toEqual(new Set(fromShared.equations.map((e) => e.number)));
    expect(equationIndex).toEqual(fromShared);
  });
});

describe('the command', () => {
  const run = (...argv: ReadonlyArray<string>): { code: number; out: string; err: string } => {
    const out: string[] = [];
    const err: string[] = [];
    const code = runPaperMap(argv, { log: (l) => out.push(l), error: (l) => err.push(l) });
    return { code, out: out.join('\n'), err: err.join('\n') };
  };
  const tree = (): string => {
    const root = mkdtempSync(join(tmpdir(), 'paper-map-'));
    mkdirSync(join(root, 'model', 'x'), { recursive: true });
    mkdirSync(join(root, 'paper-map'));
    writeFileSync(join(root, 'model', 'x', 'a.ts'), '/** @gp 4.5, 4.29 -- x */\nexport const a = 1;\n');
    return root;
  };

  it('fails the check on an unknown number, naming file:line, and on a missing or stale map', () => {
    const root = tree();
    try {
      const bad = run('--root', root, '--check');
      expect(bad.code).toBe(1);
      expect(bad.err).toContain('model/x/a.ts:1: @gp 4.5, 4.29 -- x\n    4.29 does not exist: section 4 has 4.1-4.28');
      expect(bad.err).toContain('PAPER-MAP.md is missing: run npm run paper-map');
      expect(run('--root', root, '--check', '--tags-only').err).not.toContain('PAPER-MAP.md');

      writeFileSync(join(root, 'model', 'x', 'a.ts'), '/** @gp 4.5, 4.28 -- x */\nexport const a = 1;\n');
      expect(run('--root', root).code).toBe(0);
      expect(readFileSync(join(root, 'paper-map', 'PAPER-MAP.md'), 'utf8')).toContain('[model/x/a.ts:1](../model/x/a.ts#L1) `a`');
      expect(run('--root', root, '--check')).toMatchObject({ code: 0, err: '' });

      writeFileSync(join(root, 'model', 'x', 'a.ts'), '\n/** @gp 4.5, 4.28 -- x */\nexport const a = 1;\n');
      const stale = run('--root', root, '--check');
      expect(stale.code).toBe(1);
      expect(stale.err).toMatch(/PAPER-MAP\.md is out of date with the @gp tags .*: run npm run paper-map/);
    } finally {
      rmSync(root, { recursive: true });
    }
  });

  it('prints coverage as JSON and writes nothing', () => {
    const root = tree();
    try {
      const r = run('--root', root, '--json');
      expect(r.code).toBe(1);
      const cov = JSON.parse(r.out) as Coverage;
      expect(cov).toMatchObject({ equations: 402, covered: 1, tags: 1 });
      expect(cov.problems).toEqual([{ file: 'model/x/a.ts', line: 1, message: '4.29 does not exist: section 4 has 4.1-4.28' }]);
      expect(cov.sections.find((s) => s.section === '4')).toMatchObject({ equations: 28, covered: 1 });
      expect(existsSync(join(root, 'paper-map', 'PAPER-MAP.md'))).toBe(false);
      expect(run('--nonsense').code).toBe(2);
    } finally {
      rmSync(root, { recursive: true });
    }
  });
});
