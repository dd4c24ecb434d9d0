/**
 * Runtime equation coverage: how often the code of each `@gp` site runs. A driver command
 * (`jam-model vectors CLASS`, `jam-model import DIR`) runs in a child process with V8's precise
 * coverage switched on (`NODE_V8_COVERAGE`: call counts and block counts, nothing in the model
 * changes and nothing is counted when it is off); the counts are mapped back onto the tags through
 * the build's source maps.
 *
 * A site's count is read where its code starts (the line after the tag's comment, see `codeLineOf`):
 * - `function`: a function starts there (for curried arrows, the innermost of the chain): its calls;
 *   or a top-level statement holding functions (a codec record): the most called of them;
 * - `block`: a statement inside a function: how often the innermost block around it ran;
 * - `load`: a top-level statement without functions (a constant, a table): evaluated once when its module loads, so it
 *   says nothing about what a run exercised and is not counted as executed;
 * - `types`: the line compiles to nothing (a type, an interface);
 * - `native`: Rust, outside V8 (its TypeScript twin carries the same tags).
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { codeLineOf, type TagSite } from './tags.js';
import type { PaperMap } from './map.js';

export type SiteKind = 'function' | 'block' | 'load' | 'types' | 'native';

/** The part of V8's `Profiler.takePreciseCoverage` result (as `NODE_V8_COVERAGE` writes it) used here. */
interface V8Range {
  readonly startOffset: number;
  readonly endOffset: number;
  readonly count: number;
}
interface V8Script {
  readonly url: string;
  readonly functions: ReadonlyArray<{ readonly ranges: ReadonlyArray<V8Range> }>;
}

/** Where in the built JavaScript a site's code starts; `undefined` offset for `types` and `native`. */
interface Probe {
  readonly site: TagSite;
  readonly url?: string;
  readonly offset?: number;
  /** The end of the probed statement's first line (two lines when the first ends in `=` or `=>`). */
  readonly lineEnd?: number;
  /** For a top-level statement: where the next one starts (the next line that starts at column 0). */
  readonly statementEnd?: number;
  readonly source?: string;
}

/** The first JavaScript offset of each TypeScript line (0-based) that emits code, from the source map. */
const emittedLines = (js: string, map: SourceMap): ReadonlyMap<number, number> => {
  const first = new Map<number, number>();
  let start = 0;
  js.split('\n').forEach((line, j) => {
    const col = line.search(/\S/);
    if (col >= 0) {
      const e = map.findEntry(j, col) as { generatedLine?: number; originalLine?: number };
      if (e.generatedLine === j && e.originalLine !== undefined && !first.has(e.originalLine)) first.set(e.originalLine, start + col);
    }
    start += line.length + 1;
  });
  return first;
};

/** The probes of every site, against the build in `<root>/dist` (throws when it is missing: run `npm run build`). */
export const probes = (root: string, sites: ReadonlyArray<TagSite>): ReadonlyArray<Probe> => {
  const files = new Map<string, { url: string; js: string; emitted: ReadonlyMap<number, number>; lines: ReadonlyArray<string> }>();
  const fileOf = (file: string) => {
    const known = files.get(file);
    if (known !== undefined) return known;
    const jsPath = join(root, 'dist', file.replace(/\.ts$/, '.js'));
    const js = readFileSync(jsPath, 'utf8');
    const map = new SourceMap(JSON.parse(readFileSync(`${jsPath}.map`, 'utf8')));
    const entry = {
      url: pathToFileURL(jsPath).href,
      js,
      emitted: emittedLines(js, map),
      lines: readFileSync(join(root, file), 'utf8').split('\n'),
    };
    files.set(file, entry);
    return entry;
  };
  return sites.map((site) => {
    if (!site.file.endsWith('.ts')) return { site };
    const f = fileOf(site.file);
    const offset = f.emitted.get(codeLineOf(f.lines, site.line - 1));
    if (offset === undefined) return { site };
    const eol = (from: number): number => (f.js.indexOf('\n', from) + 1 || f.js.length + 1) - 1;
    const first = eol(offset);
    const lineEnd = /(?:=|=>)\s*$/.test(f.js.slice(offset, first)) ? eol(first + 1) : first;
    const nextStatement = /\n[^\s})\]]/g;
    nextStatement.lastIndex = offset;
    const statementEnd = nextStatement.exec(f.js)?.index ?? f.js.length;
    return { site, url: f.url, offset, lineEnd, statementEnd, source: f.js };
  });
};

const arrowHead = /^\s*(?:async\s+)?(?:\([^()]*\)|[\w$]+)\s*=>\s*$/;

/** The kind and count of one probe in one script's coverage. */
const measure = (probe: Probe, script: V8Script | undefined): { kind: SiteKind; count: number } => {
  const { offset, lineEnd, statementEnd, source } = probe;
  if (offset === undefined || lineEnd === undefined || statementEnd === undefined || source === undefined)
    return { kind: probe.site.file.endsWith('.rs') ? 'native' : 'types', count: 0 };
  if (script === undefined) return { kind: 'block', count: 0 };
  const fns = script.functions.map((f) => f.ranges[0]).filter((r): r is V8Range => r !== undefined);
  const starting = fns.filter((r) => r.startOffset >= offset && r.startOffset < lineEnd).sort((a, b) => a.startOffset - b.startOffset);
  let fn = starting[0];
  // `(spec) => (state, input) => ...`: the curried inner function is the one each call runs.
  for (let inner = fn; inner !== undefined; ) {
    const outer: V8Range = inner;
    inner = fns
      .filter((r) => r.startOffset > outer.startOffset && r.endOffset <= outer.endOffset)
      .sort((a, b) => a.startOffset - b.startOffset)[0];
    if (inner !== undefined && arrowHead.test(source.slice(outer.startOffset, inner.startOffset))) fn = inner;
    else inner = undefined;
  }
  if (fn !== undefined) return { kind: 'function', count: fn.count };
  let innermost: V8Range | undefined;
  for (const f of script.functions)
    for (const r of f.ranges)
      if (r.startOffset <= offset && offset < r.endOffset && (innermost === undefined || r.endOffset - r.startOffset <= innermost.endOffset - innermost.startOffset))
        innermost = r;
  if (innermost !== undefined && innermost.startOffset > 0) return { kind: 'block', count: innermost.count };
  // A top-level statement: its functions (the members of a codec record, say) are what runs later.
  const inside = fns.filter((r) => r.startOffset > offset && r.endOffset <= statementEnd);
  if (inside.length > 0) return { kind: 'function', count: Math.max(...inside.map((r) => r.count)) };
  return { kind: 'load', count: innermost?.count ?? 0 };
};

/** One measured site: its kind and its count in each run. */
export interface SiteCounts {
  readonly site: TagSite;
  readonly kind: SiteKind;
  readonly counts: ReadonlyArray<number>;
}

const kindOrder: ReadonlyArray<SiteKind> = ['function', 'block', 'load', 'types', 'native'];

/** Maps each run's V8 scripts onto the probes (counts added over the files of one run). */
export const countSites = (ps: ReadonlyArray<Probe>, runs: ReadonlyArray<ReadonlyArray<ReadonlyArray<V8Script>>>): ReadonlyArray<SiteCounts> =>
  ps.map((probe) => {
    let kind: SiteKind = 'native';
    const counts = runs.map((files) => {
      let count = 0;
      for (const scripts of files.length === 0 ? [[]] : files) {
        const m = measure(probe, scripts.find((s) => s.url === probe.url));
        if (kindOrder.indexOf(m.kind) < kindOrder.indexOf(kind)) kind = m.kind;
        count += m.count;
      }
      return count;
    });
    return { site: probe.site, kind, counts };
  });

/** One driver run under coverage. */
export interface Run {
  readonly name: string;
  readonly argv: ReadonlyArray<string>;
}

export interface RunResult {
  readonly run: Run;
  readonly exitCode: number;
  readonly ms: number;
  readonly stderr: string;
  /** The scripts of each coverage file the run wrote (one per process or worker). */
  readonly files: ReadonlyArray<ReadonlyArray<V8Script>>;
}

/** Runs `node <cli> ...argv` with V8 coverage on, and reads what it wrote. Only the project's scripts are kept. */
export const runCovered = (cli: string, distUrl: string, run: Run): Promise<RunResult> => {
  const dir = mkdtempSync(join(tmpdir(), 'jam-coverage-'));
  const started = Date.now();
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...run.argv], {
      env: { ...process.env, NODE_V8_COVERAGE: dir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      try {
        const files = readdirSync(dir)
          .filter((f) => f.endsWith('.json'))
          .map((f) => {
            const { result } = JSON.parse(readFileSync(join(dir, f), 'utf8')) as { result: ReadonlyArray<V8Script> };
            return result.filter((s) => s.url.startsWith(distUrl));
          });
        resolve({ run, exitCode: code ?? 1, ms: Date.now() - started, stderr, files });
      } catch (e) {
        reject(e);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
};

/** The JSON document of `jam-model coverage --json`, read by the docs build. */
export interface ExecutionReport {
  readonly paper: '0.7.2';
  readonly runs: ReadonlyArray<{ readonly name: string; readonly argv: ReadonlyArray<string>; readonly exitCode: number; readonly ms: number }>;
  readonly summary: {
    /** Equations with at least one code site. */
    readonly withSites: number;
    /** Of those, equations with a `function` or `block` site, so that a run can execute them. */
    readonly measurable: number;
    readonly executed: number;
    readonly neverExecuted: ReadonlyArray<string>;
    /** Equations whose sites are only types, load-time constants or Rust. */
    readonly notMeasurable: ReadonlyArray<string>;
  };
  readonly sections: ReadonlyArray<{
    readonly section: string;
    readonly title: string;
    readonly withSites: number;
    readonly measurable: number;
    readonly executed: number;
  }>;
  readonly equations: ReadonlyArray<{
    readonly number: string;
    readonly hits: number;
    /** The runs in which one of its sites ran. */
    readonly reach: ReadonlyArray<string>;
    readonly sites: ReadonlyArray<{
      readonly file: string;
      readonly line: number;
      readonly symbol?: string;
      readonly kind: SiteKind;
      /** Per run name, only the runs that reached it. */
      readonly hits: Readonly<Record<string, number>>;
    }>;
  }>;
}

const counted = (kind: SiteKind): boolean => kind === 'function' || kind === 'block';

export const executionReport = (map: PaperMap, results: ReadonlyArray<RunResult>, sites: ReadonlyArray<SiteCounts>): ExecutionReport => {
  const bySite = new Map(sites.map((s) => [`${s.site.file}:${s.site.line}`, s]));
  const names = results.map((r) => r.run.name);
  const equations = map.index.index.equations.flatMap((e) => {
    const measured = (map.sites.get(e.number) ?? []).flatMap((t) => bySite.get(`${t.file}:${t.line}`) ?? []);
    if (measured.length === 0) return [];
    const live = measured.filter((s) => counted(s.kind));
    const hits = live.reduce((n, s) => n + s.counts.reduce((a, b) => a + b, 0), 0);
    const reach = names.filter((_, i) => live.some((s) => (s.counts[i] ?? 0) > 0));
    return [
      {
        number: e.number,
        section: e.section,
        measurable: live.length > 0,
        hits,
        reach,
        sites: measured.map((s) => ({
          file: s.site.file,
          line: s.site.line,
          ...(s.site.symbol === undefined ? {} : { symbol: s.site.symbol }),
          kind: s.kind,
          hits: Object.fromEntries(names.flatMap((n, i) => ((s.counts[i] ?? 0) > 0 ? [[n, s.counts[i] ?? 0]] : []))),
        })),
      },
    ];
  });
  const tally = (eqs: typeof equations) => ({
    withSites: eqs.length,
    measurable: eqs.filter((e) => e.measurable).length,
    executed: eqs.filter((e) => e.measurable && e.hits > 0).length,
  });
  return {
    paper: '0.7.2',
    runs: results.map((r) => ({ name: r.run.name, argv: r.run.argv, exitCode: r.exitCode, ms: r.ms })),
    summary: {
      ...tally(equations),
      neverExecuted: equations.filter((e) => e.measurable && e.hits === 0).map((e) => e.number),
      notMeasurable: equations.filter((e) => !e.measurable).map((e) => e.number),
    },
    sections: map.index.index.sections.map((s) => ({ section: s.id, title: s.title, ...tally(equations.filter((e) => e.section === s.id)) })),
    equations: equations.map(({ number, hits, reach, sites: ss }) => ({ number, hits, reach, sites: ss })),
  };
};
